"""The figures the corpus statistics sum, kept per report at ingest (table ``report_figures``, migration 0010).

The statistics sum a few dozen cells over the corpus (``fmt.applications.new``,
``.outcomes``, ``fmt.appeals.review``, ``.suits``, ``.decided``, ``.corrected``, over
every format that has them). Summing them from the cell rows means reading tens of
millions of rows at corpus scale, so each report's sums are kept beside it: one row
per report, one column per figure, written in the transaction that writes the
report's cells (``writes.py``) or changes one of them (``corrections.py``), removed
with the report (ON DELETE CASCADE). Versions need nothing here: the statistics
join the reports their filter selects, current ones only unless asked otherwise.

A column is NULL when the report holds none of the figure's cells, otherwise the sum
of their numbers (a cell stored without a number counts 0): exactly what summing the
cell rows gave, where a figure with no stored cell is absent rather than 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..formats import FORMATS, AppealsView, ApplicationsView, Row


@dataclass(frozen=True, slots=True)
class Corrections:
    """The cells of one 纠错率: 结果纠正, and every closed result (维持, 纠正, 其他)."""

    corrected: frozenset[str]
    decided: frozenset[str]


@dataclass(frozen=True, slots=True)
class StatCells:
    """Which stored cells each figure sums, gathered from the formats' views."""

    new: frozenset[str]  # 本年新收 总计
    outcomes: dict[str, str]  # outcome cell (总计 column) → outcome row id, in declaration order
    review: Corrections
    suits: Corrections

    @classmethod
    def of(cls, applications: list[ApplicationsView], appeals: list[AppealsView]) -> StatCells:
        outcomes: dict[str, str] = {}
        for view in applications:
            for row in view.outcomes:
                outcomes.setdefault(view.cell(row), row.id)

        def corrections(groups: list[tuple[AppealsView, Row]]) -> Corrections:
            return Corrections(
                frozenset(a.cell(g, a.corrected) for a, g in groups),
                frozenset(a.cell(g, c) for a, g in groups for c in a.decided),
            )

        return cls(
            new=frozenset(view.cell(view.new) for view in applications),
            outcomes=outcomes,
            review=corrections([(a, a.review) for a in appeals]),
            suits=corrections([(a, g) for a in appeals for g in a.suits]),
        )

    @property
    def wanted(self) -> list[str]:
        """Every cell any figure reads, for one ``IN (...)``."""
        cells = {*self.new, *self.outcomes, *self.review.decided, *self.suits.decided}
        return sorted(cells)

    def columns(self) -> dict[str, frozenset[str]]:
        """Figure column → the cells it sums: ``new``, ``review_*``, ``suit_*``, then ``outcome_<row id>``."""
        out = {
            NEW: self.new,
            REVIEW_CORRECTED: self.review.corrected,
            REVIEW_DECIDED: self.review.decided,
            SUIT_CORRECTED: self.suits.corrected,
            SUIT_DECIDED: self.suits.decided,
        }
        for row in dict.fromkeys(self.outcomes.values()):
            if not row.isidentifier():
                raise ValueError(f"outcome row id {row!r} cannot name a column")
            out[OUTCOME + row] = frozenset(c for c, r in self.outcomes.items() if r == row)
        return out


NEW = "new"
REVIEW_CORRECTED, REVIEW_DECIDED = "review_corrected", "review_decided"
SUIT_CORRECTED, SUIT_DECIDED = "suit_corrected", "suit_decided"
OUTCOME = "outcome_"

CELLS = StatCells.of(
    [f.applications for f in FORMATS.values() if f.applications is not None],
    [f.appeals for f in FORMATS.values() if f.appeals is not None],
)
FIGURE_CELLS: dict[str, frozenset[str]] = CELLS.columns()
"""Figure column → the cells it sums. Migration 0010 created these columns; a new figure needs a migration."""

WANTED_CELLS = frozenset(CELLS.wanted)

_COLUMNS_OF_CELL: dict[str, tuple[str, ...]] = {
    cell: tuple(col for col, cells in FIGURE_CELLS.items() if cell in cells) for cell in CELLS.wanted
}


def figures_of(cells: Iterable[tuple[str, float | None]]) -> dict[str, float | None]:
    """One report's figures from its ``(cell id, number)`` pairs: a column per figure, None where no cell is held."""
    out: dict[str, float | None] = dict.fromkeys(FIGURE_CELLS)
    for cell_id, number in cells:
        for col in _COLUMNS_OF_CELL.get(cell_id, ()):
            out[col] = (out[col] or 0.0) + (number or 0.0)
    return out


def figure_rows(report_cells: Sequence[tuple[int, Iterable[tuple[str, float | None]]]]) -> list[dict[str, Any]]:
    """``report_figures`` rows for ``(report id, its (cell id, number) pairs)``."""
    return [{"report_id": rid, **figures_of(cells)} for rid, cells in report_cells]
