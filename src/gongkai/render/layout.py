"""The three tables of a format laid out as rows of spanning cells.

Row and column labels and the group labels of table 三 come from the format
declaration (``gongkai.formats``). The other words a table prints (the
勾稽关系 note, the header groups) are the template's own and live here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..formats import FORMATS, Table

Value = int | Decimal | None

CONTENT_HEADER = "信息内容"
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_ORGANISATIONS = "法人或其他组织"
T4_LITIGATION = "行政诉讼"


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


Layout = list[list[Cell]]


def format_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _proactive(table: Table, values: Mapping[str, Value]) -> Layout:
    width = 1 + max(len(block.columns) for block in table.blocks)
    rows: Layout = []
    for block in table.blocks:
        rows.append([Cell(block.caption or "", colspan=width, header=True)])
        rows.append(_padded([CONTENT_HEADER, *(c.label for c in block.columns)], width, header=True))
        for row in block.rows:
            cells = [format_value(values.get(f"{table.id}.{row.id}.{c.id}")) for c in block.columns]
            rows.append(_padded([row.label, *cells], width))
    return rows


def _padded(texts: list[str], width: int, header: bool = False) -> list[Cell]:
    """One cell per text; the last one spans what is left of the row."""
    cells = [Cell(t, header=header) for t in texts]
    last = cells[-1]
    cells[-1] = Cell(last.text, colspan=width - len(texts) + 1, header=header)
    return cells


def _applications(table: Table, values: Mapping[str, Value]) -> Layout:
    [block] = table.blocks
    person, *organisations, total = block.columns
    rows: Layout = [
        [Cell(T3_NOTE, rowspan=3, colspan=3, header=True), Cell(T3_APPLICANTS, colspan=7, header=True)],
        [
            Cell(person.label, rowspan=2, header=True),
            Cell(T3_ORGANISATIONS, colspan=len(organisations), header=True),
            Cell(total.label, rowspan=2, header=True),
        ],
        [Cell(c.label, header=True) for c in organisations],
    ]
    results, *groups = block.groups  # 三、本年度办理结果 spans the outcome rows and （七）总计
    for row in block.rows:
        label = row.number + row.label
        label_cells: list[Cell] = []
        if row.id not in results.rows:
            label_cells.append(Cell(label, colspan=3))
        else:
            if row.id == results.rows[0]:
                label_cells.append(Cell(results.label, rowspan=len(results.rows)))
            group = next((g for g in groups if row.id in g.rows), None)
            if group is None:
                label_cells.append(Cell(label, colspan=2))
            else:
                if row.id == group.rows[0]:
                    label_cells.append(Cell(group.label, rowspan=len(group.rows)))
                label_cells.append(Cell(label))
        cells = [Cell(format_value(values.get(f"{table.id}.{row.id}.{c.id}"))) for c in block.columns]
        rows.append(label_cells + cells)
    return rows


def _appeals(table: Table, values: Mapping[str, Value]) -> Layout:
    [block] = table.blocks
    review, *suits = block.rows
    n = len(block.columns)
    return [
        [Cell(review.label, colspan=n, header=True), Cell(T4_LITIGATION, colspan=n * len(suits), header=True)],
        [Cell(c.label, rowspan=2, header=True) for c in block.columns]
        + [Cell(s.label, colspan=n, header=True) for s in suits],
        [Cell(c.label, header=True) for _ in suits for c in block.columns],
        [Cell(format_value(values.get(f"{table.id}.{r.id}.{c.id}"))) for r in block.rows for c in block.columns],
    ]


_LAYOUTS = {"proactive": _proactive, "applications": _applications, "appeals": _appeals}


def report_parts(format_id: str, values: Mapping[str, Value]) -> Iterator[tuple[str, Layout | None]]:
    """The six section headings, each followed by its table layout (None where the section is prose)."""
    fmt = FORMATS[format_id]
    tables = {table.section: table for table in fmt.tables}
    for section in fmt.sections:
        table = tables.get(section.number)
        layout = _LAYOUTS[table.id](table, values) if table is not None else None
        yield section.numbered, layout


def placed(layout: Layout) -> Iterator[tuple[int, int, Cell]]:
    """Each cell with the grid (row, column) of its top-left corner."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(layout):
        col = 0
        for cell in row:
            while (r, col) in taken:
                col += 1
            for i in range(cell.rowspan):
                for j in range(cell.colspan):
                    taken.add((r + i, col + j))
            yield r, col, cell
            col += cell.colspan


def width(layout: Layout) -> int:
    return max(col + cell.colspan for _, col, cell in placed(layout))


__all__ = ["Cell", "Layout", "Value", "format_value", "placed", "report_parts", "width"]
