"""The fuzzing harness: mutated real sources of every form through ``read_and_check_bytes``, under the budget.

    python -m gongkai.measure.fuzz --inputs 100000 --seconds 1200 --forms txt,html,docx,pdf,image --seed 1 --jobs 2

Seeds come from the real corpus (``--corpus``, default ``../shared/corpus``): its text and Markdown
reports, its HTML page, its PDFs (whole, and single pages), a DOCX rendered from a corpus report's
tables, and small PNG/JPEG/TIFF strips of a PDF page. Each input is a seed changed by a few
mutations, chosen by a ``random.Random(seed)`` so a run is repeatable:

- every form: bytes truncated, flipped, inserted, duplicated;
- HTML: ``colspan``/``rowspan`` set to huge or odd values, span bombs (many wide cells over many
  rows), deep nesting, rows repeated, tags cut;
- DOCX (``word/document.xml``): ``w:gridBefore``/``w:gridAfter``/``w:gridSpan`` with huge values,
  ``w:vMerge`` restarts and continuations, rows and cells repeated, tables nested, XML cut;
- PDF: ``/MediaBox`` sizes (huge, negative, inverted), ``/Count`` page counts, streams broken or
  their ``/Length`` wrong, objects repeated, the cross-reference table damaged, many blank pages;
- images: header sizes and frame counts changed.

Each input is read under the per-file budget (``--max-seconds``, ``--max-memory``): by default by
``--jobs`` long-lived worker processes that read many inputs in a row, watched by the parent, which
kills and replaces a worker past the time budget (``batch.budget_pool``); with ``--fork`` in a child
forked for each input (``batch.budget.run_budgeted``: slower, the most isolated). The outcome is
a Report or a ``GongkaiError``; anything else is a crash: the input and its traceback are written
to ``--out`` as a reproducer. An input that overruns the time budget is a hang, one that overruns
the memory budget a memory failure (also written out). The run prints inputs tried, crashes,
hangs, memory failures and peak memory.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import itertools
import json
import random
import re
import sys
import time
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..api import read_and_check_bytes
from ..batch.budget import Outcome, run_budgeted
from ..errors import GongkaiError
from ..limits import MIB, Limits

FORMS = ("txt", "html", "docx", "pdf", "image")
DEFAULT_CORPUS = Path("../shared/corpus")
Seed = tuple[str, bytes]  # (name with the form's suffix, bytes)
LARGEST_INPUT = 2 * MIB  # a mutation growing an input past this is dropped (a large input only slows the run)


# --- seeds from the real corpus ------------------------------------------------------------------


def corpus_seeds(corpus: Path, forms: Sequence[str]) -> dict[str, list[Seed]]:
    """The seeds of each form, made from the files under ``corpus`` (seeds/ and dev/)."""
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    by_suffix: dict[str, list[Path]] = {}
    for path in files:
        by_suffix.setdefault(path.suffix.lower(), []).append(path)
    seeds: dict[str, list[Seed]] = {}
    texts = by_suffix.get(".txt", []) + by_suffix.get(".md", [])
    pdfs = by_suffix.get(".pdf", [])
    if "txt" in forms:
        seeds["txt"] = [(p.name, p.read_bytes()) for p in texts]
    if "html" in forms:
        seeds["html"] = [(p.name, p.read_bytes()) for p in by_suffix.get(".html", []) + by_suffix.get(".htm", [])]
    if "docx" in forms:
        seeds["docx"] = [(p.name, p.read_bytes()) for p in by_suffix.get(".docx", [])]
        seeds["docx"] += [(f"{p.stem}.docx", d) for p in texts[:4] if (d := _docx_of(p.read_bytes(), p.name))]
    if "pdf" in forms:
        seeds["pdf"] = [(p.name, p.read_bytes()) for p in pdfs]
        seeds["pdf"] += [(f"{p.stem}-p{n + 1}.pdf", _pdf_page(p.read_bytes(), n)) for p in pdfs[:1] for n in (0, 2)]
    if "image" in forms and pdfs:
        strip = _strip(pdfs[0].read_bytes())
        seeds["image"] = [(f"scan.{kind.lower()}", _image(strip, kind)) for kind in ("PNG", "JPEG", "TIFF")]
    return {form: found for form, found in seeds.items() if found}


def _docx_of(text: bytes, name: str) -> bytes | None:
    """A DOCX of the tables a text report holds (rendered the way ``gongkai`` renders reports)."""
    from ..api import read_bytes
    from ..render.docx import render_tables_docx

    try:
        report = read_bytes(text, name)
    except GongkaiError:
        return None
    if report.format is None:
        return None
    values = {cid: cell.value for cid, cell in report.cells.items()}
    package = render_tables_docx(report.format.id, values)
    with zipfile.ZipFile(io.BytesIO(package)) as unpacked:
        return package if b"<w:tbl>" in unpacked.read("word/document.xml") else None  # tables to mutate


def _pdf_page(data: bytes, number: int) -> bytes:
    import pypdfium2 as pdfium

    source = pdfium.PdfDocument(data)
    out = pdfium.PdfDocument.new()
    out.import_pages(source, [min(number, len(source) - 1)])
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _strip(data: bytes) -> object:
    """A strip of the first page (text and a ruling line) as a small grey image: OCR of it stays cheap."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(data)[0]
    return page.render(scale=0.5, grayscale=True, crop=(60, 600, 60, 100)).to_pil()


