"""Is everything printed, readable and in its place?"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from ...formats import BlockLayout, Table, split_cell_id
from ...model import CellState, PlacedBy, Report
from ..finding import Finding, Severity
from ..registry import rule
from .arithmetic import broken_identities
from .common import label, make

_FILLED_ELSEWHERE = "而同表其他单元格均有填写；空白与0含义不同，请核实。"
BLANK_CONVENTION = 0.1  # above this share of blank cells, blank is the table's way of writing zero
_ABSENT = CellState.ABSENT


@rule("missing-cells", Severity.WARNING, "表格单元格缺失", "Table prints fewer cells than the format has")
def missing_cells(report: Report, previous: Report | None) -> Iterator[Finding]:
    """A table prints fewer cells than the national format has (T2 10/22, T3 175/161, T4 15).

    The format fixes every row and column; a missing cell cannot be told from a zero.

    Failing: table 四 prints 11 of its 15 cells; a 2021 table prints （六）其他处理 as one row.

    Passing: every cell printed, even if blank.
    """
    if report.format is None:
        return
    for table in report.format.tables:
        ids = table.cell_ids()
        cells = report.cells
        missing = [c for c in ids if (cell := cells.get(c)) is not None and cell.state is _ABSENT and cell.raw is None]
        missing += [c for c in ids if c not in cells]
        if not missing:
            continue
        if len(missing) == len(ids):
            message = f"未找到表格“{table.title}”。"
        else:
            rows = list(dict.fromkeys(report.format.label_of(c).split("·")[0] for c in missing))
            names = "、".join(f"“{r}”" for r in rows[:4]) + ("等" if len(rows) > 4 else "")
            message = f"表格“{table.title}”应有{len(ids)}个单元格，缺少{len(missing)}个（{names}）。"
        yield make("missing-cells", missing, message, printed=len(ids) - len(missing), expected=len(ids))


@rule("unreadable-cells", Severity.WARNING, "数字粘连无法拆分", "Glued digits that cannot be split uniquely")
def unreadable_cells(report: Report, previous: Report | None) -> Iterator[Finding]:
    """Cells printed with their digits run together ("3960181") that allow more than one split.

    gongkai never guesses: a split is taken only when it is the only one that fits the
    format's identities; otherwise the cells stay unread.

    Failing: 行政许可 "3960181" (396|0|181? 39|60|181?).

    Passing: 本年新收 "230 000023", which only 23|0|0|0|0|0|23 fits.
    """
    groups: dict[str, list[str]] = {}
    for cell_id, cell in report.cells.items():
        if cell.state is CellState.ABSENT and cell.raw is not None:
            groups.setdefault(cell.raw, []).append(cell_id)
    for raw, cells in groups.items():
        assert report.format is not None
        rows = list(dict.fromkeys(report.format.label_of(c).split("·")[0] for c in cells))
        where = "、".join(f"“{r}”" for r in rows[:3]) + ("等" if len(rows) > 3 else "")
        placement = report.cells[cells[0]].placement
        if placement is not None and placement.by is PlacedBy.ORDER:
            message = (
                f"表格行标签缺失：{where}的数字“{raw}”无法唯一确定所属的行，{len(cells)}个单元格未读取，请核对原文。"
            )
        else:
            message = f"{where}的数字粘连为“{raw}”，可拆分为多种结果，{len(cells)}个单元格未能读取，请核对原文。"
        yield make("unreadable-cells", cells, message, raw=raw, rows=rows)


@rule("blank-cell", Severity.INFO, "单元格留空", "Cells printed blank")
def blank_cell(report: Report, previous: Report | None) -> Iterator[Finding]:
    """Cells of table 三 or 四 printed blank in a table that fills its other cells: a whole row, a whole
    group of table 四, a whole column of table 三 (a blank 总计 column), or single cells.

    A blank is not a zero: the reader cannot tell "none" from "not reported". A table that
    leaves most cells blank has made blank its convention and is not flagged.

    Failing: table 四 prints all five 行政复议 cells blank and every 行政诉讼 cell filled.

    Passing: a table that leaves every zero blank (its own convention).
    """
    if report.format is None:
        return
    for table in report.format.tables:
        if report.format.proactive is not None and table.id == report.format.proactive.table:
            continue
        yield from _blank_in(report, table)


def _blank_in(report: Report, table: Table) -> Iterator[Finding]:
    ids = table.cell_ids()
    read = report.cells
    blank = {c for c in ids if (cell := read.get(c)) is not None and cell.state is CellState.BLANK}
    if not blank:
        return

    def mostly_filled(cells: Sequence[str]) -> bool:
        return (len(blank) - len(cells)) / max(1, len(ids) - len(cells)) < BLANK_CONVENTION

    told: set[str] = set()
    for block in table.blocks:
        what = "组" if block.layout is BlockLayout.FLAT else "行"
        for row in block.rows:
            cells = [table.cell(row.id, c.id) for c in block.columns]
            if blank.issuperset(cells) and mostly_filled(cells):
                told.update(cells)
                yield make(
                    "blank-cell",
                    cells,
                    f"“{row.label}”整{what}留空，{_FILLED_ELSEWHERE}",
                )
        if block.layout is BlockLayout.FLAT:
            continue
        for col in block.columns:
            cells = [table.cell(row.id, col.id) for row in block.rows]
            if blank.issuperset(cells) and mostly_filled(cells):
                told.update(cells)
                yield make("blank-cell", cells, f"“{col.label}”整列留空，{_FILLED_ELSEWHERE}")
    # a blank inside a broken identity is part of that arithmetic finding
    told.update(c for identity, _, _ in broken_identities(report) for c in identity.cells)
    # a row that prints only its 总计 leaves its breakdown blank on purpose; a gap among printed cells is told
    if len(blank) / len(ids) >= BLANK_CONVENTION:
        return  # blank is this table's way of writing zero
    single = [c for c in ids if c in blank and c not in told and _gap(report, table, c)]
    if single:
        names = "、".join(f"“{label(report, c)}”" for c in single[:4]) + ("等" if len(single) > 4 else "")
        yield make("blank-cell", single, f"{names}{len(single)}个单元格留空；空白与0含义不同，请核实。")


def _gap(report: Report, table: Table, cell_id: str) -> bool:
    """A blank cell between printed numbers of its own row (the row's total column aside)."""
    row = split_cell_id(cell_id).row
    for block in table.blocks:
        if any(r.id == row for r in block.rows):
            others = [table.cell(row, c.id) for c in block.columns if c.id != block.total_column]
            return any(report.state(c) is CellState.READ for c in others if c != cell_id)
    return False


@rule("section-missing", Severity.WARNING, "报告缺少法定部分", "A required section is missing")
def section_missing(report: Report, previous: Report | None) -> Iterator[Finding]:
    """A report in a national format lacks one of its six sections (or prints it unrecognisably).

    条例 第五十条 and the national format fix six parts, in order.

    Failing: no heading 六、其他需要报告的事项.

    Passing: all six headings, numbered or not.
    """
    if report.format is None or not report.format.sections:
        return
    for section in report.format.sections:
        if section.number not in report.sections:
            yield make("section-missing", [f"section{section.number}"], f"未找到“{section.numbered}”部分。")
