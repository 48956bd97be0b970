"""How sure each cell is travels from the reader through the store to the web page and the long export."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from typer.testing import CliRunner

from gongkai import read_text
from gongkai.cli import app
from gongkai.measure.synth import random_values
from gongkai.model import PlacedBy
from gongkai.store import open_database
from gongkai.store.repository import Repository

from ..read.shatter import Shatter, render_report

runner = CliRunner()


def _shattered(tmp_path: Path) -> Path:
    """A report whose table 三 prints its labels in one table and its numbers in another."""
    values = random_values(random.Random(7))
    path = tmp_path / "corpus" / "apart.md"
    path.parent.mkdir()
    path.write_text(render_report(values, Shatter(apart=True)), encoding="utf-8")
    return path


def test_placement_is_kept_in_the_store(tmp_path: Path) -> None:
    path = _shattered(tmp_path)
    read = read_text(path.read_text(encoding="utf-8"), path.name)
    inferred = {cid for cid, c in read.cells.items() if c.placement and c.placement.by is PlacedBy.ORDER}
    assert inferred, "the shattered table is placed by row order"
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    assert runner.invoke(app, ["ingest", str(path.parent), "--db", db, "--workers", "0"]).exit_code == 0
    database = open_database(db)
    try:
        repo = Repository(database)
        [row] = repo.list_reports()
        stored = repo.load_reports([row.id])[row.id]
    finally:
        database.close()
    assert {cid for cid, c in stored.cells.items() if c.placement and not c.placement.certain} == inferred
    assert all(stored.cells[c].placement == read.cells[c].placement for c in read.cells)


def test_the_long_export_says_how_each_value_was_read(tmp_path: Path) -> None:
    path = _shattered(tmp_path)
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    assert runner.invoke(app, ["ingest", str(path.parent), "--db", db, "--workers", "0"]).exit_code == 0
    out = tmp_path / "long.csv"
    result = runner.invoke(app, ["export", "--db", db, "--format", "csv", "--form", "long", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    by_cell = {r["单元格"]: r for r in rows}
    new_total = by_cell["applications.new.total"]
    assert new_total["读取方式"] == PlacedBy.ORDER.zh
    assert new_total["读取确定"] == "False"
    assert by_cell["proactive.rules.issued"]["读取确定"] == "True"


def test_the_report_page_marks_an_inferred_cell(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from gongkai.web import WebSettings, create_app

    path = _shattered(tmp_path)
    db = f"sqlite:///{tmp_path / 'c.sqlite'}"
    assert runner.invoke(app, ["ingest", str(path.parent), "--db", db, "--workers", "0", "--json"]).exit_code == 0
    database = open_database(db)
    try:
        [row] = Repository(database).list_reports()
    finally:
        database.close()
    settings = WebSettings(
        database_url=db,
        originals_root=tmp_path / "originals",
        page_cache_dir=tmp_path / "pages",
        ingest_processes=0,
        allowed_hosts=("testserver",),  # the Host of Starlette's TestClient
    )
    with TestClient(create_app(settings)) as client:
        page = client.get(f"/reports/{row.id}").text
    cell = page.split('data-cell="applications.new.total"', 1)[0].rsplit("<td", 1)[1]
    assert "uncertain" in cell
    assert "读取存疑" in page
