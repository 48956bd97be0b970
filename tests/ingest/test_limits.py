"""One ``Limits`` object: its fields, its words, and each budget that is wired stopping a source."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest
from docx.oxml.ns import qn
from PIL import Image

import gongkai
from gongkai import batch, limits
from gongkai.batch import sources
from gongkai.document import Grid
from gongkai.errors import LimitExceeded, SourceError
from gongkai.ingest import load_bytes, load_document
from gongkai.limits import DEFAULT_LIMITS, MIB, Limits

from ..conftest import CORPUS, shared_or_skip
from .docx_samples import merged_table_docx

PDF = CORPUS / "dev" / "001_huaian-hongze-qu-2023.pdf"


def test_there_is_one_limits_object() -> None:
    assert batch.Limits is sources.Limits is gongkai.Limits is Limits
    assert DEFAULT_LIMITS.max_file == 200 * MIB  # the old ingest and batch limits, now one
    assert Limits() == DEFAULT_LIMITS
    with pytest.raises(FrozenInstanceError):
        DEFAULT_LIMITS.max_file = 1  # type: ignore[misc]


def test_every_field_is_documented_and_has_words() -> None:
    source = Path(limits.__file__).read_text(encoding="utf-8")
    for field in fields(Limits):
        declaration = source.index(f"    {field.name}: int = ")
        assert source[declaration:].split("\n", 2)[1].strip().startswith('"""'), field.name
        assert f"Limits.{field.name}" in DEFAULT_LIMITS.over(field.name, 1), field.name


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_budgets_are_positive_whole_numbers(bad: object) -> None:
    with pytest.raises(ValueError, match="max_pages"):
        Limits(max_pages=bad)  # type: ignore[arg-type]


def test_words_name_the_amount_and_the_limit() -> None:
    assert Limits().over("max_pages", 1200) == "PDF 有 1200 页，超过上限 1000 页（Limits.max_pages）"
    assert (
        Limits(max_file=10 * MIB).over("max_file", 15 * MIB) == "文件有 15.0 MiB，超过上限 10.0 MiB（Limits.max_file）"
    )
    assert Limits(max_file=10).allowed("max_file") == "上限 10 字节（Limits.max_file）"


def test_bytes_over_the_limit_are_refused_before_reading(tmp_path: Path) -> None:
    small = Limits(max_file=10)
    with pytest.raises(LimitExceeded, match=r"^report\.txt: 文件有 11 字节，超过上限 10 字节") as caught:
        load_bytes(b"x" * 11, "report.txt", small)
    assert caught.value.limit == "max_file" and isinstance(caught.value, SourceError)
    path = tmp_path / "big.txt"
    path.write_bytes(b"y" * 11)
    with pytest.raises(LimitExceeded, match=r"big\.txt"):
        load_document(path, small)
    assert load_bytes(b"x" * 10, "report.txt", small).kind == "txt"


def test_pdf_pages_over_the_limit() -> None:
    data = shared_or_skip(PDF).read_bytes()
    pages = len(pdfium.PdfDocument(data))
    with pytest.raises(LimitExceeded, match=rf"PDF 有 {pages} 页，超过上限 2 页") as caught:
        load_bytes(data, "report.pdf", Limits(max_pages=2))
    assert caught.value.limit == "max_pages"
    assert load_bytes(data, "report.pdf", Limits(max_pages=pages)).kind == "pdf"


def _tiff(frames: int) -> bytes:
    images = [Image.new("L", (40, 20), 255) for _ in range(frames)]
    buffer = io.BytesIO()
    images[0].save(buffer, format="TIFF", save_all=True, append_images=images[1:])
    return buffer.getvalue()


def test_image_frames_over_the_limit() -> None:
    with pytest.raises(LimitExceeded, match=r"^scan\.tif: 图像文件有 3 帧，超过上限 2 帧") as caught:
        load_bytes(_tiff(3), "scan.tif", Limits(max_frames=2))
    assert caught.value.limit == "max_frames"
    assert load_bytes(_tiff(2), "scan.tif", Limits(max_frames=2)).kind == "image"


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def test_a_decompression_bomb_image_is_a_limit() -> None:
    with pytest.raises(LimitExceeded, match="图像像素过多") as caught:
        load_bytes(_png_header(40000, 40000), "bomb.png")
    assert caught.value.detail  # Pillow's own words


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_frame_over_the_page_pixel_budget_is_refused_before_it_is_decoded() -> None:
    # 12,000 × 12,000 = 144 Mpx: under Pillow's own bomb guard (178 Mpx), over max_page_pixels (60 Mpx)
    with pytest.raises(LimitExceeded, match=r"第 1 页：页面图像有 144000000 像素，超过上限") as caught:
        load_bytes(_png_header(12_000, 12_000), "big.png")
    assert caught.value.limit == "max_page_pixels"


