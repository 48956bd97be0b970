"""Reviewers' decisions on findings, and how they re-attach when a report is stored again.

A decision is kept by the finding's fingerprint twice over: under the source's
content hash (a re-read of the same file) and under agency key + year (a
corrected re-publication of the same report). Writes and links ask
``decisions`` for both before they insert findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from ..errors import NotFound, StoreError
from .base import (
    ANY,
    Identity,
    Part,
    Q,
    chunks,
    filtered,
    finding_row,
    identities,
    listing_row,
    now,
    open_findings_count,
    pending_findings_count,
    refresh_error_counts,
)
from .models import FindingEvent, Review, Source, StoredFinding, StoredReport
from .records import Record
from .totals import refresh_totals
from .views import REVIEW_STATUSES, FindingRow, ReportFilter, ReportRow
from .workflow import FindingEventRow, check_transition, status_choices

Decisions = dict[tuple[Any, ...], Review]


def decisions(session: Session, wanted: list[Identity]) -> Decisions:
    """Stored reviews matching these reports, by content hash and by agency key + year."""
    out: Decisions = {}
    if not wanted or session.execute(select(Review.id).limit(1)).first() is None:
        return out
    hashes = [sha for sha, _, _ in wanted]
    keys = [key for _, key, _ in wanted if key]
    for part in chunks(hashes):
        for review in session.scalars(select(Review).where(Review.sha256.in_(part))):
            out[("sha", review.sha256, review.fingerprint)] = review
    for part in chunks(keys):
        for review in session.scalars(select(Review).where(Review.agency_key.in_(part)).order_by(Review.reviewed_at)):
            out[("key", review.agency_key, review.year, review.fingerprint)] = review
    return out


def finding_values(
    report_id: int, finding: Record, cross_year: bool, identity: Identity, known: Decisions
) -> dict[str, Any]:
    """The row to insert for a finding record, carrying the decision a reviewer already made on it."""
    sha, key, year = identity
    fingerprint = finding["fingerprint"]
    review = known.get(("sha", sha, fingerprint)) or known.get(("key", key, year, fingerprint))
    return {
        "report_id": report_id,
        "rule": finding["rule"],
        "severity": finding["severity"],
        "cells": finding["cells"],
        "message": finding["message"],
        "evidence": finding.get("evidence") or {},
        "fingerprint": fingerprint,
        "cross_year": cross_year,
        "status": review.status if review else "open",
        "reviewer": review.reviewer if review else None,
        "reason": review.reason if review else None,
        "reviewed_at": review.reviewed_at if review else None,
    }


class Reviews(Part):
    """A reviewer's steps on findings (open → confirmed/dismissed → sent → rectified → closed), their history,
    and the queue of reports still to review."""

    def set_review(
        self, report_id: int, fingerprint: str, status: str, reviewer: str | None = None, reason: str | None = None
    ) -> FindingRow:
        """Move a finding to ``status``; the step is recorded in its history and survives re-reading the report.

        ``fingerprint`` may be the first characters of one. Raises ``StoreError`` for a status not in
        ``REVIEW_STATUSES`` or a step ``workflow.TRANSITIONS`` does not allow, and ``NotFound`` when the
        report has no such finding.
        """
        if status not in REVIEW_STATUSES:
            raise StoreError(f"审核状态须为 {status_choices()} 之一，而不是“{status}”")
        with self.database.sessions.begin() as session:
            finding = session.scalar(
                select(StoredFinding).where(
                    StoredFinding.report_id == report_id, StoredFinding.fingerprint.startswith(fingerprint)
                )
            )
            if finding is None:
                raise NotFound(f"报告 {report_id} 中没有指纹为 {fingerprint} 的问题")
            check_transition(finding.status, status)
            _step(session, finding, identities(session, [report_id])[report_id], status, reviewer, reason, now())
            session.flush()
            refresh_error_counts(session, [report_id])
            refresh_totals(session, [report_id])
            return finding_row(finding)

    def send_confirmed(
        self,
        report_ids: Sequence[int] = (),
        agency_key: str | None = None,
        actor: str | None = None,
        reason: str | None = None,
    ) -> list[FindingRow]:
        """Mark every confirmed finding of these reports (or of the agency's current reports) 已发送机关.

        What a reviewer records on issuing the 审核意见书; one transaction. Returns the findings moved.
        Raises ``NotFound`` when a report id, or the agency key, has no stored report.
        """
        with self.database.sessions.begin() as session:
            ids = list(report_ids)
            if agency_key is not None:
                ids += session.scalars(
                    select(StoredReport.id).where(
                        StoredReport.agency_key == agency_key, StoredReport.superseded_by.is_(None)
                    )
                ).all()
                if not ids:
                    raise NotFound(f"没有机关 {agency_key} 的现行报告")
            known = identities(session, ids)
            missing = [str(i) for i in ids if i not in known]
            if missing:
                raise NotFound(f"没有编号为 {'、'.join(missing)} 的报告")
            at = now()
            moved = []
            for part in chunks(ids):
                for finding in session.scalars(
                    select(StoredFinding)
                    .where(StoredFinding.report_id.in_(part), StoredFinding.status == "confirmed")
                    .order_by(StoredFinding.report_id, StoredFinding.id)
                ):
                    _step(session, finding, known[finding.report_id], "sent", actor, reason, at)
                    moved.append(finding)
            session.flush()
            refresh_error_counts(session, ids)
            refresh_totals(session, ids)
            return [finding_row(f) for f in moved]

    def finding_history(self, report_id: int) -> dict[str, list[FindingEventRow]]:
        """Every recorded step of each finding of a report, by fingerprint, oldest first.

        Steps are kept by content hash and by agency key + year, like the decisions, so a re-read
        or a corrected re-publication shows the history of the same finding.
        """
        with self.database.sessions() as session:
            fingerprints = list(
                session.scalars(select(StoredFinding.fingerprint).where(StoredFinding.report_id == report_id))
            )
            found = identities(session, [report_id])
            out: dict[str, list[FindingEventRow]] = {fp: [] for fp in fingerprints}
            if report_id not in found or not fingerprints:
                return out
            sha, key, year = found[report_id]
            same = FindingEvent.sha256 == sha
            if key is not None and year is not None:
                same = or_(same, and_(FindingEvent.agency_key == key, FindingEvent.year == year))
            for part in chunks(fingerprints):
                for event in session.scalars(
                    select(FindingEvent)
                    .where(same, FindingEvent.fingerprint.in_(part))
                    .order_by(FindingEvent.at, FindingEvent.id)
                ):
                    out[event.fingerprint].append(
                        FindingEventRow(
                            event.fingerprint,
                            event.rule,
                            event.status_from,
                            event.status_to,
                            event.actor,
                            event.reason,
                            event.at,
                        )
                    )
            return out

    def review_queue(self, flt: ReportFilter = ANY, limit: int | None = None) -> list[ReportRow]:
        """Reports with findings still 待审: those with an open error first, then warning, then info; then agency."""
        pending = pending_findings_count()
        query = filtered(
            select(
                StoredReport, Source.name, Source.sha256, open_findings_count("warning").label("warnings"), pending
            ).join(Source, Source.id == StoredReport.source_id),
            flt,
        ).where(pending > 0)
        query = _queue_order(query)
        if limit is not None:
            query = query.limit(limit)
        with self.database.sessions() as session:
            return [listing_row(r, name, sha, w, p) for r, name, sha, w, p in session.execute(query)]

    def next_in_queue(self, report_id: int, flt: ReportFilter = ANY) -> int | None:
        """The report to review after ``report_id``: the next one in the queue (the first when it is not in it)."""
        # the queue's ids only, in its order: a report page asks this, and the queue can be the whole corpus
        query = _queue_order(filtered(select(StoredReport.id), flt).where(pending_findings_count() > 0))
        with self.database.sessions() as session:
            queue = list(session.scalars(query))
        if report_id in queue:
            at = queue.index(report_id)
            rest = queue[at + 1 :] + queue[:at]
            return rest[0] if rest else None
        return queue[0] if queue else None


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _queue_order(query: Q) -> Q:
    """The review queue's order: the worst open finding (error, warning, info), then agency, year, id."""
    worst = (
        select(func.min(case(*((StoredFinding.severity == s, r) for s, r in SEVERITY_ORDER.items()), else_=9)))
        .where(StoredFinding.report_id == StoredReport.id, StoredFinding.status == "open")
        .scalar_subquery()
    )
    return query.order_by(worst, StoredReport.agency_key, StoredReport.year, StoredReport.id)


def _step(
    session: Session,
    finding: StoredFinding,
    identity: Identity,
    status: str,
    actor: str | None,
    reason: str | None,
    at: datetime,
) -> None:
    """Move one finding to ``status``: its row, the decision kept for re-reads, and the step in its history."""
    sha, key, year = identity
    session.add(
        FindingEvent(
            sha256=sha,
            agency_key=key,
            year=year,
            fingerprint=finding.fingerprint,
            rule=finding.rule,
            status_from=finding.status,
            status_to=status,
            actor=actor,
            reason=reason,
            at=at,
        )
    )
    finding.status, finding.reviewer, finding.reason, finding.reviewed_at = status, actor, reason, at
    review = session.scalar(select(Review).where(Review.sha256 == sha, Review.fingerprint == finding.fingerprint))
    if review is None:
        review = Review(sha256=sha, fingerprint=finding.fingerprint, rule=finding.rule)
        session.add(review)
    review.agency_key, review.year = key, year
    review.status, review.reviewer, review.reason, review.reviewed_at = status, actor, reason, at
