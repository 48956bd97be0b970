"""The 审核意见书's data gathered from the store: for one report, or for all current reports of an agency.

Only findings a reviewer confirmed and that are not yet rectified (``workflow.OPINION_STATUSES``)
are listed; ``render.opinion`` lays the letter out as Word or the web's print view.
"""

from __future__ import annotations

from datetime import date

from ..check import RULES, Severity
from ..errors import NotFound
from ..formats.cells import all_cell_ids, cell_label
from ..law.agencies import normalise_agency_key
from ..model import CellState, Report, cell_text
from ..render.opinion import Opinion, OpinionCell, OpinionItem, OpinionReport
from ..store.repository import Repository
from ..store.views import FindingRow, ReportFilter, ReportRow
from ..store.workflow import OPINION_STATUSES

_CELLS = frozenset(all_cell_ids())
_RANK = {s.value: s.rank for s in Severity}


def cell_value(report: Report, cell_id: str) -> str:
    """A cell's value as the letter prints it: the number read, 空白, or 未印出."""
    cell = report.cells.get(cell_id)
    if cell is None or cell.state is CellState.ABSENT:
        return "未印出"
    if cell.state is CellState.BLANK or cell.value is None:
        return "空白"
    return cell_text(cell, mark_inferred=False)


def opinion_item(report: Report, finding: FindingRow) -> OpinionItem:
    """One finding in plain Chinese, with the cells it names (parts such as the title are not cells)."""
    rule = RULES.get(finding.rule)
    cells = tuple(OpinionCell(cell_label(cid), cid, cell_value(report, cid)) for cid in finding.cells if cid in _CELLS)
    return OpinionItem(
        finding.rule,
        rule.zh if rule else finding.rule,
        Severity(finding.severity).zh if finding.severity in _RANK else finding.severity,
        finding.message,
        cells,
    )


def _report_part(row: ReportRow, report: Report, findings: list[FindingRow]) -> OpinionReport:
    listed = sorted(
        (f for f in findings if f.status in OPINION_STATUSES), key=lambda f: (_RANK.get(f.severity, 9), f.id)
    )
    title = report.title or f"{row.agency or '未识别机关'}{row.year or ''}年政府信息公开工作年度报告"
    return OpinionReport(row.id, title, row.year, tuple(opinion_item(report, f) for f in listed))


def _opinion(
    repository: Repository, rows: list[ReportRow], agency: str, issued: date | None, office: str | None
) -> Opinion:
    ids = [r.id for r in rows]
    reports = repository.load_reports(ids)
    findings = repository.findings(ids)
    parts = tuple(_report_part(r, reports[r.id], findings[r.id]) for r in rows if r.id in reports)
    return Opinion(agency, parts, issued or date.today(), (office or "").strip() or None)


def report_opinion(
    repository: Repository, report_id: int, issued: date | None = None, office: str | None = None
) -> Opinion:
    """The 审核意见书 on one report (current or superseded); ``NotFound`` when there is no such report."""
    row = repository.report_row(report_id)
    if row is None:
        raise NotFound(f"没有编号为 {report_id} 的报告")
    return _opinion(repository, [row], row.agency or "未识别机关", issued, office)


def agency_reports(repository: Repository, agency_key: str) -> list[ReportRow]:
    """The current reports of one agency (its normalised key, or its name), oldest year first."""
    key = normalise_agency_key(agency_key)  # a key stays itself
    rows = [r for r in repository.list_reports(ReportFilter(agency=key)) if r.agency_key in (key, agency_key)]
    return sorted(rows, key=lambda r: (r.year or 0, r.id))


def agency_opinion(
    repository: Repository, agency_key: str, issued: date | None = None, office: str | None = None
) -> Opinion:
    """The 审核意见书 on every current report of an agency; ``NotFound`` when it has none."""
    rows = agency_reports(repository, agency_key)
    if not rows:
        raise NotFound(f"没有机关 {agency_key} 的现行报告")
    return _opinion(repository, rows, rows[-1].agency or agency_key, issued, office)
