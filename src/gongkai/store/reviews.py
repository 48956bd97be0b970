"""Reviewers' decisions on findings, and how they re-attach when a report is stored again.

A decision is kept by the finding's fingerprint twice over: under the source's
content hash (a re-read of the same file) and under agency key + year (a
corrected re-publication of the same report). Writes and links ask
``decisions`` for both before they insert findings.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound, StoreError
from .base import Identity, Part, chunks, finding_row, identities, now, refresh_error_counts
from .models import Review, StoredFinding
from .records import Record
from .views import REVIEW_STATUSES, FindingRow

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
    """Recording a reviewer's decision."""

    def set_review(
        self, report_id: int, fingerprint: str, status: str, reviewer: str | None = None, reason: str | None = None
    ) -> FindingRow:
        """Record a reviewer's decision on a finding; it survives re-reading the report.

        ``fingerprint`` may be the first characters of one. Raises ``StoreError`` for a
        status not in ``REVIEW_STATUSES`` and ``NotFound`` when the report has no such finding.
        """
        if status not in REVIEW_STATUSES:
            raise StoreError(f"审核状态须为 {'、'.join(REVIEW_STATUSES)} 之一，而不是 {status!r}")
        with self.database.sessions.begin() as session:
            finding = session.scalar(
                select(StoredFinding).where(
                    StoredFinding.report_id == report_id, StoredFinding.fingerprint.startswith(fingerprint)
                )
            )
            if finding is None:
                raise NotFound(f"报告 {report_id} 中没有指纹为 {fingerprint} 的问题")
            sha, key, year = identities(session, [report_id])[report_id]
            at = now()
            finding.status, finding.reviewer, finding.reason, finding.reviewed_at = status, reviewer, reason, at
            review = session.scalar(
                select(Review).where(Review.sha256 == sha, Review.fingerprint == finding.fingerprint)
            )
            if review is None:
                review = Review(sha256=sha, fingerprint=finding.fingerprint, rule=finding.rule)
                session.add(review)
            review.agency_key, review.year = key, year
            review.status, review.reviewer, review.reason, review.reviewed_at = status, reviewer, reason, at
            session.flush()
            refresh_error_counts(session, [report_id])
            return finding_row(finding)
