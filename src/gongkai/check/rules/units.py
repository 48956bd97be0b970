"""Units and precision of amounts (万元)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ...model import CellState, Report
from ..finding import Finding, Severity
from ..registry import rule
from .common import label, make


@rule("unit-mismatch", Severity.WARNING, "金额单位与表头不符", "Amount printed in another unit than the column's")
def unit_mismatch(report: Report, previous: Report | None) -> Iterator[Finding]:
    """An amount in a 万元 column is printed with the unit 元 ("251000元").

    The format states amounts in 万元; an amount in 元 overstates it ten thousand times.

    Failing: 采购总金额 "75394432.52元".

    Passing: 本年收费金额（单位：万元） "96.6252".
    """
    if report.format is None:
        return
    for cell_id, cell in report.cells.items():
        column = report.format.column_of(cell_id)
        if column.unit != "万元" or not cell.raw:
            continue
        printed_unit = cell.unit
        if cell.state is CellState.ABSENT:  # glued, unreadable: the row's last cell carries the unit
            block_last = cell_id.endswith("." + column.id) and cell.raw.rstrip().endswith("元")
            printed_unit = "元" if block_last and not cell.raw.rstrip().endswith("万元") else None
        if printed_unit == "元":
            yield make(
                "unit-mismatch", [cell_id], f"“{label(report, cell_id)}”填报为“{cell.raw}”，单位为元，而该栏以万元计。"
            )


@rule("precision", Severity.INFO, "金额小数位过多", "Amount with more than four decimals")
def precision(report: Report, previous: Report | None) -> Iterator[Finding]:
    """An amount in 万元 has more than four decimals (finer than one 元).

    Four decimals of 万元 are one 元, the common practice (保留4位小数).

    Failing: "12.34567".

    Passing: "2796.6431".
    """
    for cell_id, cell in report.cells.items():
        if isinstance(cell.value, Decimal) and -cell.value.as_tuple().exponent > 4:  # type: ignore[operator]
            yield make(
                "precision",
                [cell_id],
                f"“{label(report, cell_id)}”为{cell.raw}，小数超过4位（以万元计精确到元只需4位）。",
            )
