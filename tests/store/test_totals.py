"""Corpus totals kept at write (``totals.py``, migration 0012): ``stats --json`` from the totals is
byte for byte what scanning the reports gives, under every filter the app offers, after ingest,
re-reads, versions, corrections and their withdrawal, review decisions, deletes, cross-year links,
a migration down and up, and two processes writing at once; and the totals kept step by step are
row for row what rebuilding them from the reports gives."""

from __future__ import annotations

import json
import multiprocessing
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, inspect, select

import gongkai
from gongkai.check import Finding, Severity, check
from gongkai.model import Report
from gongkai.render.docx import render_tables_docx
from gongkai.render.html import render_tables_html
from gongkai.store import open_database
from gongkai.store.base import ANY
from gongkai.store.db import alembic_config
from gongkai.store.figures import FIGURE_CELLS, NEW
from gongkai.store.records import Record
from gongkai.store.repository import Repository
from gongkai.store.stats import answered_by_totals
from gongkai.store.totals import TABLES, rebuild_totals
from gongkai.store.views import ReportFilter

from ..conftest import CORPUS, shared_or_skip
from .conftest import HONGZE_2023, HONGZE_2024, no_cross_year, record_of

FALLBACK = [  # every other filter the report list, dashboard and CLI offer: scanned
    ReportFilter(include_superseded=True),
    ReportFilter(has_errors=True),
    ReportFilter(has_errors=False),
    ReportFilter(format="2021"),
    ReportFilter(level="government"),
    ReportFilter(agency="洪泽"),
    ReportFilter(region="江苏省"),
    ReportFilter(severity="error"),
    ReportFilter(review_status="dismissed"),
    ReportFilter(years=(2023,), level="department"),
]


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Record]:
    """dev 001 as PDF, and rendered to HTML and DOCX from the values read: three versions of one agency-year."""
    pdf = shared_or_skip(CORPUS) / HONGZE_2023
    report = gongkai.read_file(pdf)
    assert report.format_id is not None
    values = {cid: cell.value for cid, cell in report.cells.items()}
    folder = tmp_path_factory.mktemp("totals-versions")
    html, docx = folder / "001.html", folder / "001.docx"
    html.write_text(render_tables_html(report.format_id, values, title=report.title), encoding="utf-8")
    docx.write_bytes(render_tables_docx(report.format_id, values, title=report.title))
    return {"pdf": record_of(pdf), "html": record_of(html), "docx": record_of(docx)}


def dumped(stats: Any) -> str:
    return json.dumps(stats.to_json(), ensure_ascii=False)


def answered_filters(repository: Repository) -> list[ReportFilter]:
    """No filter, each year stored (and one not), and several years at once."""
    years = sorted(y for y in repository.scan_stats().reports_by_year if y is not None)
    out = [ANY, ReportFilter(years=(1999,))]
    out += [ReportFilter(years=(y,)) for y in years]
    if len(years) > 1:
        out.append(ReportFilter(years=tuple(years[:2])))
        out.append(ReportFilter(years=tuple(years)))
    return out


