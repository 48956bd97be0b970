"""Small helpers shared by the rule families."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ...model import CellState, Report, cell_text
from ..finding import Finding
from ..registry import RULES

_ABSENT = CellState.ABSENT


def make(rule_id: str, cells: Sequence[str], message: str, **evidence: object) -> Finding:
    return Finding(rule_id, RULES[rule_id].severity, tuple(cells), message, dict(evidence))


def shown(report: Report, cell_id: str) -> str:
    """A cell's value as a reviewer reads it in a message (空, 缺; no * after an inferred value)."""
    return cell_text(report.cells.get(cell_id), mark_inferred=False)


def total(report: Report, cell_ids: tuple[str, ...] | list[str]) -> int | Decimal:
    """The sum of the cells, blank and absent counting as zero (``Report.number``), in order."""
    cells = report.cells
    out: int | Decimal = 0
    for c in cell_ids:
        cell = cells.get(c)
        if cell is not None and cell.value is not None:
            out += cell.value
    return out


def printed(report: Report, cell_ids: tuple[str, ...] | list[str]) -> bool:
    """True when every cell was printed (read, blank or inferred), so arithmetic can be judged."""
    cells = report.cells
    for c in cell_ids:
        cell = cells.get(c)
        if cell is None or cell.state is _ABSENT:
            return False
    return True


def label(report: Report, cell_id: str) -> str:
    return report.format.label_of(cell_id) if report.format else cell_id
