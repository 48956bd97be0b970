"""What every part of the store shares: a filter as SQL, id lists in chunks, rows out, reports rebuilt.

Each part of the store (writes, links, queries, statistics, reviews) is a class
over one ``Database``; the SQL they have in common lives here as plain functions
that take a query or a session, so no part reaches into another's privates.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, exists, func, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from ..model import Report
from .db import Database
from .figures import CELLS, figure_rows
from .models import Agency, ReportFigures, Source, StoredCell, StoredFinding, StoredReport, StoredSection
from .places import unpack_cell
from .records import Record, report_from_record
from .views import FindingRow, ReportFilter, ReportRow

Q = TypeVar("Q", bound=Select)  # type: ignore[type-arg]
ANY = ReportFilter()
CHUNK = 500  # ids per IN (...) list
Identity = tuple[str, str | None, int | None]
"""What a reviewer's decision is kept by: (content sha256, agency key, year)."""


class Part:
    """One job of the store over one corpus database."""

    def __init__(self, database: Database) -> None:
        self.database = database


def now() -> datetime:
    return datetime.now(UTC)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """``items`` in slices short enough for one ``IN (...)`` list."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def filtered(query: Q, flt: ReportFilter) -> Q:
    """``query`` narrowed to the reports ``flt`` selects (the query must reach ``StoredReport``).

    Superseded versions are left out unless ``flt.include_superseded``, or ``flt.ids`` names them.
    """
    if flt.agency:
        pattern = "%" + like_prefix(flt.agency)  # % and _ typed by a user match themselves
        query = query.where(
            or_(StoredReport.agency.like(pattern, escape="\\"), StoredReport.agency_key.like(pattern, escape="\\"))
        )
    if flt.years:
        query = query.where(StoredReport.year.in_(flt.years))
    if flt.format:
        query = query.where(StoredReport.format == flt.format)
    if flt.level:
        query = query.where(StoredReport.entity_type == flt.level)
    if flt.region:
        query = query.where(in_region(flt.region))
    if flt.has_errors is True:
        query = query.where(StoredReport.errors > 0)
    elif flt.has_errors is False:
        query = query.where(StoredReport.errors == 0)
    if flt.rule or flt.severity or flt.review_status:
        query = query.where(finding_matches(flt))
    if flt.ids:
        query = query.where(StoredReport.id.in_(flt.ids))
    elif not flt.include_superseded:  # reports named by id are shown whatever their version
        query = query.where(StoredReport.superseded_by.is_(None))
    return query


def finding_matches(flt: ReportFilter) -> Any:
    """EXISTS a finding of the report with ``flt``'s rule, severity and review status (those that are set)."""
    conditions = [StoredFinding.report_id == StoredReport.id]
    if flt.rule:
        conditions.append(StoredFinding.rule == flt.rule)
    if flt.severity:
        conditions.append(StoredFinding.severity == flt.severity)
    if flt.review_status:
        conditions.append(StoredFinding.status == flt.review_status)
    return exists(select(StoredFinding.id).where(*conditions))


def pending_findings_count() -> Any:
    """A correlated subquery: a report's findings still 待审 (open)."""
    return (
        select(func.count(StoredFinding.id))
        .where(StoredFinding.report_id == StoredReport.id, StoredFinding.status == "open")
        .scalar_subquery()
    )


