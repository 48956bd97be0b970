"""The hostile inputs of issue 13, made here (nothing large is committed), each read under the per-file budget.

Every file is read the way a batch worker reads it (``run_budgeted``: a child process under a time and a
memory limit), so a regression shows as a failed budget, not as a test run that hangs or eats the machine.
The last test puts them all in one batch beside the corpus seeds.
"""

from __future__ import annotations

import io
import resource
import struct
import time
import zlib
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from docx.oxml.ns import qn

from gongkai.batch import IngestOptions, ingest, work
from gongkai.batch.budget import can_isolate, run_budgeted
from gongkai.batch.executors import InlineExecutor
from gongkai.errors import GongkaiError
from gongkai.ingest import load_bytes
from gongkai.limits import MIB, Limits
from gongkai.store.repository import Repository

from ..conftest import CORPUS, shared_or_skip

pytestmark = pytest.mark.skipif(not can_isolate(), reason="the budget forks a child per file")

BUDGET = Limits(max_seconds=60, max_memory=1024 * MIB)


# --- the hostile files ---------------------------------------------------------------------------


def span_bomb() -> bytes:
    """One row of 1,000 ``colspan=1000`` cells over 2,000 rows: 61 KB that once took minutes and a MemoryError."""
    wide = '<td colspan="1000">1</td>' * 1000
    return f"<html><body><table><tr>{wide}</tr>{'<tr><td>1</td></tr>' * 2000}</table></body></html>".encode()


def rowspan_bomb() -> bytes:
    """A cell with ``rowspan=100000`` over 2,000 rows (once 2 GB)."""
    rows = "<tr><td>1</td></tr>" * 2000
    return f'<html><body><table><tr><td rowspan="100000">x</td><td>1</td></tr>{rows}</table></body></html>'.encode()


def grid_before_docx(value: str = "300000000") -> bytes:
    """A Word table whose second row starts with ``w:gridBefore`` of 300 million (a 37 KB file once took 24 GB)."""
    document = docx.Document()
    document.add_paragraph("2023年政府信息公开工作年度报告")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"{r}{c}"
    tr = table.rows[1]._tr
    properties = tr.get_or_add_trPr()
    properties.append(properties.makeelement(qn("w:gridBefore"), {qn("w:val"): value}))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def frames_tiff(frames: int = 301, side: int = 4000) -> bytes:
    """A TIFF of ``frames`` blank ``side``×``side`` pages sharing one deflated strip (46 KB; 4.8 GB decoded)."""
    strip = zlib.compress(b"\xff" * side * side, 9)
    tags = [(256, 3, side), (257, 3, side), (258, 3, 8), (259, 3, 8), (262, 3, 1), (273, 4, 8), (278, 3, side)]
    tags.append((279, 4, len(strip)))
    size = 2 + 12 * len(tags) + 4
    first = 8 + len(strip)
    out = bytearray(b"II*\x00" + struct.pack("<I", first) + strip)
    for i in range(frames):
        following = first + (i + 1) * size if i + 1 < frames else 0
        out += struct.pack("<H", len(tags))
        for tag, kind, value in tags:
            out += struct.pack("<HHI", tag, kind, 1) + struct.pack(
                "<HH" if kind == 3 else "<I", *(value, 0)[: 2 if kind == 3 else 1]
            )
        out += struct.pack("<I", following)
    return bytes(out)


def blank_pdf(pages: int, width: float = 595, height: float = 842) -> bytes:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(width, height)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def _load(data: bytes, name: str, limits: Limits) -> str:
    """How loading ends: ``read``, or the limit that refused it (the Chinese problem after a tab)."""
    try:
        load_bytes(data, name, limits)
    except GongkaiError as exc:
        return f"{getattr(exc, 'limit', type(exc).__name__)}\t{exc}"
    return "read"


def _budgeted(data: bytes, name: str, limits: Limits = BUDGET) -> tuple[str, float, int]:
    outcome = run_budgeted(_load, (data, name, limits), limits)
    assert outcome.ok, (outcome.failure, outcome.trace)
    return outcome.value, outcome.seconds, outcome.peak_memory


