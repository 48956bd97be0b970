"""The lean read behind one report's page: everything the page shows, in one connection.

A report page shows the report's listing line, its cells and sections, its findings with
each finding's review history, and the versions of its agency-year. Read through the
general queries that is eleven statements in four sessions, each statement built anew
and the cells rebuilt with their source places. Here the statements are built once per
process (bound parameters), run on one Core connection (no ORM session), the
report row carries what the history and the versions are found by (sha256, agency key,
year, region), and the cells are rebuilt without their places: the page shows none (a
cell's source page reads the report in full). Five statements when a report has no
finding, six with findings, seven when its agency-year is known.

What comes out is what ``Queries.report_row``, ``load_report``, ``Reviews.finding_history``
and ``Queries.versions`` give for the same report (``tests/store/test_report_page.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, bindparam, or_, select

from ..model import Report
from .base import _FINDING_COLUMNS, CHUNK, chunks, finding_row, open_findings_count, pending_findings_count
from .db import Database
from .links import regions_agree
from .models import FindingEvent, Source, StoredCell, StoredFinding, StoredReport, StoredSection
from .places import unpack_cell
from .records import report_from_record
from .views import FindingRow, ReportRow, VersionRow
from .workflow import FindingEventRow

_ROW = (
    select(
        StoredReport.id,
        Source.name,
        Source.sha256,
        Source.stored_at,
        StoredReport.agency,
        StoredReport.agency_key,
        StoredReport.region,
        StoredReport.entity_type,
        StoredReport.year,
        StoredReport.format,
        StoredReport.published,
        StoredReport.title,
        StoredReport.notes,
        StoredReport.errors,
        StoredReport.version,
        StoredReport.superseded_by,
        open_findings_count("warning").label("warnings"),
        pending_findings_count().label("pending"),
    )
    .join(Source, Source.id == StoredReport.source_id)
    .where(StoredReport.id == bindparam("rid"))
)
_CELLS = (
    select(
        StoredCell.cell_id, StoredCell.value_text, StoredCell.raw, StoredCell.state, StoredCell.unit, StoredCell.place
    )
    .where(StoredCell.report_id == bindparam("rid"))
    .order_by(StoredCell.seq)
)
_SECTIONS = (
    select(StoredSection.number, StoredSection.heading, StoredSection.text)
    .where(StoredSection.report_id == bindparam("rid"))
    .order_by(StoredSection.number)
)
_FINDINGS = select(*_FINDING_COLUMNS).where(StoredFinding.report_id == bindparam("rid")).order_by(StoredFinding.id)
_EVENT_COLUMNS = (
    FindingEvent.fingerprint,
    FindingEvent.rule,
    FindingEvent.status_from,
    FindingEvent.status_to,
    FindingEvent.actor,
    FindingEvent.reason,
    FindingEvent.at,
)
_FINGERPRINTS = FindingEvent.fingerprint.in_(bindparam("fps", expanding=True))
_ORDER = (FindingEvent.at, FindingEvent.id)
# kept by content hash, and by agency key + year where the report has both (as ``Reviews.finding_history``)
_EVENTS_BY_SHA = select(*_EVENT_COLUMNS).where(FindingEvent.sha256 == bindparam("sha"), _FINGERPRINTS).order_by(*_ORDER)
_EVENTS_BY_SHA_OR_YEAR = (
    select(*_EVENT_COLUMNS)
    .where(
        or_(
            FindingEvent.sha256 == bindparam("sha"),
            and_(FindingEvent.agency_key == bindparam("key"), FindingEvent.year == bindparam("year")),
        ),
        _FINGERPRINTS,
    )
    .order_by(*_ORDER)
)
_VERSIONS = (
    select(
        StoredReport.id,
        StoredReport.version,
        StoredReport.region,
        StoredReport.superseded_by,
        Source.name,
        Source.sha256,
        Source.stored_at,
    )
    .join(Source, Source.id == StoredReport.source_id)
    .where(StoredReport.agency_key == bindparam("key"), StoredReport.year == bindparam("year"))
    .order_by(StoredReport.version, StoredReport.id)
)


@dataclass(frozen=True, slots=True)
class ReportPage:
    """One report as its page shows it."""

    row: ReportRow
    report: Report  # its cells without source places (``Cell.place`` is None)
    findings: list[FindingRow]  # in the order stored
    history: dict[str, list[FindingEventRow]]  # fingerprint → its review steps, oldest first
    versions: list[VersionRow]  # of its agency-year, oldest first (itself alone without agency key or year)


def read_report_page(database: Database, report_id: int) -> ReportPage | None:
    """Everything a report's page shows, or None when there is no such report."""
    with database.engine.connect() as conn:
        head = conn.execute(_ROW, {"rid": report_id}).first()
        if head is None:
            return None
        rid = {"rid": report_id}
        cells = []
        for cell_id, text, raw, state, unit, place in conn.execute(_CELLS, rid):
            raw, decoded = unpack_cell(text, raw, place)
            cells.append([cell_id, text, raw, state, unit, decoded])
        record = {
            "agency": head.agency,
            "entity_type": head.entity_type,
            "year": head.year,
            "format": head.format,
            "published": head.published,
            "title": head.title,
            "notes": head.notes,
            "cells": cells,
            "sections": conn.execute(_SECTIONS, rid).all(),
        }
        findings = [finding_row(f) for f in conn.execute(_FINDINGS, rid)]
        history = _history(conn, head, findings)
        versions = _versions(conn, head)
    row = ReportRow(
        id=head.id,
        source=head.name,
        sha256=head.sha256,
        agency=head.agency,
        agency_key=head.agency_key,
        region=head.region,
        entity_type=head.entity_type,
        year=head.year,
        format=head.format,
        published=head.published,
        title=head.title,
        errors=head.errors,
        warnings=head.warnings,
        version=head.version,
        superseded_by=head.superseded_by,
        pending=head.pending,
    )
    return ReportPage(row, report_from_record(head.name, record, places=False), findings, history, versions)


def _history(conn: Connection, head: Any, findings: list[FindingRow]) -> dict[str, list[FindingEventRow]]:
    out: dict[str, list[FindingEventRow]] = {f.fingerprint: [] for f in findings}
    if not out:
        return out
    if head.agency_key is not None and head.year is not None:
        statement, params = _EVENTS_BY_SHA_OR_YEAR, {"sha": head.sha256, "key": head.agency_key, "year": head.year}
    else:
        statement, params = _EVENTS_BY_SHA, {"sha": head.sha256}
    for part in chunks(list(out), CHUNK):
        for e in conn.execute(statement, {**params, "fps": list(part)}):
            out[e.fingerprint].append(FindingEventRow(*e))
    return out


def _versions(conn: Connection, head: Any) -> list[VersionRow]:
    if head.agency_key is None or head.year is None:
        return [VersionRow(head.id, head.version, head.name, head.sha256, head.stored_at, head.superseded_by)]
    return [
        VersionRow(r.id, r.version, r.name, r.sha256, r.stored_at, r.superseded_by)
        for r in conn.execute(_VERSIONS, {"key": head.agency_key, "year": head.year})
        if r.id == head.id or regions_agree(head.region, r.region)
    ]
