"""Is everything printed, readable and in its place?"""

from __future__ import annotations

from collections.abc import Iterator

from ...formats import BlockLayout
from ...model import CellState, Report
from ..finding import Finding, Severity
from ..registry import rule
from .common import make

BLANK_CONVENTION = 0.1  # above this share of blank cells, blank is the table's way of writing zero


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
        missing = [
            c
            for c in ids
            if report.state(c) is CellState.ABSENT
            and report.cells.get(c, None) is not None
            and report.cells[c].raw is None
        ]
        missing += [c for c in ids if c not in report.cells]
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
        yield make(
            "unreadable-cells",
            cells,
            f"数字粘连“{raw}”可拆分为多种结果，{len(cells)}个单元格未能读取，请核对原文。",
            raw=raw,
        )


@rule("blank-cell", Severity.INFO, "整行/整组留空", "A whole row or group printed blank")
def blank_cell(report: Report, previous: Report | None) -> Iterator[Finding]:
    """A whole row of table 三, or a whole group of table 四, is printed blank in a table that fills its other cells.

    A blank is not a zero: the reader cannot tell "none" from "not reported". A table that
    leaves most cells blank has made blank its convention and is not flagged.

    Failing: table 四 prints all five 行政复议 cells blank and every 行政诉讼 cell filled.

    Passing: a table that leaves every zero blank (its own convention).
    """
    if report.format is None:
        return
    for table in report.format.tables:
        if table.id == "proactive":
            continue
        ids = table.cell_ids()
        blank = {c for c in ids if report.state(c) is CellState.BLANK}
        for block in table.blocks:
            for row in block.rows:
                cells = [f"{table.id}.{row.id}.{c.id}" for c in block.columns]
                if not blank.issuperset(cells):
                    continue
                blank_share = (len(blank) - len(cells)) / max(1, len(ids) - len(cells))
                if blank_share < BLANK_CONVENTION:
                    what = "组" if block.layout is BlockLayout.FLAT else "行"
                    yield make(
                        "blank-cell",
                        cells,
                        f"“{row.label}”整{what}留空，而同表其他单元格均有填写；空白与0含义不同，请核实。",
                    )


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
