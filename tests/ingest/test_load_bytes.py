"""The bytes front door: ``load_bytes``/``read_bytes`` read what ``read_file`` reads, name sources
as asked, decode text once for reader and web alike, and raise only gongkai's errors."""

from __future__ import annotations

import io
import pickle
import struct
from pathlib import Path

import pytest
from PIL import Image

from gongkai import read_bytes, read_file
from gongkai.document import Grid, GridCell
from gongkai.errors import DecodeError, LimitExceeded, SourceError, UnsupportedSource
from gongkai.ingest import TEXT_KINDS, decode_source, load_bytes, load_document, source_kind
from gongkai.web.sources import decoded_text
from gongkai.web.sources import source_kind as web_source_kind

from ..conftest import CORPUS, shared_or_skip
from .docx_samples import merged_table_docx

DEV = CORPUS / "dev"
TEXT_SOURCES = ("011_pingtan-zhqsyq-2022.txt", "004_shuyang-xian-2025.md", "015_shuyang-xian-fgj-2023.html")


@pytest.mark.parametrize("name", [*TEXT_SOURCES, "001_huaian-hongze-qu-2023.pdf"])
def test_bytes_read_exactly_as_the_file(name: str) -> None:
    path = shared_or_skip(DEV / name)
    from_file = read_file(path)
    from_bytes = read_bytes(path.read_bytes(), str(path))
    assert from_bytes.source == from_file.source == name
    assert (from_bytes.agency, from_bytes.year, from_bytes.format_id) == (
        from_file.agency,
        from_file.year,
        from_file.format_id,
    )
    assert {cid: c.value for cid, c in from_bytes.cells.items()} == {cid: c.value for cid, c in from_file.cells.items()}
    assert len(from_bytes.cells) == 200


def test_a_member_name_chooses_the_form_and_names_the_document() -> None:
    data = shared_or_skip(DEV / "004_shuyang-xian-2025.md").read_bytes()
    document = load_bytes(data, "uploads/2025.zip!沭阳县/报告.md")
    assert (document.kind, document.name) == ("md", "报告.md")
    assert any(isinstance(b, Grid) for b in document.blocks)  # Markdown tables became grids
    assert load_bytes(data, "报告.txt").kind == "txt"  # the suffix decides between txt and md


def test_bytearray_and_memoryview_are_bytes_too() -> None:
    data = shared_or_skip(DEV / "011_pingtan-zhqsyq-2022.txt").read_bytes()
    assert read_bytes(bytearray(data), "a.txt").cells == read_bytes(memoryview(data), "a.txt").cells  # type: ignore[arg-type]


def test_empty_and_unknown_binary_bytes_name_the_source() -> None:
    with pytest.raises(UnsupportedSource, match=r"^upload\.txt: 文件是空的"):
        load_bytes(b" \n\t ", "upload.txt")
    with pytest.raises(UnsupportedSource, match=r"^blob\.bin: 二进制内容") as caught:
        load_bytes(b"\x01\x02\x00\x03" * 100, "blob.bin")
    assert caught.value.path == "blob.bin"  # not "?", as sniffing alone once said


def test_a_zip_that_is_not_word_is_not_a_report_form() -> None:
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(UnsupportedSource, match="zip 文件不是 gongkai 能读取的报告形式"):
        load_bytes(buffer.getvalue(), "reports.zip")


def test_undecodable_text_is_a_decode_error_in_chinese() -> None:
    data = b"\xff\xfe" + "报告".encode("utf-16-le") + b"\x00"  # a UTF-16 BOM and an odd byte count
    with pytest.raises(DecodeError, match=r"^odd\.txt: 无法确定文本编码") as caught:
        load_bytes(data, "odd.txt")
    assert caught.value.detail  # the codec's own words are kept beside the message


def test_missing_file_and_folder_say_why_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="文件不存在（cannot open）") as caught:
        load_document(tmp_path / "nothing.pdf")
    assert caught.value.detail and "No such file" in caught.value.detail
    with pytest.raises(SourceError, match="这是一个文件夹"):
        load_document(tmp_path)


# --- one decoding for the reader and the web's source view ------------------------------------


@pytest.mark.parametrize("name", TEXT_SOURCES)
def test_the_web_shows_the_text_the_reader_read(name: str) -> None:
    data = shared_or_skip(DEV / name).read_bytes()
    kind = source_kind(data, name)
    assert kind in TEXT_KINDS and web_source_kind(data, name) == kind
    text = decoded_text(data, kind)
    assert text == decode_source(data, kind, name)
    report = read_bytes(data, name)
    placed = [c for c in report.cells.values() if c.place and c.place.start is not None and c.raw]
    assert len(placed) > 50
    for cell in placed:
        assert cell.place is not None and cell.place.start is not None
        shown, raw = text[cell.place.start : cell.place.end], cell.raw or ""
        assert shown and (raw in shown or shown in raw)  # a piece of a glued run points at its digits


