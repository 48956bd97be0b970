"""Small helpers shared by the rule families."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ...model import CellState, Report, cell_text
from ..finding import Finding
from ..registry import RULES


def make(rule_id: str, cells: Sequence[str], message: str, **evidence: object) -> Finding:
    return Finding(rule_id, RULES[rule_id].severity, tuple(cells), message, dict(evidence))


def shown(report: Report, cell_id: str) -> str:
    """A cell's value as a reviewer reads it in a message (空, 缺; no * after an inferred value)."""
    return cell_text(report.cells.get(cell_id), mark_inferred=False)


def total(report: Report, cell_ids: tuple[str, ...] | list[str]) -> int | Decimal:
    return sum((report.number(c) for c in cell_ids), 0)


def printed(report: Report, cell_ids: tuple[str, ...] | list[str]) -> bool:
    """True when every cell was printed (read, blank or inferred), so arithmetic can be judged."""
    return all(report.state(c) is not CellState.ABSENT for c in cell_ids)


def label(report: Report, cell_id: str) -> str:
    return report.format.label_of(cell_id) if report.format else cell_id
