"""The annual report as a Word file, in the national layout under a layout profile.

Every run names its font for Latin and East Asian text (``w:eastAsia``): python-docx sets only
the Latin one, and Word or LibreOffice would then draw the Chinese in a fallback face.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..render.layout import Layout, placed, width
from .model import AnnualReport
from .plan import Kind, plan
from .profiles import TEMPLATE, Profile

RED = RGBColor(0xC0, 0x00, 0x00)
CELL_MARGIN_TWIPS = 57  # 1 mm
SHORT_TABLE_ROWS = 6  # table 四 (4 rows) is kept on one page


def _fonts(element, name: str) -> None:  # type: ignore[no-untyped-def]
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _run(paragraph, text: str, font: str, size: float, *, bold: bool = False):  # type: ignore[no-untyped-def]
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    _fonts(run._element, font)
    return run


def _spacing(paragraph, profile: Profile) -> None:  # type: ignore[no-untyped-def]
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if profile.line_pt is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(profile.line_pt)


def _column_widths(layout: Layout, profile: Profile) -> list[float]:
    """Label columns as wide as their longest own label needs (within limits), data columns share the rest (mm)."""
    columns = width(layout)
    data = {col for _r, col, cell in placed(layout) if cell.cell_id is not None}
    labels = [c for c in range(columns) if c not in data]
    total = profile.text_width_mm
    if not labels or not data:
        return [total / columns] * columns
    need = dict.fromkeys(labels, 4)
    for _r, col, cell in placed(layout):
        if col in need and cell.colspan == 1 and cell.cell_id is None:
            need[col] = max(need[col], min(len(cell.text), 24))
    label_share = 0.45 if len(labels) > 1 else 0.3
    weight = sum(need.values())
    return [
        total * label_share * need[c] / weight if c in need else total * (1 - label_share) / len(data)
        for c in range(columns)
    ]


def _narrow_cell_margins(table) -> None:  # type: ignore[no-untyped-def]
    """1 mm left and right inside each cell (Word's default 1.9 mm leaves a 10 mm column three digits)."""
    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    properties.append(margins)


def _table(document, layout: Layout, profile: Profile) -> None:  # type: ignore[no-untyped-def]
    columns = width(layout)
    table = document.add_table(rows=len(layout), cols=columns)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _narrow_cell_margins(table)
    widths = _column_widths(layout, profile)
    for c, column in enumerate(table.columns):
        column.width = Mm(widths[c])  # the grid LibreOffice lays out by
    # python-docx's table.cell() lists every cell on each call; take the grid once (a merge leaves
    # the cells outside its own rectangle as they are, and no two layout cells share a rectangle)
    grid = table._cells
    for i, each in enumerate(grid):
        each.width = Mm(widths[i % columns])
    for r, c, cell in placed(layout):
        target = grid[r * columns + c]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(grid[(r + cell.rowspan - 1) * columns + c + cell.colspan - 1])
        paragraph = target.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(0)
        _run(paragraph, cell.text, profile.table_font, profile.table_pt, bold=cell.header)
    _keep_rows_together(table, layout)


def _keep_rows_together(table, layout: Layout) -> None:  # type: ignore[no-untyped-def]
    """No row breaks across pages; the header rows repeat on a page the table continues on, and stay with
    what follows; a short table stays whole (LibreOffice then moves table 四 with its heading to the next page).
    """
    short = len(layout) <= SHORT_TABLE_ROWS
    heading = True
    for index, (row, cells) in enumerate(zip(table.rows, layout)):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        heading = heading and all(c.cell_id is None for c in cells)
        if heading:
            properties.append(OxmlElement("w:tblHeader"))
        if index < len(layout) - 1 and (short or any(c.header for c in cells)):
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True


def _metadata(document, report: AnnualReport, profile: Profile) -> None:  # type: ignore[no-untyped-def]
    props = document.core_properties
    props.title = report.title
    props.author = report.agency
    props.subject = f"{report.year}年度政府信息公开工作年度报告"
    props.keywords = "草稿" if report.draft else "政府信息公开工作年度报告"
    props.category = profile.zh
    comments = [f"由 gongkai 生成；版式：{profile.zh}"]
    if report.draft:
        comments.append("草稿")
    if report.override:
        comments.append(f"覆盖核查错误的理由：{report.override}")
    props.comments = "；".join(comments)
    # the default template carries a 2013 date, which a reader could take for the report's date
    props.created = props.modified = datetime.now(UTC)


def render_docx(report: AnnualReport, profile: Profile = TEMPLATE) -> bytes:
    """The report as DOCX bytes: A4 with the profile's margins and fonts, the three tables merged as printed."""
    document = docx.Document()
    _metadata(document, report, profile)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, bottom, left, right = profile.margins_mm
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    normal = document.styles["Normal"]
    normal.font.size = Pt(profile.body_pt)
    normal.font.name = profile.body_font
    _fonts(normal.element, profile.body_font)
    for block in plan(report):
        if block.kind is Kind.TABLE:
            assert block.layout is not None
            _table(document, block.layout, profile)
            continue
        paragraph = document.add_paragraph()
        _spacing(paragraph, profile)
        if block.kind is Kind.DRAFT:
            _run(paragraph, block.text, profile.heading_font, profile.body_pt, bold=True).font.color.rgb = RED
        elif block.kind is Kind.TITLE:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(paragraph, block.text, profile.title_font, profile.title_pt, bold=profile.id == TEMPLATE.id)
        elif block.kind is Kind.HEADING:
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.first_line_indent = Pt(profile.heading_pt * profile.first_line_chars)
            _run(paragraph, block.text, profile.heading_font, profile.heading_pt, bold=profile.id == TEMPLATE.id)
        else:
            paragraph.paragraph_format.first_line_indent = Pt(profile.body_pt * profile.first_line_chars)
            _run(paragraph, block.text, profile.body_font, profile.body_pt)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