def snapshot(repository: Repository) -> dict[str, list[tuple[Any, ...]]]:
    """Every totals table's rows, sorted (zero rows of a year or rule left by changes not counted)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with repository.database.engine.connect() as conn:
        for table in TABLES:
            rows = [tuple(r) for r in conn.execute(select(table))]
            if table.name == "totals_years":
                rows = [r for r in rows if r[1]]  # reports == 0: a year no current report has
            if table.name == "totals_findings":
                rows = [r for r in rows if r[-1]]
            out[table.name] = sorted(rows, key=repr)
    return out


def rebuilt(repository: Repository) -> dict[str, list[tuple[Any, ...]]]:
    """What ``rebuild_totals`` makes of the stored reports, rolled back afterwards."""
    with repository.database.engine.connect() as conn:
        trans = conn.begin()
        rebuild_totals(conn)
        out: dict[str, list[tuple[Any, ...]]] = {}
        for table in TABLES:
            out[table.name] = sorted((tuple(r) for r in conn.execute(select(table))), key=repr)
        trans.rollback()
    return out


def assert_right(repository: Repository) -> None:
    """Totals equal the scan under every filter, and equal a rebuild from the reports row for row."""
    for flt in answered_filters(repository):
        assert answered_by_totals(flt)
        assert dumped(repository.stats(flt)) == dumped(repository.scan_stats(flt)), flt
        ranked = repository.agencies_with_most_errors(flt)
        assert ranked == repository.scan_ranking(flt), flt
    for flt in FALLBACK:
        assert not answered_by_totals(flt)
        assert dumped(repository.stats(flt)) == dumped(repository.scan_stats(flt)), flt
    assert snapshot(repository) == rebuilt(repository)


def _ids(repository: Repository, *records: Record) -> list[int]:
    found = repository.report_ids_for([r["sha256"] for r in records])
    return [found[r["sha256"]] for r in records]


def test_the_corpus_totals_equal_the_scan(stored: Repository) -> None:
    data = stored.stats().to_json()
    assert data["reports"] and data["findings_by_rule"] and data["agencies_with_most_errors"]
    assert_right(stored)


def test_the_unfiltered_statistics_read_the_totals_not_a_row_per_report(stored: Repository) -> None:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(stored.database.engine, "before_cursor_execute", record)
    try:
        stored.stats()
        stored.stats(ReportFilter(years=(2023,)))
    finally:
        event.remove(stored.database.engine, "before_cursor_execute", record)
    assert seen and all(" reports" not in s and "report_figures" not in s and " findings" not in s for s in seen)


def test_an_empty_corpus_has_empty_totals(repository: Repository) -> None:
    assert dumped(repository.stats()) == dumped(repository.scan_stats())
    assert repository.stats().reports == 0
    assert_right(repository)


def test_versions_supersede_and_keep_both(repository: Repository, versions: dict[str, Record]) -> None:
    for record in versions.values():
        repository.write([record], cross_year=no_cross_year)
        assert_right(repository)
    assert repository.stats().reports == 1
    other = {k: {**r, "sha256": r["sha256"][::-1]} for k, r in versions.items()}
    for record in other.values():
        repository.write([record], cross_year=no_cross_year, versions="keep-both")
        assert_right(repository)
    assert repository.stats().reports == 4  # the newest supersede version and three kept side by side


def test_a_batch_of_versions_counts_its_last(repository: Repository, versions: dict[str, Record]) -> None:
    repository.write(list(versions.values()), cross_year=no_cross_year)
    assert repository.stats().reports == 1
    assert_right(repository)


def test_deleting_versions_hands_the_count_on(repository: Repository, versions: dict[str, Record]) -> None:
    for record in versions.values():
        repository.write([record], cross_year=no_cross_year)
    pdf, html, docx = _ids(repository, *versions.values())
    assert repository.delete_report(docx)  # the current one: html becomes current
    assert_right(repository)
    assert repository.stats().reports == 1
    assert repository.delete_report(pdf)  # a superseded one
    assert_right(repository)
    assert repository.delete_report(html)
    assert_right(repository)
    assert repository.stats().reports == 0


def test_rereads_change_nothing_and_follow_a_changed_report(
    stored: Repository, corpus_records: dict[str, Record]
) -> None:
    before = dumped(stored.stats())
    stored.write(list(corpus_records.values()), cross_year=no_cross_year, replace=True)
    assert dumped(stored.stats()) == before
    assert_right(stored)
    record = corpus_records[HONGZE_2023]
    moved = {**record, "report": {**record["report"], "year": 2031}, "findings": []}  # read again, another year
    stored.write([moved], cross_year=no_cross_year, replace=True)
    assert 2031 in stored.stats().reports_by_year
    assert_right(stored)
    failed = {**record, "report": None, "error": "读不出", "findings": []}  # read again, and it fails
    stored.write([failed], cross_year=no_cross_year, replace=True)
    assert 2031 not in stored.stats().reports_by_year
    assert_right(stored)


def _previous_source(report: Report, previous: Report) -> list[Finding]:
    return [Finding("test-previous", Severity.WARNING, (), previous.source)]


def test_cross_year_findings_of_the_year_after_are_counted(
    repository: Repository, corpus_records: dict[str, Record], versions: dict[str, Record]
) -> None:
    repository.write([corpus_records[HONGZE_2024]], cross_year=_previous_source)
    repository.write([corpus_records[HONGZE_2023]], cross_year=_previous_source)  # links the 2024 report to it
    assert repository.stats().findings_by_rule["test-previous"]["open"] == 1
    assert_right(repository)
    repository.write([versions["html"]], cross_year=_previous_source)  # a new 2023 version: linked again
    assert repository.stats().findings_by_rule["test-previous"]["open"] == 1
    assert_right(repository)


def _figure_cell(repository: Repository, rid: int) -> str:
    loaded = repository.load_report(rid)
    assert loaded is not None
    report = loaded[0]
    return next(c for c in sorted(FIGURE_CELLS[NEW]) if c in report.cells)


def test_corrections_and_their_withdrawal(stored: Repository, corpus_records: dict[str, Record]) -> None:
    (rid,) = _ids(stored, corpus_records[HONGZE_2023])
    cell = _figure_cell(stored, rid)
    before = dumped(stored.stats())
    stored.correct_cell(rid, cell, "98765", reason="核对原件", check=check, cross_year=no_cross_year)
    assert dumped(stored.stats()) != before
    assert_right(stored)
    stored.withdraw_correction(rid, cell, check=check, cross_year=no_cross_year)
    assert dumped(stored.stats()) == before
    assert_right(stored)


def test_review_decisions_move_the_counts(stored: Repository) -> None:
    rows = stored.list_reports(ReportFilter(has_errors=True))
    assert rows
    rid = rows[0].id
    errors = [f for f in stored.findings([rid])[rid] if f.severity == "error"]
    warnings = [f for f in stored.findings([rid])[rid] if f.severity == "warning"]
    stored.set_review(rid, errors[0].fingerprint, "dismissed", "审核员", "口径不同")
    assert_right(stored)
    if warnings:
        stored.set_review(rid, warnings[0].fingerprint, "dismissed", "审核员", "口径不同")
        assert_right(stored)
    for f in errors[1:]:
        stored.set_review(rid, f.fingerprint, "confirmed", "审核员")
    assert_right(stored)
    stored.send_confirmed([rid], actor="审核员")
    assert_right(stored)


def test_the_migration_fills_and_drops_the_totals(stored: Repository) -> None:
    kept = snapshot(stored)
    with stored.database.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0010")
    names = set(inspect(stored.database.engine).get_table_names())
    assert not names & {t.name for t in TABLES}
    indexes = {ix["name"] for ix in inspect(stored.database.engine).get_indexes("sources")}
    assert "ix_sources_failed" not in indexes
    with stored.database.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert snapshot(stored) == kept
    assert_right(stored)


def _write_half(url: str, records: list[Record], reviews: bool) -> None:
    database = open_database(url)
    try:
        repository = Repository(database)
        for record in records:
            repository.write([record], cross_year=_previous_source)
            if reviews:
                (rid,) = _ids(repository, record)
                for f in repository.findings([rid])[rid][:1]:
                    repository.set_review(rid, f.fingerprint, "dismissed", "审核员", "口径不同")
    finally:
        database.close()


def test_two_processes_writing_stay_right(
    repository: Repository, corpus_records: dict[str, Record], db_url: str, tmp_path: Path
) -> None:
    records = list(corpus_records.values())
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_write_half, args=(db_url, records[0::2], False)),
        context.Process(target=_write_half, args=(db_url, records[1::2], True)),
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(600)
        assert w.exitcode == 0
    assert repository.stats().reports == repository.scan_stats().reports > 0
    assert_right(repository)


def test_filters_with_more_than_years_are_scanned() -> None:
    assert answered_by_totals(ANY)
    assert answered_by_totals(ReportFilter(years=(2023, 2024)))
    assert not answered_by_totals(replace(ANY, include_superseded=True))
    assert not answered_by_totals(ReportFilter(ids=(1,)))
