"""Storing worker records: one batch, one transaction.

``write`` stores a list of worker records (sources, reports, cells, sections,
findings) in one transaction, then links each new report to its agency's previous
year (and the following year's report to it) and stores the findings of the
cross-year check it was handed, still inside that transaction. A crash at any
moment leaves either the whole batch or none of it. Content already stored (by
sha256) is skipped, so writing a batch twice stores it once.

The records come prepared by the workers (``records.prepare``: each report as the rows the
database takes), so this process only executes them: cells and sections through the
driver's executemany (``execute_many``), the rest through SQLAlchemy Core. Versions and
year pairs come from a ``links.YearIndex`` of the batch's agencies, read once per batch
(inside the transaction, so another writer's reports are seen) and kept up to date in
memory; the batch's own reports are never read back. A record handed in unprepared (a
test, a caller of the store) is prepared here. Two writers that store the same
new content at once (without the ingest lock) collide on the sources' unique sha256: the one that
loses writes its batch again, and finds that content already stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import signatures
from .agencies import register_reported
from .base import Part, chunks, now
from .links import CrossYearCheck, Held, Version, YearIndex, link_held, regions_agree
from .models import ReportFigures, Source, StoredCell, StoredFinding, StoredReport, StoredSection
from .records import CELL_COLUMNS, SECTION_COLUMNS, Record, prepare
from .reviews import decisions, finding_values
from .signatures import Signature
from .totals import refresh_totals
from .views import VERSION_POLICIES, WriteResult

REPORTS = cast(Table, StoredReport.__table__)
FINDINGS = cast(Table, StoredFinding.__table__)
Stored = dict[str, tuple[int, int | None]]  # sha256 → (source id, report id or None)
VersionState = dict[int, tuple[int, int | None]]  # report id → (version, superseded_by)


class Writes(Part):
    """Adding, replacing, renaming and deleting stored reports."""

    def known_sources(self, hashes: Iterable[str]) -> dict[str, bool]:
        """Which of these content hashes are stored, each with whether it failed to read."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, bool] = {}
        with self.database.sessions() as session:
            for part in chunks(wanted):
                rows = session.execute(select(Source.sha256, Source.error).where(Source.sha256.in_(part)))
                found.update({sha: error is not None for sha, error in rows})
        return found

    def signed_hashes(self, wanted: Sequence[tuple[str, Signature]]) -> dict[str, tuple[str, bool]]:
        """Path → (sha256, failed) for files whose remembered stat signature is unchanged and whose content
        is stored (``signatures``)."""
        if not wanted:
            return {}
        with self.database.sessions() as session:
            return signatures.signed_hashes(session, wanted)

    def remember_signatures(self, rows: Sequence[tuple[str, Signature, str]]) -> None:
        """Remember (path, stat signature, sha256) of files just hashed (``signatures``), in a transaction of its own.

        Kept apart from the batch's transaction: a signature is a hint, checked against the stored sources."""
        if not rows:
            return
        try:
            with self.database.sessions.begin() as session:
                signatures.remember(session, rows)
        except IntegrityError:
            pass  # another ingest remembered some of these paths at the same moment: they are hashed next time

    def write(
        self,
        records: Sequence[Record],
        *,
        cross_year: CrossYearCheck,
        replace: bool = False,
        versions: str = "supersede",
    ) -> WriteResult:
        """Store a batch of worker records in one transaction, running ``cross_year`` on the new year pairs.

        With ``replace`` a source already stored is read again: its report, cells
        and findings are replaced, and reviewers' decisions re-attach by fingerprint.
        ``versions`` (``"supersede"`` or ``"keep-both"``) says what a new report of an
        agency-year already stored does to the current one (see the module docstring).
        Each report's agency key not yet in the registry gets a registry row (``agencies.register_reported``).
        """
        if versions not in VERSION_POLICIES:
            raise ValueError(f"versions 须为 {'、'.join(VERSION_POLICIES)} 之一，而不是 {versions!r}")
        try:
            return self._write(records, cross_year, replace, versions)
        except IntegrityError:
            # another writer stored some of this content between our look-up and our insert; the
            # transaction rolled back whole, and the second try counts that content as already stored
            return self._write(records, cross_year, replace, versions)

    def _write(
        self, records: Sequence[Record], cross_year: CrossYearCheck, replace: bool, versions: str
    ) -> WriteResult:
        with self.database.sessions.begin() as session:
            stored = _stored_ids(session, [r["sha256"] for r in records])
            fresh: list[Record] = []
            seen: set[str] = set()
            for record in records:
                sha = record["sha256"]
                if sha not in seen and (replace or sha not in stored):
                    seen.add(sha)
                    fresh.append(prepare(record))
            if not fresh:
                return WriteResult(already=len(records))
            saved: VersionState = {}
            if replace:
                forgotten = [i for r in fresh if r["sha256"] in stored and (i := stored[r["sha256"]][1]) is not None]
                saved = _version_state(session, forgotten)
                _forget_reports(session, forgotten)
            source_ids = _store_sources(session, fresh, stored)
            readable = [(sid, r) for sid, r in zip(source_ids, fresh, strict=True) if r.get("report") is not None]
            keep_ids = [stored.get(r["sha256"], (None, None))[1] for _, r in readable]
            # read once, after the first insert took the write lock and before the reports go in: the
            # versions of the batch's agencies; what this batch adds is known here, never read back
            index = YearIndex.of(session, {r["report"].get("agency_key") for _, r in readable})
            report_ids = _insert_reports(session, readable, keep_ids)
            register_reported(session, [r["report"] for _, r in readable])
            restored = _restore_versions(session, saved, set(report_ids))
            held = [
                Held(rid, r["report"].get("agency_key"), r["report"].get("year"), r["report"].get("region"), r)
                for rid, (_, r) in zip(report_ids, readable, strict=True)
            ]
            index.restore(restored, [h for h, keep in zip(held, keep_ids, strict=True) if keep is not None])
            new = [h for h, keep in zip(held, keep_ids, strict=True) if keep is None]
            superseded = _place_versions(session, index, new, keep_both=versions == "keep-both")
            severities, errors = _insert_findings(session, held)
            link_held(session, index, held, cross_year, errors)
            _set_error_counts(session, errors)
            refresh_totals(session, [*report_ids, *saved])  # stats totals (totals.py): after every write
        return WriteResult(
            reports=len(report_ids),
            failed=len(fresh) - len(readable),
            already=len(records) - len(fresh),
            superseded=superseded,
            findings=severities,
        )

    def delete_report(self, report_id: int) -> bool:
        """Remove a report with its source, cells and findings; reviewers' decisions are kept.

        Returns ``False`` when there is no such report. The versions it superseded are then
        superseded by its own successor, or, if it was current, become current again.
        """
        with self.database.sessions.begin() as session:
            row = session.execute(
                select(StoredReport.source_id, StoredReport.superseded_by).where(StoredReport.id == report_id)
            ).first()
            if row is None:
                return False
            source_id, successor = row
            if successor is not None:  # if None, ON DELETE SET NULL makes them current
                session.execute(
                    update(StoredReport).where(StoredReport.superseded_by == report_id).values(superseded_by=successor)
                )
            session.execute(delete(Source).where(Source.id == source_id))
            refresh_totals(session, [report_id])  # stats totals (totals.py): its agency-year's versions too
        return True

    def rename_sources(self, names: dict[str, str]) -> None:
        """Set the name shown for sources by content hash (an upload's file name, not its temporary path)."""
        with self.database.sessions.begin() as session:
            for sha, name in names.items():
                session.execute(update(Source).where(Source.sha256 == sha).values(name=name))


