"""``gongkai agencies`` and ``--region`` through the CLI runner, on a store filled by ``gongkai ingest``."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gongkai.cli import app

from ..conftest import CORPUS, shared_or_skip

runner = CliRunner()
FILES = [
    "seeds",
    "dev/001_huaian-hongze-qu-2023.pdf",
    "dev/002_huaian-hongze-qu-2024.pdf",
    "dev/015_shuyang-xian-fgj-2023.html",
]


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store of seeds and three dev reports, ingested by the CLI (copied afresh for each test)."""
    root = shared_or_skip(CORPUS)
    path = tmp_path_factory.mktemp("agencies-cli") / "corpus.sqlite"
    result = runner.invoke(app, ["ingest", *(str(root / f) for f in FILES), "--db", str(path), "--workers", "0"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def db(ingested: Path, tmp_path: Path) -> str:
    copy = tmp_path / "corpus.sqlite"
    copy.write_bytes(ingested.read_bytes())
    return str(copy)


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.stdout


def _json(*args: str) -> object:
    return json.loads(_run(*args, "--json"))


def _import(db: str, tmp_path: Path, text: str) -> str:
    path = tmp_path / "名录.csv"
    path.write_text(text, encoding="utf-8")
    return _run("agencies", "import", str(path), "--db", db)


HUAIAN = (
    "机关名称,类型,上级机关,地区\n"
    "淮安市人民政府,人民政府,,江苏省淮安市\n"
    "洪泽区人民政府,政府,淮安市人民政府,江苏省淮安市洪泽区\n"
    "洪泽区教育局,部门,洪泽区人民政府,\n"
    "洪泽区岔河镇人民政府,乡镇,洪泽区人民政府,\n"
)


def test_ingesting_fills_the_registry(db: str) -> None:
    rows = _json("agencies", "list", "--db", db)
    keys = {r["key"] for r in rows}  # type: ignore[union-attr]
    assert {"洪泽区人民政府", "成安县人民政府", "沭阳县发展和改革局"} <= keys
    assert {r["origin_zh"] for r in rows} == {"由报告生成"}  # type: ignore[union-attr]
    table = _run("agencies", "list", "--db", db, "--kind", "部门")
    assert "沭阳县发展和改革局" in table and "成安县人民政府" not in table and "机关名录" in table


def test_import_then_list_by_parent_and_region(db: str, tmp_path: Path) -> None:
    out = _import(db, tmp_path, HUAIAN)
    assert "已导入 4 个机关" in out
    under = _json("agencies", "list", "--db", db, "--parent", "洪泽区人民政府")
    assert [r["name"] for r in under] == ["洪泽区人民政府", "洪泽区岔河镇人民政府", "洪泽区教育局"]  # type: ignore[index]
    region = _json("agencies", "list", "--db", db, "--region", "江苏省淮安市洪泽区", "--kind", "township")
    assert [r["region"] for r in region] == ["江苏省淮安市洪泽区岔河镇"]  # type: ignore[index]
    missing = runner.invoke(app, ["agencies", "list", "--db", db, "--parent", "没有这个机关"])
    assert missing.exit_code == 2 and "没有" in missing.output


def test_an_import_names_its_bad_rows_and_keeps_the_rest(db: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["agencies", "import", str(_write(tmp_path, "机关名称,类型\n甲局,部门\n乙局,县级\n")), "--db", db]
    )
    assert result.exit_code == 0
    assert "已导入 1 个机关，1 处问题" in result.stdout
    assert "名录.csv 第3行：类型“县级”无法识别" in result.output
    bad = runner.invoke(app, ["agencies", "import", str(tmp_path / "无此文件.xlsx"), "--db", db])
    assert bad.exit_code == 2 and "文件不存在" in bad.output
    txt = tmp_path / "名录.txt"
    txt.write_text("x", encoding="utf-8")
    wrong = runner.invoke(app, ["agencies", "import", str(txt), "--db", db])
    assert wrong.exit_code == 2 and "只支持 XLSX 或 CSV" in wrong.output


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "名录.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_and_import_round_trip(db: str, tmp_path: Path, suffix: str) -> None:
    _import(db, tmp_path, HUAIAN)
    path = tmp_path / f"out{suffix}"
    result = runner.invoke(app, ["agencies", "export", str(path), "--db", db, "--region", "江苏省"])
    assert result.exit_code == 0 and "4个机关" in result.output
    if suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path).active
        assert sheet is not None and sheet["A1"].value == "机关名称" and sheet.max_row == 5
    else:
        with path.open(encoding="utf-8-sig") as handle:
            assert len(list(csv.DictReader(handle))) == 4
    fresh = str(tmp_path / "fresh.sqlite")
    assert "已导入 4 个机关" in _run("agencies", "import", str(path), "--db", fresh)
    shape = lambda rows: [(r["key"], r["kind"], r["parent_key"], r["region"]) for r in rows]  # noqa: E731
    assert shape(_json("agencies", "list", "--db", fresh)) == shape(
        _json("agencies", "list", "--db", db, "--region", "江苏省")
    )


def test_set_edits_and_refuses_unknown_kinds(db: str, tmp_path: Path) -> None:
    _import(db, tmp_path, HUAIAN)
    row = _json(
        "agencies", "set", "洪泽区财政局", "--kind", "部门", "--parent", "洪泽区人民政府", "--note", "新增", "--db", db
    )
    assert (
        row["kind"] == "department" and row["parent_name"] == "洪泽区人民政府" and row["region"] == "江苏省淮安市洪泽区"
    )  # type: ignore[index]
    out = _run("agencies", "set", "洪泽区财政局", "--note", "", "--db", db)
    assert "已保存" in out
    assert _json("agencies", "list", "--db", db, "--kind", "department", "--parent", "洪泽区财政局")[0]["note"] is None  # type: ignore[index]
    unknown = runner.invoke(app, ["agencies", "set", "洪泽区财政局", "--kind", "县级", "--db", db])
    assert unknown.exit_code == 2 and "--kind 不接受“县级”" in unknown.output
    cycle = runner.invoke(app, ["agencies", "set", "淮安市人民政府", "--parent", "洪泽区教育局", "--db", db])
    assert cycle.exit_code == 2 and "下级" in cycle.output
    assert _run("agencies", "delete", "洪泽区财政局", "--db", db).startswith("已删除")
    assert runner.invoke(app, ["agencies", "delete", "洪泽区财政局", "--db", db]).exit_code == 2


def test_status_shows_published_late_and_missing(db: str, tmp_path: Path) -> None:
    _import(db, tmp_path, HUAIAN)
    data = _json(
        "agencies", "status", "--year", "2023", "--parent", "淮安市人民政府", "--as-of", "2024-02-01", "--db", db
    )
    states = {r["agency"]["name"]: r["state"] for r in data["rows"]}  # type: ignore[index]
    assert states == {
        "淮安市人民政府": "not-yet-due",
        "洪泽区人民政府": "date-unknown",  # dev 001 prints no date
        "洪泽区教育局": "overdue",  # a department, after 31 January
        "洪泽区岔河镇人民政府": "not-yet-due",  # a township: overdue only after 31 March
    }
    assert (data["published"], data["late"], data["missing"], data["overdue"]) == (1, 0, 3, 1)  # type: ignore[index]
    table = _run(
        "agencies", "status", "--year", "2023", "--region", "江苏省淮安市", "--as-of", "2024-04-01", "--db", db
    )
    assert (
        "2023年度年报发布情况" in table
        and "未发布（已逾期）" in table
        and "已发布 1（其中逾期 0），未发布 3（其中已逾期 3）" in table
    )
    shuyang = _json("agencies", "status", "--year", "2023", "--region", "沭阳县", "--db", db)
    (row,) = shuyang["rows"]  # type: ignore[index]
    assert (row["state"], row["published"], row["deadline"]) == ("on-time", "2024-01-17", "2024-01-31")
    bad = runner.invoke(app, ["agencies", "status", "--year", "2023", "--as-of", "明天", "--db", db])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_the_region_option_on_list_stats_and_export(db: str, tmp_path: Path) -> None:
    everything = _json("list", "--db", db)
    assert len(_json("list", "--db", db, "--region", "江苏省")) == 0  # no report states 江苏省, nor the registry yet
    # dev 002 states 淮安市洪泽区; dev 001 states only 洪泽区, and meets 淮安市 by the registry row dev 002 made
    assert len(_json("list", "--db", db, "--region", "淮安市")) == 2
    _import(db, tmp_path, HUAIAN)
    listed = _json("list", "--db", db, "--region", "江苏省淮安市")
    assert sorted(r["year"] for r in listed) == [2023, 2024]  # type: ignore[index]
    stats = _json("stats", "--db", db, "--region", "江苏省淮安市")
    assert stats["reports"] == 2 and stats["reports_by_year"] == {"2023": 1, "2024": 1}  # type: ignore[index]
    assert _json("stats", "--db", db)["reports"] == len(everything)  # type: ignore[index,arg-type]
    out = tmp_path / "wide.csv"
    result = runner.invoke(
        app, ["export", "--format", "csv", "--form", "wide", "-o", str(out), "--db", db, "--region", "江苏省"]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as handle:
        assert len(list(csv.DictReader(handle))) == 2


def test_help_is_chinese(db: str) -> None:
    for args in (["agencies", "--help"], ["agencies", "status", "--help"], ["agencies", "import", "--help"]):
        text = _run(*args)
        assert "机关" in text
    assert "--region" in _run("list", "--help") and "地区" in _run("stats", "--help")


def test_import_json_and_an_empty_scope(db: str, tmp_path: Path) -> None:
    path = _write(tmp_path, HUAIAN + "某局,县级,,\n")
    outcome = _json("agencies", "import", str(path), "--db", db)
    assert outcome["imported"] == 4 and len(outcome["problems"]) == 1  # type: ignore[index,arg-type]
    assert outcome["problems"][0].startswith("名录.csv 第6行")  # type: ignore[index]
    empty = _json("agencies", "status", "--year", "2023", "--region", "西藏", "--db", db)
    assert (empty["agencies"], empty["published"], empty["missing"]) == (0, 0, 0)  # type: ignore[index]
    assert "0个机关" in _run("agencies", "status", "--year", "2023", "--region", "西藏", "--db", db)
    assert _json("agencies", "list", "--region", "西藏", "--db", db) == []
    written = tmp_path / "x.pdf"
    bad = runner.invoke(app, ["agencies", "export", str(written), "--db", db])
    assert bad.exit_code == 2 and "只支持 XLSX 或 CSV" in bad.output and not written.exists()
