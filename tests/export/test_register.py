"""The register as XLSX and back: a round trip gives the same register, personal data only on request,
numbers and dates typed, no text turned into a formula; an import is all or nothing through the store."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from gongkai.export.register import application_values, import_register_workbook, register_workbook
from gongkai.register.demo import DEMO_AGENCY, DemoSpec, demo_register
from gongkai.register.events import T3, Applicant, Application, Channel, Event, EventKind
from gongkai.register.tables import year_tables
from gongkai.register.workbook import read_register_workbook
from gongkai.store import open_database
from gongkai.store.db import Database
from gongkai.store.models import RegisterApplication
from gongkai.store.repository import Repository

from ..register.test_workbook import BROKEN, GOOD, workbook
from ..register.walk import CAL

AS_OF = date(2026, 12, 31)
SPEC = DemoSpec(300, (2025, 2026), seed=11)


@pytest.fixture(scope="module")
def demo() -> list[Application]:
    return demo_register(SPEC, CAL)


@pytest.fixture(scope="module")
def stored(demo: list[Application], tmp_path_factory: pytest.TempPathFactory) -> Repository:
    database = open_database(f"sqlite:///{tmp_path_factory.mktemp('reg') / 'a.sqlite'}")
    repository = Repository(database)
    repository.add_applications(demo, by="demo")
    return repository


def _xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def _fresh(tmp_path: Path) -> tuple[Database, Repository]:
    database = open_database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    return database, Repository(database)


def test_export_then_import_gives_the_same_register(stored: Repository, tmp_path: Path) -> None:
    before = stored.applications(DEMO_AGENCY)
    data = register_workbook(before, as_of=AS_OF, calendar=CAL)
    database, other = _fresh(tmp_path)
    try:
        result = import_register_workbook(other, data)
        assert result.ok and result.imported == len(before) == 300, result.problems[:3]
        assert result.events == sum(len(a.events) for a in before)
        after = other.applications(DEMO_AGENCY)
        assert after == before
        for year in SPEC.years:
            assert year_tables(after, year, DEMO_AGENCY).cells == year_tables(before, year, DEMO_AGENCY).cells
        again = register_workbook(after, as_of=AS_OF, calendar=CAL)
        assert _sheet_values(again) == _sheet_values(data)
    finally:
        database.close()


def _sheet_values(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def test_personal_data_are_absent_unless_asked_for(demo: list[Application], stored: Repository) -> None:
    names = {a.applicant.name for a in demo if a.applicant.name}
    contacts = {a.applicant.contact for a in demo if a.applicant.contact}
    agents = {a.applicant.agent for a in demo if a.applicant.agent}
    ids = {a.applicant.id_number for a in demo if a.applicant.id_number}
    assert names and contacts and agents and ids
    # even handed applications that carry personal data, the default export leaves them out
    plain = _xml(register_workbook(demo, as_of=AS_OF, calendar=CAL))
    assert not [s for s in names | contacts | agents | ids if s in plain]
    assert "申请人姓名" not in plain and "联系方式" not in plain
    loaded = stored.applications(DEMO_AGENCY, personal=True)
    personal = _xml(register_workbook(loaded, personal=True, as_of=AS_OF, calendar=CAL))
    assert names <= {s for s in names if s in personal} and agents <= {s for s in agents if s in personal}
    assert not [s for s in ids if s in personal]  # ID numbers are never kept in clear, so never exported


def test_personal_export_round_trips_the_names(stored: Repository, tmp_path: Path) -> None:
    before = stored.applications(DEMO_AGENCY, personal=True)[:20]
    database, other = _fresh(tmp_path)
    try:
        assert import_register_workbook(other, register_workbook(before, personal=True, calendar=CAL)).ok
        assert other.applications(DEMO_AGENCY, personal=True) == before
    finally:
        database.close()


def test_numbers_are_numbers_and_dates_are_dates(demo: list[Application]) -> None:
    data = register_workbook(demo, as_of=AS_OF, calendar=CAL)
    rows = _sheet_values(data)["申请"]
    head = list(rows[0])
    assert head[:6] == ["机关", "登记号", "收到方式", "收到时间", "收到申请之日", "申请人类型"]
    fee = next(r for r in rows[1:] if r[head.index("收费金额（元）")] is not None)
    assert isinstance(fee[head.index("收费金额（元）")], int)
    assert isinstance(fee[head.index("收费通知日期")], datetime)
    assert all(isinstance(r[head.index("收到时间")], datetime) for r in rows[1:])
    assert {r[head.index("申请人类型")] for r in rows[1:]} <= {c.label for c in T3.applicants}
    events = _sheet_values(data)["事件"]
    assert len(events) - 1 == sum(len(a.events) for a in demo)
    assert events[0][:3] == ("机关", "登记号", "事件编号")
    assert all(isinstance(r[2], int) and isinstance(r[5], datetime) for r in events[1:])


def test_the_applications_row_shows_the_state_on_the_day_asked(demo: list[Application]) -> None:
    extended = next(a for a in demo if any(e.kind is EventKind.EXTENSION for e in a.events))
    values = application_values(extended, AS_OF, CAL)
    event = next(e for e in extended.events if e.kind is EventKind.EXTENSION)
    assert values["extension"] == event.on and values["extension_days"] == int(event.data["days"])
    early = application_values(extended, extended.arrived, CAL)
    assert early["extension"] is None and early["decided"] is None


def test_no_text_becomes_a_formula(tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://example.invalid","点击")', "+1+1", "-2", "@SUM(A1)", "=1+1"]
    apps = [
        Application(
            f"2026-{i:05d}",
            "=机关",
            Channel.IN_PERSON,
            date(2026, 9, 15),
            Applicant(T3.person.id),
            request=text,
            form="纸质",
            events=(
                Event(
                    1,
                    EventKind.DECIDED,
                    date(2026, 9, 16),
                    date(2026, 9, 16),
                    {"outcome": T3.granted.id, "ground": text},
                ),
            ),
        )
        for i, text in enumerate(hostile, start=1)
    ]
    data = register_workbook(apps, as_of=AS_OF, calendar=CAL)
    assert "<f>" not in _xml(data) and "<f " not in _xml(data)
    reading = read_register_workbook(data)
    assert reading.ok and [a.request for a in reading.applications] == hostile
    assert [a.events[0].data["ground"] for a in reading.applications] == hostile
    assert {a.agency for a in reading.applications} == {"=机关"}


def test_a_broken_register_stores_nothing(tmp_path: Path) -> None:
    database, repository = _fresh(tmp_path)
    try:
        result = import_register_workbook(repository, workbook(BROKEN), agency="测试机关")
        assert not result.ok and result.imported == 0 and len({p.row for p in result.problems}) == 15
        assert repository.applications() == []
        assert result.to_json()["problems"][0]["message"].startswith("“台账”表第 4 行")
    finally:
        database.close()


def test_a_good_register_is_stored_once_and_id_numbers_only_as_hashes(tmp_path: Path) -> None:
    database, repository = _fresh(tmp_path)
    try:
        result = import_register_workbook(repository, workbook(GOOD), agency="测试机关", by="登记员甲")
        assert result.ok and result.imported == 6 and result.agencies == ["测试机关"]
        stored = repository.applications("测试机关")
        assert [a.id for a in stored] == sorted(f"依申请〔2026〕{i}号" for i in range(1, 7))
        assert {e.by for a in stored for e in a.events} == {"登记员甲"}
        with database.sessions() as session:
            row = session.scalar(select(RegisterApplication).where(RegisterApplication.number == "依申请〔2026〕1号"))
            assert row is not None and row.applicant_id_hash == repository.id_hash("11010519491231002X")
            assert row.created_by == "登记员甲"
        raw = b"".join(f.read_bytes() for f in tmp_path.glob("b.sqlite*"))  # with the write-ahead log
        assert b"11010519491231002X" not in raw and "李四".encode() in raw
        again = import_register_workbook(repository, workbook(GOOD), agency="测试机关")
        assert again.imported == 0 and len(again.problems) == 6
        assert all(re.search("已在登记簿中", p.reason) for p in again.problems)
        assert len(repository.applications("测试机关")) == 6
    finally:
        database.close()


def test_one_duplicate_against_the_register_keeps_the_whole_file_out(tmp_path: Path) -> None:
    database, repository = _fresh(tmp_path)
    try:
        assert import_register_workbook(repository, workbook(GOOD[:1]), agency="测试机关").imported == 1
        result = import_register_workbook(repository, workbook(GOOD), agency="测试机关")
        assert [(p.row, p.column) for p in result.problems] == [(3, "登记 号")]
        assert len(repository.applications("测试机关")) == 1
    finally:
        database.close()


def test_an_events_sheet_that_breaks_the_rules_is_reported_by_its_row(demo: list[Application]) -> None:
    data = register_workbook(demo[:5], as_of=AS_OF, calendar=CAL)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["事件"]
    sheet.cell(row=2, column=6).value = datetime(2000, 1, 1)  # before the application arrived
    sheet.cell(row=3, column=4).value = "掷骰子"
    sheet.cell(row=3, column=5).value = None
    out = io.BytesIO()
    book.save(out)
    reading = read_register_workbook(out.getvalue())
    assert not reading.ok and reading.applications == []
    rows = {p.row: p.reason for p in reading.problems}
    assert "早于申请到达日" in rows[2] and "未知的事件“掷骰子”" in rows[3]


def test_a_withdrawn_application_is_exported_as_a_withdrawal(demo: list[Application]) -> None:
    withdrawn = next(a for a in demo if any(e.kind is EventKind.WITHDRAWN for e in a.events))
    only = replace(withdrawn, events=tuple(e for e in withdrawn.events if e.kind is not EventKind.ARCHIVED))
    values = application_values(only, AS_OF, CAL)
    assert values["outcome"] == "申请人撤回"


def test_two_agencies_with_the_same_numbers_round_trip(demo: list[Application], tmp_path: Path) -> None:
    first = demo[:10]
    second = [replace(a, agency="另一机关") for a in first]
    data = register_workbook([*first, *second], as_of=AS_OF, calendar=CAL)
    reading = read_register_workbook(data)
    assert reading.ok, reading.problems[:3]
    strip = [replace(a, applicant=Applicant(a.applicant.column)) for a in (*first, *second)]
    assert reading.applications == strip
    book = openpyxl.load_workbook(io.BytesIO(data))
    book["事件"].delete_cols(1)  # without the 机关 column the events cannot be told apart
    out = io.BytesIO()
    book.save(out)
    broken = read_register_workbook(out.getvalue())
    assert not broken.ok and "属于多个机关" in broken.problems[0].reason