# --- one by one ----------------------------------------------------------------------------------


def test_the_html_span_bomb_is_refused_by_the_grid_budget() -> None:
    data = span_bomb()
    assert len(data) < 64 * 1024
    result, seconds, peak = _budgeted(data, "span.html")
    assert result.startswith("max_grid_cells\tspan.html: 表格共 201000 格，超过上限 200000 格")
    print(f"{seconds:.1f} s, peak {peak >> 20} MiB")  # the budget bounds the time; a figure, not a test
    assert peak < 512 * MIB


def test_a_rowspan_of_100000_stays_small() -> None:
    result, seconds, peak = _budgeted(rowspan_bomb(), "rowspan.html")
    assert result == "read" or result.startswith("max_grid_cells")
    print(f"{seconds:.1f} s, peak {peak >> 20} MiB")  # the budget bounds the time; a figure, not a test
    assert peak < 512 * MIB


def test_word_grid_before_of_300_million_stays_small() -> None:
    data = grid_before_docx()
    result, seconds, peak = _budgeted(data, "grid.docx")
    # the skipped columns are counted, never laid out: 3 rows × 300 million slots
    assert result.startswith("max_grid_cells\tgrid.docx: 表格共 900000009 格，超过上限 200000 格")
    print(f"{seconds:.1f} s, peak {peak >> 20} MiB")  # the budget bounds the time; a figure, not a test
    assert peak < 512 * MIB


def test_a_301_frame_4000_square_tiff_is_refused_before_its_frames_are_decoded() -> None:
    data = frames_tiff()
    assert len(data) < 64 * 1024
    result, seconds, peak = _budgeted(data, "scan.tif")
    assert result.startswith("max_frames\tscan.tif: 图像文件有 301 帧，超过上限 200 帧")
    print(f"{seconds:.1f} s, peak {peak >> 20} MiB")  # the budget bounds the time; a figure, not a test
    assert (
        peak < 1024 * MIB
    )  # the child's peak includes what the test process holds; all frames decoded would be 4.8 GB
    wider = Limits(max_seconds=60, max_memory=1024 * MIB, max_frames=1000)
    result, seconds, peak = _budgeted(data, "scan.tif", wider)
    assert result.startswith("max_ocr_pages\tscan.tif: 需要文字识别的页面有 301 页，超过上限 200 页")
    print(f"{seconds:.1f} s, peak {peak >> 20} MiB")  # the budget bounds the time; a figure, not a test
    assert peak < 1024 * MIB


def test_a_2000_page_blank_scan_is_refused_at_once() -> None:
    data = blank_pdf(2000)
    result, seconds, _ = _budgeted(data, "blank.pdf")
    assert result.startswith("max_pages\tblank.pdf: PDF 有 2000 页，超过上限 1000 页")
    print(f"{seconds:.1f} s")
    started = time.perf_counter()
    result, seconds, peak = _budgeted(data, "blank.pdf", Limits(max_seconds=60, max_memory=1024 * MIB, max_pages=5000))
    assert result.startswith("max_ocr_pages\tblank.pdf: 需要文字识别的页面有 2000 页，超过上限 200 页")
    print(
        f"refused in {seconds:.1f} s ({time.perf_counter() - started:.1f} s in all)"
    )  # counted before any page is drawn
    assert peak < 512 * MIB


def test_a_blank_page_of_14400_points_is_refused_before_it_is_drawn() -> None:
    data = blank_pdf(1, 14_400, 14_400)
    result, seconds, peak = _budgeted(data, "huge.pdf")
    assert result.startswith("max_page_pixels\thuge.pdf: 第 1 页：页面图像有")
    print(f"{seconds:.1f} s, peak {peak >> 20} MiB")  # the budget bounds the time; a figure, not a test
    assert peak < 1024 * MIB


