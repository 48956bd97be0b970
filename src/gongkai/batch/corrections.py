"""A reviewer's correction of a cell, and its withdrawal, each with the checks run again.

The store records the correction and replaces the report's findings in one
transaction; it is handed the rules from here (``gongkai.check.check`` for the
report's own findings, ``cross_year_findings`` for its years), as the ingest
pipeline hands it the cross-year check.
"""

from __future__ import annotations

from ..check import check, cross_year_findings
from ..store.repository import Repository
from ..store.views import CorrectionResult


def correct(
    repository: Repository, report_id: int, cell_id: str, value: str, reason: str, author: str | None = None
) -> CorrectionResult:
    """Enter ``value`` (a number, or 缺 for "not printed") for a stored report's cell; check it again.

    Raises ``NotFound`` (no such report) or ``StoreError`` (a cell outside its format, not a number, no reason).
    """
    return repository.correct_cell(
        report_id, cell_id, value, reason=reason, author=author, check=check, cross_year=cross_year_findings
    )


def withdraw(repository: Repository, report_id: int, cell_id: str, by: str | None = None) -> CorrectionResult:
    """Withdraw a cell's correction (``by`` whom): the read value is in force again, and the report is checked again."""
    return repository.withdraw_correction(report_id, cell_id, check=check, cross_year=cross_year_findings, by=by)