def _cells(document_grids: list[Grid]) -> list[GridCell]:
    return [c for g in document_grids for row in g.rows for c in row if not c.covered]


def test_nul_characters_do_not_shift_the_offsets_the_web_highlights() -> None:
    html = "<p>说明\x00\x00\x00</p><table><tr><td>申请数</td><td>\x0021</td></tr></table>".encode()
    document = load_bytes(html, "page.html")
    text = decoded_text(html, "html")  # what the source view shows
    cells = _cells([b for b in document.blocks if isinstance(b, Grid)])
    assert [c.text for c in cells] == ["申请数", "21"]
    for cell in cells:
        assert text[cell.place.start : cell.place.end] == cell.text


def test_gbk_text_decodes_the_same_for_reader_and_web() -> None:
    data = "一、总体情况\n本机关共收到申请 21 件。\n".encode("gbk")
    assert decode_source(data, "txt") == decoded_text(data, "txt") == data.decode("gb18030")


def test_decode_source_refuses_a_form_that_is_not_text() -> None:
    with pytest.raises(ValueError, match="not a text-like source kind"):
        decode_source(b"%PDF-1.7", "pdf")


# --- library errors become gongkai's, with the library's words kept as detail -----------------


def test_a_damaged_word_file_keeps_the_library_text_as_detail() -> None:
    with pytest.raises(UnsupportedSource) as caught:
        load_bytes(b"PK\x03\x04 not really a zip", "report.docx")
    assert caught.value.problem.startswith("不是可读的 Word 文档")
    assert caught.value.detail and "BadZipFile" in caught.value.detail
    assert "BadZipFile" not in str(caught.value)


def test_a_word_package_of_a_future_zip_version_is_unsupported() -> None:
    """Found by the fuzz test: zipfile raises NotImplementedError for a format version it does not know."""
    data = bytearray(merged_table_docx())
    central = data.index(b"PK\x01\x02")
    data[central + 6 : central + 8] = struct.pack("<H", 99)  # "version needed to extract": 9.9
    with pytest.raises(UnsupportedSource, match=r"^report\.docx: 不是可读的 Word 文档") as caught:
        load_bytes(bytes(data), "report.docx")
    assert caught.value.detail and "NotImplementedError" in caught.value.detail


def test_a_damaged_pdf_keeps_pdfium_text_as_detail() -> None:
    with pytest.raises(UnsupportedSource, match=r"^x\.pdf: PDF 已损坏或无法读取") as caught:
        load_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 200, "x.pdf")
    assert caught.value.detail and "PDFium" in caught.value.detail


def test_a_truncated_image_is_unsupported_with_pillow_text_as_detail() -> None:
    buffer = io.BytesIO()
    Image.new("L", (64, 32), 255).save(buffer, format="PNG")
    with pytest.raises(UnsupportedSource, match=r"^scan\.png: 图像已损坏或无法读取") as caught:
        load_bytes(buffer.getvalue()[:60], "scan.png")
    assert caught.value.detail


def test_ocr_library_errors_name_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    import cv2

    from gongkai.ingest import ocr

    def fail(*args: object, **kwargs: object) -> None:
        raise cv2.error("OpenCV(4.x) error: (-215:Assertion failed) in function 'resize'")

    monkeypatch.setattr(ocr, "image_layout", fail)
    buffer = io.BytesIO()
    Image.new("L", (64, 32), 255).save(buffer, format="PNG")
    with pytest.raises(UnsupportedSource, match=r"^scan\.png: 第 1 页图像无法进行文字识别") as caught:
        load_bytes(buffer.getvalue(), "scan.png")
    assert caught.value.detail and "Assertion failed" in caught.value.detail


def test_libreoffice_failures_are_unsupported_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai import libreoffice

    def broken(*args: object, **kwargs: object) -> list[bytes | None]:
        raise OSError("soffice: cannot execute binary file")

    monkeypatch.setattr(libreoffice, "convert", broken)
    with pytest.raises(UnsupportedSource, match=r"^old\.doc: LibreOffice 无法转换这个文件") as caught:
        load_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.doc")
    assert caught.value.detail == "soffice: cannot execute binary file"


def test_source_errors_survive_pickling_across_processes() -> None:
    errors = [
        UnsupportedSource("a.pdf", "PDF 已损坏", detail="PDFium: Data format error"),
        LimitExceeded("b.pdf", "PDF 有 9 页，超过上限 2 页（Limits.max_pages）", limit="max_pages"),
    ]
    for error in errors:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert (str(copy), copy.path, copy.problem, copy.detail) == (
            str(error),
            error.path,
            error.problem,
            error.detail,
        )
    assert pickle.loads(pickle.dumps(errors[1])).limit == "max_pages"


def test_devices_and_pipes_are_refused_not_read_until_memory_runs_out(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for path in (Path("/dev/zero"), fifo):
        with pytest.raises(SourceError, match="不是普通文件"):
            load_document(path)
