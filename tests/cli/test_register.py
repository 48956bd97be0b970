"""``gongkai register …`` through typer's runner: the three scripted shapes, and add/event/show/list/due."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gongkai.cli import app
from gongkai.formats import FORMAT_2021
from gongkai.register.events import T3, T4

runner = CliRunner()
AGENCY = "测试市自然资源和规划局"


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def test_deadline_json_gives_both_readings_where_they_differ() -> None:
    result = run("register", "deadline", "2026-09-25", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["due"] == "2026-10-30" and data["provisional"] is False
    assert data["readings"] == {"stepped": "2026-10-29", "moved": "2026-10-30"} and data["earlier"] == "2026-10-29"
    plain = json.loads(run("register", "deadline", "2026-09-15", "--json").stdout)
    assert plain["due"] == "2026-10-19" and "readings" not in plain and plain["readings_differ"] is False


def test_deadline_days_and_the_2027_boundary() -> None:
    assert json.loads(run("register", "deadline", "2026-04-30", "--days", "7", "--json").stdout)["due"] == "2026-05-13"
    data = json.loads(run("register", "deadline", "2026-12-21", "--json").stdout)
    assert data["due"] == "2027-01-19" and data["provisional"] is True and data["provisional_years"] == [2027]
    shown = run("register", "deadline", "2026-12-21")
    assert shown.exit_code == 0 and "2027-01-19" in shown.stdout and "暂定" in shown.stdout


def test_deadline_with_a_calendar_override(tmp_path: Path) -> None:
    path = tmp_path / "local.csv"
    path.write_text("date,kind,source\n2026-10-16,off,临时闭馆（测试）\n", encoding="utf-8")
    data = json.loads(run("register", "deadline", "2026-09-15", "--calendar", str(path), "--json").stdout)
    assert data["due"] == "2026-10-20"


@pytest.mark.parametrize("args", [("2026-02-30",), ("2026-09-15", "--days", "0")])
def test_deadline_refuses_bad_input(args: tuple[str, ...]) -> None:
    assert run("register", "deadline", *args).exit_code == 2


def test_demo_then_tables_in_json_with_the_cell_ids_of_gongkai_read(tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite")
    made = run("register", "demo", "--applications", "400", "--years", "2025-2026", "--seed", "3", "--db", db)
    assert made.exit_code == 0 and "已登记 400 件" in made.stdout
    out = run("register", "tables", "--year", "2026", "--db", db, "--json")
    assert out.exit_code == 0, out.output
    cells = json.loads(out.stdout)["cells"]
    expected = FORMAT_2021.table(T3.table).cell_ids() + FORMAT_2021.table(T4.table).cell_ids()
    assert list(cells) == expected
    new = cells[T3.cell(T3.new)]["value"]
    carried = cells[T3.cell(T3.carried)]["value"]
    closed = cells[T3.cell(T3.total)]["value"]
    assert new + carried == closed + cells[T3.cell(T3.carry_forward)]["value"] and new > 150
    assert (
        carried
        == json.loads(run("register", "tables", "--year", "2025", "--db", db, "--json").stdout)["cells"][
            T3.cell(T3.carry_forward)
        ]["value"]
    )
    shown = run("register", "tables", "--year", "2026", "--db", db)
    assert shown.exit_code == 0
    for words in ("三、收到和处理政府信息公开申请情况", "四、结转下年度继续办理", "行政复议", "口径"):
        assert words in shown.stdout
    assert "主动公开" not in shown.stdout


def test_tables_needs_an_agency_when_the_register_has_two(tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite")
    assert run("register", "tables", "--year", "2026", "--db", db).exit_code == 2  # empty
    run("register", "demo", "--applications", "50", "--years", "2026", "--db", db)
    run("register", "add", "--arrived", "2026-09-15", "--channel", "email", "--applicant-type", "person",
        "--agency", AGENCY, "--db", db)  # fmt: skip
    two = run("register", "tables", "--year", "2026", "--db", db)
    assert two.exit_code == 2 and "--agency" in two.output
    assert run("register", "tables", "--year", "2026", "--agency", AGENCY, "--db", db, "--json").exit_code == 0


def test_add_event_show_list_and_due(tmp_path: Path) -> None:
    db = str(tmp_path / "r.sqlite")
    added = run(
        "register", "add", "--arrived", "2026-09-15", "--channel", "post_unsigned", "--applicant-type", "person",
        "--agency", AGENCY, "--name", "李四", "--id-number", "11010519491231002X", "--db", db,
    )  # fmt: skip
    assert added.exit_code == 0 and "2026-00001" in added.stdout
    before = json.loads(run("register", "show", "2026-00001", "--as-of", "2026-09-16", "--db", db, "--json").stdout)
    assert before["status"] == "awaiting_receipt" and before["due"] is None
    # events are entered today: on a past day they were not yet known, so that day shows none of them
    assert run("register", "event", "2026-00001", "confirmed", "--on", "2026-09-17", "--db", db).exit_code == 0
    ok = run("register", "event", "2026-00001", "extension", "--on", "2026-10-12", "--set", "days=20", "--db", db)
    assert ok.exit_code == 0 and "已追加事件 2" in ok.stdout
    as_then = json.loads(run("register", "show", "2026-00001", "--as-of", "2026-10-13", "--db", db, "--json").stdout)
    assert as_then["receipt"] is None
    shown = json.loads(
        run("register", "show", "2026-00001", "--as-of", "2026-10-13", "--later-entries", "--db", db, "--json").stdout
    )
    # 09-17 + 20 = 10-21 (see the clock's tests), + 20 = 11-18
    assert shown["receipt"] == "2026-09-17" and shown["due"] == "2026-11-18" and shown["extended"] is True
    assert "李四" not in json.dumps(shown, ensure_ascii=False)
    text = run("register", "show", "2026-00001", "--as-of", "2026-10-13", "--later-entries", "--db", db)
    assert "延期答复" in text.stdout and "李四" not in text.stdout
    listed = json.loads(
        run(
            "register", "list", "--status", "open", "--as-of", "2026-10-13", "--later-entries", "--db", db, "--json"
        ).stdout
    )
    assert [a["application"] for a in listed["applications"]] == ["2026-00001"]
    soon = json.loads(
        run(
            "register", "due", "--within", "30", "--as-of", "2026-10-13", "--later-entries", "--db", db, "--json"
        ).stdout
    )
    assert [a["application"] for a in soon["due_soon"]] == ["2026-00001"] and soon["overdue"] == []
    late = json.loads(run("register", "due", "--as-of", "2026-11-19", "--later-entries", "--db", db, "--json").stdout)
    assert [a["application"] for a in late["overdue"]] == ["2026-00001"]
    table = run("register", "due", "--as-of", "2026-11-19", "--later-entries", "--db", db)
    assert "已逾期 1 件" in table.stdout
    decided = run("register", "event", "2026-00001", "decided", "--on", "2026-11-10", "--set",
                  f"outcome={T3.granted.id}", "--db", db)  # fmt: skip
    assert decided.exit_code == 0
    closed = json.loads(
        run(
            "register", "list", "--status", "closed", "--as-of", "2026-11-19", "--later-entries", "--db", db, "--json"
        ).stdout
    )
    assert closed["applications"][0]["outcome_cell"] == T3.cell(T3.granted)


@pytest.mark.parametrize(
    "args",
    [
        ("event", "2026-00001", "teleported", "--on", "2026-09-20"),
        ("event", "2026-00001", "decided", "--on", "2026-09-20", "--set", "outcome=maybe"),
        ("event", "2026-00001", "decided", "--on", "2026-09-20", "--set", "outcome"),
        ("event", "2026-09999", "archived", "--on", "2026-09-20"),
        ("list", "--status", "sleeping"),
        ("show", "2026-00001", "--as-of", "yesterday"),
    ],
)
def test_unknown_choices_and_bad_events_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = str(tmp_path / "r.sqlite")
    run("register", "add", "--arrived", "2026-09-15", "--channel", "email", "--applicant-type", "person",
        "--agency", AGENCY, "--db", db)  # fmt: skip
    result = run("register", *args, "--db", db)
    assert result.exit_code == 2, result.output
    assert "错误" in result.output


@pytest.mark.parametrize(
    "args",
    [("--channel", "pigeon", "--applicant-type", "person"), ("--channel", "email", "--applicant-type", "agent")],
)
def test_add_refuses_unknown_channels_and_applicant_types(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run("register", "add", "--arrived", "2026-09-15", *args, "--agency", AGENCY, "--db", str(tmp_path / "r"))
    assert result.exit_code == 2 and "未知" in result.output


def test_help_is_chinese() -> None:
    result = run("register", "--help")
    assert result.exit_code == 0 and "申请登记簿" in result.stdout
    for command in ("deadline", "demo", "tables", "add", "event", "show", "list", "due"):
        assert command in result.stdout
