"""Which national format a report prints, decided from the declarations' data.

Each format declares ``anchors`` (phrases whose presence says the report prints
tables of that format's family), ``signals`` (phrases only that format prints)
and the years it covers. A third format is one more declaration; this code does
not change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .model import Format
from .national import FORMATS


def detect_format(
    norm: str,
    year: int | None,
    normalize: Callable[[str], str] = lambda s: s,
    formats: Iterable[Format] = FORMATS.values(),
) -> Format | None:
    """The format of a report whose normalised text is ``norm``.

    Tables decide first: among the formats whose anchors appear, the one with the
    most signals wins; a tie goes to the format in force in ``year`` (or, without a
    year, the newest). Without tables, a table-less era covering ``year`` or
    showing its signals is chosen; otherwise None.
    """
    candidates = list(formats)

    def found(phrases: tuple[str, ...]) -> int:
        return sum(normalize(p) in norm for p in phrases)

    tabled = [f for f in candidates if f.tables and f.anchors and found(f.anchors)]
    if tabled:
        scores = {f.id: found(f.signals) for f in tabled}
        best = max(scores.values())
        leaders = [f for f in tabled if scores[f.id] == best]
        if len(leaders) == 1:
            return leaders[0]
        return _by_year(leaders, year)
    untabled = [f for f in candidates if not f.tables]
    if year is not None:
        for f in untabled:
            if f.covers(year):
                return f
    for f in untabled:
        if found(f.signals):
            return f
    return None


def _by_year(formats: list[Format], year: int | None) -> Format:
    """The format in force in ``year``; before all of them the oldest, without a year the newest."""
    ordered = sorted(formats, key=lambda f: f.first_year or 0)
    if year is None:
        return ordered[-1]
    in_force = [f for f in ordered if (f.first_year or 0) <= year]
    return in_force[-1] if in_force else ordered[0]