def _stored_ids(session: Session, hashes: list[str]) -> Stored:
    """sha256 → (source id, report id or None) for the hashes already stored."""
    out: Stored = {}
    for part in chunks(list(dict.fromkeys(hashes))):
        rows = session.execute(
            select(Source.sha256, Source.id, StoredReport.id)
            .outerjoin(StoredReport, StoredReport.source_id == Source.id)
            .where(Source.sha256.in_(part))
        )
        out.update({sha: (source_id, report_id) for sha, source_id, report_id in rows})
    return out


def _forget_reports(session: Session, report_ids: Sequence[int | None]) -> None:
    """Drop reports about to be read again (their cells, sections and findings go with them)."""
    ids = [i for i in report_ids if i is not None]
    for part in chunks(ids):
        for table in (StoredCell, StoredSection, StoredFinding):
            session.execute(delete(table).where(table.report_id.in_(part)))
        session.execute(delete(ReportFigures).where(ReportFigures.__table__.c.report_id.in_(part)))
        session.execute(delete(StoredReport).where(StoredReport.id.in_(part)))


def _version_state(session: Session, ids: list[int]) -> VersionState:
    """(version, superseded_by) of the reports about to be re-read and of the versions they superseded."""
    out: VersionState = {}
    for part in chunks(ids):
        rows = session.execute(
            select(StoredReport.id, StoredReport.version, StoredReport.superseded_by).where(
                StoredReport.id.in_(part) | StoredReport.superseded_by.in_(part)
            )
        )
        out.update({rid: (version, successor) for rid, version, successor in rows})
    return out


