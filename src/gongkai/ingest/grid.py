"""Build a true grid (every row the same length) from cells that span.

HTML tables state ``rowspan``/``colspan`` and leave the placement to the
reader; Word tables state the grid column of every cell. Both end here: a
merged cell's text sits in its top-left slot and every other slot it spans
is ``covered``. A slot no source cell reaches (a short row) is ``covered``
too: it is not a cell of the source, so the reader must not see a blank
cell there.

The ``Limits`` bound the work: a span is cut to ``max_span`` columns (a bogus
``colspan="65535"`` must not blow up the grid), and the grids of one source share
a ``CellBudget`` of ``max_grid_cells`` slots. Going over it raises
``GridTooLarge``, which the form module turns into ``LimitExceeded`` naming its file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..document import GridCell, SourcePlace
from ..limits import DEFAULT_LIMITS, Limits

Slots = dict[tuple[int, int], GridCell]


class GridTooLarge(Exception):
    """The grids of a source would hold more than ``Limits.max_grid_cells`` slots (``cells``: at least this many)."""

    def __init__(self, cells: int) -> None:
        self.cells = cells
        super().__init__(cells)


class CellBudget:
    """The slots left for the grids of one source: ``Limits.max_grid_cells`` in all."""

    def __init__(self, limits: Limits = DEFAULT_LIMITS) -> None:
        self.limits = limits
        self.used = 0

    def check(self, cells: int) -> None:
        """Raise ``GridTooLarge`` if a grid of ``cells`` slots would not fit in what is left."""
        if self.used + cells > self.limits.max_grid_cells:
            raise GridTooLarge(self.used + cells)

    def spend(self, cells: int) -> None:
        self.check(cells)
        self.used += cells


@dataclass(frozen=True, slots=True)
class SpanCell:
    """A source cell before placement."""

    text: str
    place: SourcePlace
    rowspan: int = 1
    colspan: int = 1


def put(slots: Slots, row: int, col: int, cell: SpanCell, rows_left: int, budget: CellBudget | None = None) -> int:
    """Place ``cell`` with its top-left corner at (row, col); return its width."""
    budget = budget or CellBudget()
    rowspan = min(max(cell.rowspan, 1), max(rows_left, 1))
    colspan = min(max(cell.colspan, 1), budget.limits.max_span)
    budget.check(len(slots) + rowspan * colspan)
    for i in range(rowspan):
        for j in range(colspan):
            origin = i == 0 and j == 0
            slots[(row + i, col + j)] = GridCell(cell.text if origin else "", cell.place, covered=not origin)
    return colspan


def expand_spans(
    rows: Sequence[Sequence[SpanCell]], budget: CellBudget | None = None
) -> tuple[tuple[GridCell, ...], ...]:
    """Lay out HTML-style rows: each cell takes the next slot not already covered from above."""
    budget = budget or CellBudget()
    slots: Slots = {}
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while (r, col) in slots:
                col += 1
            col += put(slots, r, col, cell, len(rows) - r, budget)
    return squared(slots, len(rows), budget)


def squared(slots: Slots, n_rows: int, budget: CellBudget | None = None) -> tuple[tuple[GridCell, ...], ...]:
    """The slots as ``n_rows`` rows of equal length, filling holes with covered slots; spends them from ``budget``."""
    width = max((col for _, col in slots), default=-1) + 1
    (budget or CellBudget()).spend(n_rows * width)
    out = []
    for r in range(n_rows):
        row: list[GridCell] = []
        for c in range(width):
            cell = slots.get((r, c))
            if cell is None:
                place = row[-1].place if row else SourcePlace()
                cell = GridCell("", place, covered=True)
            row.append(cell)
        out.append(tuple(row))
    return tuple(out)
