"""Kept figures (``report_figures``): the statistics read one row per report and give exactly what
summing the cell rows gave, on the seeds/dev corpus and after versions, corrections, deletes and re-reads."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, func, select

from gongkai.check import check
from gongkai.store.base import ANY, filtered, refresh_figures
from gongkai.store.db import alembic_config
from gongkai.store.figures import CELLS, FIGURE_CELLS, WANTED_CELLS, figures_of
from gongkai.store.models import ReportFigures, StoredCell, StoredReport
from gongkai.store.records import Record
from gongkai.store.repository import Repository
from gongkai.store.views import CorpusStats, Ratio, ReportFilter

from .conftest import HONGZE_2023, no_cross_year

FILTERS = [
    ANY,
    ReportFilter(years=(2021,)),
    ReportFilter(years=(2023, 2024)),
    ReportFilter(include_superseded=True),
    ReportFilter(has_errors=True),
    ReportFilter(format="2021"),
    ReportFilter(agency="洪泽"),
]


def scanned(repository: Repository, flt: ReportFilter) -> dict[str, object]:
    """The figures the way they were computed before report_figures: summing the cell rows."""
    with repository.database.sessions() as session:
        sums = session.execute(
            filtered(
                select(StoredReport.year, StoredCell.cell_id, func.sum(StoredCell.number))
                .select_from(StoredCell)
                .join(StoredReport, StoredReport.id == StoredCell.report_id)
                .where(StoredCell.cell_id.in_(CELLS.wanted)),
                flt,
            ).group_by(StoredReport.year, StoredCell.cell_id)
        ).all()
    total: defaultdict[str, float] = defaultdict(float)
    applications: dict[int | None, float] = {}
    for year, cell_id, value in sums:
        total[cell_id] += value or 0
        if cell_id in CELLS.new:
            applications[year] = applications.get(year, 0) + (value or 0)
    outcomes: dict[str, float] = {}
    for cell, row in CELLS.outcomes.items():
        if cell in total:
            outcomes[row] = outcomes.get(row, 0) + total[cell]

    def ratio(cells: Any) -> Ratio:
        return Ratio(sum(total.get(c, 0) for c in cells.corrected), sum(total.get(c, 0) for c in cells.decided))

    return {
        "applications_by_year": applications,
        "outcomes": outcomes,
        "outcome_order": list(outcomes),
        "review": ratio(CELLS.review),
        "suit": ratio(CELLS.suits),
    }


def kept(stats: CorpusStats) -> dict[str, object]:
    return {
        "applications_by_year": stats.applications_by_year,
        "outcomes": stats.outcomes,
        "outcome_order": list(stats.outcomes),
        "review": stats.review_correction,
        "suit": stats.suit_correction,
    }


def assert_same(repository: Repository) -> None:
    for flt in FILTERS:
        assert kept(repository.stats(flt)) == scanned(repository, flt), flt


def stored_figures(repository: Repository) -> dict[int, dict[str, float | None]]:
    table = ReportFigures.__table__
    with repository.database.sessions() as session:
        return {row.report_id: {n: row._mapping[n] for n in FIGURE_CELLS} for row in session.execute(select(table))}


def test_every_cell_the_statistics_read_has_a_column() -> None:
    assert set().union(*FIGURE_CELLS.values()) == WANTED_CELLS
    assert all(name.isidentifier() for name in FIGURE_CELLS)


def test_figures_of_one_report() -> None:
    new = next(iter(CELLS.new))
    upheld, corrected = sorted(CELLS.review.decided - CELLS.review.corrected)[0], next(iter(CELLS.review.corrected))
    figures = figures_of([(new, 5.0), (upheld, None), (corrected, 2.0), ("not.a.figure", 9.0)])
    assert figures["new"] == 5.0
    assert figures["review_decided"] == 2.0  # a cell stored without a number counts 0, but is held
    assert figures["review_corrected"] == 2.0
    assert figures["suit_decided"] is None  # no cell held: absent, not 0
    assert figures_of([])["new"] is None


def test_seeds_and_dev_give_what_the_cell_scan_gave(stored: Repository) -> None:
    assert_same(stored)
    assert stored.stats().applications_by_year  # not vacuous


def test_each_report_has_one_row_equal_to_its_cells(stored: Repository) -> None:
    at_ingest = stored_figures(stored)
    with stored.database.sessions() as session:
        ids = list(session.scalars(select(StoredReport.id)))
    assert sorted(at_ingest) == sorted(ids)
    with stored.database.sessions.begin() as session:
        refresh_figures(session, ids)
    assert stored_figures(stored) == at_ingest


def _second_version(record: Record) -> Record:
    """The same report under other bytes (a re-published file): a new version of its agency-year."""
    twin = dict(record)
    twin["sha256"] = hashlib.sha256(record["sha256"].encode()).hexdigest()
    twin["name"] = record["name"] + "（重新发布）"
    return twin


def test_versions_corrections_deletes_and_rereads(stored: Repository, corpus_records: dict[str, Record]) -> None:
    original = corpus_records[HONGZE_2023]
    stored.write([_second_version(original)], cross_year=no_cross_year)  # supersedes the first
    assert_same(stored)
    newest = stored.report_ids_for([_second_version(original)["sha256"]])[_second_version(original)["sha256"]]
    new = next(iter(CELLS.new))
    outcome = next(iter(CELLS.outcomes))
    before = stored.stats().applications_by_year
    stored.correct_cell(newest, new, "100000", reason="核对原文", check=check, cross_year=no_cross_year)  # type: ignore[arg-type]
    stored.correct_cell(newest, outcome, "缺", reason="原文未印出", check=check, cross_year=no_cross_year)  # type: ignore[arg-type]
    assert stored.stats().applications_by_year != before  # the correction counts
    assert_same(stored)
    stored.withdraw_correction(newest, outcome, check=check, cross_year=no_cross_year)  # type: ignore[arg-type]
    assert_same(stored)
    stored.write([original], cross_year=no_cross_year, replace=True)  # re-read the superseded version
    assert_same(stored)
    assert stored.delete_report(newest)  # the first version is current again
    assert_same(stored)
    assert stored.stats().applications_by_year == before  # the same cells as the deleted version held
    assert newest not in stored_figures(stored)


def test_the_migration_fills_reports_already_stored(stored: Repository) -> None:
    at_ingest = stored_figures(stored)
    with stored.database.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0009")
    with stored.database.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert stored_figures(stored) == at_ingest
    assert_same(stored)


@pytest.mark.parametrize("flt", FILTERS[:2])
def test_stats_do_not_read_cells(stored: Repository, flt: ReportFilter) -> None:
    """The statistics' SQL names report_figures, never the cells table."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(stored.database.engine, "before_cursor_execute", record)
    try:
        stored.stats(flt)
    finally:
        event.remove(stored.database.engine, "before_cursor_execute", record)
    assert any("report_figures" in s or "totals_years" in s for s in seen)  # by year: the kept totals (0012)
    assert not any(" cells" in s for s in seen)


def test_the_cell_sum_index_is_gone_and_comes_back_on_downgrade(stored: Repository) -> None:
    from sqlalchemy import inspect

    def cell_indexes() -> set[str]:
        return {ix["name"] for ix in inspect(stored.database.engine).get_indexes("cells") if ix["name"]}

    assert "ix_cells_cell_id_report_number" not in cell_indexes()
    with stored.database.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0009")
    assert "ix_cells_cell_id_report_number" in cell_indexes()
    with stored.database.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    assert "ix_cells_cell_id_report_number" not in cell_indexes()
    if stored.database.is_sqlite:  # 0003's triggers on cells survive (no table rebuilt)
        from sqlalchemy import text

        with stored.database.engine.connect() as conn:
            triggers = set(conn.execute(text("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")).scalars())
        assert "cells" in triggers
