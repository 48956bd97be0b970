"""Browsing functions that take a repository, kept for the callers written against them.

They are one-line calls of ``Queries``/``Writes``/``Statistics`` methods; new code
calls the methods (``repo.page_reports(...)``) instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from .queries import Queries
from .stats import Statistics
from .views import SORTS, AgencyErrors, Facets, ReportFilter, ReportRow
from .writes import Writes


def page_reports(
    repo: Queries, flt: ReportFilter, sort: str = "agency", descending: bool = False, limit: int = 50, offset: int = 0
) -> list[ReportRow]:
    """One page of the filtered reports, sorted by ``sort`` (one of ``SORTS``)."""
    return repo.page_reports(flt, sort, descending, limit, offset)


def report_row(repo: Queries, report_id: int) -> ReportRow | None:
    return repo.report_row(report_id)


def facets(repo: Queries, flt: ReportFilter) -> Facets:
    return repo.facets(flt)


def agencies_with_most_errors(repo: Statistics, flt: ReportFilter, limit: int = 15) -> list[AgencyErrors]:
    return repo.agencies_with_most_errors(flt, limit)


def report_ids_for(repo: Queries, hashes: Sequence[str]) -> dict[str, int]:
    return repo.report_ids_for(hashes)


def agency_years(repo: Queries, agency_key: str) -> list[tuple[int, int]]:
    return repo.agency_years(agency_key)


def delete_report(repo: Writes, report_id: int) -> bool:
    return repo.delete_report(report_id)


def rename_sources(repo: Writes, names: dict[str, str]) -> None:
    repo.rename_sources(names)


__all__ = [
    "SORTS",
    "AgencyErrors",
    "Facets",
    "agencies_with_most_errors",
    "agency_years",
    "delete_report",
    "facets",
    "page_reports",
    "rename_sources",
    "report_ids_for",
    "report_row",
]
