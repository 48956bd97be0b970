"""``gongkai register snapshot|snapshots|compare|calendar`` and the findings of ``due`` and ``tables``,
through typer's runner on real data: the demo register, the published 平潭 2022 report, the 2027 notice."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from gongkai.cli import app
from gongkai.register.events import T3
from gongkai.store import open_database
from gongkai.store.repository import Repository

from ..conftest import CORPUS, shared_or_skip
from ..register.notices import NOTICE_2027
from ..register.pingtan import AGENCY as PINGTAN
from ..register.pingtan import DIFFERENCES, REPORT, pingtan_register
from ..store.conftest import no_cross_year, record_of

runner = CliRunner()
AGENCY = "测试市自然资源和规划局"


def run(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, list(args), input=stdin)


def _demo(tmp_path: Path) -> str:
    db = str(tmp_path / "r.sqlite")
    assert (
        run("register", "demo", "--applications", "200", "--years", "2025-2026", "--seed", "5", "--db", db).exit_code
        == 0
    )
    return db


def test_snapshot_then_snapshots_the_newest_current_the_old_kept(tmp_path: Path) -> None:
    db = _demo(tmp_path)
    first = run("register", "snapshot", "--year", "2025", "--by", "统计员", "--note", "初稿", "--db", db)
    assert first.exit_code == 0, first.output
    assert "已保存快照 1" in first.stdout and "2025 年度" in first.stdout
    again = run("register", "snapshot", "--year", "2025", "--note", "定稿", "--db", db)
    assert "已保存快照 2" in again.stdout
    listed = json.loads(run("register", "snapshots", "--json", "--db", db).stdout)["snapshots"]
    assert [(s["id"], s["current"], s["note"]) for s in listed] == [(2, True, "定稿"), (1, False, "初稿")]
    assert listed[1]["taken_by"] == "统计员" and listed[0]["applications"] > 50 and listed[0]["policy"]
    shown = run("register", "snapshots", "--db", db)
    assert shown.exit_code == 0 and "现行" in shown.stdout and "已被取代" in shown.stdout
    tables = json.loads(run("register", "tables", "--year", "2025", "--json", "--db", db).stdout)["cells"]
    database = open_database(db)
    try:
        current = Repository(database).current_snapshot(listed[0]["agency"], 2025)
    finally:
        database.close()
    assert current is not None
    assert {c: len(v) for c, v in current.tables.cells.items()} == {c: v["value"] for c, v in tables.items()}


def test_snapshots_on_an_empty_database_say_so(tmp_path: Path) -> None:
    out = run("register", "snapshots", "--db", str(tmp_path / "e.sqlite"))
    assert out.exit_code == 0 and "还没有年度快照" in out.stdout


def _pingtan(tmp_path: Path, *, with_report: bool = True) -> str:
    db = str(tmp_path / "p.sqlite")
    database = open_database(db)
    try:
        repo = Repository(database)
        if with_report:
            repo.write([record_of(shared_or_skip(CORPUS) / REPORT)], cross_year=no_cross_year)
        repo.add_applications(pingtan_register())
    finally:
        database.close()
    return db


def test_compare_lists_exactly_the_cells_that_differ_from_the_published_report(tmp_path: Path) -> None:
    db = _pingtan(tmp_path)
    out = run("register", "compare", "--year", "2022", "--json", "--db", db)
    assert out.exit_code == 1, out.output
    data = json.loads(out.stdout)
    assert data["basis"] == "live" and data["snapshot"] is None and data["report"]["id"] == 1
    assert {(d["cell"], d["published"], d["register"]) for d in data["differences"]} == DIFFERENCES
    assert data["not_printed"] == [] and data["agreeing"] == 190 - len(DIFFERENCES)
    shown = run("register", "compare", "--year", "2022", "--db", db)
    assert shown.exit_code == 1
    for words in ("当前计算结果（尚无年度快照）", "不一致 8 格", "予以公开·自然人", "行政复议·其他结果"):
        assert words in shown.stdout


def test_compare_uses_the_current_snapshot_when_there_is_one(tmp_path: Path) -> None:
    db = _pingtan(tmp_path)
    assert run("register", "snapshot", "--year", "2022", "--db", db).exit_code == 0
    data = json.loads(run("register", "compare", "--year", "2022", "--json", "--db", db).stdout)
    assert data["basis"] == "snapshot" and data["snapshot"] == 1
    assert {(d["cell"], d["published"], d["register"]) for d in data["differences"]} == DIFFERENCES
    assert "现行快照 1" in run("register", "compare", "--year", "2022", "--db", db).stdout


def test_compare_without_a_report_in_the_corpus_is_a_sentence_and_exit_2(tmp_path: Path) -> None:
    db = _pingtan(tmp_path, with_report=False)
    out = run("register", "compare", "--year", "2022", "--db", db)
    assert out.exit_code == 2
    assert f"语料库中没有 {PINGTAN} 2022 年度的政府信息公开工作年度报告" in out.output


def test_calendar_list_import_confirm_across_2027(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite")
    assert run("register", "add", "--arrived", "2027-01-25", "--channel", "email", "--applicant-type", T3.person.id,
               "--agency", AGENCY, "--db", db).exit_code == 0  # fmt: skip
    listed = json.loads(run("register", "calendar", "list", "--year", "2026", "--json", "--db", db).stdout)
    assert listed["official"] is True and len(listed["days"]) == 39
    assert json.loads(run("register", "calendar", "list", "--year", "2027", "--json", "--db", db).stdout) == {
        "year": 2027, "region": None, "official": False, "days": []
    }  # fmt: skip
    before = json.loads(run("register", "show", "2027-00001", "--as-of", "2027-02-01", "--json", "--db", db).stdout)
    assert before["due"] == "2027-02-26" and before["provisional"] is True
    notice = tmp_path / "2027年放假通知.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    imported = run("register", "calendar", "import", str(notice), "--by", "登记员", "--db", db)
    assert imported.exit_code == 0, imported.output
    assert "已导入 34 个日期（2027 年），其中 34 个待确认" in imported.stdout and "calendar confirm" in imported.stdout
    pending = json.loads(run("register", "show", "2027-00001", "--as-of", "2027-02-01", "--json", "--db", db).stdout)
    assert pending["due"] == "2027-03-01" and pending["provisional"] is True
    shown = run("register", "calendar", "list", "--year", "2027", "--db", db)
    assert "暂定" in shown.stdout and "春节" in shown.stdout
    confirmed = run("register", "calendar", "confirm", "--year", "2027", "--by", "管理员", "--db", db)
    assert confirmed.exit_code == 0 and "已确认 2027 年 34 个日期为正式（确认人：管理员）" in confirmed.stdout
    after = json.loads(run("register", "show", "2027-00001", "--as-of", "2027-02-01", "--json", "--db", db).stdout)
    assert after["due"] == "2027-03-01" and after["provisional"] is False
    days = json.loads(run("register", "calendar", "list", "--year", "2027", "--json", "--db", db).stdout)
    assert days["official"] is True and {d["confirmed_by"] for d in days["days"]} == {"管理员"}
    again = run("register", "calendar", "confirm", "--year", "2027", "--by", "管理员", "--db", db)
    assert again.exit_code == 2 and "没有待确认" in again.output


def test_calendar_import_from_stdin_and_a_regional_csv(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite")
    piped = run("register", "calendar", "import", "-", "--db", db, stdin=NOTICE_2027)
    assert piped.exit_code == 0 and "34 个待确认" in piped.stdout
    local = tmp_path / "local.csv"
    local.write_text("date,kind,source\n2026-11-10,off,自治区通知\n", encoding="utf-8")
    done = run("register", "calendar", "import", str(local), "--region", "某自治区", "--db", db)
    assert done.exit_code == 0 and "已导入 1 个日期（2026 年）" in done.stdout and "待确认" not in done.stdout
    national = json.loads(run("register", "calendar", "list", "--year", "2026", "--json", "--db", db).stdout)
    regional = json.loads(
        run("register", "calendar", "list", "--year", "2026", "--region", "某自治区", "--json", "--db", db).stdout
    )
    assert len(regional["days"]) == len(national["days"]) + 1
    assert regional["days"][-1]["region"] == "某自治区" and regional["days"][-1]["status"] == "override"


def test_calendar_import_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite")
    other = tmp_path / "note.txt"
    other.write_text("今天开会。", encoding="utf-8")
    out = run("register", "calendar", "import", str(other), "--db", db)
    assert out.exit_code == 2 and "不是国务院办公厅的放假通知" in out.output
    broken = tmp_path / "bad.txt"
    broken.write_text(
        "国务院办公厅关于2028年部分节假日安排的通知\n一、春节：2月1日至3日放假调休，共8天。", encoding="utf-8"
    )
    assert "共8天" in run("register", "calendar", "import", str(broken), "--db", db).output
    assert run("register", "calendar", "import", str(tmp_path / "none.csv"), "--db", db).exit_code == 2


def _overdue(tmp_path: Path) -> str:
    db = str(tmp_path / "d.sqlite")
    assert run("register", "add", "--arrived", "2026-09-15", "--channel", "email", "--applicant-type", T3.person.id,
               "--agency", AGENCY, "--db", db).exit_code == 0  # fmt: skip
    return db


def test_due_lists_findings_and_exits_1_only_when_asked(tmp_path: Path) -> None:
    db = _overdue(tmp_path)
    plain = run("register", "due", "--as-of", "2026-10-22", "--db", db, "--json")
    assert plain.exit_code == 0 and "findings" not in json.loads(plain.stdout)
    data = json.loads(run("register", "due", "--as-of", "2026-10-22", "--findings", "--json", "--db", db).stdout)
    (finding,) = data["findings"]
    assert finding["rule"] == "application-overdue" and finding["severity"] == "error"
    assert "2026-00001" in finding["message"] and "2026-10-19" in finding["message"]
    shown = run("register", "due", "--as-of", "2026-10-22", "--findings", "--db", db)
    assert shown.exit_code == 0 and "登记簿问题" in shown.stdout and "已逾期" in shown.stdout
    failing = run("register", "due", "--as-of", "2026-10-22", "--fail-on-overdue", "--db", db)
    assert failing.exit_code == 1
    assert run("register", "due", "--as-of", "2026-10-15", "--fail-on-overdue", "--db", db).exit_code == 0


def test_tables_self_check_shows_the_year_end_findings(tmp_path: Path) -> None:
    db = _overdue(tmp_path)
    shown = run("register", "tables", "--year", "2026", "--db", db)
    assert shown.exit_code == 0 and "登记簿自查" in shown.stdout and "application-overdue" in shown.stdout
    data = json.loads(run("register", "tables", "--year", "2026", "--json", "--db", db).stdout)
    assert [f["rule"] for f in data["findings"]] == ["application-overdue"]
    assert run("register", "tables", "--year", "2026", "--fail-on-overdue", "--db", db).exit_code == 1
    clean = json.loads(run("register", "tables", "--year", "2025", "--json", "--db", db).stdout)
    assert clean["findings"] == []


def test_deadline_with_a_database_uses_its_stored_calendar(tmp_path: Path) -> None:
    db = str(tmp_path / "c.sqlite")
    before = json.loads(run("register", "deadline", "2027-01-25", "--json", "--db", db).stdout)
    assert before["due"] == "2027-02-26" and before["provisional"] is True
    assert run("register", "calendar", "import", "-", "--db", db, stdin=NOTICE_2027).exit_code == 0
    assert run("register", "calendar", "confirm", "--year", "2027", "--by", "管理员", "--db", db).exit_code == 0
    after = json.loads(run("register", "deadline", "2027-01-25", "--json", "--db", db).stdout)
    assert after["due"] == "2027-03-01" and after["provisional"] is False
    assert json.loads(run("register", "deadline", "2027-01-25", "--json").stdout)["due"] == "2027-02-26"