def test_a_tiff_with_more_frames_than_allowed_is_refused_before_any_frame_is_decoded() -> None:
    with pytest.raises(LimitExceeded, match="需要文字识别的页面有 5 页，超过上限 4 页") as caught:
        load_bytes(_tiff(5), "scan.tif", Limits(max_ocr_pages=4))
    assert caught.value.limit == "max_ocr_pages"


def _blank_pdf(pages: int, width: float = 595, height: float = 842) -> bytes:
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(width, height)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_a_huge_blank_pdf_page_is_refused_before_it_is_drawn_for_ocr() -> None:
    data = _blank_pdf(1, 14_400, 14_400)  # 200 in × 200 in: 40,000 px square at 200 dpi, 8 GB of grey
    assert len(data) < 2000
    with pytest.raises(LimitExceeded, match=r"第 1 页：页面图像有 \d+ 像素，超过上限") as caught:
        load_bytes(data, "huge.pdf")
    assert caught.value.limit == "max_page_pixels"


def test_scanned_pdf_pages_past_the_ocr_budget_are_refused() -> None:
    with pytest.raises(LimitExceeded, match="需要文字识别的页面有 3 页，超过上限 2 页") as caught:
        load_bytes(_blank_pdf(3), "blank.pdf", Limits(max_ocr_pages=2))
    assert caught.value.limit == "max_ocr_pages"


def _table(rows: int, cols: int) -> str:
    return "<table>" + ("<tr>" + "<td>1</td>" * cols + "</tr>") * rows + "</table>"


def test_grid_cells_of_a_source_are_budgeted_together() -> None:
    page = ("<html><body>" + _table(5, 8) + "<p>间隔</p>" + _table(5, 8) + "</body></html>").encode()
    grids = [b for b in load_bytes(page, "page.html", Limits(max_grid_cells=80)).blocks if isinstance(b, Grid)]
    assert [(len(g.rows), len(g.rows[0])) for g in grids] == [(5, 8), (5, 8)]
    with pytest.raises(LimitExceeded, match=r"^page\.html: 表格共 80 格，超过上限 79 格") as caught:
        load_bytes(page, "page.html", Limits(max_grid_cells=79))  # 40 + 40 slots
    assert caught.value.limit == "max_grid_cells"


def test_a_huge_rowspan_and_colspan_cannot_blow_up_memory() -> None:
    rows = "".join("<tr><td>1</td></tr>" for _ in range(300))
    page = f"<table><tr><td rowspan=99999 colspan=99999>x</td></tr>{rows}</table>".encode()
    with pytest.raises(LimitExceeded, match=r"Limits\.max_grid_cells"):
        load_bytes(page, "page.html")  # 301 rows × 1000 columns (the span cap) > 200 000 slots


def test_spans_are_cut_to_max_span() -> None:
    page = b"<table><tr><td colspan=65535>a</td></tr><tr><td>b</td></tr></table>"
    [grid] = [b for b in load_bytes(page, "p.html").blocks if isinstance(b, Grid)]
    assert len(grid.rows[0]) == DEFAULT_LIMITS.max_span
    [narrow] = [b for b in load_bytes(page, "p.html", Limits(max_span=4)).blocks if isinstance(b, Grid)]
    assert len(narrow.rows[0]) == 4


def _word_with_span(span: str, continued: bool) -> bytes:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "申请人情况"
    table.cell(1, 0).text = "1"
    tc = table.rows[1].cells[1]._tc
    properties = tc.get_or_add_tcPr()
    properties.append(properties.makeelement(qn("w:gridSpan"), {qn("w:val"): span}))
    if continued:
        properties.append(properties.makeelement(qn("w:vMerge"), {}))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("continued", [False, True], ids=["span", "continued-merge"])
def test_word_spans_are_cut_and_budgeted(continued: bool) -> None:
    [grid] = [b for b in load_bytes(_word_with_span("65535", continued), "a.docx").blocks if isinstance(b, Grid)]
    assert len(grid.rows[0]) == 1 + DEFAULT_LIMITS.max_span
    with pytest.raises(LimitExceeded, match=r"Limits\.max_grid_cells"):
        load_bytes(_word_with_span("65535", continued), "a.docx", Limits(max_grid_cells=500))


def test_odd_digits_in_a_word_span_are_ignored() -> None:
    [grid] = [b for b in load_bytes(_word_with_span("²", False), "a.docx").blocks if isinstance(b, Grid)]
    assert len(grid.rows[0]) == 2  # "²".isdigit() is true, int("²") is not


def test_a_word_package_that_inflates_past_the_archive_budget() -> None:
    data = merged_table_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        unpacked = sum(info.file_size for info in package.infolist())
    with pytest.raises(LimitExceeded, match=r"Limits\.max_archive_total") as caught:
        load_bytes(data, "a.docx", Limits(max_archive_total=unpacked - 1))
    assert caught.value.limit == "max_archive_total"
    assert load_bytes(data, "a.docx", Limits(max_archive_total=unpacked)).kind == "docx"
