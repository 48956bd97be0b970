"""Pairing each report with its agency's previous year, and storing the cross-year check's findings.

The store does not know the rules. Whoever writes hands in the check
(``gongkai.check.cross_year_findings`` in the ingest pipeline); ``link_years`` runs
exactly that callable on each pair, inside the caller's write transaction, so a
batch's reports and their cross-year findings are stored together or not at all.

A report's previous year is the report of the same normalised agency key for the
year before whose region agrees (福州市鼓楼区 is not 南京市鼓楼区). A new report
is paired both ways: with its previous year, and as the previous year of the
following year's report already stored. Only current versions are paired: a
superseded version keeps the cross-year findings it had.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..check.finding import Finding
from ..model import Report
from .base import chunks, identities, load_reports, refresh_error_counts
from .models import StoredFinding, StoredReport
from .records import finding_record
from .reviews import decisions, finding_values

CrossYearCheck = Callable[[Report, Report], Iterable[Finding]]
"""``check(report, previous)``: the findings that compare a report with its agency's previous year."""


def regions_agree(a: str | None, b: str | None) -> bool:
    """Two stated regions name the same place when one ends the other (洪泽区, 淮安市洪泽区)."""
    if not a or not b:
        return True
    return a.endswith(b) or b.endswith(a)


def year_pairs(session: Session, new_ids: list[int]) -> dict[int, int | None]:
    """Report id → its previous year's report id (or None), for the new reports and the years after them."""
    new_rows: list[Any] = []
    for part in chunks(new_ids):
        new_rows += session.execute(
            select(StoredReport.id, StoredReport.agency_key, StoredReport.region, StoredReport.year).where(
                StoredReport.id.in_(part),
                StoredReport.agency_key.is_not(None),
                StoredReport.year.is_not(None),
                StoredReport.superseded_by.is_(None),
            )
        ).all()
    if not new_rows:
        return {}
    keys = list({row.agency_key for row in new_rows})
    by_key_year: dict[tuple[str, int], list[tuple[int, str | None]]] = defaultdict(list)
    for part in chunks(keys):
        for row in session.execute(
            select(StoredReport.id, StoredReport.agency_key, StoredReport.region, StoredReport.year)
            .where(
                StoredReport.agency_key.in_(part),
                StoredReport.year.is_not(None),
                StoredReport.superseded_by.is_(None),
            )
            .order_by(StoredReport.id)
        ):
            by_key_year[(row.agency_key, row.year)].append((row.id, row.region))

    def previous_of(key: str, year: int, region: str | None) -> int | None:
        for candidate, other in by_key_year.get((key, year - 1), []):
            if regions_agree(region, other):
                return candidate
        return None

    pairs: dict[int, int | None] = {}
    for row in new_rows:
        pairs[row.id] = previous_of(row.agency_key, row.year, row.region)
        for later, region in by_key_year.get((row.agency_key, row.year + 1), []):
            if regions_agree(row.region, region):
                pairs[later] = previous_of(row.agency_key, row.year + 1, region)
    return pairs


def link_years(session: Session, new_ids: list[int], check: CrossYearCheck) -> None:
    """Replace the cross-year findings of the new reports and of the years after them with ``check``'s."""
    if not new_ids:
        return
    pairs = year_pairs(session, new_ids)
    linked = {rid: prev for rid, prev in pairs.items() if prev is not None}
    for part in chunks(list(pairs)):
        session.execute(
            delete(StoredFinding).where(StoredFinding.report_id.in_(part), StoredFinding.cross_year.is_(True))
        )
    if not linked:
        return
    reports = load_reports(session, list(set(linked) | set(linked.values())))
    known = identities(session, list(linked))
    reviewed = decisions(session, list(known.values()))
    rows = [
        finding_values(report_id, finding_record(finding), True, known[report_id], reviewed)
        for report_id, previous_id in linked.items()
        for finding in check(reports[report_id], reports[previous_id])
    ]
    if rows:
        session.execute(insert(StoredFinding), rows)
    refresh_error_counts(session, list(linked))