def like_prefix(text: str) -> str:
    """A LIKE pattern (escape ``\\``) for values beginning with ``text``."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def in_region(region: str) -> Any:
    """Reports in a region's subtree: by their stated region, or by their agency's registered one.

    A report states the places its name gives (洪泽区, or 淮安市洪泽区); the registry may know the
    whole region (江苏省淮安市洪泽区). The registered region counts where the report states none,
    or one the registered region ends with (so 福州市鼓楼区 does not borrow 南京市鼓楼区's).
    """
    pattern = like_prefix(region)
    report = aliased(StoredReport)
    # not correlated: the database finds these ids once, not once per row of a join over cells
    registered = (
        select(report.id)
        .join(Agency, Agency.key == report.agency_key)
        .where(
            Agency.region.like(pattern, escape="\\"),
            or_(report.region.is_(None), Agency.region.like(literal("%") + report.region)),
        )
    )
    return or_(StoredReport.region.like(pattern, escape="\\"), StoredReport.id.in_(registered))


def report_ids(flt: ReportFilter) -> Select[tuple[int]]:
    """The ids of the reports ``flt`` selects, as a subquery."""
    return filtered(select(StoredReport.id), flt)


def open_findings_count(severity: str) -> Any:
    """A correlated subquery: a report's findings of ``severity`` that no reviewer dismissed."""
    return (
        select(func.count(StoredFinding.id))
        .where(
            StoredFinding.report_id == StoredReport.id,
            StoredFinding.severity == severity,
            StoredFinding.status != "dismissed",
        )
        .scalar_subquery()
    )


def listing_row(report: StoredReport, source_name: str, sha256: str, warnings: int, pending: int = 0) -> ReportRow:
    """One line of a report listing, from a stored report and its source."""
    return ReportRow(
        id=report.id,
        source=source_name,
        sha256=sha256,
        agency=report.agency,
        agency_key=report.agency_key,
        region=report.region,
        entity_type=report.entity_type,
        year=report.year,
        format=report.format,
        published=report.published,
        title=report.title,
        errors=report.errors,
        warnings=warnings,
        version=report.version,
        superseded_by=report.superseded_by,
        pending=pending,
    )


def finding_row(f: StoredFinding | Any) -> FindingRow:
    """A stored finding (an ORM object, or a row of its columns) as the read-only row the store hands out."""
    return FindingRow(
        id=f.id,
        report_id=f.report_id,
        rule=f.rule,
        severity=f.severity,
        cells=tuple(f.cells),
        message=f.message,
        fingerprint=f.fingerprint,
        cross_year=f.cross_year,
        status=f.status,
        reviewer=f.reviewer,
        reason=f.reason,
        reviewed_at=f.reviewed_at,
    )


def identities(session: Session, ids: list[int]) -> dict[int, Identity]:
    """Each report's (sha256, agency key, year)."""
    out = {}
    for part in chunks(ids):
        rows = session.execute(
            select(StoredReport.id, Source.sha256, StoredReport.agency_key, StoredReport.year)
            .join(Source, Source.id == StoredReport.source_id)
            .where(StoredReport.id.in_(part))
        )
        out.update({row.id: (row.sha256, row.agency_key, row.year) for row in rows})
    return out


def refresh_error_counts(session: Session, ids: list[int]) -> None:
    """Recount each report's error-level findings that are not dismissed (the listing's 错误 column)."""
    for part in chunks(ids):
        errors = open_findings_count("error")
        session.execute(update(StoredReport).where(StoredReport.id.in_(part)).values(errors=errors))


def refresh_figures(session: Session, ids: Sequence[int]) -> None:
    """Recompute the kept figures (``report_figures``) of these reports from their stored cells."""
    table = ReportFigures.__table__
    for part in chunks(list(dict.fromkeys(ids))):
        cells: dict[int, list[tuple[str, float | None]]] = {rid: [] for rid in part}
        for rid, cell_id, text in session.execute(
            select(StoredCell.report_id, StoredCell.cell_id, StoredCell.value_text).where(
                StoredCell.report_id.in_(part), StoredCell.cell_id.in_(CELLS.wanted)
            )
        ):
            cells[rid].append((cell_id, float(text) if text is not None else None))  # as at ingest
        present = set(session.scalars(select(StoredReport.id).where(StoredReport.id.in_(part))))
        session.execute(table.delete().where(table.c.report_id.in_(part)))
        rows = figure_rows([(rid, pairs) for rid, pairs in cells.items() if rid in present])
        if rows:
            session.execute(table.insert(), rows)


_FINDING_COLUMNS = (
    StoredFinding.id,
    StoredFinding.report_id,
    StoredFinding.rule,
    StoredFinding.severity,
    StoredFinding.cells,
    StoredFinding.message,
    StoredFinding.fingerprint,
    StoredFinding.cross_year,
    StoredFinding.status,
    StoredFinding.reviewer,
    StoredFinding.reason,
    StoredFinding.reviewed_at,
)


def findings_of(session: Session, ids: list[int]) -> dict[int, list[FindingRow]]:
    """Each report's findings, in the order they were stored."""
    out: dict[int, list[FindingRow]] = {rid: [] for rid in ids}
    for part in chunks(ids):
        # plain columns, not ORM objects: a report page reads them and nothing else (no identity map, no events)
        for f in session.execute(
            select(*_FINDING_COLUMNS).where(StoredFinding.report_id.in_(part)).order_by(StoredFinding.id)
        ):
            out[f.report_id].append(finding_row(f))
    return out


def load_reports(session: Session, ids: list[int]) -> dict[int, Report]:
    """Rebuild Reports from their stored rows (ids with no stored report are left out)."""
    records: dict[int, Record] = {}
    sources: dict[int, str] = {}
    for part in chunks(ids):
        for row in session.execute(
            select(
                StoredReport.id,
                StoredReport.agency,
                StoredReport.entity_type,
                StoredReport.year,
                StoredReport.format,
                StoredReport.published,
                StoredReport.title,
                StoredReport.notes,
                Source.name,
            )
            .join(Source, Source.id == StoredReport.source_id)
            .where(StoredReport.id.in_(part))
        ):
            name = row.name
            sources[row.id] = name
            records[row.id] = {
                "agency": row.agency,
                "entity_type": row.entity_type,
                "year": row.year,
                "format": row.format,
                "published": row.published,
                "title": row.title,
                "notes": row.notes,
                "cells": [],
                "sections": [],
            }
        for c in session.execute(
            select(
                StoredCell.report_id,
                StoredCell.cell_id,
                StoredCell.value_text,
                StoredCell.raw,
                StoredCell.state,
                StoredCell.unit,
                StoredCell.place,
            )
            .where(StoredCell.report_id.in_(part))
            .order_by(StoredCell.report_id, StoredCell.seq)
        ):
            raw, place = unpack_cell(c.value_text, c.raw, c.place)
            records[c.report_id]["cells"].append([c.cell_id, c.value_text, raw, c.state, c.unit, place])
        for s in session.execute(
            select(StoredSection.report_id, StoredSection.number, StoredSection.heading, StoredSection.text)
            .where(StoredSection.report_id.in_(part))
            .order_by(StoredSection.report_id, StoredSection.number)
        ):
            records[s.report_id]["sections"].append([s.number, s.heading, s.text])
    return {rid: report_from_record(sources[rid], rec) for rid, rec in records.items()}
