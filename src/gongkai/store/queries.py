"""Reading the corpus: report listings (whole or page by page), facets, reports rebuilt, findings, comparisons.

The CLI asks for whole filtered lists; a person browsing the web workbench asks
for a sorted page of one, the counts beside each filter choice, and an agency's
years. Every filter means the same here, because every query goes through
``base.filtered``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Select, func, select

from ..errors import NotFound, StoreError
from ..law.agencies import normalise_agency_key
from ..model import Placement, Report
from .base import (
    ANY,
    Part,
    chunks,
    filtered,
    finding_row,
    findings_of,
    listing_row,
    load_reports,
    open_findings_count,
    pending_findings_count,
)
from .base import report_ids as report_ids_query
from .links import regions_agree
from .models import Source, StoredCell, StoredFinding, StoredReport
from .places import decode_place
from .records import value_text
from .report_page import ReportPage, read_report_page
from .views import SORTS, CellDiff, Facets, FindingRow, ReportFilter, ReportRow, VersionDiff, VersionRow

_SORT_COLUMNS: dict[str, Any] = {
    "agency": StoredReport.agency_key,
    "year": StoredReport.year,
    "format": StoredReport.format,
    "level": StoredReport.entity_type,
    "errors": StoredReport.errors,
    "published": StoredReport.published,
    "id": StoredReport.id,
}  # "warnings" is the labelled subquery of each listing


def _listing(flt: ReportFilter) -> tuple[Select[Any], Any]:
    """The filtered listing query (report, source name, sha256, open warnings, 待审) and its warnings column."""
    warnings = open_findings_count("warning").label("warnings")
    pending = pending_findings_count().label("pending")
    query = filtered(
        select(StoredReport, Source.name, Source.sha256, warnings, pending).join(
            Source, Source.id == StoredReport.source_id
        ),
        flt,
    )
    return query, warnings


PlacedCell = tuple[int, str, str | None, str, Placement | None]  # report id, cell id, value, state, placement


class Queries(Part):
    """Reads over the stored reports; nothing here writes."""

    def list_reports(self, flt: ReportFilter = ANY, limit: int | None = None, offset: int = 0) -> list[ReportRow]:
        """The filtered reports by agency, then year."""
        query, _ = _listing(flt)
        query = query.order_by(StoredReport.agency_key, StoredReport.year, StoredReport.id)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        with self.database.sessions() as session:
            return [listing_row(r, name, sha, w, p) for r, name, sha, w, p in session.execute(query)]

    def page_reports(
        self, flt: ReportFilter, sort: str = "agency", descending: bool = False, limit: int = 50, offset: int = 0
    ) -> list[ReportRow]:
        """One page of the filtered reports, sorted by ``sort`` (one of ``SORTS``)."""
        if sort not in SORTS:
            raise StoreError(f"排序字段须为 {'、'.join(SORTS)} 之一，而不是 {sort!r}")
        query, warnings = _listing(flt)
        column = warnings if sort == "warnings" else _SORT_COLUMNS[sort]
        order = column.desc() if descending else column.asc()
        query = query.order_by(order, StoredReport.agency_key, StoredReport.year, StoredReport.id)
        with self.database.sessions() as session:
            return [
                listing_row(r, name, sha, w, p)
                for r, name, sha, w, p in session.execute(query.limit(limit).offset(offset))
            ]

    def report_row(self, report_id: int) -> ReportRow | None:
        """One report's listing line (current or superseded), or None."""
        rows = self.page_reports(ReportFilter(ids=(report_id,)), limit=1)
        return rows[0] if rows else None

    def report_page(self, report_id: int) -> ReportPage | None:
        """Everything a report's page shows, in one connection (``report_page.read_report_page``), or None."""
        return read_report_page(self.database, report_id)

    def count_reports(self, flt: ReportFilter = ANY) -> int:
        with self.database.sessions() as session:
            return session.execute(filtered(select(func.count(StoredReport.id)), flt)).scalar_one()

    def facets(self, flt: ReportFilter) -> Facets:
        """Counts by year, format and entity type; each facet ignores its own filter, so its other choices show."""

        def grouped(column: Any, without: ReportFilter) -> dict[Any, int]:
            query = filtered(select(column, func.count(StoredReport.id)), without).group_by(column).order_by(column)
            return {key: n for key, n in session.execute(query)}

        def count(f: ReportFilter, *where: Any) -> int:
            return int(session.execute(filtered(select(func.count(StoredReport.id)), f).where(*where)).scalar_one())

        any_errors = replace(flt, has_errors=None)
        with self.database.sessions() as session:
            years = grouped(StoredReport.year, replace(flt, years=None))
            formats = grouped(StoredReport.format, replace(flt, format=None))
            levels = grouped(StoredReport.entity_type, replace(flt, level=None))
            with_errors = count(any_errors, StoredReport.errors > 0)
            total = count(flt)
            unfiltered_errors = count(any_errors)
        return Facets(years, formats, levels, with_errors, total, unfiltered_errors - with_errors)

    def failed_sources(self) -> list[tuple[str, str]]:
        """(name, error) of every stored source that could not be read."""
        with self.database.sessions() as session:
            return [
                (name, error or "")
                for name, error in session.execute(
                    select(Source.name, Source.error).where(Source.error.is_not(None)).order_by(Source.id)
                )
            ]

    def report_ids_for(self, hashes: Sequence[str]) -> dict[str, int]:
        """The report id stored for each content hash (hashes of unreadable sources are left out)."""
        out: dict[str, int] = {}
        with self.database.sessions() as session:
            for part in chunks(list(hashes)):
                query = (
                    select(Source.sha256, StoredReport.id)
                    .join(StoredReport, StoredReport.source_id == Source.id)
                    .where(Source.sha256.in_(part))
                )
                out.update({sha: rid for sha, rid in session.execute(query)})
        return out

    def report_for(self, agency: str, year: int) -> int | None:
        """The id of an agency's current report for a year (agency: its name, or a part of it)."""
        key = normalise_agency_key(agency)
        with self.database.sessions() as session:
            for condition in (StoredReport.agency_key == key, StoredReport.agency.like(f"%{agency}%")):
                found = session.scalar(
                    select(StoredReport.id)
                    .where(condition, StoredReport.year == year, StoredReport.superseded_by.is_(None))
                    .order_by(StoredReport.id)
                    .limit(1)
                )
                if found is not None:
                    return found
        return None

    def agency_years(self, agency_key: str) -> list[tuple[int, int]]:
        """(year, report id) of every current report of one agency, oldest first (first stored wins a year)."""
        with self.database.sessions() as session:
            rows = session.execute(
                select(StoredReport.year, func.min(StoredReport.id))
                .where(
                    StoredReport.agency_key == agency_key,
                    StoredReport.year.is_not(None),
                    StoredReport.superseded_by.is_(None),
                )
                .group_by(StoredReport.year)
                .order_by(StoredReport.year)
            ).all()
        return [(int(year), int(rid)) for year, rid in rows if year is not None]

    def load_report(self, report_id: int) -> tuple[Report, list[FindingRow]] | None:
        """A stored report rebuilt as a Report, with its findings and their review status (None if absent)."""
        with self.database.sessions() as session:
            reports = load_reports(session, [report_id])
            if report_id not in reports:
                return None
            return reports[report_id], findings_of(session, [report_id])[report_id]

    def load_reports(self, report_ids: Sequence[int]) -> dict[int, Report]:
        """Stored reports rebuilt as Reports, by id (ids not stored are left out)."""
        with self.database.sessions() as session:
            return load_reports(session, list(report_ids))

    def findings(self, report_ids: Sequence[int]) -> dict[int, list[FindingRow]]:
        """Each report's findings with their review status."""
        with self.database.sessions() as session:
            return findings_of(session, list(report_ids))

    def iter_findings(self, flt: ReportFilter = ANY) -> Iterator[tuple[int, FindingRow]]:
        """(report id, finding) of every finding of the filtered reports, by report."""
        with self.database.sessions() as session:
            query = (
                select(StoredFinding)
                .where(StoredFinding.report_id.in_(report_ids_query(flt)))
                .order_by(StoredFinding.report_id, StoredFinding.id)
            )
            for f in session.scalars(query):
                yield f.report_id, finding_row(f)

    def iter_cells(self, flt: ReportFilter = ANY) -> Iterator[tuple[int, str, str | None, str]]:
        """(report id, cell id, exact value, state) of every cell of the filtered reports, by report."""
        for report_id, cell_id, value, state, _placement in self._cells(flt, with_placement=False):
            yield report_id, cell_id, value, state

    def iter_placed_cells(self, flt: ReportFilter = ANY) -> Iterator[PlacedCell]:
        """``iter_cells`` with how each value was placed (``model.Placement``; None for an absent cell)."""
        yield from self._cells(flt, with_placement=True)

    def _cells(self, flt: ReportFilter, *, with_placement: bool) -> Iterator[PlacedCell]:
        with self.database.sessions() as session:
            columns = [StoredCell.report_id, StoredCell.cell_id, StoredCell.value_text, StoredCell.state]
            if with_placement:  # the place column is outside the covering index: read it only when asked
                columns.append(StoredCell.place)
            query = (
                select(*columns)
                .where(StoredCell.report_id.in_(report_ids_query(flt)))
                .order_by(StoredCell.report_id, StoredCell.seq)
            )
            for row in session.execute(query).yield_per(5000):
                place = decode_place(row.place) if with_placement else None
                placement = Placement.from_json(place["placement"]) if place and place.get("placement") else None
                yield row.report_id, row.cell_id, row.value_text, row.state, placement

    def compare(self, a: int, b: int) -> tuple[Report, Report, list[CellDiff]]:
        """Two stored reports cell by cell, in the first one's format order; ``NotFound`` if one is absent."""
        reports = self.load_reports([a, b])
        missing = [str(i) for i in (a, b) if i not in reports]
        if missing:
            raise NotFound(f"没有编号为 {'、'.join(missing)} 的报告")
        ra, rb = reports[a], reports[b]
        order = list(
            dict.fromkeys((ra.format.cell_ids() if ra.format else []) + (rb.format.cell_ids() if rb.format else []))
        )
        fmt = ra.format or rb.format
        diffs = []
        for cid in order:
            ca, cb = ra.cells.get(cid), rb.cells.get(cid)
            if ca is None and cb is None:
                continue
            diffs.append(
                CellDiff(
                    cid,
                    fmt.label_of(cid) if fmt else cid,
                    value_text(ca.value) if ca else None,
                    value_text(cb.value) if cb else None,
                    ca.state.value if ca else None,
                    cb.state.value if cb else None,
                )
            )
        return ra, rb, diffs

    def versions(self, report_id: int) -> list[VersionRow]:
        """Every version of the report's agency-year (itself alone if it has no agency key or year), oldest first.

        Raises ``NotFound`` when there is no such report.
        """
        with self.database.sessions() as session:
            own = session.execute(
                select(StoredReport.agency_key, StoredReport.year, StoredReport.region).where(
                    StoredReport.id == report_id
                )
            ).first()
            if own is None:
                raise NotFound(f"没有编号为 {report_id} 的报告")
            query = select(
                StoredReport.id,
                StoredReport.version,
                StoredReport.region,
                StoredReport.superseded_by,
                Source.name,
                Source.sha256,
                Source.stored_at,
            ).join(Source, Source.id == StoredReport.source_id)
            if own.agency_key is None or own.year is None:
                query = query.where(StoredReport.id == report_id)
            else:
                query = query.where(StoredReport.agency_key == own.agency_key, StoredReport.year == own.year)
            rows = session.execute(query.order_by(StoredReport.version, StoredReport.id)).all()
        return [
            VersionRow(r.id, r.version, r.name, r.sha256, r.stored_at, r.superseded_by)
            for r in rows
            if r.id == report_id or regions_agree(own.region, r.region)
        ]

    def version_diff(self, a: int, b: int) -> VersionDiff:
        """Two versions (any two reports) compared: cells as ``compare``, findings added and removed by fingerprint."""
        _, _, cells = self.compare(a, b)
        found = self.findings([a, b])
        in_a = {f.fingerprint for f in found[a]}
        in_b = {f.fingerprint for f in found[b]}
        return VersionDiff(
            a,
            b,
            tuple(cells),
            tuple(f for f in found[b] if f.fingerprint not in in_a),
            tuple(f for f in found[a] if f.fingerprint not in in_b),
        )
