"""Text PDFs: the two real WPS reports in the dev corpus, and damaged input."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from gongkai.document import Document, Grid
from gongkai.errors import UnsupportedSource
from gongkai.ingest import load_document
from gongkai.ingest.pdf import pdf_document
from gongkai.read.linear import LinearText

from .helpers import DEV_PDFS, cells, dev_pdf, grids, read, wrong_cells


@cache
def _document(stem: str) -> Document:
    return load_document(dev_pdf(stem))


@pytest.mark.parametrize("stem", DEV_PDFS)
def test_every_gold_cell_is_read_exactly(stem: str) -> None:
    document = _document(stem)
    assert document.kind == "pdf"
    report = read(document)
    assert wrong_cells(stem, report) == []


def test_metadata_of_the_dev_reports() -> None:
    first, second = (read(_document(stem)) for stem in DEV_PDFS)
    assert (first.agency, first.year, first.published) == ("洪泽区人民政府", 2023, None)
    assert (second.agency, second.year) == ("淮安市洪泽区人民政府", 2024)


def test_table_three_rows_are_rebuilt_from_the_layout() -> None:
    lines = LinearText(_document(DEV_PDFS[0])).text.splitlines()
    assert "一、本年新收政府信息公开申请数量\t21\t0\t0\t0\t0\t0\t21" in lines
    # the vertical group label (one character per text line) reads as one cell, in order
    assert "三、本年度办理结果\t（一）予以公开\t0\t0\t0\t0\t0\t0\t0" in lines
    assert "（四）无法提供\t1.本机关不掌握相关政府信息\t10\t0\t0\t0\t0\t0\t10" in lines
    # the header cell split over two lines ("结果" / "维持") is one cell
    assert any(line.startswith("结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t") for line in lines)
    assert "10\t1\t0\t0\t0\t0\t0\t0\t0\t0\t5\t0\t0\t0\t0" in lines


def test_table_three_is_one_grid_over_the_page_break() -> None:
    table3 = next(g for g in grids(_document(DEV_PDFS[0])) if "申请人情况" in {c.text for c in cells(g)})
    assert {c.place.page for c in cells(table3)} == {3, 4}
    widths = {len(row) for row in table3.rows}
    assert len(widths) == 1  # a true grid
    labels = [next(c.text for c in row if not c.covered and c.text) for row in table3.rows if any(c.text for c in row)]
    assert "2.没有现成信息需要另行制作" in labels and "3.补正后申请内容仍不明确" in labels
    # the group column continues over the break as covered slots, not as a new blank cell
    first_column = [row[0] for row in table3.rows]
    start = next(i for i, c in enumerate(first_column) if c.text == "三、本年度办理结果")
    below = first_column[start + 1 : -1]  # down to the row before 四、结转下年度继续办理
    assert len(below) == 19 and all(c.covered for c in below)
    assert {c.place.page for c in below} == {3, 4}


def test_grid_cells_carry_page_and_box() -> None:
    for stem in DEV_PDFS:
        document = _document(stem)
        assert len(grids(document)) == 3  # 表二 (itself over a break), 表三, 表四
        for grid in grids(document):
            for cell in cells(grid):
                assert cell.place.page in range(1, 6)
                x0, y0, x1, y1 = cell.place.bbox or (0, 0, 0, 0)
                assert 0 < x0 < x1 <= 595 and 0 < y0 < y1 <= 842
        for block in document.blocks:
            if not isinstance(block, Grid):
                assert block.place.page is not None and block.place.bbox is not None


def test_a_damaged_pdf_is_unsupported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 200)
    with pytest.raises(UnsupportedSource, match=r"broken\.pdf: PDF 已损坏或无法读取"):
        load_document(broken)


def test_a_truncated_pdf_is_unsupported(tmp_path: Path) -> None:
    data = dev_pdf(DEV_PDFS[0]).read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(data[: len(data) // 3])
    try:
        document = pdf_document(truncated.read_bytes(), truncated)
    except UnsupportedSource as exc:
        assert "truncated.pdf" in str(exc)
    else:  # PDFium may recover the pages it can still reach; what it returns must be sound
        assert document.kind == "pdf"
