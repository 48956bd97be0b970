"""Helpers the resource routers share: loading a stored report or failing with the one error shape."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ...model import Report
from ...store.report_page import ReportPage
from ...store.repository import Repository
from ...store.views import FindingRow, ReportRow
from ..deps import ReportPath
from ..errors import WebError
from ..layout import SEVERITY_RANK

STATUS_RANK = {"open": 0, "confirmed": 1, "sent": 2, "rectified": 3, "closed": 4, "dismissed": 5}


@dataclass(frozen=True, slots=True)
class Loaded:
    row: ReportRow
    report: Report
    findings: list[FindingRow]


def load(repo: Repository, report_id: ReportPath) -> Loaded:
    found = repo.load_report(report_id)
    row = repo.report_row(report_id)
    if found is None or row is None:
        raise WebError(404, f"没有编号为 {report_id} 的报告")
    report, findings = found
    return Loaded(row, report, shown_order(findings))


def load_page(repo: Repository, report_id: ReportPath) -> ReportPage:
    """What a report's page shows (``store.report_page``: its cells without source places), findings in shown order."""
    page = repo.report_page(report_id)
    if page is None:
        raise WebError(404, f"没有编号为 {report_id} 的报告")
    return replace(page, findings=shown_order(page.findings))


def shown_order(findings: list[FindingRow]) -> list[FindingRow]:
    """Open before decided, errors before warnings, then as stored."""
    return sorted(findings, key=lambda f: (STATUS_RANK.get(f.status, 9), SEVERITY_RANK.get(f.severity, 9), f.id))