# --- all in one batch ----------------------------------------------------------------------------

SEEDS = CORPUS / "seeds"


def _glued(seed: bytes, digits: str) -> bytes:
    """A seed report with a long run of digits on its second line (glued digits, a number too long for any column)."""
    return seed.replace(b"\n", f"\n{digits}\n".encode(), 1)


def _spin_for(names: set[str]) -> object:
    real = work.read_and_check_bytes

    def reader(data: bytes, name: str, limits: Limits | None = None) -> object:
        if Path(name).name in names:
            # a reader stuck on this file: only the time budget ends it (the bound is a guard for the suite)
            stop = time.monotonic() + 600
            while time.monotonic() < stop:
                pass
        if Path(name).name == "greedy.txt":
            return len(bytearray(4096 * MIB))
        return real(data, name, limits)

    return reader


def test_a_batch_of_every_hostile_file_and_the_seeds(
    tmp_path: Path, repository: Repository, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = sorted(shared_or_skip(SEEDS).glob("*.txt"))
    folder = tmp_path / "batch"
    folder.mkdir()
    for seed in seeds:
        (folder / seed.name).write_bytes(seed.read_bytes())
    base = seeds[0].read_bytes()
    hostile = {
        "span.html": span_bomb(),
        "rowspan.html": rowspan_bomb(),
        "grid.docx": grid_before_docx(),
        "frames.tif": frames_tiff(),
        "blank2000.pdf": blank_pdf(2000),
        "huge-page.pdf": blank_pdf(1, 14_400, 14_400),
        "bomb.png": png_header(13_400, 13_400),  # 179 Mpx: Pillow's own bomb guard
        "glued100.txt": _glued(base, "1" * 100),
        "digits4400.txt": _glued(base, "7" * 4400),
        "circled.txt": _glued(base, "12⑤²34"),
        "slow.txt": base + b"\n",
        "greedy.txt": base + b"\n\n",
    }
    for name, data in hostile.items():
        (folder / name).write_bytes(data)
    monkeypatch.setattr(work, "read_and_check_bytes", _spin_for({"slow.txt"}))
    # a pool worker has one thread and reads each file in a child under the budget; this test runs the batch
    # inline, in a pytest process that earlier tests may have left with threads (a server's), so it says so
    monkeypatch.setattr(work, "can_isolate", lambda: True)
    limits = Limits(max_seconds=20, max_memory=1024 * MIB)
    started = time.perf_counter()
    summary = ingest([folder], repository, InlineExecutor(), IngestOptions(limits=limits))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    with capsys.disabled():
        print(f"\n  batch of {summary.sources} files: {seconds:.1f} s, peak memory of one file {peak / MIB:.0f} MiB")
    failed = {Path(name).name: error for name, error in summary.failed}
    expected = {
        "span.html": "Limits.max_grid_cells",
        "grid.docx": "Limits.max_grid_cells",
        "frames.tif": "Limits.max_frames",
        "blank2000.pdf": "Limits.max_pages",
        "huge-page.pdf": "Limits.max_page_pixels",
        "bomb.png": "疑似解压炸弹",
        "slow.txt": "读取超时：上限 20 秒（Limits.max_seconds），已终止",
        "greedy.txt": "读取所需内存超过上限 1024.0 MiB（Limits.max_memory），已终止",
    }
    for name, words in expected.items():
        assert words in failed.pop(name), name
    # what is left failed, if anything, failed with a reason in Chinese, never as an internal error
    assert set(failed) <= {"rowspan.html"}, failed
    assert all(not error.startswith(work.INTERNAL_ERROR) for error in failed.values())
    assert summary.sources == len(seeds) + len(hostile)
    assert summary.read == summary.sources - len(summary.failed)  # every seed stored, the glued ones too
    assert summary.read >= len(seeds) + 3
    print(f"{seconds:.1f} s, peak {peak >> 20} MiB")  # the budget bounds the time; a figure, not a test
    assert peak < 1024 * MIB + 512 * MIB
