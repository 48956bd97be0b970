"""Every export says which values are reviewers' corrections: CSV, JSON, Parquet and XLSX, long and wide."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from gongkai.batch.corrections import correct
from gongkai.cli import app
from gongkai.store import open_database
from gongkai.store.repository import Repository

from ..conftest import CORPUS, shared_or_skip

runner = CliRunner()
CARRIED = "applications.carried.person"  # 阳泉市 2021 prints it blank
CARRY_FORWARD = "applications.carry_forward.person"  # printed 1
REASON = "扫描件上此格为1"


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seeds stored, two cells of 阳泉市 2021 corrected, every form written in every format."""
    seeds = shared_or_skip(CORPUS / "seeds")
    out = tmp_path_factory.mktemp("corrected")
    db = f"sqlite:///{out / 'c.sqlite'}"
    assert runner.invoke(app, ["ingest", str(seeds), "--db", db, "--workers", "0"]).exit_code == 0
    database = open_database(db)
    try:
        repository = Repository(database)
        rid = repository.report_for("阳泉市人民政府", 2021)
        assert rid is not None
        correct(repository, rid, CARRIED, "1", REASON, "王审核")
        correct(repository, rid, CARRY_FORWARD, "0", "原文为0", "王审核")
        (out / "rid").write_text(str(rid))
    finally:
        database.close()
    for fmt in ("csv", "json", "parquet"):
        for form in ("long", "wide"):
            args = ["export", "--db", db, "--format", fmt, "--form", form, "-o", str(out / f"{form}.{fmt}")]
            assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, ["export", "--db", db, "--format", "xlsx", "-o", str(out / "all.xlsx")]).exit_code == 0
    return out


def _rid(out: Path) -> int:
    return int((out / "rid").read_text())


def test_json_long_marks_the_corrected_values_with_the_read_ones(exported: Path) -> None:
    rows = json.loads((exported / "long.json").read_text(encoding="utf-8"))
    mine = {r["cell_id"]: r for r in rows if r["report_id"] == _rid(exported)}
    carried, forward = mine[CARRIED], mine[CARRY_FORWARD]
    assert (carried["value"], carried["corrected"], carried["read_value"]) == (1, True, None)
    assert (carried["correction_reason"], carried["corrected_by"]) == (REASON, "王审核")
    assert date.fromisoformat(carried["corrected_on"])
    assert (forward["value"], forward["read_value"], forward["corrected"]) == (0, 1, True)
    assert carried["state"] == "read"
    others = [r for r in rows if r["cell_id"] not in (CARRIED, CARRY_FORWARD) or r["report_id"] != _rid(exported)]
    assert others and all(r["corrected"] is False and r["read_value"] is None for r in others)


def test_csv_long_and_wide_carry_the_correction(exported: Path) -> None:
    with (exported / "long.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    carried = next(r for r in rows if r["报告编号"] == str(_rid(exported)) and r["单元格"] == CARRIED)
    assert (carried["数值"], carried["已更正"], carried["原读取值"], carried["更正理由"], carried["更正人"]) == (
        "1",
        "True",
        "",
        REASON,
        "王审核",
    )
    with (exported / "wide.csv").open(encoding="utf-8-sig", newline="") as handle:
        wide = list(csv.DictReader(handle))
    mine = next(r for r in wide if r["报告编号"] == str(_rid(exported)))
    assert mine["更正数"] == "2"
    assert CARRIED in mine["更正的单元格"] and f"{CARRY_FORWARD}（原读取值 1）" in mine["更正的单元格"]
    assert all(r["更正数"] == "0" and r["更正的单元格"] == "" for r in wide if r is not mine)


def test_parquet_types_the_correction_columns(exported: Path) -> None:
    long = pq.read_table(exported / "long.parquet")
    for name, kind in (
        ("corrected", pa.bool_()),
        ("read_value", pa.float64()),
        ("corrected_on", pa.date32()),
        ("correction_reason", pa.string()),
    ):
        assert long.schema.field(name).type == kind, name
    mine = [r for r in long.to_pylist() if r["report_id"] == _rid(exported) and r["corrected"]]
    assert {(r["cell_id"], r["value"], r["read_value"]) for r in mine} == {
        (CARRIED, 1.0, None),
        (CARRY_FORWARD, 0.0, 1.0),
    }
    wide = pq.read_table(exported / "wide.parquet")
    assert wide.schema.field("corrections").type == pa.int64()
    row = next(r for r in wide.to_pylist() if r["report_id"] == _rid(exported))
    assert (row[CARRIED], row[CARRY_FORWARD], row["corrections"]) == (1, 0, 2)


def test_xlsx_sheets_mark_the_corrections(exported: Path) -> None:
    book = openpyxl.load_workbook(exported / "all.xlsx")
    cells = book["单元格"]
    header = [c.value for c in next(cells.iter_rows(max_row=1))]
    rows = [dict(zip(header, r, strict=True)) for r in cells.iter_rows(min_row=2, values_only=True)]
    carried = next(r for r in rows if r["报告编号"] == _rid(exported) and r["单元格"] == CARRIED)
    assert carried["数值"] == 1 and carried["已更正"] is True and carried["更正理由"] == REASON
    forward = next(r for r in rows if r["报告编号"] == _rid(exported) and r["单元格"] == CARRY_FORWARD)
    assert forward["原读取值"] == 1 and isinstance(forward["原读取值"], int | float)
    reports = book["报告"]
    header = [c.value for c in next(reports.iter_rows(max_row=1))]
    mine = next(
        dict(zip(header, r, strict=True))
        for r in reports.iter_rows(min_row=2, values_only=True)
        if r[0] == _rid(exported)
    )
    assert mine["更正数"] == 2
    sheet = next(book[name] for name in book.sheetnames if name.startswith(f"#{_rid(exported)} "))
    notes = [c.comment.text for row in sheet.iter_rows() for c in row if c.comment]
    assert any("已更正：读取值 空，理由：扫描件上此格为1，王审核" in n for n in notes)
    assert any("已更正：读取值 1，理由：原文为0" in n for n in notes)
