"""The working-day calendar: the project's own year-keyed table of exception days.

A working day is a day that is neither a rest day nor a holiday of the State Council's yearly
notice; a make-up day (调休上班) is a working day even on a weekend. The table holds only the
exceptions to "Monday to Friday": holidays that fall on weekdays or weekends, and make-up days.

Sources, in order of strength: an override (an admin's file: minority-region holidays, temporary
closures, the State Council's notice entered before any package has it), the official days copied
from ``chinese-calendar``'s data (2004–2026 in 1.11.0; the package is never *called*, since it
raises for a year it lacks), and for a year with no official days python-holidays' rule-based
statutory days, marked provisional (no package knows a future year's 调休).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import cache
from pathlib import Path

from ..errors import GongkaiError


class DayKind(Enum):
    OFF = "off"  # a holiday or a rest day moved onto a weekday
    WORK = "work"  # a make-up working day (调休上班)

    @property
    def zh(self) -> str:
        return {"off": "放假", "work": "调休上班"}[self.value]


class DayStatus(Enum):
    OFFICIAL = "official"  # the State Council's notice (as a package or an admin entered it)
    PROVISIONAL = "provisional"  # computed by rule for a year without a notice yet
    OVERRIDE = "override"  # a local decision (region holiday, closure) from an admin's file

    @property
    def zh(self) -> str:
        return {"official": "正式", "provisional": "暂定", "override": "本地调整"}[self.value]


@dataclass(frozen=True, slots=True)
class ExceptionDay:
    """A day that is not what its weekday says: a holiday, or a make-up working day."""

    day: date
    kind: DayKind
    name: str
    status: DayStatus
    source: str
    region: str | None = None


class CalendarError(GongkaiError):
    """A calendar file that cannot be read (bad date, unknown kind)."""


@dataclass(frozen=True, slots=True)
class Deadline:
    """``start`` + ``days`` working days, in both readings of a start day that is not a working day.

    ``stepped``: the n-th working day after the start (the earlier, used for warnings);
    ``moved``: the start first moved to the next working day, then n working days on.
    They differ only when the start is not a working day. ``due`` is the reading the agency
    follows. ``provisional`` when a day counted lies in a year without official days.
    """

    start: date
    days: int
    stepped: date
    moved: date
    due: date
    provisional: bool
    provisional_years: tuple[int, ...]

    @property
    def earlier(self) -> date:
        return min(self.stepped, self.moved)

    @property
    def readings_differ(self) -> bool:
        return self.stepped != self.moved

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "due": self.due.isoformat(),
            "provisional": self.provisional,
            "start": self.start.isoformat(),
            "working_days": self.days,
            "readings_differ": self.readings_differ,
            "earlier": self.earlier.isoformat(),
        }
        if self.readings_differ:
            out["readings"] = {"stepped": self.stepped.isoformat(), "moved": self.moved.isoformat()}
        if self.provisional_years:
            out["provisional_years"] = list(self.provisional_years)
        return out


class StartReading(Enum):
    """Which reading of a non-working start day the agency follows (a recorded policy)."""

    MOVED = "moved"  # first move to a working day, then count (the later date; shown by default)
    STEPPED = "stepped"  # count the next n working days (the earlier date)


class WorkCalendar:
    """Working days over any year: official where known, provisional by rule, overrides on top."""

    def __init__(
        self,
        days: Iterable[ExceptionDay] = (),
        *,
        provisional: bool = True,
        region: str | None = None,
    ) -> None:
        self.region = region
        self._use_rules = provisional
        self._days: dict[date, ExceptionDay] = {}
        self._official_years: set[int] = set()
        self._filled: set[int] = set()
        for d in days:
            self.put(d)

    def put(self, day: ExceptionDay) -> None:
        """Enter one exception day; an override or official day replaces a provisional one."""
        if day.region is not None and day.region != self.region:
            return
        old = self._days.get(day.day)
        if old is not None and _RANK[old.status] > _RANK[day.status]:
            return
        self._days[day.day] = day
        if day.status is DayStatus.OFFICIAL:
            self._official_years.add(day.day.year)
            self._drop_provisional(day.day.year)

    def _drop_provisional(self, year: int) -> None:
        for d in [d for d, e in self._days.items() if d.year == year and e.status is DayStatus.PROVISIONAL]:
            del self._days[d]

    def hold_rules(self, year: int) -> None:
        """Take no rule-based days for ``year``: its notice is entered and awaits an admin's confirmation.

        The year stays provisional (not official) until its days come in as official.
        """
        if year in self._filled:
            for d in [d for d, e in self._days.items() if d.year == year and e.source == _RULE_SOURCE]:
                del self._days[d]
        self._filled.add(year)

    def official(self, year: int) -> bool:
        """The year's State Council notice is in the table."""
        return year in self._official_years

    def _fill(self, year: int) -> None:
        if year in self._filled:
            return
        self._filled.add(year)
        if year in self._official_years or not self._use_rules:
            return
        for day in rule_days(year):
            if day.day not in self._days:
                self._days[day.day] = day

    def exception(self, day: date) -> ExceptionDay | None:
        self._fill(day.year)
        return self._days.get(day)

    def is_workday(self, day: date) -> bool:
        found = self.exception(day)
        if found is not None:
            return found.kind is DayKind.WORK
        return day.weekday() < 5

    def days_of(self, year: int) -> list[ExceptionDay]:
        """The exception days of ``year`` in date order."""
        self._fill(year)
        return sorted((d for d in self._days.values() if d.day.year == year), key=lambda d: d.day)

    def next_workday(self, day: date) -> date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def step(self, start: date, days: int, *, skip: frozenset[date] = frozenset()) -> date:
        """The ``days``-th working day after ``start`` (start not counted), days in ``skip`` not counted."""
        day = start
        left = days
        while left > 0:
            day += timedelta(days=1)
            if day not in skip and self.is_workday(day):
                left -= 1
        return day

    def working_days(self, after: date, through: date, *, skip: frozenset[date] = frozenset()) -> int:
        """Working days ``d`` with ``after < d <= through`` (negative when ``through`` is before ``after``)."""
        if through < after:
            return -self.working_days(through, after, skip=skip)
        n = 0
        day = after
        while day < through:
            day += timedelta(days=1)
            if day not in skip and self.is_workday(day):
                n += 1
        return n

    def provisional_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years between two dates (inclusive) with no official days."""
        return tuple(y for y in range(first.year, last.year + 1) if not self.official(y))

    def deadline(self, start: date, days: int, *, reading: StartReading = StartReading.MOVED) -> Deadline:
        """``start`` + ``days`` working days in both readings, the agency's ``reading`` as ``due``."""
        stepped = self.step(start, days)
        moved = self.step(self.next_workday(start), days)
        due = moved if reading is StartReading.MOVED else stepped
        years = self.provisional_years(start, max(stepped, moved))
        return Deadline(start, days, stepped, moved, due, bool(years), years)


