"""One report's three tables on a worksheet in the official layout (merged headers, Chinese labels).

The rows, columns and labels come from the format declaration; only the merged
group labels of table 三 (（三）不予公开 …), which the declaration does not hold as
rows, are named here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..formats import BlockLayout, Table
from ..model import CellState, Report
from ..store.views import FindingRow

GROUP_OF_FIRST_ROW = {
    "deny_secret": "（三）不予公开",
    "unable_not_held": "（四）无法提供",
    "reject_petition": "（五）不予处理",
    "other_no_correction": "（六）其他处理",
}
RESULT_ROWS_LABEL = "三、本年度办理结果"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


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


def _value(report: Report, cell_id: str) -> tuple[object, str]:
    cell = report.cells.get(cell_id)
    if cell is None or cell.state is CellState.ABSENT:
        return "缺", "absent"
    if cell.value is None:
        return "", "number"
    value = cell.value
    return (float(value) if isinstance(value, Decimal) else value), "number"


def _put(sheet: Any, row: int, col: int, report: Report, cell_id: str, styles: Styles, flagged: set[str]) -> None:
    value, kind = _value(report, cell_id)
    style = styles.absent if kind == "absent" else (styles.error if cell_id in flagged else styles.number)
    sheet.write(row, col, value, style)


def _proactive(sheet: Any, row: int, report: Report, table: Table, styles: Styles, flagged: set[str]) -> int:
    for block in table.blocks:
        width = len(block.columns)
        sheet.merge_range(row, 0, row, width, block.caption or "", styles.head)
        row += 1
        sheet.write(row, 0, "信息内容", styles.head)
        for i, col in enumerate(block.columns, start=1):
            sheet.write(row, i, col.label, styles.head)
        row += 1
        for data_row in block.rows:
            sheet.write(row, 0, data_row.number + data_row.label, styles.label)
            for i, col in enumerate(block.columns, start=1):
                _put(sheet, row, i, report, f"{table.id}.{data_row.id}.{col.id}", styles, flagged)
            row += 1
        row += 1
    return row


def _applications(sheet: Any, row: int, report: Report, table: Table, styles: Styles, flagged: set[str]) -> int:
    block = table.blocks[0]
    columns = block.columns  # 自然人, five 法人或其他组织 columns, 总计
    last = 2 + len(columns)
    sheet.merge_range(row, 0, row + 2, 2, BALANCE_NOTE, styles.head)
    sheet.merge_range(row, 3, row, last, "申请人情况", styles.head)
    sheet.merge_range(row + 1, 3, row + 2, 3, columns[0].label, styles.head)
    sheet.merge_range(row + 1, 4, row + 1, last - 1, "法人或其他组织", styles.head)
    sheet.merge_range(row + 1, last, row + 2, last, columns[-1].label, styles.head)
    for i, col in enumerate(columns[1:-1], start=4):
        sheet.write(row + 2, i, col.label, styles.head)
    row += 3
    rows = list(block.rows)
    results = [r for r in rows if r.id not in ("new", "carried", "carry_forward")]
    first_result = row + next(i for i, r in enumerate(rows) if r.id == results[0].id)
    group_start: int | None = None
    group_label = ""
    for data_row in rows:
        in_results = data_row in results
        sub_row = data_row.number[:1].isdigit()
        if data_row.id in GROUP_OF_FIRST_ROW:
            group_start, group_label = row, GROUP_OF_FIRST_ROW[data_row.id]
        if not in_results:
            sheet.merge_range(row, 0, row, 2, data_row.number + data_row.label, styles.label)
        elif sub_row:
            sheet.write(row, 2, data_row.number + data_row.label, styles.label)
        else:
            sheet.merge_range(row, 1, row, 2, data_row.number + data_row.label, styles.label)
        for i, col in enumerate(columns, start=3):
            _put(sheet, row, i, report, f"{table.id}.{data_row.id}.{col.id}", styles, flagged)
        next_is_sub = False
        position = rows.index(data_row)
        if position + 1 < len(rows):
            following = rows[position + 1]
            next_is_sub = following.number[:1].isdigit() and following.id not in GROUP_OF_FIRST_ROW
        if group_start is not None and sub_row and not next_is_sub:
            sheet.merge_range(group_start, 1, row, 1, group_label, styles.label)
            group_start = None
        row += 1
    last_result = first_result + len(results) - 1
    sheet.merge_range(first_result, 0, last_result, 0, RESULT_ROWS_LABEL, styles.label)
    return row + 1


def _appeals(sheet: Any, row: int, report: Report, table: Table, styles: Styles, flagged: set[str]) -> int:
    block = table.blocks[0]
    review, direct, after = block.rows
    n = len(block.columns)
    sheet.merge_range(row, 0, row, n - 1, review.label, styles.head)
    sheet.merge_range(row, n, row, 3 * n - 1, "行政诉讼", styles.head)
    for i, col in enumerate(block.columns):
        sheet.merge_range(row + 1, i, row + 2, i, col.label, styles.head)
    sheet.merge_range(row + 1, n, row + 1, 2 * n - 1, direct.label, styles.head)
    sheet.merge_range(row + 1, 2 * n, row + 1, 3 * n - 1, after.label, styles.head)
    for g in range(2):
        for i, col in enumerate(block.columns):
            sheet.write(row + 2, n + g * n + i, col.label, styles.head)
    for g, group in enumerate(block.rows):
        for i, col in enumerate(block.columns):
            _put(sheet, row + 3, g * n + i, report, f"{table.id}.{group.id}.{col.id}", styles, flagged)
    return row + 5


def write_report_sheet(workbook: Any, name: str, report: Report, findings: list[FindingRow]) -> None:
    """A worksheet with the report's title, its three tables as printed, and its findings."""
    styles = Styles(workbook)
    sheet = workbook.add_worksheet(name)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 30)
    sheet.set_column(3, 15, 9)
    title = report.title or f"{report.agency or ''}{report.year or ''}年政府信息公开工作年度报告"
    sheet.write(0, 0, title, styles.title)
    published = report.published.isoformat() if report.published else "未注明"
    sheet.write(
        1,
        0,
        f"机关：{report.agency or '未识别'}　年度：{report.year or '未识别'}　"
        f"发布日期：{published}　来源：{report.source}",
    )
    flagged = {c for f in findings if f.severity == "error" and f.status != "dismissed" for c in f.cells}
    row = 3
    if report.format is not None:
        for table in report.format.tables:
            sheet.write(row, 0, f"{'一二三四五六'[table.section - 1]}、{table.title}", styles.heading)
            row += 1
            if table.id == "proactive":
                row = _proactive(sheet, row, report, table, styles, flagged)
            elif table.blocks[0].layout is BlockLayout.FLAT:
                row = _appeals(sheet, row, report, table, styles, flagged)
            else:
                row = _applications(sheet, row, report, table, styles, flagged)
    sheet.write(row, 0, f"发现问题（{len(findings)}）", styles.heading)
    row += 1
    for heading, col in (("规则", 0), ("严重程度", 1), ("说明", 2), ("审核状态", 12)):
        sheet.write(row, col, heading, styles.head)
    for f in findings:
        row += 1
        sheet.write(row, 0, f.rule)
        sheet.write(row, 1, {"error": "错误", "warning": "警告", "info": "提示"}.get(f.severity, f.severity))
        sheet.merge_range(row, 2, row, 11, f.message, styles.wrap)
        sheet.write(row, 12, f.status + (f"（{f.reason}）" if f.reason else ""))
