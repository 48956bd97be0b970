"""Word (.docx) files → Document."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from gongkai.document import Document, Grid, Paragraph
from gongkai.errors import UnsupportedSource
from gongkai.ingest import load_document
from gongkai.ingest.docx import docx_document

from .docx_samples import EXPECTED_GRID, merged_table_docx


def _texts(grid: Grid) -> list[list[str | None]]:
    return [[None if c.covered else c.text for c in row] for row in grid.rows]


def _read(data: bytes) -> Document:
    return docx_document(data, Path("report.docx"))


def test_body_order_merges_and_lines(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(merged_table_docx())
    doc = load_document(path)
    assert doc.kind == "docx"
    first, grid, last = doc.blocks
    assert isinstance(first, Paragraph) and first.text == "三、收到和处理政府信息公开申请情况"
    assert isinstance(grid, Grid) and _texts(grid) == EXPECTED_GRID
    assert isinstance(last, Paragraph) and last.text.startswith("四、")
    # lines number paragraphs and table rows as the reader lays them out
    assert first.place.line == 1
    assert [row[0].place.line for row in grid.rows] == [2, 3, 4, 5]
    assert grid.place.line == 2
    assert last.place.line == 6


def test_nested_table_and_content_control() -> None:
    document = docx.Document()
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "外层"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "规章"
    inner.cell(0, 1).text = "3"
    out = io.BytesIO()
    document.save(out)
    doc = _read(out.getvalue())
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    assert [_texts(g) for g in grids] == [[["外层", ""]], [["规章", "3"]]]


def test_metadata_from_core_properties() -> None:
    document = docx.Document()
    document.core_properties.title = "2023年政府信息公开工作年度报告"
    document.add_paragraph("正文")
    out = io.BytesIO()
    document.save(out)
    assert _read(out.getvalue()).metadata["title"] == "2023年政府信息公开工作年度报告"


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not really a zip", merged_table_docx()[:3000], b"\x00" * 64],
    ids=["fake-zip", "truncated", "zeros"],
)
def test_damaged_files_raise_one_clear_error(data: bytes) -> None:
    with pytest.raises(UnsupportedSource) as caught:
        _read(data)
    assert "report.docx" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_tabs_breaks_and_hyperlink_runs_are_text() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph()
    run = paragraph.add_run("规章")
    run.add_tab()
    run.add_text("3")
    run.add_break()
    run.add_text("行政许可")
    out = io.BytesIO()
    document.save(out)
    [block] = _read(out.getvalue()).blocks
    assert isinstance(block, Paragraph) and block.text == "规章\t3\n行政许可"
