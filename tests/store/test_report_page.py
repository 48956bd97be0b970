"""The report page's one-connection read gives what the general queries give for the same report."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from gongkai.check import check
from gongkai.model import CellState, Report
from gongkai.store.models import StoredReport
from gongkai.store.report_page import read_report_page
from gongkai.store.repository import Repository

from .conftest import no_cross_year


def _ids(repository: Repository) -> list[int]:
    with repository.database.sessions() as session:
        return list(session.scalars(select(StoredReport.id).order_by(StoredReport.id)))


def _without_places(report: Report) -> Report:
    return replace(report, cells={cid: replace(cell, place=None) for cid, cell in report.cells.items()})


def _decide_and_correct(repository: Repository, ids: list[int]) -> None:
    """Review steps (the history), a correction (a cell with one) on a few reports."""
    decided = 0
    for rid in ids:
        for finding in repository.findings([rid])[rid][:2]:
            repository.set_review(rid, finding.fingerprint, "confirmed", reviewer="测试", reason="核对")
            repository.set_review(rid, finding.fingerprint, "sent", reviewer="测试")
            decided += 1
        if decided >= 6:
            break
    assert decided, "no report has a finding to decide"
    loaded = repository.load_report(ids[0])
    assert loaded is not None
    read = next(c for c in loaded[0].cells.values() if c.state is CellState.READ)
    repository.correct_cell(ids[0], read.id, "7", reason="核对原文", author="王", check=check, cross_year=no_cross_year)


def test_every_part_of_the_page_is_what_the_general_queries_give(stored: Repository) -> None:
    ids = _ids(stored)
    assert len(ids) > 10
    _decide_and_correct(stored, ids)
    seen_history = seen_correction = seen_versions = 0
    for rid in ids:
        page = read_report_page(stored.database, rid)
        assert page is not None
        loaded = stored.load_report(rid)
        assert loaded is not None
        report, findings = loaded
        assert page.row == stored.report_row(rid)
        assert page.findings == findings
        assert page.history == stored.finding_history(rid)
        assert page.versions == stored.versions(rid)
        assert page.report == _without_places(report)
        assert all(cell.place is None for cell in page.report.cells.values())
        seen_history += any(page.history.values())
        seen_correction += any(c.correction is not None for c in page.report.cells.values())
        seen_versions += page.row.agency_key is not None and page.row.year is not None
    assert seen_history and seen_correction and seen_versions


def test_no_such_report_is_none(stored: Repository) -> None:
    assert read_report_page(stored.database, max(_ids(stored)) + 1000) is None
