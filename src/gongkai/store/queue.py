"""The review queue as a list of report ids, in its order, for callers that keep it between requests.

``Reviews.next_in_queue`` reads the whole queue to answer one question; the web workbench asks
that question on every report page, so it keeps this list per corpus generation instead.
"""

from __future__ import annotations

from sqlalchemy import select

from .base import filtered, pending_findings_count
from .db import Database
from .models import StoredReport
from .reviews import _queue_order
from .views import ReportFilter


def review_queue(database: Database, flt: ReportFilter) -> list[int]:
    """The ids of the filtered reports with findings to review, in the queue's order (as ``next_in_queue``)."""
    query = _queue_order(filtered(select(StoredReport.id), flt).where(pending_findings_count() > 0))
    with database.sessions() as session:
        return list(session.scalars(query))


def next_after(queue: list[int], report_id: int) -> int | None:
    """The report after ``report_id`` in ``queue`` (wrapping round; the first when it is not in it)."""
    if report_id in queue:
        at = queue.index(report_id)
        rest = queue[at + 1 :] + queue[:at]
        return rest[0] if rest else None
    return queue[0] if queue else None
