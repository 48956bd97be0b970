"""Exports carry numbers as numbers, dates as dates, and a Chinese name beside every code (issue 10 §6)."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from gongkai import read_file
from gongkai.cli import app
from gongkai.formats.cells import all_cell_ids

from ..conftest import CORPUS, shared_or_skip

runner = CliRunner()


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeds = shared_or_skip(CORPUS / "seeds")
    out = tmp_path_factory.mktemp("typed")
    db = f"sqlite:///{out / 'c.sqlite'}"
    assert runner.invoke(app, ["ingest", str(seeds), "--db", db, "--workers", "0"]).exit_code == 0
    for fmt in ("csv", "json", "parquet"):
        for form in ("long", "wide", "findings"):
            args = ["export", "--db", db, "--format", fmt, "--form", form, "-o", str(out / f"{form}.{fmt}")]
            assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, ["export", "--db", db, "--format", "xlsx", "-o", str(out / "all.xlsx")]).exit_code == 0
    return out


def test_every_cell_column_of_the_wide_parquet_is_numeric(exported: Path) -> None:
    schema = pq.read_schema(exported / "wide.parquet")
    for cid in all_cell_ids():
        assert schema.field(cid).type in (pa.int64(), pa.float64()), cid
    assert schema.field("proactive.fees.amount").type == pa.float64()
    assert schema.field("published").type == pa.date32()


def test_the_long_exports_hold_the_values_the_reader_reads(exported: Path) -> None:
    seed = shared_or_skip(CORPUS / "seeds" / "004_e7d4e3b0369f5572.txt")
    report = read_file(seed)
    rows = [
        r for r in json.loads((exported / "long.json").read_text(encoding="utf-8")) if r["source"].endswith(seed.name)
    ]
    assert rows
    for row in rows:
        expected = report.cells[row["cell_id"]].value
        assert row["value"] == (None if expected is None else float(expected))
        assert isinstance(row["value"], int | float | type(None))
    table = pq.read_table(exported / "long.parquet")
    assert table.schema.field("value").type == pa.float64()
    assert table.schema.field("certain").type == pa.bool_()


def test_codes_have_their_chinese_names_beside_them(exported: Path) -> None:
    with (exported / "findings.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows
    names = {"error": "错误", "warning": "警告", "info": "提示"}
    for row in rows:
        assert row["严重程度"] == names[row["严重程度代码"]]
        assert row["审核状态"] == "待审"
        assert row["机关类型"] in ("人民政府", "乡镇/街道", "政府部门", "其他")


def test_xlsx_data_sheets_hold_numbers_and_dates(exported: Path) -> None:
    workbook = openpyxl.load_workbook(exported / "all.xlsx")
    sheet = workbook["报告"]
    headings = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref is not None
    column = headings.index(next(h for h in headings if h and h.endswith("（applications.new.total）"))) + 1
    values = [sheet.cell(row=r, column=column).value for r in range(2, sheet.max_row + 1)]
    assert values and all(isinstance(v, int | float) for v in values if v is not None)
    dates = [sheet.cell(row=r, column=headings.index("发布日期") + 1).value for r in range(2, sheet.max_row + 1)]
    assert any(isinstance(d, datetime | date) for d in dates)
