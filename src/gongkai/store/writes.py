"""Storing worker records: one batch, one transaction.

``write`` stores a list of worker records (sources, reports, cells, sections,
findings) in one transaction, then links each new report to its agency's previous
year (and the following year's report to it) and stores the findings of the
cross-year check it was handed, still inside that transaction. A crash at any
moment leaves either the whole batch or none of it. Content already stored (by
sha256) is skipped, so writing a batch twice stores it once. Two writers that store the same
new content at once (without the ingest lock) collide on the sources' unique sha256: the one that
loses writes its batch again, and finds that content already stored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from operator import itemgetter
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .agencies import register_reported
from .base import Part, chunks, now, refresh_error_counts
from .figures import figure_rows
from .links import CrossYearCheck, link_years, regions_agree
from .models import ReportFigures, Source, StoredCell, StoredFinding, StoredReport, StoredSection
from .places import pack_cell
from .records import Record
from .reviews import decisions, finding_values
from .totals import refresh_totals
from .views import VERSION_POLICIES, WriteResult

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
                    fresh.append(record)
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
            report_ids = _insert_reports(session, readable, keep_ids)
            register_reported(session, [r["report"] for _, r in readable])
            _restore_versions(session, saved, set(report_ids))
            new_ids = [rid for rid, keep in zip(report_ids, keep_ids, strict=True) if keep is None]
            superseded = _place_versions(session, new_ids, keep_both=versions == "keep-both")
            severities = _insert_findings(session, report_ids, [r for _, r in readable])
            link_years(session, report_ids, cross_year)
            refresh_error_counts(session, report_ids)
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


def _restore_versions(session: Session, saved: VersionState, present: set[int]) -> None:
    """Put back what re-read reports (deleted and inserted again under their ids) said of their versions.

    A successor that is no report any more (its source now fails to read) hands on to its own successor.
    """
    if not saved:
        return
    named = {rid for rid in saved} | {s for _, s in saved.values() if s is not None}
    existing = present | _existing(session, sorted(named - present))

    def successor_of(rid: int | None) -> int | None:
        seen: set[int] = set()
        while rid is not None and rid not in existing and rid not in seen:
            seen.add(rid)
            rid = saved.get(rid, (1, None))[1]
        return rid if rid in existing else None

    rows = [
        {"id": rid, "version": version, "superseded_by": successor_of(successor)}
        for rid, (version, successor) in saved.items()
        if rid in existing
    ]
    session.execute(update(StoredReport), rows)


def _existing(session: Session, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(ids):
        found.update(session.scalars(select(StoredReport.id).where(StoredReport.id.in_(part))))
    return found


def _place_versions(session: Session, new_ids: list[int], *, keep_both: bool) -> int:
    """Number the new reports among their agency-year's versions and supersede the current ones.

    New reports are placed in the order stored, so the last of a batch is the newest version.
    Returns how many reports were superseded.
    """
    rows: list[Any] = []
    for part in chunks(new_ids):
        rows += session.execute(
            select(StoredReport.id, StoredReport.agency_key, StoredReport.region, StoredReport.year).where(
                StoredReport.id.in_(part), StoredReport.agency_key.is_not(None), StoredReport.year.is_not(None)
            )
        ).all()
    if not rows:
        return 0
    new = {row.id for row in rows}
    # (key, year) → [id, region, version, superseded_by] of every version already placed
    placed: dict[tuple[str, int], list[list[Any]]] = {}
    for part in chunks(list({row.agency_key for row in rows})):
        for other in session.execute(
            select(
                StoredReport.id,
                StoredReport.agency_key,
                StoredReport.region,
                StoredReport.year,
                StoredReport.version,
                StoredReport.superseded_by,
            ).where(StoredReport.agency_key.in_(part), StoredReport.year.is_not(None))
        ):
            if other.id not in new:
                placed.setdefault((other.agency_key, other.year), []).append(
                    [other.id, other.region, other.version, other.superseded_by]
                )
    successors: dict[int, int] = {}
    numbers: dict[int, int] = {}
    for row in sorted(rows, key=lambda r: r.id):
        group = placed.setdefault((row.agency_key, row.year), [])
        same = [v for v in group if regions_agree(row.region, v[1])]
        version = max((v[2] for v in same), default=0) + 1
        if not keep_both:
            for v in same:
                if v[3] is None:
                    v[3] = successors[v[0]] = row.id
        group.append([row.id, row.region, version, None])
        if version != 1:
            numbers[row.id] = version
    if successors:
        session.execute(update(StoredReport), [{"id": i, "superseded_by": s} for i, s in successors.items()])
    if numbers:
        session.execute(update(StoredReport), [{"id": i, "version": n} for i, n in numbers.items()])
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


def _report_values(source_id: int, rep: Record, keep: int | None) -> dict[str, Any]:
    published = rep.get("published")
    return {
        "source_id": source_id,
        "agency": rep.get("agency"),
        "agency_key": rep.get("agency_key"),
        "region": rep.get("region"),
        "entity_type": rep.get("entity_type") or "other",
        "year": rep.get("year"),
        "format": rep.get("format"),
        "published": date.fromisoformat(published) if published else None,
        "title": rep.get("title"),
        "reader_version": rep.get("reader_version") or "",
        "notes": rep.get("notes") or [],
        "errors": 0,
        **({"id": keep} if keep is not None else {}),
    }


def _insert_reports(session: Session, readable: list[tuple[int, Record]], keep_ids: list[int | None]) -> list[int]:
    """Insert reports with their cells and sections; a re-read report keeps its id."""
    if not readable:
        return []
    rows = [
        _report_values(source_id, record["report"], keep)
        for (source_id, record), keep in zip(readable, keep_ids, strict=True)
    ]
    kept = [row for row in rows if "id" in row]
    if kept:
        session.execute(insert(StoredReport), kept)
    new_rows = [row for row in rows if "id" not in row]
    new_ids = iter(
        session.scalars(insert(StoredReport).returning(StoredReport.id, sort_by_parameter_order=True), new_rows).all()
        if new_rows
        else []
    )
    report_ids = [row["id"] if "id" in row else next(new_ids) for row in rows]
    cells: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    numbers: list[tuple[int, list[tuple[str, float | None]]]] = []  # for the kept figures
    for report_id, (_, record) in zip(report_ids, readable, strict=True):
        rep = record["report"]
        pairs: list[tuple[str, float | None]] = []
        for seq, (cid, text, raw, state, unit, place) in enumerate(rep["cells"]):
            pairs.append((cid, float(text) if text is not None else None))
            stored_raw, stored_place = pack_cell(text, raw, place)
            cells.append(
                {
                    "report_id": report_id,
                    "cell_id": cid,
                    "seq": seq,
                    "value_text": text,
                    "raw": stored_raw,
                    "state": state,
                    "unit": unit,
                    "place": stored_place,
                }
            )
        numbers.append((report_id, pairs))
        for number, heading, text in rep.get("sections", []):
            sections.append({"report_id": report_id, "number": number, "heading": heading, "text": text})
    if cells:  # in key order: SQLite appends to full pages instead of splitting them
        session.execute(insert(StoredCell), sorted(cells, key=itemgetter("report_id", "cell_id")))
    if sections:
        session.execute(insert(StoredSection), sections)
    session.execute(insert(ReportFigures), figure_rows(numbers))
    return report_ids


def _insert_findings(session: Session, report_ids: list[int], records: list[Record]) -> Counter[str]:
    """Insert each report's own findings (reviews re-attached); their counts by severity."""
    rows = []
    severities: Counter[str] = Counter()
    known = {
        rid: (rec["sha256"], rec["report"].get("agency_key"), rec["report"].get("year"))
        for rid, rec in zip(report_ids, records, strict=True)
    }
    reviewed = decisions(session, list(known.values()))
    for report_id, record in zip(report_ids, records, strict=True):
        for finding in record.get("findings", []):
            rows.append(finding_values(report_id, finding, False, known[report_id], reviewed))
            severities[finding["severity"]] += 1
    if rows:
        session.execute(insert(StoredFinding), rows)
    return severities