_RULE_SOURCE = "python-holidays 0.109（按规则推算，待国务院通知）"
_RANK = {DayStatus.PROVISIONAL: 0, DayStatus.OFFICIAL: 1, DayStatus.OVERRIDE: 2}

_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@cache
def package_days() -> tuple[ExceptionDay, ...]:
    """The official days of chinese-calendar's data tables, read as data (the package is never called)."""
    from chinese_calendar import constants  # type: ignore[import-untyped]

    source = "chinese-calendar 1.11.0（国务院办公厅放假通知）"
    out: list[ExceptionDay] = []
    for table, kind in ((constants.holidays, DayKind.OFF), (constants.workdays, DayKind.WORK)):
        for day, name in table.items():
            label = str(getattr(name, "value", name)).split(",")[0]
            out.append(ExceptionDay(day, kind, _NAMES.get(label, label), DayStatus.OFFICIAL, source))
    return tuple(sorted(out, key=lambda d: d.day))


@cache
def rule_days(year: int) -> tuple[ExceptionDay, ...]:
    """Statutory holidays of ``year`` by rule (python-holidays), provisional; no make-up days are known."""
    import holidays

    source = _RULE_SOURCE
    days = holidays.country_holidays("CN", years=year, language="zh_CN")
    return tuple(
        ExceptionDay(day, DayKind.OFF, str(name), DayStatus.PROVISIONAL, source) for day, name in sorted(days.items())
    )


def read_overrides(path: Path) -> list[ExceptionDay]:
    """Exception days from an admin's file: CSV with a header, or a JSON list of objects.

    Fields: ``date`` (YYYY-MM-DD), ``kind`` (off / work, or 放假 / 上班), ``source``; optional
    ``name``, ``region`` and ``status`` (override by default; ``official`` when the rows are a
    State Council notice entered by hand, which makes their year official).
    """
    text = path.read_text(encoding="utf-8-sig")
    rows: list[dict[str, str]]
    if path.suffix.lower() == ".json":
        loaded = json.loads(text)
        if not isinstance(loaded, list):
            raise CalendarError(f"日历文件 {path.name} 应为 JSON 数组")
        rows = [{str(k): str(v) for k, v in r.items()} for r in loaded if isinstance(r, dict)]
    else:
        rows = [dict(r) for r in csv.DictReader(text.splitlines())]
    return [_override(r, path.name, n) for n, r in enumerate(rows, start=1)]


_KINDS = {"off": DayKind.OFF, "放假": DayKind.OFF, "休息": DayKind.OFF, "work": DayKind.WORK, "上班": DayKind.WORK}


def _override(row: dict[str, str], file: str, n: int) -> ExceptionDay:
    try:
        day = date.fromisoformat((row.get("date") or "").strip())
    except ValueError as exc:
        raise CalendarError(f"{file} 第 {n} 行：日期无法识别：{row.get('date')!r}") from exc
    kind = _KINDS.get((row.get("kind") or "").strip().lower())
    if kind is None:
        raise CalendarError(f"{file} 第 {n} 行：类型应为 off/work（放假/上班），而不是 {row.get('kind')!r}")
    source = (row.get("source") or "").strip()
    if not source:
        raise CalendarError(f"{file} 第 {n} 行：缺少来源（source）")
    status_text = (row.get("status") or "override").strip().lower()
    try:
        status = DayStatus(status_text)
    except ValueError as exc:
        raise CalendarError(f"{file} 第 {n} 行：状态应为 official/override，而不是 {status_text!r}") from exc
    region = (row.get("region") or "").strip() or None
    return ExceptionDay(day, kind, (row.get("name") or "").strip() or kind.zh, status, source, region)


def standard_calendar(overrides: Iterable[ExceptionDay] = (), *, region: str | None = None) -> WorkCalendar:
    """The package's official days, rule-based days for other years, and ``overrides`` on top."""
    cal = WorkCalendar(package_days(), region=region)
    for day in overrides:
        cal.put(day)
    return cal
