"""The register's year in the database: frozen snapshots (immutable, superseded, never removed), the
stored working-day calendar (seeded, a notice imported, confirmed by an admin, the 2026→2027
boundary), and the published report found in the corpus for comparison."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gongkai.errors import NotFound, StoreError
from gongkai.law.agencies import normalise_agency_key
from gongkai.register.calendar import DayKind, DayStatus, ExceptionDay, package_days, standard_calendar
from gongkai.register.clock import state
from gongkai.register.compare import compare_published
from gongkai.register.events import T3, Application, EventKind
from gongkai.register.notice import parse_notice
from gongkai.register.snapshot import freeze
from gongkai.register.tables import year_tables
from gongkai.store.register_calendar import SEEDED_BY, stored_calendar
from gongkai.store.repository import Repository
from gongkai.store.views import AgencyEntry

from ..conftest import CORPUS, shared_or_skip
from ..register.notices import NOTICE_2026, NOTICE_2027
from ..register.pingtan import AGENCY as PINGTAN
from ..register.pingtan import DIFFERENCES, REPORT, YEAR, pingtan_register
from ..register.walk import AGENCY, CAL, case
from .conftest import no_cross_year, record_of

DECEMBER = date(2026, 12, 21)  # due 19 January 2027 by rule
JANUARY = date(2027, 1, 25)  # due 26 February by rule, 1 March by the 2027 notice (春节 5–13 February)


def _apps() -> list[Application]:
    return [
        case(date(2026, 3, 2), (EventKind.DECIDED, date(2026, 3, 20), {"outcome": T3.granted.id})),
        case(DECEMBER, number="2026-00002"),
    ]


def test_a_snapshot_keeps_the_tables_and_the_calendars_standing(repository: Repository) -> None:
    frozen = freeze(_apps(), 2026, AGENCY, CAL)
    assert frozen.provisional and frozen.provisional_years == (2027,) and frozen.applications == 2
    taken = repository.save_snapshot(frozen, by="统计员", note="报送前定稿")
    assert taken.current and taken.tables.cells == year_tables(_apps(), 2026, AGENCY).cells
    again = repository.current_snapshot(AGENCY, 2026)
    assert again is not None and again.id == taken.id and again.taken_by == "统计员" and again.note == "报送前定稿"
    assert again.tables.cells == taken.tables.cells and list(again.tables.cells) == list(taken.tables.cells)
    assert again.tables.notes == taken.tables.notes and again.provisional_years == (2027,)
    assert again.tables.report().cells[T3.cell(T3.new)].value == 2
    assert repository.current_snapshot(AGENCY, 2025) is None and repository.current_snapshot("别的机关", 2026) is None


def test_a_new_snapshot_supersedes_the_old_which_stays(repository: Repository) -> None:
    first = repository.save_snapshot(freeze(_apps()[:1], 2026, AGENCY, CAL))
    second = repository.save_snapshot(freeze(_apps(), 2026, AGENCY, CAL), by="甲")
    repository.save_snapshot(freeze(_apps(), 2025, AGENCY, CAL))
    listed = repository.snapshots(AGENCY)
    assert [(s.year, s.id, s.current) for s in listed] == [
        (2025, listed[0].id, True),
        (2026, second.id, True),
        (2026, first.id, False),
    ]
    current = repository.current_snapshot(AGENCY, 2026)
    assert current is not None and current.id == second.id and current.applications == 2
    old = repository.snapshot(first.id)
    assert old is not None and not old.current and old.applications == 1
    assert repository.snapshot(99_999) is None
    assert repository.snapshots(year=2025)[0].year == 2025


def test_the_database_refuses_to_change_or_remove_a_snapshot(repository: Repository) -> None:
    repository.save_snapshot(freeze(_apps(), 2026, AGENCY, CAL))
    for sql in ("UPDATE register_snapshots SET note = 'x'", "DELETE FROM register_snapshots"):
        with pytest.raises(DBAPIError, match="快照"), repository.database.engine.begin() as conn:
            conn.execute(text(sql))
    assert len(repository.snapshots()) == 1


def test_the_calendar_is_seeded_from_chinese_calendar_when_first_needed(repository: Repository) -> None:
    days = repository.calendar_days(2026)
    assert [(d.day.day, d.day.kind) for d in days] == [(d.day, d.kind) for d in package_days() if d.day.year == 2026]
    assert {d.day.status for d in days} == {DayStatus.OFFICIAL} and {d.confirmed_by for d in days} == {SEEDED_BY}
    assert repository.seed_calendar() == 0  # once only
    cal = repository.work_calendar()
    assert cal.official(2026) and not cal.official(2027)
    assert cal.deadline(date(2026, 9, 25), 20).due == standard_calendar().deadline(date(2026, 9, 25), 20).due


def test_the_2026_to_2027_boundary_provisional_until_the_notice_is_confirmed(repository: Repository) -> None:
    december, january = case(DECEMBER), case(JANUARY, number="2027-00001")
    before = repository.work_calendar()
    st = state(december, date(2027, 1, 4), before)
    assert st.due == date(2027, 1, 19) and st.provisional
    assert state(january, date(2027, 2, 1), before).due == date(2027, 2, 26)
    done = repository.import_calendar(parse_notice(NOTICE_2027).days, by="登记员", notice_year=2027)
    assert done.years == (2027,) and done.provisional == done.days == 34
    entered = repository.work_calendar()
    assert not entered.official(2027)
    pending = state(january, date(2027, 2, 1), entered)
    assert pending.due == date(2027, 3, 1) and pending.provisional  # the notice's days, still provisional
    assert not entered.is_workday(date(2027, 2, 11)) and entered.is_workday(date(2027, 2, 14))
    assert repository.confirm_calendar(2027, by="管理员") == 34
    confirmed = stored_calendar(repository.database)
    assert confirmed.official(2027)
    after = state(january, date(2027, 2, 1), confirmed)
    assert after.due == date(2027, 3, 1) and not after.provisional
    late = state(december, date(2027, 1, 4), confirmed)
    assert late.due == date(2027, 1, 19) and not late.provisional  # same day: 元旦 1–3 January either way
    rows = repository.calendar_days(2027)
    assert {(r.day.status, r.confirmed_by, r.entered_by) for r in rows} == {(DayStatus.OFFICIAL, "管理员", "登记员")}
    with pytest.raises(NotFound, match="没有待确认"):
        repository.confirm_calendar(2027, by="管理员")


def test_a_reimported_notice_replaces_the_years_days_but_not_its_overrides(repository: Repository) -> None:
    closure = ExceptionDay(date(2026, 10, 16), DayKind.OFF, "临时闭馆", DayStatus.OVERRIDE, "本局通知")
    assert repository.import_calendar([closure], by="甲").provisional == 0
    repository.import_calendar(parse_notice(NOTICE_2026).days, notice_year=2026)
    days = repository.calendar_days(2026)
    assert {d.day.status for d in days} == {DayStatus.PROVISIONAL, DayStatus.OVERRIDE}
    assert len(days) == 40 and not repository.work_calendar().official(2026)
    cal = repository.work_calendar()
    assert not cal.is_workday(date(2026, 10, 16)) and cal.deadline(date(2026, 9, 15), 20).provisional
    repository.confirm_calendar(2026, by="管理员")
    assert repository.work_calendar().official(2026)
    assert repository.work_calendar().deadline(date(2026, 9, 15), 20).due == date(2026, 10, 20)


def test_region_days_apply_only_to_their_region(repository: Repository) -> None:
    local = ExceptionDay(date(2026, 11, 10), DayKind.OFF, "地方节日", DayStatus.OVERRIDE, "自治区通知", "某自治区")
    repository.import_calendar([local])
    assert repository.work_calendar().is_workday(date(2026, 11, 10))
    assert not repository.work_calendar(region="某自治区").is_workday(date(2026, 11, 10))
    assert len(repository.calendar_days(2026, region="某自治区")) == len(repository.calendar_days(2026)) + 1
    with pytest.raises(NotFound):
        repository.confirm_calendar(2026, by="管理员", region="某自治区")


def test_import_refuses_nothing_and_confirm_needs_a_name(repository: Repository) -> None:
    with pytest.raises(StoreError, match="没有可导入"):
        repository.import_calendar([])
    with pytest.raises(StoreError, match="确认人"):
        repository.confirm_calendar(2027, by=" ")


@pytest.fixture
def pingtan_corpus(repository: Repository) -> Repository:
    repository.write([record_of(shared_or_skip(CORPUS) / REPORT)], cross_year=no_cross_year)
    return repository


def test_the_published_report_is_found_by_name_and_compared_cell_by_cell(pingtan_corpus: Repository) -> None:
    repo = pingtan_corpus
    repo.add_applications(pingtan_register())
    report_id = repo.report_for(PINGTAN, YEAR)
    assert report_id is not None and repo.report_for(PINGTAN, YEAR + 1) is None
    loaded = repo.load_report(report_id)
    assert loaded is not None
    live = year_tables(repo.applications(PINGTAN), YEAR, PINGTAN)
    result = compare_published(loaded[0], live, basis="live")
    assert {(d.cell, d.published, d.register) for d in result.differences} == DIFFERENCES
    assert result.not_printed == ()


def test_the_agency_registry_key_finds_a_report_printed_under_another_name(pingtan_corpus: Repository) -> None:
    repo = pingtan_corpus
    repo.save_agency(AgencyEntry(name="平潭实验区管委会", key=normalise_agency_key(PINGTAN)))
    row = repo.agency("平潭实验区管委会")
    assert row is not None and repo.report_for("平潭实验区管委会", YEAR) is None
    assert repo.report_for(row.key, YEAR) is not None


def test_migration_0009_goes_down_and_up_again(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from gongkai.store import open_database
    from gongkai.store.db import alembic_config

    database = open_database(f"sqlite:///{tmp_path / 'm.sqlite'}")
    try:
        tables = {"register_snapshots", "register_calendar_days"}
        assert tables <= set(inspect(database.engine).get_table_names())
        with database.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0007")
        names = set(inspect(database.engine).get_table_names())
        assert not tables & names and "register_events" in names
        with database.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        assert tables <= set(inspect(database.engine).get_table_names())
    finally:
        database.close()
