"""One report's tables on an XLSX worksheet in the official layout, with its findings below.

The sheet walks ``render.layout``: each spanning cell of the layout is a merged
range, a data cell holds the number itself (缺 where the report does not print it)
and a cell named by an open error is coloured; a reviewer's correction carries a
note with the value read and the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from ..check import Severity
from ..model import CellState, Report, cell_text, correction_note
from .layout import Cell, Layout, placed, report_title, table_parts


class SheetFinding(Protocol):
    """What the sheet prints of a reviewed finding (``store.views.FindingRow`` has it)."""

    @property
    def rule(self) -> str: ...
    @property
    def severity(self) -> str: ...  # Severity.value
    @property
    def cells(self) -> tuple[str, ...]: ...
    @property
    def message(self) -> str: ...
    @property
    def status(self) -> str: ...  # open | confirmed | dismissed
    @property
    def status_zh(self) -> str: ...  # 待审 | 已确认 | 已驳回
    @property
    def reason(self) -> str | None: ...


class Styles:
    def __init__(self, workbook: Any) -> None:
        base = {"border": 1, "valign": "vcenter", "font_name": "宋体", "font_size": 10}
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.heading = workbook.add_format({"bold": True, "font_size": 12})
        self.head = workbook.add_format(
            {**base, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#EDEDED"}
        )
        self.label = workbook.add_format({**base, "text_wrap": True})
        self.number = workbook.add_format({**base, "align": "right"})
        self.absent = workbook.add_format({**base, "align": "center", "font_color": "#999999"})
        self.error = workbook.add_format({**base, "align": "right", "bg_color": "#F8D7DA"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})


def _content(cell: Cell, report: Report, styles: Styles, flagged: set[str]) -> tuple[object, Any]:
    """What a layout cell holds on the sheet, and its style."""
    if cell.cell_id is None:
        return cell.text, styles.head if cell.header else styles.label
    shown = report.cells.get(cell.cell_id)
    if shown is None or shown.state is CellState.ABSENT:
        return cell_text(shown), styles.absent
    style = styles.error if cell.cell_id in flagged else styles.number
    value = shown.value
    if value is None:  # printed blank: an empty cell, not 空, so that sums over the sheet work
        return "", style
    return (float(value) if isinstance(value, Decimal) else value), style


def _table(sheet: Any, top: int, layout: Layout, report: Report, styles: Styles, flagged: set[str]) -> int:
    """Write the layout from row ``top``; returns the row after it."""
    for r, c, cell in placed(layout):
        value, style = _content(cell, report, styles, flagged)
        if cell.rowspan > 1 or cell.colspan > 1:
            sheet.merge_range(top + r, c, top + r + cell.rowspan - 1, c + cell.colspan - 1, value, style)
        else:
            sheet.write(top + r, c, value, style)
        shown = report.cells.get(cell.cell_id) if cell.cell_id is not None else None
        if shown is not None and shown.correction is not None:  # a reviewer's value: the read one in a note
            sheet.write_comment(top + r, c, correction_note(shown), {"x_scale": 2})
    return top + len(layout)


def _severity(value: str) -> str:
    try:
        return Severity(value).zh
    except ValueError:
        return value


def write_report_sheet(workbook: Any, name: str, report: Report, findings: Sequence[SheetFinding]) -> None:
    """A worksheet with the report's title, its tables as printed, and its findings."""
    styles = Styles(workbook)
    sheet = workbook.add_worksheet(name)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 30)
    sheet.set_column(3, 15, 9)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # each table as wide as the page, as many pages down as it needs
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.repeat_rows(0)
    title = report.title or f"{report.agency or ''}{report.year or ''}年{report_title(report.format)}"
    sheet.write(0, 0, title, styles.title)
    published = report.published.isoformat() if report.published else "未注明"
    sheet.write(
        1,
        0,
        f"机关：{report.agency or '未识别'}　年度：{report.year or '未识别'}　"
        f"发布日期：{published}　来源：{report.source}",
    )
    flagged = {c for f in findings if f.severity == Severity.ERROR.value and f.status != "dismissed" for c in f.cells}
    row = 3
    if report.format is not None:
        for heading, layout in table_parts(report.format):
            sheet.write(row, 0, heading, styles.heading)
            row = _table(sheet, row + 1, layout, report, styles, flagged) + 1  # a blank row after each table
    sheet.write(row, 0, f"发现问题（{len(findings)}）", styles.heading)
    row += 1
    for heading, col in (("规则", 0), ("严重程度", 1), ("说明", 2), ("审核状态", 12)):
        sheet.write(row, col, heading, styles.head)
    for f in findings:
        row += 1
        sheet.write(row, 0, f.rule)
        sheet.write(row, 1, _severity(f.severity))
        sheet.merge_range(row, 2, row, 11, f.message, styles.wrap)
        sheet.write(row, 12, f.status_zh + (f"（{f.reason}）" if f.reason else ""))
