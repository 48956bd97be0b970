"""Report versions through the CLI: ingest --replace/--keep-both, --all-versions, and show's version history."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gongkai
from gongkai.cli import app
from gongkai.formats.cells import all_cell_ids
from gongkai.render.docx import render_tables_docx
from gongkai.render.html import render_tables_html

from ..conftest import CORPUS, shared_or_skip

runner = CliRunner()
HONGZE_2023 = "dev/001_huaian-hongze-qu-2023.pdf"


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """dev 001 as its PDF and as HTML and DOCX rendered from the values read from it, each in its own folder."""
    pdf = shared_or_skip(CORPUS) / HONGZE_2023
    report = gongkai.read_file(pdf)
    assert report.format_id is not None
    values = {cid: cell.value for cid, cell in report.cells.items()}
    root = tmp_path_factory.mktemp("forms")
    out = {}
    for form in ("pdf", "html", "docx"):
        (root / form).mkdir()
        out[form] = root / form / f"001.{form}"
    out["pdf"].write_bytes(pdf.read_bytes())
    out["html"].write_text(render_tables_html(report.format_id, values, title=report.title), encoding="utf-8")
    out["docx"].write_bytes(render_tables_docx(report.format_id, values, title=report.title))
    return out


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _json(*args: str) -> object:
    return json.loads(_run(*args, "--json"))


def _ingest(db: str, path: Path, *options: str) -> dict[str, object]:
    summary = _json("ingest", str(path), "--db", db, "--workers", "0", *options)
    assert isinstance(summary, dict)
    return summary


def _csv_rows(db: str, tmp_path: Path, *options: str) -> list[dict[str, str]]:
    out = tmp_path / f"wide{len(options)}.csv"
    result = runner.invoke(app, ["export", "--format", "csv", "--form", "wide", "-o", str(out), "--db", db, *options])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _figures(stats: object) -> dict[str, object]:
    assert isinstance(stats, dict)
    return {k: v for k, v in stats.items() if k not in ("findings_by_rule", "agencies_with_most_errors")}


def test_three_forms_leave_one_current_report(forms: dict[str, Path], db_url: str, tmp_path: Path) -> None:
    assert _ingest(db_url, forms["pdf"])["read"] == 1
    single_stats = _figures(_json("stats", "--db", db_url))
    single_export = _csv_rows(db_url, tmp_path)
    assert _ingest(db_url, forms["html"])["read"] == 1
    assert _ingest(db_url, forms["docx"], "--replace")["read"] == 1

    listed = _json("list", "--db", db_url)
    assert isinstance(listed, list) and len(listed) == 1
    current = listed[0]
    assert (current["version"], current["superseded_by"]) == (3, None)
    assert _figures(_json("stats", "--db", db_url)) == single_stats
    exported = _csv_rows(db_url, tmp_path)
    assert len(exported) == len(single_export) == 1
    ids = set(all_cell_ids())  # a wide header reads 规章·本年制发件数（proactive.rules.issued）
    cells = [k for k in single_export[0] if k.endswith("）") and k[:-1].rsplit("（", 1)[-1] in ids]
    assert len(cells) > 100 and any(single_export[0][k] not in ("", None) for k in cells)
    assert [exported[0][k] for k in cells] == [single_export[0][k] for k in cells]

    every = _json("list", "--db", db_url, "--all-versions")
    assert isinstance(every, list) and [r["version"] for r in every] == [1, 2, 3]
    assert _json("stats", "--db", db_url, "--all-versions")["reports"] == 3  # type: ignore[index]
    assert len(_csv_rows(db_url, tmp_path, "--all-versions")) == 3
    table = _run("list", "--db", db_url, "--all-versions")
    assert "第3版 现行" in table and f"已被 #{current['id']} 取代" in table


def test_show_prints_the_version_history(forms: dict[str, Path], db_url: str) -> None:
    for form in ("pdf", "html", "docx"):
        _ingest(db_url, forms[form])
    rows = _json("list", "--db", db_url, "--all-versions")
    assert isinstance(rows, list)
    first, second, third = (r["id"] for r in rows)
    shown = _json("show", str(first), "--db", db_url)
    assert isinstance(shown, dict)
    assert [(v["id"], v["version"], v["current"], v["superseded_by"]) for v in shown["versions"]] == [
        (first, 1, False, second),
        (second, 2, False, third),
        (third, 3, True, None),
    ]
    assert [Path(v["source"]).suffix for v in shown["versions"]] == [".pdf", ".html", ".docx"]
    text = _run("show", str(first), "--db", db_url)
    assert "版本" in text and f"已被 #{second} 取代" in text and "（本报告）" in text and "现行" in text


def test_keep_both_keeps_both_current(forms: dict[str, Path], db_url: str) -> None:
    _ingest(db_url, forms["pdf"])
    _ingest(db_url, forms["html"], "--keep-both")
    listed = _json("list", "--db", db_url)
    assert isinstance(listed, list)
    assert [(r["version"], r["superseded_by"]) for r in listed] == [(1, None), (2, None)]
    assert _json("stats", "--db", db_url)["reports"] == 2  # type: ignore[index]


def test_reread_keeps_the_versions(forms: dict[str, Path], db_url: str) -> None:
    for form in ("pdf", "html"):
        _ingest(db_url, forms[form])
    before = _json("list", "--db", db_url, "--all-versions")
    summary = _json("ingest", str(forms["pdf"]), str(forms["html"]), "--db", db_url, "--workers", "0", "--reread")
    assert isinstance(summary, dict) and summary["read"] == 2
    assert _json("list", "--db", db_url, "--all-versions") == before
    again = _ingest(db_url, forms["html"])
    assert again["already_stored"] == 1 and again["read"] == 0
