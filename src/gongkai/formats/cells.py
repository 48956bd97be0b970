"""Views across all declared formats: every cell id, a label for any of them, outcome rows by id."""

from __future__ import annotations

from functools import cache

from .model import CellId, Format, Row
from .national import FORMATS


def newest_first() -> list[Format]:
    """The tabled formats, the one in force most recently first."""
    tabled = [f for f in FORMATS.values() if f.tables]
    return sorted(tabled, key=lambda f: f.first_year or 0, reverse=True)


@cache
def all_cell_ids() -> tuple[CellId, ...]:
    """Every cell id of every format, newest format's order first, each once."""
    return tuple(dict.fromkeys(cid for fmt in newest_first() for cid in fmt.cell_ids()))


@cache
def _labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for fmt in newest_first():
        for cid in fmt.cell_ids():
            labels.setdefault(cid, fmt.label_of(cid))
    return labels


def cell_label(cid: str) -> str:
    """A Chinese description of a cell of any format (the newest format's wording): ``行政复议·总计``."""
    return _labels().get(cid, cid)


@cache
def outcome_rows() -> tuple[Row, ...]:
    """The outcome rows of table 三 over all formats, each id once (newest format's order first)."""
    rows: dict[str, Row] = {}
    for fmt in newest_first():
        if fmt.applications is not None:
            for row in fmt.applications.outcomes:
                rows.setdefault(row.id, row)
    return tuple(rows.values())
