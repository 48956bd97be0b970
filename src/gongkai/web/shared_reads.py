"""What every client asks for, kept per corpus generation: facets, the review queue, the agency list.

These figures cost a pass over the whole corpus (counts over every report, the queue's
order by each report's worst open finding, every current report's agency) and are the same
for every request until something is written. So they sit in the app's ``TtlCache``, which
drops everything when the corpus generation moves (any write, from any process) or when
this process writes (``cache.clear()``). A report page then pays for its own report only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from ..store.queue import next_after, review_queue
from ..store.repository import Repository
from ..store.views import Facets
from .deps import Selection

T = TypeVar("T")


def cached(request: Request, key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """``compute()`` once per corpus generation (and filter) for this process."""
    return request.app.state.cache.get_or_compute(key, compute)  # type: ignore[no-any-return]


def facets(request: Request, repo: Repository, selected: Selection) -> Facets:
    """The counts beside each filter choice of the report list (``Queries.facets``)."""
    flt = selected.to_filter()
    return cached(request, ("facets", selected.cache_key()), lambda: repo.facets(flt))


def next_in_queue(request: Request, repo: Repository, report_id: int, selected: Selection) -> int | None:
    """The report to review after ``report_id`` in the queue ``selected`` makes (``Reviews.next_in_queue``)."""
    flt = selected.to_filter()
    queue = cached(request, ("review-queue", selected.cache_key()), lambda: review_queue(repo.database, flt))
    return next_after(queue, report_id)
