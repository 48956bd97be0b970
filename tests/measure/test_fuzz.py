"""The fuzzing harness: its mutations change what they say, and a short run finds no crash and no hang."""

from __future__ import annotations

import io
import json
import random
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from gongkai.batch.budget import can_isolate
from gongkai.limits import MIB, Limits
from gongkai.measure import fuzz
from gongkai.measure.fuzz import FORMS, corpus_seeds, mutate, run_fuzz

from ..conftest import CORPUS, shared_or_skip

pytestmark = pytest.mark.skipif(not can_isolate(), reason="the harness forks a child per input")


@pytest.fixture(scope="module")
def seeds() -> dict[str, list[tuple[str, bytes]]]:
    found = corpus_seeds(shared_or_skip(CORPUS), FORMS)
    assert set(found) == set(FORMS)
    return found


def _rng() -> random.Random:
    return random.Random(7)


def test_seeds_come_from_the_real_corpus(seeds: dict[str, list[tuple[str, bytes]]]) -> None:
    names = {form: [name for name, _ in found] for form, found in seeds.items()}
    assert "011_pingtan-zhqsyq-2022.txt" in names["txt"] and "004_shuyang-xian-2025.md" in names["txt"]
    assert names["html"] == ["015_shuyang-xian-fgj-2023.html"]
    assert "001_huaian-hongze-qu-2023.pdf" in names["pdf"] and "001_huaian-hongze-qu-2023-p3.pdf" in names["pdf"]
    assert names["image"] == ["scan.png", "scan.jpeg", "scan.tiff"]
    for name, data in seeds["docx"]:  # rendered from corpus reports' tables
        assert name.endswith(".docx") and b"w:tbl" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def test_an_html_span_is_set_on_a_cell() -> None:
    page = b"<table><tr><td colspan=2>a</td><td>b</td></tr></table>"
    out = {fuzz.html_span(page, random.Random(n)) for n in range(30)}
    assert any(re.search(rb'<td (colspan|rowspan)="(1000|65535|100000|300000000)"', o) for o in out)
    assert all(o.count(b"<td") == 2 and o.count(b"colspan=2") <= 1 for o in out)


def test_an_html_span_bomb_and_deep_nesting_are_inserted() -> None:
    rng = _rng()
    bombs = [fuzz.html_span_bomb(b"<p>x</p>", rng) for _ in range(20)]
    assert any(b.count(b'colspan="1000"') >= 100 for b in bombs) and all(len(b) < 12 * MIB for b in bombs)
    nested = fuzz.html_nesting(b"<p>x</p>", rng)
    assert nested.count(b"<") >= 200


def _document_xml(package: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(package)).read("word/document.xml")


def test_word_rows_get_grid_before_and_cells_spans_and_merges(seeds: dict[str, list[tuple[str, bytes]]]) -> None:
    xml = _document_xml(seeds["docx"][0][1])
    rng = _rng()
    before = [fuzz.word_grid_before(xml, rng) for _ in range(10)]
    assert all(re.search(rb'<w:trPr><w:grid(Before|After) w:val="[^"]*"/></w:trPr>', b) for b in before)
    merged = [fuzz.word_cell_property(xml, rng) for _ in range(20)]
    assert any(b"<w:vMerge" in m for m in merged) and any(
        m.count(b"<w:gridSpan") > xml.count(b"<w:gridSpan") for m in merged
    )
    package = fuzz.docx_mutate(seeds["docx"][0][1], rng)
    assert _document_xml(package) != xml or package == seeds["docx"][0][1]


def test_pdf_mutations_touch_boxes_counts_and_streams(seeds: dict[str, list[tuple[str, bytes]]]) -> None:
    data = dict(seeds["pdf"])["001_huaian-hongze-qu-2023-p3.pdf"]
    rng = _rng()
    boxes = {fuzz.pdf_mediabox(data, rng) for _ in range(10)}
    assert all(b != data for b in boxes)
    assert fuzz.pdf_count(data, rng) != data
    assert any(fuzz.pdf_stream(data, rng) != data for _ in range(5))
    many = [fuzz.pdf_blank_pages(data, random.Random(n)) for n in range(6)]
    counts = {len(pdfium.PdfDocument(m)) for m in many}
    assert counts & {201, 1001, 2000} and 1 in counts


