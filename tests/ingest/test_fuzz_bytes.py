"""Fuzz the bytes front door: damaged real sources of every form, and only gongkai's errors escape.

Each form starts from real bytes: the dev corpus's text, Markdown and HTML reports, a
DOCX rendered from a gold file, one page of a corpus PDF, a tiny PNG/JPEG crop of a
page (so OCR stays cheap), and a zip of them read the way a batch reads archives.
Hypothesis mutates them (truncate, flip bits, insert junk, duplicate chunks) and the
result goes to ``read_bytes``: a Report or a ``GongkaiError`` naming the source (in
Chinese) are the only outcomes allowed. The runs are derandomised and bounded
(``max_examples``), so the module takes well under a minute; for a deeper hunt set
``GONGKAI_FUZZ_EXAMPLES=2000`` (examples per test, random rather than derandomised).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gongkai import GongkaiError, Report, SourceError, read_bytes
from gongkai.batch.sources import Skipped, discover, load
from gongkai.measure.evaluate import load_gold
from gongkai.render.docx import render_tables_docx
from gongkai.render.layout import Value

from ..conftest import CORPUS, GOLD, shared_or_skip

DEV = CORPUS / "dev"
PDF_STEM = "001_huaian-hongze-qu-2023"
CJK = re.compile(r"[\u4e00-\u9fff]")


DEEP = int(os.environ.get("GONGKAI_FUZZ_EXAMPLES", "0"))


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=DEEP or examples,
        deadline=None,
        derandomize=not DEEP,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- real bytes to start from -------------------------------------------------------------


def _corpus(name: str) -> bytes:
    return shared_or_skip(DEV / name).read_bytes()


@cache
def _docx() -> bytes:
    gold = load_gold(shared_or_skip(GOLD / "dev" / "011_pingtan-zhqsyq-2022.json"))
    values: dict[str, Value] = {}
    for cid, value in gold.cells.items():
        if isinstance(value, float):
            value = Decimal(str(value))  # 万元 amounts: as printed
        if cid not in gold.ambiguous and (value is None or isinstance(value, int | Decimal)):
            values[cid] = value
    return _stable(render_tables_docx(str(gold.metadata["format"]), values))


_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _stable(package: bytes) -> bytes:
    """The package with fixed dates (core properties, member times), so each run fuzzes the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "docProps/core.xml":
                body = _DATES.sub(rb"\g<1>2024-01-17T00:00:00Z\g<2>", body)
            out.writestr(zipfile.ZipInfo(info.filename, _FIXED_TIME), body, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


@cache
def _pdf_page() -> bytes:
    """Page 3 of a corpus PDF (the end of 表二, the start of 表三), cut to its top third: OCR of a
    page that loses its text layer stays cheap."""
    source = pdfium.PdfDocument(shared_or_skip(DEV / f"{PDF_STEM}.pdf"))
    out = pdfium.PdfDocument.new()
    out.import_pages(source, [2])
    page = out[0]
    _, _, right, top = page.get_mediabox()
    page.set_mediabox(0, top - 300, right, top)
    buffer = io.BytesIO()
    out.save(buffer)
    data = _PDF_DATE.sub(b"(D:20240117000000+00'00')", buffer.getvalue())
    return _PDF_ID.sub(b"<" + b"0" * 32 + b">", data)  # the same bytes on every run


_PDF_ID = re.compile(rb"<[0-9A-F]{32}>")
_PDF_DATE = re.compile(rb"\(D:\d{14}[^)]{0,8}\)")


@cache
def _image(kind: str) -> bytes:
    """A 2 cm strip of a real page (text and a ruling line) as a tiny PNG or JPEG."""
    pdf = pdfium.PdfDocument(shared_or_skip(DEV / f"{PDF_STEM}.pdf"))
    image = pdf[0].render(scale=0.5, grayscale=True, crop=(60, 600, 60, 100)).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


@cache
def _zip() -> bytes:
    buffer = io.BytesIO()
    members = {
        "2022/报告.txt": _corpus("011_pingtan-zhqsyq-2022.txt"),
        "2025/报告.md": _corpus("004_shuyang-xian-2025.md"),
        "scan.png": _image("PNG"),
    }
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, _FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


_FIXED_TIME = (2024, 1, 17, 0, 0, 0)


SEEDS: dict[str, Callable[[], bytes]] = {
    "report.txt": lambda: _corpus("011_pingtan-zhqsyq-2022.txt"),
    "report.md": lambda: _corpus("004_shuyang-xian-2025.md"),
    "report.html": lambda: _corpus("015_shuyang-xian-fgj-2023.html"),
    "report.docx": _docx,
    "report.pdf": _pdf_page,
    "scan.png": lambda: _image("PNG"),
    "scan.jpg": lambda: _image("JPEG"),
}


# --- mutations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Mutation:
    op: str  # truncate | flip | insert | duplicate
    at: float  # where, as a fraction of the length
    size: int  # bits to flip, bytes to duplicate
    junk: bytes = b""

    def apply(self, data: bytes) -> bytes:
        at = int(self.at * len(data))
        if self.op == "truncate":
            return data[:at]
        if self.op == "flip":
            out = bytearray(data)
            for i in range(self.size):
                if out:
                    spot = (at + i * 7919) % len(out)
                    out[spot] ^= 1 << (i % 8)
            return bytes(out)
        if self.op == "insert":
            return data[:at] + self.junk + data[at:]
        return data[:at] + data[at : at + self.size] * 2 + data[at + self.size :]  # duplicate


MUTATION = st.builds(
    Mutation,
    op=st.sampled_from(("truncate", "flip", "insert", "duplicate")),
    at=st.floats(0, 1),
    size=st.integers(1, 4096),
    junk=st.binary(min_size=1, max_size=64),
)
MUTATIONS = st.lists(MUTATION, min_size=1, max_size=4)


def mutated(data: bytes, mutations: list[Mutation]) -> bytes:
    for mutation in mutations:
        data = mutation.apply(data)
    return data


def outcome(data: bytes, name: str) -> str:
    """A Report, or a gongkai error whose message names the source and says what is wrong in Chinese."""
    try:
        report = read_bytes(data, name)
    except SourceError as exc:
        assert str(exc).startswith(f"{name}: "), str(exc)
        assert CJK.search(exc.problem), exc.problem
        return type(exc).__name__
    except GongkaiError as exc:
        return type(exc).__name__
    assert isinstance(report, Report)
    return "a Report"


def assert_only_gongkai_errors(data: bytes, name: str) -> None:
    event(outcome(data, name))  # --hypothesis-show-statistics shows how the examples ended


# --- the fuzz tests -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_seed_reads_into_a_report(name: str) -> None:
    assert outcome(SEEDS[name](), name) == "a Report"


@pytest.mark.parametrize("name", sorted(SEEDS))
@fuzz(35)
@given(mutations=MUTATIONS)
def test_damaged_bytes_of_every_form_raise_only_gongkai_errors(name: str, mutations: list[Mutation]) -> None:
    assert_only_gongkai_errors(mutated(SEEDS[name](), mutations), name)


_WORD_VALUE = re.compile(rb'w:val="(\d+)"')
_WORD_BLOCK = re.compile(rb"<w:(tc|tr|tbl|p)\b[^>]*>.*?</w:\1>", re.DOTALL)


@dataclass(frozen=True)
class WordEdit:
    """An edit of ``word/document.xml`` that keeps it well-formed: a number or a repeated element."""

    pick: float
    value: bytes
    repeat: int

    def apply(self, xml: bytes) -> bytes:
        if self.repeat == 0:
            found = list(_WORD_VALUE.finditer(xml))
            if not found:
                return xml
            m = found[int(self.pick * (len(found) - 1))]
            return xml[: m.start(1)] + self.value + xml[m.end(1) :]
        found = list(_WORD_BLOCK.finditer(xml))
        if not found:
            return xml
        m = found[int(self.pick * (len(found) - 1))]
        return xml[: m.start()] + m.group(0) * self.repeat + xml[m.start() :]


WORD_EDITS = st.lists(
    st.builds(
        WordEdit,
        pick=st.floats(0, 1),
        value=st.sampled_from((b"0", b"2", b"40", b"1000", b"65535", b"999999999", "²".encode())),
        repeat=st.sampled_from((0, 0, 2, 20, 200)),
    ),
    min_size=1,
    max_size=5,
)


@fuzz(30)
@given(WORD_EDITS)
def test_word_documents_with_odd_spans_and_repeats_raise_only_gongkai_errors(edits: list[WordEdit]) -> None:
    source = zipfile.ZipFile(io.BytesIO(_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "word/document.xml":
                for edit in edits:
                    body = edit.apply(body)
            out.writestr(info.filename, body)
    assert_only_gongkai_errors(buffer.getvalue(), "report.docx")


@fuzz(25)
@given(MUTATIONS)
def test_damaged_zip_archives_skip_or_read_their_members(mutations: list[Mutation]) -> None:
    """A batch opens a damaged archive with nothing escaping; each member it loads reads or fails cleanly."""
    with tempfile.TemporaryDirectory(prefix="gongkai-fuzz-") as folder:
        archive = Path(folder) / "reports.zip"  # the batch reads archives from disk; members go on as bytes
        archive.write_bytes(mutated(_zip(), mutations))
        for ref in discover([archive]):
            loaded = ref if isinstance(ref, Skipped) else load(ref)
            if isinstance(loaded, Skipped):
                assert CJK.search(loaded.reason), loaded.reason
            else:
                assert_only_gongkai_errors(loaded.data, loaded.name)
