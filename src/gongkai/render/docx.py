"""Report tables as a Word file (A4, merged header cells, a CJK font set for East Asian text)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .layout import CellTexts, Layout, placed, report_parts, report_title, width

FONT = "宋体"


def _set_font(style, size: float) -> None:  # type: ignore[no-untyped-def]
    style.font.name = FONT
    style.font.size = Pt(size)
    # python-docx sets only the Latin font; Chinese text needs w:eastAsia
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _table(document, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    table = document.add_table(rows=len(layout), cols=width(layout))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, c, cell in placed(layout):
        target = table.cell(r, c)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
        paragraph = target.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(cell.text)
        run.bold = cell.header


def render_tables_docx(format_id: str, values: CellTexts, title: str | None = None) -> bytes:
    """The six section headings and the tables as DOCX bytes; None values print blank.

    ``values`` maps cell ids to numbers, or is a function giving each cell's text.
    """
    title = title or report_title(format_id)
    document = docx.Document()
    document.core_properties.title = title
    document.core_properties.author = "gongkai"
    # the default template carries a 2013 date, which a reader could take for the report's date
    document.core_properties.created = document.core_properties.modified = datetime.now(UTC)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))
    _set_font(document.styles["Normal"], 10.5)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(title).bold = True
    for text, layout in report_parts(format_id, values):
        document.add_paragraph().add_run(text).bold = True
        if layout is not None:
            _table(document, layout)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
