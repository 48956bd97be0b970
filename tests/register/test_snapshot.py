"""Freezing a year's tables: the cells as ``year_tables`` gives them, and the calendar's standing of the
deadlines behind them (provisional when one reaches a year without official days)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import gongkai
from gongkai.model import Report
from gongkai.register.calendar import DayKind, DayStatus, ExceptionDay, WorkCalendar, standard_calendar
from gongkai.register.compare import compare_published
from gongkai.register.demo import DemoSpec, demo_register
from gongkai.register.events import T3, EventKind
from gongkai.register.notice import parse_notice
from gongkai.register.snapshot import YearSnapshot, freeze, tables_of
from gongkai.register.tables import table_cells, year_tables

from ..conftest import CORPUS, shared_or_skip
from .notices import NOTICE_2027
from .walk import AGENCY, CAL, case


@pytest.fixture(scope="module")
def demo() -> list:
    return list(demo_register(DemoSpec(600, (2025, 2026), 11)))


def test_a_frozen_year_has_the_cells_of_year_tables(demo: list) -> None:
    for year in (2025, 2026):
        frozen = freeze(demo, year, demo[0].agency, CAL)
        assert frozen.tables.cells == year_tables(demo, year, demo[0].agency).cells
        counted = {a for ids in frozen.tables.cells.values() for a in ids}
        assert frozen.applications == len(counted) > 100


def test_a_year_whose_deadlines_all_lie_in_official_years_is_not_provisional() -> None:
    apps = [case(date(2025, 3, 3), (EventKind.DECIDED, date(2025, 3, 20), {"outcome": T3.granted.id}))]
    frozen = freeze(apps, 2025, AGENCY, CAL)
    assert not frozen.provisional and frozen.provisional_years == ()


def test_a_december_application_makes_the_year_provisional_until_2027_is_official() -> None:
    apps = [case(date(2026, 12, 21))]
    assert freeze(apps, 2026, AGENCY, CAL).provisional_years == (2027,)
    official = standard_calendar(
        ExceptionDay(d.day, d.kind, d.name, DayStatus.OFFICIAL, d.source) for d in parse_notice(NOTICE_2027).days
    )
    assert not freeze(apps, 2026, AGENCY, official).provisional


def test_a_stored_snapshot_rebuilds_its_tables_in_print_order() -> None:
    tables = year_tables([case(date(2026, 3, 2))], 2026, AGENCY)
    cells = {c: ids for c, ids in reversed(list(tables.cells.items()))}
    rebuilt = tables_of(AGENCY, 2026, cells, tables.notes, {})
    assert list(rebuilt.cells) == table_cells() and rebuilt.cells == tables.cells
    assert rebuilt.value(T3.cell(T3.new)) == 1 and rebuilt.value(T3.cell(T3.carry_forward)) == 1


def test_a_snapshots_json_names_its_standing() -> None:
    tables = year_tables([case(date(2026, 3, 2))], 2026, AGENCY)
    taken = YearSnapshot(3, tables, True, (2027,), 1, datetime(2027, 1, 5, 9, tzinfo=UTC), "甲", "定稿", True)
    data = taken.to_json()
    assert (data["agency"], data["year"], data["current"], data["provisional_years"]) == (AGENCY, 2026, True, [2027])
    assert "cells" not in data and data["policy"] == tables.notes
    cells = taken.to_json(cells=True)["cells"]
    assert isinstance(cells, dict) and cells[T3.cell(T3.new)]["value"] == 1


def test_held_rules_leave_an_entered_but_unconfirmed_year_to_its_notice() -> None:
    cal = WorkCalendar()
    assert not cal.is_workday(date(2027, 2, 9))  # python-holidays: 春节（补假）
    cal.hold_rules(2027)
    for d in parse_notice(NOTICE_2027).days:
        cal.put(d)
    assert not cal.official(2027)
    assert not cal.is_workday(date(2027, 2, 11)) and cal.is_workday(date(2027, 2, 14))
    assert cal.exception(date(2027, 2, 9)) is not None and cal.exception(date(2027, 2, 9)).kind is DayKind.OFF  # type: ignore[union-attr]
    assert cal.deadline(date(2027, 1, 25), 20).due == date(2027, 3, 1)
    assert cal.deadline(date(2027, 1, 25), 20).provisional


def test_a_report_of_another_format_is_compared_cell_for_cell_with_a_note() -> None:
    old: Report = gongkai.read_file(shared_or_skip(CORPUS) / "dev/017_pingtan-dishuiju-2013-pre2019.txt")
    result = compare_published(old, year_tables([], 2013, AGENCY), basis="live")
    assert result.notes and "2021" in result.notes[0]
    assert len(result.not_printed) == len(table_cells()) and result.differences == ()
