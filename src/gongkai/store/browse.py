"""Queries for browsing a corpus page by page: sorted pages, filter facets, rankings, deletion.

The repository answers the questions the CLI asks of the whole corpus; a person
browsing it in the web workbench (or a future ``gongkai list --sort``) also needs a
sorted page of a filtered list, the counts beside each filter choice, the
agencies with the most errors, and a way to remove a report. Filters mean exactly
what they mean in ``Repository`` (the same ``ReportFilter`` and filtering code).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, select

from .models import Source, StoredFinding, StoredReport
from .repository import Repository, listing_row, open_findings_count
from .views import ReportFilter, ReportRow

SORTS = ("agency", "year", "format", "level", "errors", "warnings", "published", "id")


@dataclass(frozen=True, slots=True)
class Facets:
    """How many reports of the filtered set fall under each choice of each filter."""

    years: dict[int | None, int]
    formats: dict[str | None, int]
    levels: dict[str, int]
    with_errors: int
    total: int  # reports the whole filter selects
    without_errors: int


@dataclass(frozen=True, slots=True)
class AgencyErrors:
    agency: str
    reports: int
    errors: int  # error-level findings not dismissed
    warnings: int

    def to_json(self) -> dict[str, object]:
        return {"agency": self.agency, "reports": self.reports, "errors": self.errors, "warnings": self.warnings}


def _filtered(query: Select[Any], flt: ReportFilter) -> Select[Any]:
    return Repository._filtered(query, flt)


def page_reports(
    repo: Repository,
    flt: ReportFilter,
    sort: str = "agency",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[ReportRow]:
    """One page of the filtered reports, sorted by ``sort`` (one of ``SORTS``)."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    warnings = open_findings_count("warning").label("warnings")
    column = {
        "agency": StoredReport.agency_key,
        "year": StoredReport.year,
        "format": StoredReport.format,
        "level": StoredReport.entity_type,
        "errors": StoredReport.errors,
        "warnings": warnings,
        "published": StoredReport.published,
        "id": StoredReport.id,
    }[sort]
    order = column.desc() if descending else column.asc()
    query = _filtered(
        select(StoredReport, Source.name, Source.sha256, warnings).join(Source, Source.id == StoredReport.source_id),
        flt,
    ).order_by(order, StoredReport.agency_key, StoredReport.year, StoredReport.id)
    with repo.database.sessions() as session:
        return [listing_row(r, name, sha, w) for r, name, sha, w in session.execute(query.limit(limit).offset(offset))]


def report_row(repo: Repository, report_id: int) -> ReportRow | None:
    rows = page_reports(repo, ReportFilter(ids=(report_id,)), limit=1)
    return rows[0] if rows else None


def facets(repo: Repository, flt: ReportFilter) -> Facets:
    """Counts by year, format and entity type; each facet ignores its own filter, so its other choices show."""
    from dataclasses import replace

    def grouped(column: Any, without: ReportFilter) -> dict[Any, int]:
        query = _filtered(select(column, func.count(StoredReport.id)), without).group_by(column).order_by(column)
        return {key: n for key, n in session.execute(query)}

    with repo.database.sessions() as session:
        years = grouped(StoredReport.year, replace(flt, years=None))
        formats = grouped(StoredReport.format, replace(flt, format=None))
        levels = grouped(StoredReport.entity_type, replace(flt, level=None))
        with_errors = session.execute(
            _filtered(select(func.count(StoredReport.id)), replace(flt, has_errors=None)).where(StoredReport.errors > 0)
        ).scalar_one()
        total = session.execute(_filtered(select(func.count(StoredReport.id)), flt)).scalar_one()
        unfiltered_errors = session.execute(
            _filtered(select(func.count(StoredReport.id)), replace(flt, has_errors=None))
        ).scalar_one()
    return Facets(years, formats, levels, with_errors, total, unfiltered_errors - with_errors)


def agencies_with_most_errors(repo: Repository, flt: ReportFilter, limit: int = 15) -> list[AgencyErrors]:
    """Agencies ranked by their reports' error-level findings (dismissed ones not counted)."""
    ids = _filtered(select(StoredReport.id), flt).subquery()
    name = func.max(StoredReport.agency)
    errors = func.sum(StoredReport.errors)
    with repo.database.sessions() as session:
        ranked = session.execute(
            select(StoredReport.agency_key, name, func.count(StoredReport.id), errors)
            .where(StoredReport.id.in_(select(ids.c.id)), StoredReport.agency_key.is_not(None))
            .group_by(StoredReport.agency_key)
            .having(errors > 0)
            .order_by(errors.desc(), StoredReport.agency_key)
            .limit(limit)
        ).all()
        keys = [key for key, *_ in ranked]
        warnings = dict(
            session.execute(
                select(StoredReport.agency_key, func.count(StoredFinding.id))
                .join(StoredFinding, StoredFinding.report_id == StoredReport.id)
                .where(
                    StoredReport.agency_key.in_(keys),
                    StoredReport.id.in_(select(ids.c.id)),
                    StoredFinding.severity == "warning",
                    StoredFinding.status != "dismissed",
                )
                .group_by(StoredReport.agency_key)
            ).all()
        )
    return [AgencyErrors(agency or key or "", n, int(e or 0), warnings.get(key, 0)) for key, agency, n, e in ranked]


def report_ids_for(repo: Repository, hashes: Sequence[str]) -> dict[str, int]:
    """The report id stored for each content hash (hashes of unreadable sources are left out)."""
    out: dict[str, int] = {}
    with repo.database.sessions() as session:
        for i in range(0, len(hashes), 500):
            part = list(hashes[i : i + 500])
            query = (
                select(Source.sha256, StoredReport.id)
                .join(StoredReport, StoredReport.source_id == Source.id)
                .where(Source.sha256.in_(part))
            )
            out.update({sha: rid for sha, rid in session.execute(query)})
    return out


def agency_years(repo: Repository, agency_key: str) -> list[tuple[int, int]]:
    """(year, report id) of every stored report of one agency, oldest first (first stored wins a year)."""
    with repo.database.sessions() as session:
        rows = session.execute(
            select(StoredReport.year, func.min(StoredReport.id))
            .where(StoredReport.agency_key == agency_key, StoredReport.year.is_not(None))
            .group_by(StoredReport.year)
            .order_by(StoredReport.year)
        ).all()
    return [(int(year), int(rid)) for year, rid in rows if year is not None]


def delete_report(repo: Repository, report_id: int) -> bool:
    """Remove a report with its source, cells and findings; reviewers' decisions are kept.

    Returns ``False`` when there is no such report.
    """
    with repo.database.sessions.begin() as session:
        source_id = session.scalar(select(StoredReport.source_id).where(StoredReport.id == report_id))
        if source_id is None:
            return False
        session.execute(delete(Source).where(Source.id == source_id))
    return True


def rename_sources(repo: Repository, names: dict[str, str]) -> None:
    """Set the name shown for sources by content hash (an upload's file name, not its temporary path)."""
    from sqlalchemy import update

    with repo.database.sessions.begin() as session:
        for sha, name in names.items():
            session.execute(update(Source).where(Source.sha256 == sha).values(name=name))