def test_an_image_header_gets_a_huge_size_with_a_valid_checksum(seeds: dict[str, list[tuple[str, bytes]]]) -> None:
    png = dict(seeds["image"])["scan.png"]
    out = fuzz.image_header(png, _rng())
    width, height = struct.unpack(">II", out[16:24])
    assert (width, height) != struct.unpack(">II", png[16:24])
    assert struct.unpack(">I", out[29:33])[0] == zlib.crc32(out[12:29])


def test_the_same_seed_makes_the_same_inputs(seeds: dict[str, list[tuple[str, bytes]]]) -> None:
    data = seeds["txt"][0][1]
    assert mutate(data, "txt", random.Random(5)) == mutate(data, "txt", random.Random(5))
    assert all(len(mutate(data, "html", random.Random(n))) <= fuzz.LARGEST_INPUT + 12 * MIB for n in range(20))


def test_a_short_run_finds_no_uncaught_error_and_no_hang(
    seeds: dict[str, list[tuple[str, bytes]]], tmp_path: Path
) -> None:
    quick = {form: found for form, found in seeds.items() if form != "image"}
    quick["pdf"] = [
        (n, d) for n, d in quick["pdf"] if n.endswith("-p3.pdf")
    ]  # one page: OCR of a damaged page stays cheap
    summary = run_fuzz(
        quick, Limits(max_seconds=20, max_memory=1024 * MIB), inputs=300, seconds=40, seed=2, out=tmp_path
    )
    assert summary.inputs >= 80, summary.to_json()  # 300 unless the machine is very slow
    assert not summary.crashes and not summary.hangs and not summary.memory, summary.lines()
    assert set(summary.by_form) == {"txt", "html", "docx", "pdf"}
    assert summary.outcomes["report"] > 0 and sum(summary.outcomes.values()) == summary.inputs
    assert 0 < summary.peak_memory < 1024 * MIB
    assert not list(tmp_path.iterdir())  # reproducers only for failures


def test_a_crash_is_written_out_as_a_reproducer(
    seeds: dict[str, list[tuple[str, bytes]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(data: bytes, name: str, limits: Limits | None = None) -> object:
        raise IndexError("a reader bug")

    monkeypatch.setattr(fuzz, "read_and_check_bytes", broken)
    summary = run_fuzz({"txt": seeds["txt"][:1]}, Limits(max_seconds=10), inputs=2, seed=1, out=tmp_path)
    assert len(summary.crashes) == 2 and summary.outcomes == {"crash IndexError": 2}
    reproducer = Path(summary.crashes[0])
    why = reproducer.with_name(reproducer.name + ".why.txt").read_text(encoding="utf-8")
    assert "IndexError: a reader bug" in why and "read_and_check_bytes" in why
    assert reproducer.read_bytes() != seeds["txt"][0][1] or reproducer.stat().st_size > 0


def test_a_hang_is_counted_and_written_out(
    seeds: dict[str, list[tuple[str, bytes]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stuck(data: bytes, name: str, limits: Limits | None = None) -> object:
        while True:
            pass

    monkeypatch.setattr(fuzz, "read_and_check_bytes", stuck)
    summary = run_fuzz({"txt": seeds["txt"][:1]}, Limits(max_seconds=1), inputs=1, seed=1, out=tmp_path)
    assert len(summary.hangs) == 1 and summary.outcomes == {"hang": 1}
    assert "Limits.max_seconds" in Path(summary.hangs[0] + ".why.txt").read_text(encoding="utf-8")


def test_the_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    corpus = str(shared_or_skip(CORPUS))
    args = ["--inputs", "4", "--forms", "txt", "--seed", "3", "--corpus", corpus, "--out", str(tmp_path), "--json"]
    assert fuzz.main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["inputs"] == 4 and result["crashes"] == 0 and result["hangs"] == 0 and result["seed"] == 3
    assert fuzz.main(["--forms", "txt,exe", "--corpus", corpus]) == 2
    assert "不认识的来源形式 exe" in capsys.readouterr().err
    assert fuzz.main(["--inputs", "2", "--forms", "txt", "--corpus", corpus]) == 0
    assert "未捕获的错误 uncaught errors: 0" in capsys.readouterr().out
