"""The commands on real files, through typer's runner: read, check, rules, --version, and the corpus
commands (list, show, compare, stats, review, export) over a store made from the seeds and dev reports."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner, Result

from gongkai import RULES, Finding, Report, Severity, read_and_check, report_to_json
from gongkai._version import __version__
from gongkai.cli import app
from gongkai.formats import FORMATS, Format
from gongkai.model import format_value

from ..conftest import CORPUS, shared_or_skip

runner = CliRunner()

SEEDS = CORPUS / "seeds"
DEV = CORPUS / "dev"
HONGZE_2023 = DEV / "001_huaian-hongze-qu-2023.pdf"
HONGZE_2024 = DEV / "002_huaian-hongze-qu-2024.pdf"
CLEAN = [DEV / "004_shuyang-xian-2025.md", DEV / "011_pingtan-zhqsyq-2022.txt", DEV / "015_shuyang-xian-fgj-2023.html"]
ERRING = SEEDS / "004_e7d4e3b0369f5572.txt"  # two balance errors


def _invoke(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _json(*args: str) -> Any:
    result = _invoke(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _as_json(data: object) -> Any:
    """``data`` as the CLI prints it (dump: Chinese kept, dates and decimals as text)."""
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def table_headings(fmt: Format) -> list[str]:
    """The numbered headings of the sections that hold the format's tables (二、三、四)."""
    numbered = {s.number: s.numbered for s in fmt.sections}
    return [numbered[t.section] for t in fmt.tables]


def _sources() -> list[Path]:
    folders = [shared_or_skip(SEEDS), shared_or_skip(DEV)]
    return sorted(p for f in folders for p in f.iterdir() if p.suffix != ".tsv")


# --- --version, rules ---------------------------------------------------------------------------------------


def test_version() -> None:
    result = _invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def test_rules_json_lists_every_registered_rule_once() -> None:
    rules = _json("rules")
    assert isinstance(rules, list)
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    assert ids == list(RULES)
    for entry in rules:
        rule = RULES[entry["id"]]
        assert entry == {"id": rule.id, "severity": rule.severity.value, "zh": rule.zh, "en": rule.en, "doc": rule.doc}
        assert Severity(entry["severity"]) in Severity
        assert any("\u4e00" <= ch <= "\u9fff" for ch in entry["zh"])


def test_rules_table_names_every_rule() -> None:
    result = _invoke("rules")
    assert result.exit_code == 0
    assert "规则目录" in result.stdout
    for rule in RULES.values():
        assert rule.id in result.stdout and rule.zh in result.stdout


# --- read -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", _sources() if CORPUS.exists() else [], ids=lambda p: p.name)
def test_read_json_equals_report_to_json(path: Path) -> None:
    report, findings = read_and_check(path)
    assert _json("read", str(path)) == _as_json(report_to_json(report, findings))


@pytest.mark.parametrize(
    "path", [SEEDS / "004_e7d4e3b0369f5572.txt", SEEDS / "001_7d572d66493d8534.txt", HONGZE_2024], ids=lambda p: p.name
)
def test_read_shows_the_three_tables_under_their_headings(path: Path) -> None:
    report, findings = read_and_check(shared_or_skip(path))
    assert report.format is not None and len(report.format.tables) == 3
    result = _invoke("read", str(path))
    assert result.exit_code == 0, result.output
    out = result.stdout
    headings = table_headings(report.format)
    places = [out.index(h) for h in headings]
    assert places == sorted(places)  # in the template's order
    assert f"机关：{report.agency}" in out and f"年度：{report.year}" in out
    assert f"格式：{report.format.name}" in out
    assert f"发现{len(findings)}个问题" in out
    for f in findings:
        assert f.rule in out


def test_read_a_report_without_tables_shows_no_table_heading() -> None:
    path = shared_or_skip(DEV / "017_pingtan-dishuiju-2013-pre2019.txt")
    out = _invoke("read", str(path)).stdout
    assert f"格式：{FORMATS['pre2019'].name}" in out
    for heading in table_headings(FORMATS["2021"]):
        assert heading not in out
    assert "narrative-inconsistency" in out


