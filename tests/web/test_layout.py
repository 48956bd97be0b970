"""The report page's tables, written from a format's plan, are the HTML the slot form gives, to the byte."""

from __future__ import annotations

from gongkai.check import check
from gongkai.model import CellState
from gongkai.store.repository import Repository
from gongkai.web.layout import report_tables, report_tables_html, table_html

from ..store.conftest import corpus_files, no_cross_year, record_of


def test_the_planned_tables_are_the_slot_tables_html(repository: Repository) -> None:
    repository.write([record_of(p) for p in corpus_files()], cross_year=no_cross_year)
    ids = sorted(repository.report_ids_for([r.sha256 for r in repository.list_reports()]).values())
    first = repository.load_report(ids[0])
    assert first is not None
    read = next(c for c in first[0].cells.values() if c.state is CellState.READ)
    repository.correct_cell(
        ids[0], read.id, "7", reason="核对<原文>", author="王", check=check, cross_year=no_cross_year
    )
    for rid in ids[:8]:  # decided findings: dismissed ones leave their cells unmarked
        for finding in repository.findings([rid])[rid][:1]:
            repository.set_review(rid, finding.fingerprint, "dismissed", reviewer="测试")
    marks = {"corrected": 0, "uncertain": 0, "sev-": 0}
    for rid in ids:
        loaded = repository.load_report(rid)
        assert loaded is not None
        report, findings = loaded
        url = f"/reports/{rid}/cells/"
        planned = report_tables_html(report, findings, url)
        slots = report_tables(report, findings)
        assert [t.heading for t in planned] == [t.heading for t in slots]
        assert [str(t.html) for t in planned] == [str(table_html(t, url)) for t in slots]
        html = "".join(str(t.html) for t in planned)
        for mark in marks:
            marks[mark] += mark in html
    assert all(marks.values()), marks  # every kind of mark was written somewhere
