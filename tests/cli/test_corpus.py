"""The corpus commands through the CLI runner: list, show, compare, stats, review, export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from gongkai.cli import app

from ..conftest import write_series

runner = CliRunner()


@pytest.fixture
def loaded(db_url: str, tmp_path: Path) -> str:
    write_series(tmp_path / "corpus", 3, range(2022, 2024))
    result = runner.invoke(app, ["ingest", str(tmp_path / "corpus"), "--db", db_url, "--workers", "0", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["read"] == 6
    return db_url


def _json(*args: str) -> object:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_second_ingest_says_nothing_new(loaded: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["ingest", str(tmp_path / "corpus"), "--db", loaded, "--workers", "0"])
    assert result.exit_code == 0
    assert "没有新内容" in result.stdout


def test_list_filters(loaded: str) -> None:
    rows = _json("list", "--db", loaded)
    assert len(rows) == 6
    assert len(_json("list", "--db", loaded, "--year", "2023")) == 3
    name = rows[0]["agency"]
    assert {r["agency"] for r in _json("list", "--db", loaded, "--agency", name[:3])} == {name}
    assert _json("list", "--db", loaded, "--format", "2019") == []
    assert all(r["errors"] > 0 for r in _json("list", "--db", loaded, "--has-errors"))


def test_show_compare_review(loaded: str) -> None:
    rows = _json("list", "--db", loaded)
    first = rows[0]
    shown = _json("show", str(first["id"]), "--db", loaded)
    assert shown["agency"] == first["agency"] and len(shown["cells"]) == 200
    table = runner.invoke(app, ["show", str(first["id"]), "--db", loaded])
    assert table.exit_code == 0 and "收到和处理政府信息公开申请情况" in table.stdout
    pair = [r for r in rows if r["agency"] == first["agency"]]
    by_years = _json("compare", "--agency", first["agency"], "--years", "2022", "--years", "2023", "--db", loaded)
    by_ids = _json("compare", str(pair[0]["id"]), str(pair[1]["id"]), "--db", loaded)
    assert by_years["differences"] == by_ids["differences"] > 0
    assert all(c["a"] != c["b"] for c in by_ids["cells"])
    if shown["findings"]:
        finding = shown["findings"][0]
        reviewed = _json(
            "review",
            str(first["id"]),
            finding["fingerprint"],
            "--status",
            "dismissed",
            "--reason",
            "核实无误",
            "--db",
            loaded,
        )
        assert reviewed["status"] == "dismissed"
    bad = runner.invoke(app, ["review", str(first["id"]), "nosuch", "--status", "dismissed", "--db", loaded])
    assert bad.exit_code == 2
    missing = runner.invoke(app, ["show", "999999", "--db", loaded])
    assert missing.exit_code == 2


def test_stats(loaded: str) -> None:
    stats = _json("stats", "--db", loaded)
    assert stats["reports"] == 6
    assert set(stats["reports_by_year"]) == {"2022", "2023"}
    shares = [o["share"] for o in stats["outcomes"].values()]
    assert abs(sum(shares) - 1) < 1e-9
    review = stats["correction_rate"]["review"]
    assert review["rate"] is None or 0 <= review["rate"] <= 1
    assert _json("stats", "--db", loaded, "--year", "2022")["reports"] == 3
    assert runner.invoke(app, ["stats", "--db", loaded]).exit_code == 0


def test_exports(loaded: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for fmt, form in (("csv", "long"), ("csv", "wide"), ("csv", "findings"), ("parquet", "long"), ("json", "wide")):
        path = out / f"{form}.{fmt}"
        result = runner.invoke(app, ["export", "--format", fmt, "--form", form, "-o", str(path), "--db", loaded])
        assert result.exit_code == 0, result.output
    assert (out / "long.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    with (out / "long.csv").open(encoding="utf-8-sig") as handle:
        long_rows = list(csv.DictReader(handle))
    assert len(long_rows) == 6 * 200 and "数值" in long_rows[0]
    with (out / "wide.csv").open(encoding="utf-8-sig") as handle:
        assert len(list(csv.reader(handle))) == 7
    assert pq.read_table(out / "long.parquet").num_rows == 1200
    wide = json.loads((out / "wide.json").read_text(encoding="utf-8"))
    assert len(wide) == 6 and "applications.new.total" in wide[0]
    xlsx = out / "all.xlsx"
    result = runner.invoke(app, ["export", "--format", "xlsx", "-o", str(xlsx), "--db", loaded, "--year", "2023"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames[:3] == ["报告", "单元格", "问题"]
    layout = book[book.sheetnames[3]]
    texts = {c.value for row in layout.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"申请人情况", "法人或其他组织", "三、本年度办理结果", "（三）不予公开", "行政诉讼", "复议后起诉"} <= texts
    assert any("A" in str(r) for r in layout.merged_cells.ranges)
    bad = runner.invoke(app, ["export", "--format", "docx", "-o", str(out / "x"), "--db", loaded])
    assert bad.exit_code == 2