def test_read_a_file_that_is_no_report_exits_2_with_a_chinese_reason(tmp_path: Path) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a workbook")
    result = _invoke("read", str(bad))
    assert result.exit_code == 2
    assert "错误" in result.stderr and "不是 gongkai 能读取的报告形式" in result.stderr
    assert result.stdout == ""


# --- check --------------------------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Clean reports and a file that is no report, as a folder a user would pass with reports/*."""
    for path in CLEAN:
        shutil.copy(shared_or_skip(path), tmp_path / path.name)
    (tmp_path / "notes.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return tmp_path


def _files(folder: Path, *, without: str | None = None) -> list[str]:
    return [str(p) for p in sorted(folder.iterdir()) if p.name != without]


def test_check_help_documents_the_exit_codes() -> None:
    help_text = "".join(_invoke("check", "--help").stdout.replace("│", "").split())
    assert "退出码为1" in help_text and "退出码为2" in help_text


def test_check_exits_0_when_no_report_has_an_error(folder: Path) -> None:
    result = _invoke("check", *_files(folder, without="notes.xlsx"))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("未发现问题") == len(CLEAN)


def test_check_exits_2_when_a_file_cannot_be_read_and_no_report_has_an_error(folder: Path) -> None:
    result = _invoke("check", *_files(folder))
    assert result.exit_code == 2
    assert "notes.xlsx" in result.stderr and "不是 gongkai 能读取的报告形式" in result.stderr
    assert result.stdout.count("未发现问题") == len(CLEAN)  # the others were checked all the same


@pytest.mark.parametrize("first", [True, False], ids=["erring-first", "erring-last"])
def test_check_exits_1_when_a_report_has_an_error_even_beside_an_unreadable_file(folder: Path, first: bool) -> None:
    erring = str(shared_or_skip(ERRING))
    files = [erring, *_files(folder)] if first else [*_files(folder), erring]
    result = _invoke("check", *files)
    assert result.exit_code == 1
    assert "勾稽关系" in result.stdout and "notes.xlsx" in result.stderr


def test_check_json_lists_each_file_in_order(folder: Path) -> None:
    files = [*_files(folder), str(shared_or_skip(ERRING))]
    result = _invoke("check", "--json", *files)
    assert result.exit_code == 1
    entries = json.loads(result.stdout)
    assert [e["source"] for e in entries] == files
    for entry in entries:
        if entry["source"].endswith("notes.xlsx"):
            assert set(entry) == {"source", "error"} and "不是 gongkai 能读取的报告形式" in entry["error"]
            continue
        _report, findings = read_and_check(Path(entry["source"]))
        assert entry["findings"] == _as_json([f.to_json() for f in findings])


def test_check_on_the_folder_itself_checks_its_reports_and_skips_what_is_no_report(folder: Path) -> None:
    """A folder is found as ingest finds it: the file that is no report form is skipped, said so, not an error."""
    result = _invoke("check", str(folder))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("未发现问题") == len(CLEAN)
    assert "跳过" in result.stderr and "notes.xlsx" in result.stderr
    entries = json.loads(_invoke("check", "--json", str(folder)).stdout)
    assert [e["source"] for e in entries] == _files(folder)
    (skipped,) = [e for e in entries if "skipped" in e]
    assert skipped["source"].endswith("notes.xlsx") and "不是 gongkai 能读取的报告形式" in skipped["skipped"]


# --- the corpus commands over a store of seeds and dev --------------------------------------------------------


@dataclass(slots=True)
class Store:
    db: str
    read: dict[str, tuple[Report, list[Finding]]]  # by stored source name
    rows: list[dict[str, Any]]  # `list --json`

    def row(self, source: Path) -> dict[str, Any]:
        return next(r for r in self.rows if r["source"] == str(source))


def _ingest(db: str, *paths: Path) -> dict[str, Any]:
    data = _json("ingest", *map(str, paths), "--db", db, "--workers", "0")
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    sources = _sources()
    db = str(tmp_path_factory.mktemp("cli-store") / "corpus.sqlite")
    summary = _ingest(db, SEEDS, DEV)
    assert summary["read"] == len(sources) and summary["failed"] == 0
    rows = _json("list", "--db", db)
    assert isinstance(rows, list)
    yield Store(db, {str(p): read_and_check(p) for p in sources}, rows)


def test_a_second_ingest_stores_nothing_new(store: Store) -> None:
    again = _ingest(store.db, SEEDS, DEV)
    assert again["read"] == 0 and again["already_stored"] == len(store.read)
    result = _invoke("ingest", str(SEEDS), "--db", store.db, "--workers", "0")
    assert result.exit_code == 0 and "没有新内容" in result.stdout


def test_list_shows_what_was_read(store: Store) -> None:
    assert {r["source"] for r in store.rows} == set(store.read)
    for row in store.rows:
        report, findings = store.read[str(row["source"])]
        assert (row["agency"], row["year"], row["format"], row["entity_type"]) == (
            report.agency,
            report.year,
            report.format_id,
            report.entity_type.value,
        )
        assert row["published"] == (report.published.isoformat() if report.published else None)
        assert row["errors"] == sum(f.severity is Severity.ERROR for f in findings)
        assert row["warnings"] == sum(f.severity is Severity.WARNING for f in findings)
    table = _invoke("list", "--db", store.db)
    assert table.exit_code == 0
    assert f"（{len(store.rows)}份）" in table.stdout and "阳泉市人民政府" in table.stdout


@pytest.mark.parametrize(
    "options, keep",
    [
        (["--agency", "洪泽区"], lambda r: "洪泽区" in r.agency),
        (["--year", "2021"], lambda r: r.year == 2021),
        (["--year", "2023", "--year", "2024"], lambda r: r.year in (2023, 2024)),
        (["--format", "2019"], lambda r: r.format_id == "2019"),
        (["--level", "department"], lambda r: r.entity_type.value == "department"),
        (["--agency", "平潭", "--year", "2022"], lambda r: r.agency == "平潭综合实验区" and r.year == 2022),
    ],
)
def test_list_filters(store: Store, options: list[str], keep: Callable[[Report], bool]) -> None:
    rows = _json("list", "--db", store.db, *options)
    expected = {s for s, (report, _) in store.read.items() if keep(report)}
    assert expected and {r["source"] for r in rows} == expected


def test_list_has_errors(store: Store) -> None:
    erring = {s for s, (_, fs) in store.read.items() if any(f.severity is Severity.ERROR for f in fs)}
    assert {r["source"] for r in _json("list", "--db", store.db, "--has-errors")} == erring
    clean = {r["source"] for r in _json("list", "--db", store.db, "--no-errors")}
    assert clean == set(store.read) - erring


@pytest.mark.parametrize("source", [ERRING, HONGZE_2023, DEV / "015_shuyang-xian-fgj-2023.html"], ids=lambda p: p.name)
def test_show_json_is_the_stored_report_as_read(store: Store, source: Path) -> None:
    report, findings = store.read[str(source)]
    row = store.row(source)
    shown = _json("show", str(row["id"]), "--db", store.db)
    assert isinstance(shown, dict)
    expected = _as_json(report_to_json(report, findings))
    assert isinstance(expected, dict)
    assert shown["id"] == row["id"]
    for key in ("agency", "entity_type", "year", "format", "published", "cells"):
        assert shown[key] == expected[key], key
    assert sorted((f["rule"], f["message"], f["status"]) for f in shown["findings"]) == sorted(
        (f.rule, f.message, "open") for f in findings
    )


def test_show_prints_the_tables(store: Store) -> None:
    report, _ = store.read[str(HONGZE_2024)]
    assert report.format is not None
    result = _invoke("show", str(store.row(HONGZE_2024)["id"]), "--db", store.db)
    assert result.exit_code == 0
    for heading in table_headings(report.format):
        assert heading in result.stdout
    assert "问题指纹与审核" in result.stdout


def test_show_an_id_not_stored_exits_2(store: Store) -> None:
    result = _invoke("show", "999999", "--db", store.db)
    assert result.exit_code == 2 and "999999" in result.stderr


def _expected_diffs(a: Report, b: Report) -> dict[str, tuple[str | None, str | None]]:
    """cell id → (a, b) for every cell whose value differs, in a's format order."""
    assert a.format is not None

    def text(report: Report, cid: str) -> str | None:
        cell = report.cells.get(cid)
        return None if cell is None or cell.value is None else format_value(cell.value)

    return {cid: (text(a, cid), text(b, cid)) for cid in a.format.cell_ids() if text(a, cid) != text(b, cid)}


def test_compare_the_two_hongze_years_by_ids_and_by_agency(store: Store) -> None:
    a, b = store.row(HONGZE_2023)["id"], store.row(HONGZE_2024)["id"]
    by_ids = _json("compare", str(a), str(b), "--db", store.db)
    assert isinstance(by_ids, dict)
    expected = _expected_diffs(store.read[str(HONGZE_2023)][0], store.read[str(HONGZE_2024)][0])
    assert by_ids["differences"] == len(expected) > 0
    assert {c["cell"]: (c["a"], c["b"]) for c in by_ids["cells"]} == expected
    assert all(c["differs"] for c in by_ids["cells"])
    # either year's spelling of the organ finds both: the key is 洪泽区人民政府
    for name in ("洪泽区人民政府", "淮安市洪泽区人民政府"):
        by_agency = _json("compare", "--agency", name, "--years", "2023", "--years", "2024", "--db", store.db)
        assert by_agency == by_ids
    every = _json("compare", str(a), str(b), "--all", "--db", store.db)
    assert isinstance(every, dict)
    assert len(every["cells"]) == 200 and every["differences"] == len(expected)
    table = _invoke("compare", str(a), str(b), "--db", store.db)
    assert table.exit_code == 0 and f"200个单元格中{len(expected)}个不同" in table.stdout


def test_compare_refuses_what_it_cannot_pair(store: Store) -> None:
    missing = _invoke("compare", "--agency", "洪泽区人民政府", "--years", "2023", "--years", "2019", "--db", store.db)
    assert missing.exit_code == 2 and "2019" in missing.stderr
    assert _invoke("compare", "1", "--db", store.db).exit_code == 2
    assert _invoke("compare", "1", "999999", "--db", store.db).exit_code == 2


def test_stats_json_counts_the_stored_reports(store: Store) -> None:
    stats = _json("stats", "--db", store.db)
    assert isinstance(stats, dict)
    reports = [r for r, _ in store.read.values()]
    assert stats["reports"] == len(reports) and stats["failed_sources"] == 0
    assert stats["reports_by_year"] == {str(y): n for y, n in sorted(Counter(r.year for r in reports).items())}
    new_by_year: dict[str, float] = {}
    for r in reports:
        if r.format is not None and r.format.applications is not None:
            view = r.format.applications
            new_by_year[str(r.year)] = new_by_year.get(str(r.year), 0.0) + float(r.value(view.cell(view.new)) or 0)
    assert {y: v for y, v in stats["applications_by_year"].items() if v} == {y: v for y, v in new_by_year.items() if v}
    opened = Counter(f.rule for _, fs in store.read.values() for f in fs)
    assert {rule: e["open"] for rule, e in stats["findings_by_rule"].items()} == dict(opened)
    year = _json("stats", "--db", store.db, "--year", "2021")
    assert isinstance(year, dict) and year["reports"] == 4
    assert _invoke("stats", "--db", store.db).exit_code == 0


def test_export_through_the_command(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "hongze.csv"
    result = _invoke(
        "export", "--format", "csv", "--form", "wide", "--agency", "洪泽区", "-o", str(out), "--db", store.db
    )
    assert result.exit_code == 0, result.output
    assert f"已写入 {out}（2行）" in result.stderr
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["机关"] for r in rows) == ["洪泽区人民政府", "淮安市洪泽区人民政府"]
    book_path = tmp_path / "y2021.xlsx"
    result = _invoke("export", "-o", str(book_path), "--year", "2021", "--no-layout", "--db", store.db)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(book_path, read_only=True)
    assert book.sheetnames == ["报告", "单元格", "问题"]
    assert _invoke("export", "--format", "docx", "-o", str(tmp_path / "x"), "--db", store.db).exit_code == 2


# --- review (its own store: a decision changes what the others see) -------------------------------------------


def test_review_then_show_reflects_the_decision(tmp_path: Path) -> None:
    db = str(tmp_path / "review.sqlite")
    _ingest(db, shared_or_skip(ERRING))
    (row,) = _json("list", "--db", db)
    shown = _json("show", str(row["id"]), "--db", db)
    assert isinstance(shown, dict)
    balance = [f for f in shown["findings"] if f["rule"] == "balance"]
    assert len(balance) == 2 and row["errors"] == 2
    first = balance[0]
    reviewed = _json(
        "review",
        str(row["id"]),
        first["fingerprint"][:6],
        "--status",
        "dismissed",
        "--reason",
        "表内口径不同",
        "--reviewer",
        "审核员",
        "--db",
        db,
    )
    assert isinstance(reviewed, dict)
    assert (reviewed["fingerprint"], reviewed["status"], reviewed["reason"]) == (
        first["fingerprint"],
        "dismissed",
        "表内口径不同",
    )
    again = _json("show", str(row["id"]), "--db", db)
    assert isinstance(again, dict)
    statuses = {f["fingerprint"]: (f["status"], f["reviewer"], f["reason"]) for f in again["findings"]}
    assert statuses[first["fingerprint"]] == ("dismissed", "审核员", "表内口径不同")
    assert statuses[balance[1]["fingerprint"]] == ("open", None, None)
    (listed,) = _json("list", "--db", db)
    assert listed["errors"] == 1  # a dismissed error no longer counts
    table = _invoke("show", str(row["id"]), "--db", db).stdout
    assert f"发现{len(shown['findings']) - 1}个问题" in table  # the dismissed one is not shown as a problem
    assert "不是问题（误报）" in table and "表内口径不同" in table
    text = _invoke("review", str(row["id"]), balance[1]["fingerprint"], "--status", "confirmed", "--db", db)
    assert text.exit_code == 0 and f"balance {balance[1]['fingerprint']}：确认问题（confirmed）" in text.stdout


def test_review_refuses_an_unknown_status_or_fingerprint(tmp_path: Path) -> None:
    db = str(tmp_path / "review.sqlite")
    _ingest(db, shared_or_skip(ERRING))
    (row,) = _json("list", "--db", db)
    bad_status = _invoke("review", str(row["id"]), "0", "--status", "maybe", "--db", db)
    assert bad_status.exit_code == 2 and "审核状态" in bad_status.stderr
    unknown = _invoke("review", str(row["id"]), "zzzzzz", "--status", "dismissed", "--db", db)
    assert unknown.exit_code == 2 and "zzzzzz" in unknown.stderr


def test_ingest_reread_keeps_the_review(tmp_path: Path) -> None:
    copy = tmp_path / "yangquan.txt"
    shutil.copy(shared_or_skip(ERRING), copy)
    db = str(tmp_path / "reread.sqlite")
    _ingest(db, copy)
    (row,) = _json("list", "--db", db)
    shown = _json("show", str(row["id"]), "--db", db)
    assert isinstance(shown, dict)
    fingerprint = next(f["fingerprint"] for f in shown["findings"] if f["rule"] == "balance")
    _json("review", str(row["id"]), fingerprint, "--status", "dismissed", "--reason", "口径不同", "--db", db)
    assert _ingest(db, copy)["already_stored"] == 1  # without --reread nothing is read again
    reread = _json("ingest", str(copy), "--db", db, "--workers", "0", "--reread")
    assert isinstance(reread, dict) and reread["failed"] == 0
    (again,) = _json("list", "--db", db)
    assert again["id"] == row["id"] and again["errors"] == row["errors"] - 1
    after = _json("show", str(row["id"]), "--db", db)
    assert isinstance(after, dict)
    kept = next(f for f in after["findings"] if f["fingerprint"] == fingerprint)
    assert (kept["status"], kept["reason"]) == ("dismissed", "口径不同")