def _restore_versions(session: Session, saved: VersionState, present: set[int]) -> VersionState:
    """Put back what re-read reports (deleted and inserted again under their ids) said of their versions.

    A successor that is no report any more (its source now fails to read) hands on to its own successor.
    Returns what was put back: report id → (version, superseded_by).
    """
    if not saved:
        return {}
    named = {rid for rid in saved} | {s for _, s in saved.values() if s is not None}
    existing = present | _existing(session, sorted(named - present))

    def successor_of(rid: int | None) -> int | None:
        seen: set[int] = set()
        while rid is not None and rid not in existing and rid not in seen:
            seen.add(rid)
            rid = saved.get(rid, (1, None))[1]
        return rid if rid in existing else None

    restored: VersionState = {
        rid: (version, successor_of(successor)) for rid, (version, successor) in saved.items() if rid in existing
    }
    if restored:
        rows = [{"id": rid, "version": v, "superseded_by": s} for rid, (v, s) in restored.items()]
        session.execute(update(StoredReport), rows)
    return restored


def _existing(session: Session, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(ids):
        found.update(session.scalars(select(StoredReport.id).where(StoredReport.id.in_(part))))
    return found


def _place_versions(session: Session, index: YearIndex, new: list[Held], *, keep_both: bool) -> int:
    """Number the new reports among their agency-year's versions and supersede the current ones.

    New reports are placed in the order stored, so the last of a batch is the newest version.
    Returns how many reports were superseded.
    """
    successors: dict[int, int] = {}
    numbers: dict[int, int] = {}
    for held in sorted(new, key=lambda h: h.id):
        if held.key is None or held.year is None:
            continue
        group = index.versions(held.key, held.year)
        same = [v for v in group if regions_agree(held.region, v.region)]
        version = max((v.version for v in same), default=0) + 1
        if not keep_both:
            for v in same:
                if v.superseded_by is None:
                    v.superseded_by = successors[v.id] = held.id
        index.add(Version(held.id, held.key, held.year, held.region, version, None))
        if version != 1:
            numbers[held.id] = version
    table = REPORTS
    if successors:
        session.execute(
            table.update().where(table.c.id == bindparam("rid")).values(superseded_by=bindparam("successor")),
            [{"rid": i, "successor": s} for i, s in successors.items()],
        )
    if numbers:
        session.execute(
            table.update().where(table.c.id == bindparam("rid")).values(version=bindparam("number")),
            [{"rid": i, "number": n} for i, n in numbers.items()],
        )
    return len(successors)


def _store_sources(session: Session, fresh: list[Record], stored: Stored) -> list[int]:
    """Insert new sources and refresh re-read ones; their ids, in the order of ``fresh``."""
    stored_at = now()
    rows = [
        {
            "sha256": r["sha256"],
            "name": r["name"],
            "size": r["size"],
            "kind": r.get("kind"),
            "stored_at": stored_at,
            "error": r.get("error"),
        }
        for r in fresh
    ]
    new_rows = [row for row in rows if row["sha256"] not in stored]
    new_ids = iter(
        session.scalars(insert(Source).returning(Source.id, sort_by_parameter_order=True), new_rows).all()
        if new_rows
        else []
    )
    ids = []
    for row in rows:
        if row["sha256"] in stored:
            source_id = stored[row["sha256"]][0]
            session.execute(update(Source).where(Source.id == source_id).values(**row))
            ids.append(source_id)
        else:
            ids.append(next(new_ids))
    return ids


def _insert_reports(session: Session, readable: list[tuple[int, Record]], keep_ids: list[int | None]) -> list[int]:
    """Insert prepared reports with their cells, sections and kept figures; a re-read report keeps its id."""
    if not readable:
        return []
    table = REPORTS
    rows = [
        _stored_report(record["rows"]["report"], source_id, keep)
        for (source_id, record), keep in zip(readable, keep_ids, strict=True)
    ]
    kept = [row for row in rows if "id" in row]
    if kept:
        session.execute(table.insert(), kept)
    new_rows = [row for row in rows if "id" not in row]
    new_ids = iter(
        session.scalars(table.insert().returning(table.c.id, sort_by_parameter_order=True), new_rows).all()
        if new_rows
        else []
    )
    report_ids = [row["id"] if "id" in row else next(new_ids) for row in rows]
    cells: list[tuple[Any, ...]] = []
    sections: list[tuple[Any, ...]] = []
    figures: list[dict[str, Any]] = []
    for report_id, (_, record) in zip(report_ids, readable, strict=True):
        prepared = record["rows"]
        cells += [(report_id, *cell) for cell in prepared["cells"]]
        sections += [(report_id, *section) for section in prepared["sections"]]
        figures.append({"report_id": report_id, **prepared["figures"]})
    connection = session.connection()
    if cells:  # in key order: SQLite appends to full pages instead of splitting them
        cells.sort(key=lambda row: (row[0], row[1]))
        execute_many(connection, "cells", ("report_id", *CELL_COLUMNS), cells)
    if sections:
        execute_many(connection, "sections", ("report_id", *SECTION_COLUMNS), sections)
    session.execute(ReportFigures.__table__.insert(), figures)
    return report_ids


def _stored_report(values: dict[str, Any], source_id: int, keep: int | None) -> dict[str, Any]:
    published = values["published"]
    return {
        **values,
        "published": date.fromisoformat(published) if published else None,
        "source_id": source_id,
        "errors": 0,
        "version": 1,
        "superseded_by": None,
        **({"id": keep} if keep is not None else {}),
    }


def execute_many(connection: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """``INSERT`` ready rows through the driver's own executemany: no per-row work in this process.

    Values go to the database as they are: the rows carry the stored forms (``records.stored_cell``).
    """
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    values = ", ".join(marker for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})", rows)  # type: ignore[arg-type]


def _insert_findings(session: Session, held: list[Held]) -> tuple[Counter[str], dict[int, int]]:
    """Insert each report's own findings (reviews re-attached); their counts by severity, and each report's errors.

    A report's errors are its error-level findings no reviewer dismissed (``base.refresh_error_counts``).
    """
    rows = []
    severities: Counter[str] = Counter()
    errors: dict[int, int] = {}
    reviewed = decisions(session, [h.identity for h in held])
    for h in held:
        count = 0
        for finding in h.record.get("findings", []):
            row = finding_values(h.id, finding, False, h.identity, reviewed)
            rows.append(row)
            severities[finding["severity"]] += 1
            count += row["severity"] == "error" and row["status"] != "dismissed"
        errors[h.id] = count
    if rows:
        session.execute(insert(FINDINGS), rows)
    return severities, errors


def _set_error_counts(session: Session, errors: dict[int, int]) -> None:
    """Set the error counts worked out for the batch's reports (inserted with 0)."""
    table = REPORTS
    rows = [{"rid": rid, "count": n} for rid, n in errors.items() if n]
    if rows:
        session.execute(table.update().where(table.c.id == bindparam("rid")).values(errors=bindparam("count")), rows)
