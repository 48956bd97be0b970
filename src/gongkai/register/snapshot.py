"""A frozen year snapshot: tables 三 and 四 of one agency and year as they were computed on a day.

The live tables follow every event entered later (a late 补正, a corrected decision); the
annual report is written from what the agency froze. A snapshot keeps each cell's applications,
the policies in force, and whether any deadline behind it was counted on a provisional calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .calendar import WorkCalendar
from .clock import state
from .events import Application
from .policy import DEFAULT_POLICY, Policy
from .tables import YearTables, table_cells, year_tables


@dataclass(frozen=True, slots=True)
class Frozen:
    """What a snapshot stores: the tables and the calendar's standing behind them."""

    tables: YearTables
    provisional: bool  # some deadline of a counted application touched a year without official days
    provisional_years: tuple[int, ...]
    applications: int  # applications counted in some cell


@dataclass(frozen=True, slots=True)
class YearSnapshot:
    """A stored snapshot; ``tables`` is the same ``YearTables`` that ``year_tables`` gives (``.report()``)."""

    id: int
    tables: YearTables
    provisional: bool
    provisional_years: tuple[int, ...]
    applications: int
    taken_at: datetime
    taken_by: str | None
    note: str | None
    current: bool  # the latest of its agency and year; older ones are superseded, never removed

    @property
    def agency(self) -> str:
        return self.tables.agency

    @property
    def year(self) -> int:
        return self.tables.year

    def to_json(self, *, cells: bool = False) -> dict[str, object]:
        out: dict[str, object] = {
            "id": self.id,
            "agency": self.agency,
            "year": self.year,
            "current": self.current,
            "taken_at": self.taken_at.isoformat(),
            "taken_by": self.taken_by,
            "note": self.note,
            "provisional": self.provisional,
            "provisional_years": list(self.provisional_years),
            "applications": self.applications,
            "policy": list(self.tables.notes),
        }
        if cells:
            out["cells"] = self.tables.to_json()["cells"]
        return out


def freeze(
    applications: Iterable[Application],
    year: int,
    agency: str,
    calendar: WorkCalendar,
    policy: Policy = DEFAULT_POLICY,
) -> Frozen:
    """The year's tables from every event entered so far, and the calendar's standing of their deadlines."""
    apps = list(applications)
    tables = year_tables(apps, year, agency, policy)
    counted = {a for ids in tables.cells.values() for a in ids}
    years: set[int] = set()
    last = date(year, 12, 31)
    for app in apps:
        if app.id not in counted:
            continue
        st = state(app, last, calendar, policy, known=date.max)
        if st.start is not None and st.due is not None:
            years.update(calendar.provisional_years(st.start, max(st.due, st.due_earlier or st.due)))
    return Frozen(tables, bool(years), tuple(sorted(years)), len(counted))


def tables_of(
    agency: str, year: int, cells: dict[str, list[str]], notes: list[str], left_out: dict[str, str]
) -> YearTables:
    """Rebuild a stored snapshot's ``YearTables``, its cells in print order."""
    ordered = {cid: list(cells.get(cid, ())) for cid in table_cells()}
    return YearTables(agency, year, ordered, list(notes), dict(left_out))