def _image(strip: object, kind: str) -> bytes:
    buffer = io.BytesIO()
    strip.save(buffer, format=kind)  # type: ignore[attr-defined]
    return buffer.getvalue()


# --- mutations -----------------------------------------------------------------------------------

Mutator = Callable[[bytes, random.Random], bytes]
HUGE = (0, 1, 2, 40, 999, 1000, 1001, 65535, 100_000, 2**31 - 1, 2**31, 300_000_000, 10**12, -1, -5)
ODD = ("", " ", "abc", "1e9", "0x10", "²", "⑤", "٣", "1.5", "99999999999999999999999")


def _value(rng: random.Random) -> str:
    return str(rng.choice(HUGE)) if rng.random() < 0.8 else rng.choice(ODD)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 8, 64))):
        if out:
            out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def insert(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    junk = rng.choice((rng.randbytes(rng.randint(1, 64)), b"\xff", b"\x00" * 16, "①②³٣".encode(), b"9" * 5000))
    return data[:at] + junk + data[at:]


def duplicate(data: bytes, rng: random.Random) -> bytes:
    if not data:
        return data
    at = rng.randrange(len(data))
    size = rng.randint(1, 4096)
    return data[:at] + data[at : at + size] * rng.choice((2, 3, 20)) + data[at + size :]


BYTES: tuple[Mutator, ...] = (truncate, flip, insert, duplicate)

_CELL_TAG = re.compile(rb"<t[dh]\b[^>]*>", re.IGNORECASE)
_ROW = re.compile(rb"<tr\b.*?</tr>", re.IGNORECASE | re.DOTALL)
_ANY_TAG = re.compile(rb"<[a-zA-Z][^>]*>")


def _pick(pattern: re.Pattern[bytes], data: bytes, rng: random.Random) -> re.Match[bytes] | None:
    found = list(pattern.finditer(data))
    return rng.choice(found) if found else None


def html_span(data: bytes, rng: random.Random) -> bytes:
    """A ``colspan``/``rowspan`` of a huge or odd value on one cell."""
    m = _pick(_CELL_TAG, data, rng)
    if m is None:
        return data
    attribute = rng.choice((b"colspan", b"rowspan"))
    tag = re.sub(rb"\s(colspan|rowspan)\s*=\s*[\"']?[^\s>\"']*[\"']?", b"", m.group(0), flags=re.IGNORECASE)
    tag = tag[:3] + b" " + attribute + b'="' + _value(rng).encode() + b'"' + tag[3:]
    return data[: m.start()] + tag + data[m.end() :]


def html_span_bomb(data: bytes, rng: random.Random) -> bytes:
    """A table of wide cells over many rows (each span capped, the grid they make not)."""
    cells = rng.choice((10, 100, 1000))
    rows = rng.choice((10, 200, 2000))
    row = b"<tr>" + b'<td colspan="1000">1</td>' * cells + b"</tr>"
    bomb = b"<table>" + row * min(rows, 400_000 // cells) + b"</table>"
    if rng.random() < 0.3:
        bomb = b'<table><tr><td rowspan="100000">x</td></tr>' + b"<tr><td>1</td></tr>" * 200 + b"</table>"
    at = rng.randrange(len(data) + 1)
    return data[:at] + bomb + data[at:]


def html_nesting(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice((100, 1000, 5000))
    opener, closer = rng.choice(((b"<div>", b"</div>"), (b"<table><tr><td>", b"</td></tr></table>"), (b"<b>", b"")))
    at = rng.randrange(len(data) + 1)
    return data[:at] + opener * depth + b"1" + closer * depth + data[at:]


def html_rows(data: bytes, rng: random.Random) -> bytes:
    m = _pick(_ROW, data, rng)
    if m is None:
        return data
    return data[: m.start()] + m.group(0) * rng.choice((2, 50, 500)) + data[m.end() :]


def html_cut_tag(data: bytes, rng: random.Random) -> bytes:
    m = _pick(_ANY_TAG, data, rng)
    if m is None:
        return data
    return data[: m.start()] + m.group(0)[: rng.randrange(1, len(m.group(0)))] + data[m.end() :]


HTML: tuple[Mutator, ...] = (html_span, html_span, html_span_bomb, html_nesting, html_rows, html_cut_tag)

_W_VAL = re.compile(rb'(<w:(?:gridSpan|gridBefore|gridAfter|gridCol|tblW|tcW|sz)\b[^>]*w:(?:val|w)=")([^"]*)(")')
_W_TR = re.compile(rb"<w:tr\b.*?</w:tr>", re.DOTALL)
_W_TC = re.compile(rb"<w:tc\b.*?</w:tc>", re.DOTALL)
_W_TC_PR = re.compile(rb"<w:tcPr>|<w:tc>")
_W_TR_OPEN = re.compile(rb"<w:tr\b[^>]*>")


def word_value(xml: bytes, rng: random.Random) -> bytes:
    m = _pick(_W_VAL, xml, rng)
    if m is None:
        return xml
    return xml[: m.start(2)] + _value(rng).encode() + xml[m.end(2) :]


def word_grid_before(xml: bytes, rng: random.Random) -> bytes:
    """``w:gridBefore``/``w:gridAfter`` of a huge value on one row."""
    m = _pick(_W_TR_OPEN, xml, rng)
    if m is None:
        return xml
    kind = rng.choice((b"gridBefore", b"gridAfter"))
    properties = b"<w:trPr><w:" + kind + b' w:val="' + _value(rng).encode() + b'"/></w:trPr>'
    return xml[: m.end()] + properties + xml[m.end() :]


def word_cell_property(xml: bytes, rng: random.Random) -> bytes:
    """A ``w:gridSpan`` or a ``w:vMerge`` (restart or continue) on one cell."""
    m = _pick(_W_TC_PR, xml, rng)
    if m is None:
        return xml
    choice = rng.random()
    if choice < 0.4:
        added = b'<w:gridSpan w:val="' + _value(rng).encode() + b'"/>'
    elif choice < 0.7:
        added = b'<w:vMerge w:val="restart"/>'
    else:
        added = b"<w:vMerge/>"
    if m.group(0) == b"<w:tc>":
        return xml[: m.end()] + b"<w:tcPr>" + added + b"</w:tcPr>" + xml[m.end() :]
    return xml[: m.end()] + added + xml[m.end() :]


def word_repeat(xml: bytes, rng: random.Random) -> bytes:
    m = _pick(rng.choice((_W_TR, _W_TC)), xml, rng)
    if m is None:
        return xml
    return xml[: m.start()] + m.group(0) * rng.choice((2, 20, 200)) + xml[m.start() :]


def word_nest(xml: bytes, rng: random.Random) -> bytes:
    """A table nested in a cell of itself, a few levels deep."""
    m = _pick(re.compile(rb"<w:tbl>.*?</w:tbl>", re.DOTALL), xml, rng)
    if m is None:
        return xml
    table = m.group(0)
    for _ in range(rng.choice((1, 3, 8))):
        cell = _W_TC.search(table)
        if cell is None:
            break
        inner = cell.group(0).replace(b"</w:tc>", table + b"<w:p/></w:tc>", 1)
        table = table[: cell.start()] + inner + table[cell.end() :]
        if len(table) > 4 * MIB:
            break
    return xml[: m.start()] + table + xml[m.end() :]


WORD_XML: tuple[Mutator, ...] = (
    word_value,
    word_grid_before,
    word_cell_property,
    word_cell_property,
    word_repeat,
    word_nest,
    truncate,
)


def docx_mutate(data: bytes, rng: random.Random) -> bytes:
    """A mutation of ``word/document.xml`` inside the package (or of the package's bytes)."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    except Exception:
        return rng.choice(BYTES)(data, rng)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, body in members:
            if name == "word/document.xml":
                body = rng.choice(WORD_XML)(body, rng)
            out.writestr(name, body)
    return buffer.getvalue()


DOCX: tuple[Mutator, ...] = (docx_mutate, docx_mutate, docx_mutate, docx_mutate, *BYTES)

_MEDIABOX = re.compile(rb"/(?:MediaBox|CropBox)\s*\[([^\]]*)\]")
_COUNT = re.compile(rb"/Count\s+(\d+)")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_LENGTH = re.compile(rb"/Length\s+(\d+)")
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b.*?endobj", re.DOTALL)
_NUMBERS = (b"0", b"-1", b"1", b"14400", b"200000", b"1e9", b"99999999999", b"-14400", b"nan", b"3.4e38")


def pdf_mediabox(data: bytes, rng: random.Random) -> bytes:
    m = _pick(_MEDIABOX, data, rng)
    if m is None:
        return data
    box = b" ".join(rng.choice(_NUMBERS) if rng.random() < 0.5 else b"0" for _ in range(4))
    if rng.random() < 0.5:
        box = b"0 0 " + rng.choice(_NUMBERS) + b" " + rng.choice(_NUMBERS)
    return data[: m.start(1)] + box + data[m.end(1) :]


def pdf_count(data: bytes, rng: random.Random) -> bytes:
    m = _pick(_COUNT, data, rng)
    if m is None:
        return data
    return data[: m.start(1)] + str(rng.choice((0, 2, 1001, 2000, 10**6, 2**31))).encode() + data[m.end(1) :]


def pdf_stream(data: bytes, rng: random.Random) -> bytes:
    """A stream's bytes broken (flipped, cut, junk) or its ``/Length`` wrong."""
    if rng.random() < 0.3:
        m = _pick(_LENGTH, data, rng)
        if m is None:
            return data
        return data[: m.start(1)] + str(rng.choice((0, 1, 10**9, 2**31))).encode() + data[m.end(1) :]
    m = _pick(_STREAM, data, rng)
    if m is None:
        return data
    body = rng.choice(BYTES)(m.group(1), rng)
    return data[: m.start(1)] + body + data[m.end(1) :]


def pdf_objects(data: bytes, rng: random.Random) -> bytes:
    m = _pick(_OBJECT, data, rng)
    if m is None:
        return data
    if rng.random() < 0.5:
        return data[: m.start()] + data[m.end() :]  # an object gone
    return data[: m.end()] + b"\n" + m.group(0) * rng.choice((2, 10)) + data[m.end() :]


def pdf_xref(data: bytes, rng: random.Random) -> bytes:
    at = data.rfind(b"xref")
    if at < 0:
        at = data.rfind(b"startxref")
    if at < 0:
        return data
    return data[:at] + rng.choice((b"", b"xref\n0 999999\n", rng.randbytes(32))) + data[at + rng.randint(4, 200) :]


def pdf_blank_pages(data: bytes, rng: random.Random) -> bytes:
    """A new PDF of blank pages: many, or few of a huge size (scans with nothing to read)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    if rng.random() < 0.5:
        for _ in range(rng.choice((201, 1001, 2000))):
            pdf.new_page(595, 842)
    else:
        side = rng.choice((14_400, 14_400.5, 5000))
        pdf.new_page(side, side)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


PDF: tuple[Mutator, ...] = (pdf_mediabox, pdf_count, pdf_stream, pdf_stream, pdf_objects, pdf_xref, *BYTES)
RARE: dict[str, tuple[Mutator, ...]] = {"pdf": (pdf_blank_pages,)}  # costly: one input in 50


def image_header(data: bytes, rng: random.Random) -> bytes:
    """The width, height or frame count in an image header set to a huge value."""
    out = bytearray(data)
    if data.startswith(b"\x89PNG") and len(out) >= 24:
        import struct
        import zlib

        spot = rng.choice((16, 20))
        out[spot : spot + 4] = struct.pack(">I", rng.choice((1, 4000, 12_000, 40_000, 2**31 - 1)))
        out[29:33] = struct.pack(">I", zlib.crc32(bytes(out[12:29])))
        return bytes(out)
    return flip(data, rng)


def tiff_frames(data: bytes, rng: random.Random) -> bytes:
    """A TIFF of many frames (blank, of a size chosen here)."""
    from PIL import Image

    side = rng.choice((40, 400, 4000))
    frames = [Image.new("L", (side, side), 255) for _ in range(rng.choice((3, 201, 301)) if side < 4000 else 3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:], compression="tiff_deflate")
    return buffer.getvalue()


IMAGE: tuple[Mutator, ...] = (image_header, image_header, *BYTES)
RARE["image"] = (tiff_frames,)
RARE["html"] = (html_span_bomb,)

MUTATORS: dict[str, tuple[Mutator, ...]] = {"txt": BYTES, "html": HTML, "docx": DOCX, "pdf": PDF, "image": IMAGE}


def mutate(data: bytes, form: str, rng: random.Random) -> bytes:
    """``data`` changed by one to four mutations of ``form`` (a costly one rarely)."""
    rare = RARE.get(form)
    if rare and rng.random() < 0.02:
        return rng.choice(rare)(data, rng)
    for _ in range(rng.choice((1, 1, 2, 3, 4))):
        changed = rng.choice(MUTATORS[form])(data, rng)
        data = changed if len(changed) <= LARGEST_INPUT else data
    return data


# --- the run -------------------------------------------------------------------------------------


def probe(data: bytes, name: str, limits: Limits) -> str:
    """How reading ``data`` ends: ``report`` or the name of the ``GongkaiError``; other errors escape (crashes)."""
    try:
        read_and_check_bytes(data, name, limits)
    except GongkaiError as exc:
        return type(exc).__name__
    return "report"


@dataclass(slots=True)
class FuzzSummary:
    inputs: int = 0
    by_form: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)  # reproducer paths
    hangs: list[str] = field(default_factory=list)
    memory: list[str] = field(default_factory=list)
    peak_memory: int = 0  # bytes: the largest peak resident set of one input's child
    slowest: float = 0.0
    seconds: float = 0.0
    seed: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "inputs": self.inputs,
            "by_form": dict(self.by_form),
            "outcomes": dict(self.outcomes),
            "crashes": len(self.crashes),
            "hangs": len(self.hangs),
            "over_memory": len(self.memory),
            "peak_memory_mib": round(self.peak_memory / MIB, 1),
            "slowest_seconds": round(self.slowest, 2),
            "seconds": round(self.seconds, 1),
            "inputs_per_second": round(self.inputs / self.seconds, 1) if self.seconds else None,
            "seed": self.seed,
            "reproducers": self.crashes + self.hangs + self.memory,
        }

    def lines(self) -> list[str]:
        data = self.to_json()
        return [
            f"输入 inputs tried: {self.inputs}（{'，'.join(f'{k} {v}' for k, v in sorted(self.by_form.items()))}）"
            f"，{data['seconds']} 秒，{data['inputs_per_second']} 个/秒",
            f"未捕获的错误 uncaught errors: {len(self.crashes)}",
            f"超时 hangs over the budget: {len(self.hangs)}",
            f"超过内存上限 over the memory budget: {len(self.memory)}",
            f"峰值内存 peak memory (one input): {data['peak_memory_mib']} MiB；"
            f"最慢 slowest: {data['slowest_seconds']} 秒",
            f"结果 outcomes: {dict(sorted(self.outcomes.items()))}",
            *(f"复现文件 reproducer: {path}" for path in data["reproducers"]),  # type: ignore[attr-defined]
        ]


def run_fuzz(
    seeds: dict[str, list[Seed]],
    limits: Limits,
    inputs: int = 0,
    seconds: float = 60.0,
    seed: int = 0,
    out: Path | None = None,
    report: Callable[[FuzzSummary], None] | None = None,
    jobs: int = 0,
) -> FuzzSummary:
    """Mutate ``seeds`` and read each input under ``limits``; stop after ``inputs`` (0: no cap) or ``seconds``.

    With ``jobs`` 0 each input is read in a child forked for it (``run_budgeted``); with ``jobs`` N,
    N long-lived workers read the inputs one after another under the same budget (``batch.budget_pool``).
    The inputs are the same either way: the same seed makes the same series.
    """
    summary = FuzzSummary(seed=seed)
    inputs_of = _inputs(seeds, random.Random(seed))
    started = time.perf_counter()
    clock = _Reporter(summary, started, report)

    def more() -> bool:
        return (not inputs or summary.inputs < inputs) and time.perf_counter() - started < seconds

    if jobs <= 0:
        while more():
            form, name, data = next(inputs_of)
            _count(summary, form, run_budgeted(probe, (data, name, limits), limits), data, name, out)
            clock.tick()
    else:
        _run_pooled(summary, inputs_of, limits, jobs, more, out, clock, inputs)
    summary.seconds = time.perf_counter() - started
    return summary


def _inputs(seeds: dict[str, list[Seed]], rng: random.Random) -> Iterator[tuple[str, str, bytes]]:
    """(form, name, mutated bytes) without end: the forms in turn, a seed of each picked by ``rng``."""
    forms = sorted(seeds)
    for n in itertools.count():
        form = forms[n % len(forms)]
        name, original = rng.choice(seeds[form])
        yield form, name, mutate(original, form, rng)


def _run_pooled(
    summary: FuzzSummary,
    inputs_of: Iterator[tuple[str, str, bytes]],
    limits: Limits,
    jobs: int,
    more: Callable[[], bool],
    out: Path | None,
    clock: _Reporter,
    cap: int,
) -> None:
    """Feed the inputs to ``jobs`` long-lived workers; each one's outcome counted as it ends."""
    from ..batch.budget_pool import WorkerPool

    sent = 0
    with WorkerPool(probe, limits, jobs, warm_up=_warm_up) as pool:
        while True:
            for worker in pool.idle():
                if not more() or (cap and sent >= cap):
                    break
                form, name, data = next(inputs_of)
                pool.submit(worker, (form, name, data), (data, name, limits))
                sent += 1
            if not pool.busy():
                break
            for (form, name, data), outcome in pool.wait(timeout=1.0):
                _count(summary, form, outcome, data, name, out)
            clock.tick()
        summary.peak_memory = max(summary.peak_memory, pool.peak_memory)


def _warm_up() -> None:
    """Import the readers and fill their caches once per worker, before its memory ceiling is taken."""
    warnings.simplefilter("ignore")  # a damaged image's warnings, thousands of them, say nothing the outcome does not
    with contextlib.suppress(GongkaiError):
        read_and_check_bytes("一、总体情况\n2023年\n".encode(), "warm-up.txt")


class _Reporter:
    """Calls ``report`` with the summary so far at most once a minute."""

    def __init__(self, summary: FuzzSummary, started: float, report: Callable[[FuzzSummary], None] | None) -> None:
        self.summary, self.started, self.report, self.last = summary, started, report, started

    def tick(self) -> None:
        now = time.perf_counter()
        if self.report is not None and now - self.last >= 60:
            self.last = now
            self.summary.seconds = now - self.started
            self.report(self.summary)


def _count(summary: FuzzSummary, form: str, outcome: Outcome, data: bytes, name: str, out: Path | None) -> None:
    summary.inputs += 1
    summary.by_form[form] += 1
    summary.peak_memory = max(summary.peak_memory, outcome.peak_memory)
    summary.slowest = max(summary.slowest, outcome.seconds)
    _record(summary, outcome, data, name, out)


def _record(summary: FuzzSummary, outcome: Outcome, data: bytes, name: str, out: Path | None) -> None:
    if outcome.ok:
        summary.outcomes[str(outcome.value)] += 1
        return
    if outcome.limit == "max_seconds":
        summary.outcomes["hang"] += 1
        summary.hangs.append(_write(out, "hang", data, name, outcome.failure or ""))
    elif outcome.limit == "max_memory":
        summary.outcomes["over memory"] += 1
        summary.memory.append(_write(out, "memory", data, name, outcome.failure or ""))
    else:
        error = outcome.error
        summary.outcomes[f"crash {type(error).__name__}" if error else "crash"] += 1
        summary.crashes.append(_write(out, "crash", data, name, outcome.trace or outcome.failure or repr(error)))


def _write(out: Path | None, kind: str, data: bytes, name: str, why: str) -> str:
    """Write the input and why it failed under ``out``; the path of the input (``-`` without ``out``)."""
    if out is None:
        return "-"
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:12]
    path = out / f"{kind}-{digest}-{name}"
    path.write_bytes(data)
    path.with_name(path.name + ".why.txt").write_text(
        f'{why}\n\n复现 reproduce: python -c "import gongkai, pathlib; gongkai.read_and_check_bytes('
        f"pathlib.Path('{path}').read_bytes(), '{name}')\"\n",
        encoding="utf-8",
    )
    return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gongkai.measure.fuzz",
        description="模糊测试：变异真实语料，逐个在单文件预算下读取。Fuzz the readers with mutated corpus files.",
    )
    parser.add_argument("--inputs", type=int, default=0, help="最多多少个输入（0 = 不限，只看时间）")
    parser.add_argument("--seconds", type=float, default=60.0, help="最多运行多少秒")
    parser.add_argument("--forms", default=",".join(FORMS), help=f"来源形式，逗号分隔：{','.join(FORMS)}")
    parser.add_argument("--seed", type=int, default=0, help="随机种子（同一种子同一串输入）")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="真实语料文件夹（默认 ../shared/corpus）")
    parser.add_argument("--out", type=Path, default=Path("fuzz-findings"), help="复现文件写到这里")
    parser.add_argument("--max-seconds", type=int, default=30, help="单个输入的时间上限（秒）")
    parser.add_argument("--max-memory", type=int, default=2048, help="单个输入的内存上限（MiB）")
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="并行读取的常驻进程数（每个进程连续读取多个输入，超时或超内存时由父进程终止并重启）",
    )
    parser.add_argument("--fork", action="store_true", help="每个输入单独派生一个子进程读取（较慢，隔离最彻底）")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    args = parser.parse_args(argv)
    forms = [f.strip() for f in args.forms.split(",") if f.strip()]
    unknown = [f for f in forms if f not in FORMS]
    if unknown:
        print(f"错误：不认识的来源形式 {'、'.join(unknown)}，可选：{','.join(FORMS)}", file=sys.stderr)
        return 2
    seeds = corpus_seeds(args.corpus, forms)
    if not seeds:
        print(f"错误：{args.corpus} 中没有可用的种子文件", file=sys.stderr)
        return 2
    limits = Limits(max_seconds=args.max_seconds, max_memory=args.max_memory * MIB)

    def progress(summary: FuzzSummary) -> None:
        print(f"… {summary.inputs} 个输入，{len(summary.crashes)} 个错误，{len(summary.hangs)} 个超时", file=sys.stderr)

    if args.jobs < 1:
        print("错误：--jobs 须至少为 1", file=sys.stderr)
        return 2
    jobs = 0 if args.fork else args.jobs
    summary = run_fuzz(seeds, limits, args.inputs, args.seconds, args.seed, args.out, progress, jobs=jobs)
    if args.json:
        print(json.dumps(summary.to_json(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(summary.lines()))
    return 1 if summary.crashes or summary.hangs or summary.memory else 0


if __name__ == "__main__":
    raise SystemExit(main())
