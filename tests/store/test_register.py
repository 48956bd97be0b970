"""The register in the database: applications and events round-trip, events are append-only (the
database itself refuses UPDATE and DELETE), personal data stay apart and ID numbers only as a salted hash."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gongkai.errors import NotFound, StoreError
from gongkai.register.clock import state
from gongkai.register.demo import DemoSpec, demo_register
from gongkai.register.events import CLOSING, T3, Applicant, Application, Channel, EventKind
from gongkai.register.tables import year_tables
from gongkai.store.db import Database, open_database
from gongkai.store.models import RegisterApplication
from gongkai.store.repository import Repository

from ..register.walk import AGENCY, CAL

ID_NUMBER = "11010519491231002X"


def _one(repository: Repository) -> Application:
    number = repository.next_number(AGENCY, 2026)
    app = Application(
        number,
        AGENCY,
        Channel.POST_UNSIGNED,
        date(2026, 9, 15),
        Applicant(T3.person.id, "李四", ID_NUMBER, "13900000000", agent="王律师"),
        "某地块出让合同",
        "纸质",
    )
    repository.add_applications([app], by="登记员甲")
    return app


def test_an_application_and_its_events_round_trip(repository: Repository) -> None:
    app = _one(repository)
    assert app.id == "2026-00001" and repository.next_number(AGENCY, 2026) == "2026-00002"
    repository.append_event(AGENCY, app.id, EventKind.CONFIRMED, date(2026, 9, 17), recorded=date(2026, 9, 17))
    repository.append_event(
        AGENCY,
        app.id,
        EventKind.CORRECTION_REQUESTED,
        date(2026, 9, 18),
        {"reply_by": "2026-10-09"},
        recorded=date(2026, 9, 18),
        by="办理人乙",
    )
    repository.append_event(
        AGENCY, app.id, EventKind.CORRECTION_RECEIVED, date(2026, 9, 24), recorded=date(2026, 9, 24)
    )
    loaded = repository.application(AGENCY, app.id)
    assert [e.kind for e in loaded.events] == [
        EventKind.CONFIRMED,
        EventKind.CORRECTION_REQUESTED,
        EventKind.CORRECTION_RECEIVED,
    ]
    assert [e.id for e in loaded.events] == [1, 2, 3] and loaded.events[1].by == "办理人乙"
    # restart on 09-24: 09-28…30 (3), 10-08/09/10 (6), 10-12…16 (11), 10-19…23 (16), 10-26…29 (20)
    assert state(loaded, date(2026, 9, 25), CAL).due == date(2026, 10, 29)
    assert state(loaded, date(2026, 9, 17), CAL).receipt == date(2026, 9, 17)


def test_an_event_the_law_does_not_allow_is_refused_and_nothing_is_written(repository: Repository) -> None:
    app = _one(repository)
    with pytest.raises(StoreError, match="办理结果"):
        repository.append_event(AGENCY, app.id, EventKind.DECIDED, date(2026, 9, 20), {"outcome": "nonsense"})
    with pytest.raises(NotFound):
        repository.append_event(AGENCY, "2026-09999", EventKind.ARCHIVED, date(2026, 9, 20))
    assert repository.application(AGENCY, app.id).events == ()


def test_a_correction_is_a_new_row_and_the_old_one_stays(repository: Repository) -> None:
    app = _one(repository)
    repository.append_event(AGENCY, app.id, EventKind.CONFIRMED, date(2026, 9, 15), recorded=date(2026, 9, 15))
    first = repository.append_event(
        AGENCY, app.id, EventKind.DECIDED, date(2026, 10, 9), {"outcome": T3.granted.id}, recorded=date(2026, 10, 9)
    )
    repository.append_event(
        AGENCY,
        app.id,
        EventKind.DECIDED,
        date(2026, 10, 9),
        {"outcome": CLOSING.partial.id},
        corrects=first.id,
        recorded=date(2026, 10, 12),
    )
    loaded = repository.application(AGENCY, app.id)
    assert len(loaded.events) == 3 and loaded.events[2].corrects == first.id
    assert state(loaded, date(2026, 10, 10), CAL).outcome == T3.granted.id
    assert state(loaded, date(2026, 10, 12), CAL).outcome == CLOSING.partial.id


def test_the_database_refuses_to_change_or_delete_an_event(repository: Repository, database: Database) -> None:
    app = _one(repository)
    repository.append_event(AGENCY, app.id, EventKind.CONFIRMED, date(2026, 9, 17), recorded=date(2026, 9, 17))
    for sql in ("UPDATE register_events SET kind = 'withdrawn'", "DELETE FROM register_events"):
        with pytest.raises(DBAPIError, match="只能追加"), database.engine.begin() as conn:
            conn.execute(text(sql))
    assert len(repository.application(AGENCY, app.id).events) == 1


def test_personal_data_apart_and_the_id_number_only_hashed(repository: Repository, database: Database) -> None:
    app = _one(repository)
    plain = repository.application(AGENCY, app.id)
    assert plain.applicant.name is None and plain.applicant.contact is None and plain.applicant.agent is None
    assert plain.applicant.column == T3.person.id
    personal = repository.application(AGENCY, app.id, personal=True)
    assert (personal.applicant.name, personal.applicant.contact, personal.applicant.agent) == (
        "李四",
        "13900000000",
        "王律师",
    )
    assert personal.applicant.id_number is None  # never kept
    with database.sessions() as session:
        row = session.query(RegisterApplication).one()
        stored = " ".join(str(v) for v in vars(row).values())
    assert ID_NUMBER not in stored and ID_NUMBER.lower() not in stored
    assert row.applicant_id_hash == repository.id_hash(ID_NUMBER) == repository.id_hash(ID_NUMBER.lower() + " ")
    assert len(row.applicant_id_hash or "") == 64 and row.applicant_id_hash != repository.id_hash("110105194912310021")


def test_a_register_number_is_taken_once(repository: Repository) -> None:
    app = _one(repository)
    with pytest.raises(StoreError, match="已存在"):
        repository.add_applications([app])


def test_a_demo_register_stored_and_loaded_gives_the_same_tables(repository: Repository) -> None:
    apps = demo_register(DemoSpec(applications=600, years=(2025, 2026), seed=5))
    assert repository.add_applications(apps) == 600
    assert repository.register_agencies() == [apps[0].agency]
    loaded = repository.applications(apps[0].agency)
    assert [a.id for a in loaded] == sorted(a.id for a in apps)
    for year in (2025, 2026):
        assert year_tables(loaded, year, "x").cells == year_tables(apps, year, "x").cells
    assert len(repository.applications(apps[0].agency, years=[2026])) == sum(1 for a in apps if a.arrived.year == 2026)


def test_migration_0007_goes_down_and_up_again(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from gongkai.store import open_database
    from gongkai.store.db import alembic_config

    database = open_database(f"sqlite:///{tmp_path / 'm.sqlite'}")
    try:
        tables = {"register_applications", "register_events", "register_settings"}
        assert tables <= set(inspect(database.engine).get_table_names())
        with database.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0005")
        assert not tables & set(inspect(database.engine).get_table_names())
        with database.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
        assert tables <= set(inspect(database.engine).get_table_names())
    finally:
        database.close()


def _unnumbered(agency: str = AGENCY, arrived: date = date(2026, 9, 15)) -> Application:
    return Application("", agency, Channel.EMAIL, arrived, Applicant(T3.person.id), "某项目批复")


def test_numbers_continue_after_the_highest_taken(repository: Repository) -> None:
    repository.add_applications(
        [
            replace(_unnumbered(), id="2026-00007"),
            replace(_unnumbered(), id="外来-12"),  # an imported number of another form is passed over
            replace(_unnumbered(arrived=date(2025, 12, 30)), id="2025-00040"),
        ]
    )
    first = repository.add_numbered(_unnumbered(), by="登记员甲")
    assert first.id == "2026-00008"
    assert repository.application(AGENCY, "2026-00008").applicant.column == T3.person.id
    assert repository.add_numbered(_unnumbered(arrived=date(2025, 12, 31))).id == "2025-00041"
    assert repository.add_numbered(_unnumbered(agency="另一机关")).id == "2026-00001"


def test_a_number_taken_meanwhile_is_passed_over(repository: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two registrars numbering at once: the loser's insert meets the unique constraint and takes the next."""
    import gongkai.store.register as register_store

    repository.add_numbered(_unnumbered())
    real = register_store._next_number
    answers = iter(["2026-00001"])  # what a registrar who looked before the other stored would choose
    monkeypatch.setattr(register_store, "_next_number", lambda *a: next(answers, None) or real(*a))
    assert repository.add_numbered(_unnumbered()).id == "2026-00002"
    assert [a.id for a in repository.applications(AGENCY)] == ["2026-00001", "2026-00002"]


