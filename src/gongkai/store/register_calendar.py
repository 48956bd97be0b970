"""The working-day calendar's exception days in the database (migration 0009), and the clock's loader.

A year is seeded from chinese-calendar's tables (official) the first time the stored calendar is
needed. An admin may import the State Council's notice (its text) or a file: the notice's days, and
a file's rows marked official, are *provisional* until ``confirm_calendar`` makes the year official;
a file's override rows (region holidays, closures) apply at once. Every deadline touching a year
without official days is provisional, and is recomputed as soon as the days are entered, since
states are always derived anew from the stored calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from ..errors import NotFound, StoreError
from ..register.calendar import DayKind, DayStatus, ExceptionDay, WorkCalendar, package_days
from .base import Part, now
from .db import Database
from .models import RegisterCalendarDay


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """A stored exception day, with who entered and who confirmed it."""

    day: ExceptionDay
    entered_by: str | None
    entered_at: datetime
    confirmed_by: str | None
    confirmed_at: datetime | None

    def to_json(self) -> dict[str, object]:
        d = self.day
        return {
            "date": d.day.isoformat(),
            "kind": d.kind.value,
            "name": d.name,
            "status": d.status.value,
            "source": d.source,
            "region": d.region,
            "entered_by": self.entered_by,
            "entered_at": self.entered_at.isoformat(),
            "confirmed_by": self.confirmed_by,
            "confirmed_at": self.confirmed_at.isoformat() if self.confirmed_at else None,
        }


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import stored: how many days, of which years, and which of them await confirmation."""

    days: int
    years: tuple[int, ...]
    provisional: int


SEEDED_BY = "chinese-calendar"


class RegisterCalendar(Part):
    """The stored exception days: seeding, listing, importing, confirming, and the ``WorkCalendar`` of them."""

    def seed_calendar(self) -> int:
        """Enter chinese-calendar's official days for every year the table does not hold yet; returns how many."""
        by_year: dict[int, list[ExceptionDay]] = {}
        for d in package_days():
            by_year.setdefault(d.day.year, []).append(d)
        with self.database.sessions.begin() as session:
            held = _years(session)
            missing = [y for y in by_year if y not in held]
            at = now()
            session.add_all(_row(d, SEEDED_BY, at) for y in missing for d in by_year[y])
        return sum(len(by_year[y]) for y in missing)

    def calendar_days(self, year: int | None = None, *, region: str | None = None) -> list[CalendarDay]:
        """The stored days (of ``year``; national, and ``region``'s when given), in date order."""
        self.seed_calendar()
        with self.database.sessions() as session:
            query = select(RegisterCalendarDay).order_by(RegisterCalendarDay.day, RegisterCalendarDay.id)
            if year is not None:
                query = query.where(
                    RegisterCalendarDay.day >= date(year, 1, 1), RegisterCalendarDay.day <= date(year, 12, 31)
                )
            rows = [r for r in session.scalars(query) if r.region is None or r.region == region]
        return [_day(r) for r in rows]

    def import_calendar(
        self, days: Iterable[ExceptionDay], *, by: str | None = None, notice_year: int | None = None
    ) -> Imported:
        """Store days from a notice or a file (one transaction).

        ``notice_year``: the days are a whole year's notice, which replaces that year's official and
        provisional days of the same region (overrides stay). Otherwise each day replaces the stored
        day of the same date and region. Official rows come in provisional, awaiting confirmation.
        """
        entered = [_awaiting(d) for d in days]
        if not entered:
            raise StoreError("没有可导入的日期")
        self.seed_calendar()
        with self.database.sessions.begin() as session:
            if notice_year is not None:
                regions = {d.region for d in entered}
                for region in regions:
                    session.execute(
                        delete(RegisterCalendarDay).where(
                            RegisterCalendarDay.day >= date(notice_year, 1, 1),
                            RegisterCalendarDay.day <= date(notice_year, 12, 31),
                            RegisterCalendarDay.status != DayStatus.OVERRIDE.value,
                            _region_is(region),
                        )
                    )
            else:
                for d in entered:
                    session.execute(
                        delete(RegisterCalendarDay).where(RegisterCalendarDay.day == d.day, _region_is(d.region))
                    )
            at = now()
            session.add_all(_row(d, by, at) for d in entered)
        return Imported(
            len(entered),
            tuple(sorted({d.day.year for d in entered})),
            sum(1 for d in entered if d.status is DayStatus.PROVISIONAL),
        )

    def confirm_calendar(self, year: int, *, by: str, region: str | None = None) -> int:
        """An admin confirms ``year``'s provisional days: they become official; returns how many."""
        if not by.strip():
            raise StoreError("确认放假安排须写明确认人（--by）")
        with self.database.sessions.begin() as session:
            rows = list(
                session.scalars(
                    select(RegisterCalendarDay).where(
                        RegisterCalendarDay.day >= date(year, 1, 1),
                        RegisterCalendarDay.day <= date(year, 12, 31),
                        RegisterCalendarDay.status == DayStatus.PROVISIONAL.value,
                        _region_is(region),
                    )
                )
            )
            if not rows:
                raise NotFound(f"{year} 年没有待确认的放假安排：请先导入国务院办公厅的通知")
            at = now()
            for row in rows:
                row.status = DayStatus.OFFICIAL.value
                row.confirmed_by = by.strip()
                row.confirmed_at = at
        return len(rows)

    def work_calendar(self, *, region: str | None = None, extra: Iterable[ExceptionDay] = ()) -> WorkCalendar:
        """The clock's calendar from the stored days (``region``'s too), ``extra`` days on top.

        A year whose days are entered but not yet confirmed takes no rule-based days and stays
        provisional; a year with no days at all falls back to the rules, provisional too.
        """
        days = [c.day for c in self.calendar_days(region=region)]
        cal = WorkCalendar(region=region)
        for year in sorted({d.day.year for d in days if d.status is DayStatus.PROVISIONAL}):
            cal.hold_rules(year)
        for d in days:
            cal.put(d)
        for d in extra:
            cal.put(d)
        return cal


def _region_is(region: str | None) -> ColumnElement[bool]:
    column = RegisterCalendarDay.region
    return column.is_(None) if region is None else column == region


def _awaiting(d: ExceptionDay) -> ExceptionDay:
    if d.status is DayStatus.OVERRIDE:
        return d
    return ExceptionDay(d.day, d.kind, d.name, DayStatus.PROVISIONAL, d.source, d.region)


def _years(session: Session) -> set[int]:
    return {d.year for d in session.scalars(select(RegisterCalendarDay.day))}


def _row(d: ExceptionDay, by: str | None, at: datetime) -> RegisterCalendarDay:
    return RegisterCalendarDay(
        day=d.day,
        kind=d.kind.value,
        name=d.name,
        source=d.source,
        status=d.status.value,
        region=d.region,
        entered_by=by,
        entered_at=at,
        confirmed_by=SEEDED_BY if by == SEEDED_BY else None,
        confirmed_at=at if by == SEEDED_BY else None,
    )


def _day(row: RegisterCalendarDay) -> CalendarDay:
    day = ExceptionDay(row.day, DayKind(row.kind), row.name, DayStatus(row.status), row.source, row.region)
    return CalendarDay(day, row.entered_by, row.entered_at, row.confirmed_by, row.confirmed_at)


def stored_calendar(database: Database, *, region: str | None = None) -> WorkCalendar:
    """The clock's calendar from a database's stored days (the loader the CLI and the web use)."""
    return RegisterCalendar(database).work_calendar(region=region)
