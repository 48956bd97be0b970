"""The one official layout: a format's tables as rows of spanning cells, each data cell with its id.

Everything a table prints comes from the format declaration (``gongkai.formats``):
row and column labels, the merged group labels of table 三 (``Block.groups``), the
roles of table 三 and 四 (``Format.applications``, ``Format.appeals``) and the
template's own words (``Format.words``: 信息内容, the 勾稽关系 note, 申请人情况,
法人或其他组织, 行政诉讼). HTML, Word, XLSX, the terminal and the web page all walk
this one layout; a consumer that wants more than text in a data cell (a style, a
number, a live cell) looks it up by the cell's ``cell_id``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import NamedTuple

from ..formats import FORMATS, WORDS, AppealsView, ApplicationsView, CellId, Format, Table, TemplateWords
from ..model import format_value

Value = int | Decimal | None

CellTexts = Mapping[str, Value] | Callable[[CellId], str]
"""What a data cell prints: a value looked up by cell id (printed exactly, absent = ""), or ``f(cell_id)``."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a laid-out table: a header, a row or group label, or a data cell (``cell_id`` set)."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    cell_id: CellId | None = None  # the report cell shown here; None for headers and labels
    short: str | None = None  # a compact label for narrow displays ("复议" for 行政复议)


Layout = list[list[Cell]]


class Part(NamedTuple):
    """One of the report's sections: its numbered heading and its table (None where the section is prose)."""

    heading: str
    layout: Layout | None


def _texts(values: CellTexts | None) -> Callable[[CellId], str]:
    if values is None:
        return lambda _cid: ""
    if callable(values):
        return values
    return lambda cid: format_value(values.get(cid))


def _words(fmt: Format) -> TemplateWords:
    if fmt.words is None:
        raise ValueError(f"format {fmt.id} declares tables but no template words")
    return fmt.words


def _data(cid: CellId, text: Callable[[CellId], str]) -> Cell:
    return Cell(text(cid), cell_id=cid)


def _padded(cells: list[Cell], width: int) -> list[Cell]:
    """The cells of a row; the last one spans what is left of the table's width."""
    return [*cells[:-1], replace(cells[-1], colspan=width - len(cells) + 1)]


def _row_blocks(fmt: Format, table: Table, text: Callable[[CellId], str]) -> Layout:
    """Table 二: each block under its caption and a header line, one table as wide as the widest block."""
    words = _words(fmt)
    width = 1 + max(len(block.columns) for block in table.blocks)
    rows: Layout = []
    for block in table.blocks:
        if block.caption is not None:
            rows.append([Cell(block.caption, colspan=width, header=True)])
        header = [Cell(words.content_header, header=True), *(Cell(c.label, header=True) for c in block.columns)]
        rows.append(_padded(header, width))
        for row in block.rows:
            cells = [Cell(row.numbered), *(_data(table.cell(row.id, c.id), text) for c in block.columns)]
            rows.append(_padded(cells, width))
    return rows


def _applications(fmt: Format, table: Table, view: ApplicationsView, text: Callable[[CellId], str]) -> Layout:
    """Table 三: the 勾稽 note in the corner, applicants across, rows under their nested group labels."""
    words = _words(fmt)
    [block] = table.blocks
    nesting = {row.id: [g for g in block.groups if row.id in g.rows] for row in block.rows}
    labels = 1 + max(len(groups) for groups in nesting.values())  # label columns: group levels + the row's own
    rows: Layout = [
        [
            Cell(words.balance_note, rowspan=3, colspan=labels, header=True),
            Cell(words.applicants_header, colspan=len(view.columns), header=True),
        ],
        [
            Cell(view.person.label, rowspan=2, header=True),
            Cell(words.organisations_header, colspan=len(view.organisations), header=True),
            Cell(view.total_column.label, rowspan=2, header=True),
        ],
        [Cell(c.label, header=True) for c in view.organisations],
    ]
    for row in block.rows:
        groups = nesting[row.id]
        line = [Cell(g.label, rowspan=len(g.rows)) for g in groups if g.rows[0] == row.id]
        line.append(Cell(row.numbered, colspan=labels - len(groups)))
        line += [_data(view.cell(row, c), text) for c in view.columns]
        rows.append(line)
    return rows


def _appeals(fmt: Format, view: AppealsView, text: Callable[[CellId], str]) -> Layout:
    """Table 四: 行政复议 and 行政诉讼 (two suit groups) across, one line of cells."""
    words = _words(fmt)
    n = len(view.columns)
    return [
        [
            Cell(view.review.label, colspan=n, header=True, short=view.review.short),
            Cell(words.litigation_header, colspan=n * len(view.suits), header=True),
        ],
        [Cell(c.label, rowspan=2, header=True) for c in view.columns]
        + [Cell(s.label, colspan=n, header=True, short=s.short) for s in view.suits],
        [Cell(c.label, header=True) for _ in view.suits for c in view.columns],
        [_data(view.cell(g, c), text) for g in view.groups for c in view.columns],
    ]


def table_layout(fmt: Format, table: Table, values: CellTexts | None = None) -> Layout:
    """One table of ``fmt`` in the official layout; data cells print ``values`` (blank without)."""
    text = _texts(values)
    if fmt.applications is not None and table.id == fmt.applications.table:
        return _applications(fmt, table, fmt.applications, text)
    if fmt.appeals is not None and table.id == fmt.appeals.table:
        return _appeals(fmt, fmt.appeals, text)
    return _row_blocks(fmt, table, text)


def _format(fmt: Format | str) -> Format:
    return FORMATS[fmt] if isinstance(fmt, str) else fmt


def report_parts(fmt: Format | str, values: CellTexts | None = None) -> Iterator[Part]:
    """The six section headings (``Section.numbered``), each with its table's layout or None for prose."""
    fmt = _format(fmt)
    tables = {table.section: table for table in fmt.tables}
    for section in fmt.sections:
        table = tables.get(section.number)
        yield Part(section.numbered, table_layout(fmt, table, values) if table is not None else None)


def table_parts(fmt: Format | str, values: CellTexts | None = None) -> Iterator[tuple[str, Layout]]:
    """Only the sections that hold a table: (numbered heading, layout)."""
    for heading, layout in report_parts(fmt, values):
        if layout is not None:
            yield heading, layout


def report_title(fmt: Format | str | None) -> str:
    """The template's title (政府信息公开工作年度报告)."""
    words = _format(fmt).words if fmt is not None else None
    return (words or WORDS).report_title


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
    """The number of grid columns."""
    return max(col + cell.colspan for _, col, cell in placed(layout))


def data_cells(layout: Layout) -> Iterator[Cell]:
    """The data cells in reading order (row by row, left to right)."""
    return (cell for row in layout for cell in row if cell.cell_id is not None)


__all__ = [
    "Cell",
    "CellTexts",
    "Layout",
    "Part",
    "Value",
    "data_cells",
    "placed",
    "report_parts",
    "report_title",
    "table_layout",
    "table_parts",
    "width",
]