def test_numbering_gives_up_with_a_sentence(repository: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    import gongkai.store.register as register_store

    repository.add_numbered(_unnumbered())
    monkeypatch.setattr(register_store, "_next_number", lambda *a: "2026-00001")
    with pytest.raises(StoreError, match="未能取得新号"):
        repository.add_numbered(_unnumbered())
    assert len(repository.applications(AGENCY)) == 1


def test_registrars_in_parallel_get_distinct_numbers(tmp_path: Path) -> None:
    """Threads with their own connections to one SQLite file, numbering at the same time."""
    from concurrent.futures import ThreadPoolExecutor

    url = f"sqlite:///{tmp_path / 'register.sqlite'}"
    open_database(url).close()  # creates the schema once

    def register(count: int) -> list[str]:
        repo = Repository(open_database(url, upgrade=False))
        return [repo.add_numbered(_unnumbered()).id for _ in range(count)]

    with ThreadPoolExecutor(4) as pool:
        numbers = [n for part in pool.map(register, [10] * 4) for n in part]
    assert sorted(numbers) == [f"2026-{i:05d}" for i in range(1, 41)]


def test_a_duplicate_insert_in_a_race_is_a_sentence(repository: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    """add_applications whose look-up missed a number stored meanwhile: a StoreError, not an IntegrityError."""
    import gongkai.store.register as register_store

    repository.add_applications([replace(_unnumbered(), id="2026-00001")])
    real = register_store._insert_applications
    monkeypatch.setattr(register_store, "_insert_applications", lambda *a, **k: real(*a, **{**k, "look": False}))
    with pytest.raises(StoreError, match="已被同时登记的申请占用"):
        repository.add_applications([replace(_unnumbered(), id="2026-00001")])
