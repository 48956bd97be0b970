"""Every query on the corpus store. The CLI and the web layer call these; nothing else touches SQL.

Writes are batched: ``write`` stores a list of worker records (sources, reports,
cells, sections, findings) in one transaction, then links each new report to the
same agency's previous year (and the following year's report to it) and runs the
cross-year rules on those pairs, still inside that transaction. A crash at any
moment leaves either the whole batch or none of it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from ..check import RULES, Finding
from ..formats import FORMAT_2019, FORMAT_2021
from ..model import Report
from .db import Database
from .models import Review, Source, StoredCell, StoredFinding, StoredReport, StoredSection
from .records import Record, finding_record, report_from_record, value_text
from .views import (
    REVIEW_STATUSES,
    CellDiff,
    CorpusStats,
    FindingRow,
    Ratio,
    ReportFilter,
    ReportRow,
    WriteResult,
)

Q = TypeVar("Q", bound=Select)  # type: ignore[type-arg]
ANY = ReportFilter()
CHUNK = 500  # ids per IN (...) list
OUTCOME_ROWS = tuple(
    dict.fromkeys(
        row.id
        for fmt in (FORMAT_2021, FORMAT_2019)
        for row in fmt.table("applications").blocks[0].rows
        if row.id not in ("new", "carried", "total", "carry_forward")
    )
)
_APPEAL_DECIDED = ("upheld", "corrected", "other")


def _now() -> datetime:
    return datetime.now(UTC)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def regions_agree(a: str | None, b: str | None) -> bool:
    """Two stated regions name the same place when one ends the other (洪泽区, 淮安市洪泽区)."""
    if not a or not b:
        return True
    return a.endswith(b) or b.endswith(a)


def cross_year_findings(report: Report, previous: Report) -> list[Finding]:
    """The findings of the rules that compare a report with its agency's previous year."""
    return [f for rule in RULES.values() if rule.cross_year for f in rule.function(report, previous)]


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


def listing_row(report: StoredReport, source_name: str, sha256: str, warnings: int) -> ReportRow:
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
    )


class Repository:
    """Queries over one corpus database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # --- ingest ---------------------------------------------------------------------

    def known_sources(self, hashes: Iterable[str]) -> dict[str, bool]:
        """Which of these content hashes are stored, each with whether it failed to read."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, bool] = {}
        with self.database.sessions() as session:
            for part in _chunks(wanted):
                rows = session.execute(select(Source.sha256, Source.error).where(Source.sha256.in_(part)))
                found.update({sha: error is not None for sha, error in rows})
        return found

    def write(self, records: Sequence[Record], *, replace: bool = False) -> WriteResult:
        """Store a batch of worker records in one transaction.

        With ``replace`` a source already stored is read again: its report, cells
        and findings are replaced, and reviewers' decisions re-attach by fingerprint.
        """
        with self.database.sessions.begin() as session:
            stored = self._stored_ids(session, [r["sha256"] for r in records])
            fresh: list[Record] = []
            seen: set[str] = set()
            for record in records:
                sha = record["sha256"]
                if sha not in seen and (replace or sha not in stored):
                    seen.add(sha)
                    fresh.append(record)
            if not fresh:
                return WriteResult(already=len(records))
            if replace:
                self._forget_reports(session, [stored[r["sha256"]][1] for r in fresh if r["sha256"] in stored])
            source_ids = self._store_sources(session, fresh, stored)
            readable = [(sid, r) for sid, r in zip(source_ids, fresh, strict=True) if r.get("report") is not None]
            keep_ids = [stored.get(r["sha256"], (None, None))[1] for _, r in readable]
            report_ids = self._insert_reports(session, readable, keep_ids)
            severities = self._insert_findings(session, report_ids, [r for _, r in readable])
            self._link_years(session, report_ids)
            self._refresh_error_counts(session, report_ids)
        return WriteResult(
            reports=len(report_ids),
            failed=len(fresh) - len(readable),
            already=len(records) - len(fresh),
            findings=severities,
        )

    @staticmethod
    def _stored_ids(session: Session, hashes: list[str]) -> dict[str, tuple[int, int | None]]:
        """sha256 → (source id, report id or None) for the hashes already stored."""
        out: dict[str, tuple[int, int | None]] = {}
        for part in _chunks(list(dict.fromkeys(hashes))):
            rows = session.execute(
                select(Source.sha256, Source.id, StoredReport.id)
                .outerjoin(StoredReport, StoredReport.source_id == Source.id)
                .where(Source.sha256.in_(part))
            )
            out.update({sha: (source_id, report_id) for sha, source_id, report_id in rows})
        return out

    @staticmethod
    def _forget_reports(session: Session, report_ids: list[int | None]) -> None:
        """Drop reports about to be read again (their cells, sections and findings go with them)."""
        ids = [i for i in report_ids if i is not None]
        for part in _chunks(ids):
            for table in (StoredCell, StoredSection, StoredFinding):
                session.execute(delete(table).where(table.report_id.in_(part)))
            session.execute(delete(StoredReport).where(StoredReport.id.in_(part)))

    @staticmethod
    def _store_sources(session: Session, fresh: list[Record], stored: dict[str, tuple[int, int | None]]) -> list[int]:
        """Insert new sources and refresh re-read ones; their ids, in the order of ``fresh``."""
        stored_at = _now()
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

    def _insert_reports(
        self, session: Session, readable: list[tuple[int, Record]], keep_ids: list[int | None]
    ) -> list[int]:
        """Insert reports with their cells and sections; a re-read report keeps its id."""
        if not readable:
            return []
        rows = []
        for (source_id, record), keep in zip(readable, keep_ids, strict=True):
            rep = record["report"]
            published = rep.get("published")
            rows.append(
                {
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
            )
        kept = [row for row in rows if "id" in row]
        if kept:
            session.execute(insert(StoredReport), kept)
        new_rows = [row for row in rows if "id" not in row]
        new_ids = iter(
            session.scalars(
                insert(StoredReport).returning(StoredReport.id, sort_by_parameter_order=True), new_rows
            ).all()
            if new_rows
            else []
        )
        report_ids = [row["id"] if "id" in row else next(new_ids) for row in rows]
        cells: list[dict[str, Any]] = []
        sections: list[dict[str, Any]] = []
        for report_id, (_, record) in zip(report_ids, readable, strict=True):
            rep = record["report"]
            for cid, text, raw, state, unit, place in rep["cells"]:
                cells.append(
                    {
                        "report_id": report_id,
                        "cell_id": cid,
                        "value_text": text,
                        "number": float(text) if text is not None else None,
                        "raw": raw,
                        "state": state,
                        "unit": unit,
                        "place": place,
                    }
                )
            for number, heading, text in rep.get("sections", []):
                sections.append({"report_id": report_id, "number": number, "heading": heading, "text": text})
        if cells:
            session.execute(insert(StoredCell), cells)
        if sections:
            session.execute(insert(StoredSection), sections)
        return report_ids

    def _insert_findings(self, session: Session, report_ids: list[int], records: list[Record]) -> Counter[str]:
        rows = []
        severities: Counter[str] = Counter()
        identities = {
            rid: (rec["sha256"], rec["report"].get("agency_key"), rec["report"].get("year"))
            for rid, rec in zip(report_ids, records, strict=True)
        }
        decisions = self._decisions(session, list(identities.values()))
        for report_id, record in zip(report_ids, records, strict=True):
            for finding in record.get("findings", []):
                rows.append(self._finding_row(report_id, finding, False, identities[report_id], decisions))
                severities[finding["severity"]] += 1
        if rows:
            session.execute(insert(StoredFinding), rows)
        return severities

    @staticmethod
    def _finding_row(
        report_id: int,
        finding: Record,
        cross_year: bool,
        identity: tuple[str, str | None, int | None],
        decisions: dict[tuple[Any, ...], Review],
    ) -> dict[str, Any]:
        sha, key, year = identity
        fingerprint = finding["fingerprint"]
        review = decisions.get(("sha", sha, fingerprint)) or decisions.get(("key", key, year, fingerprint))
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

    @staticmethod
    def _decisions(
        session: Session, identities: list[tuple[str, str | None, int | None]]
    ) -> dict[tuple[Any, ...], Review]:
        """Stored reviews matching these reports, by content hash and by agency key + year."""
        out: dict[tuple[Any, ...], Review] = {}
        if not identities or session.execute(select(Review.id).limit(1)).first() is None:
            return out
        hashes = [sha for sha, _, _ in identities]
        keys = [key for _, key, _ in identities if key]
        for part in _chunks(hashes):
            for review in session.scalars(select(Review).where(Review.sha256.in_(part))):
                out[("sha", review.sha256, review.fingerprint)] = review
        for part in _chunks(keys):
            for review in session.scalars(
                select(Review).where(Review.agency_key.in_(part)).order_by(Review.reviewed_at)
            ):
                out[("key", review.agency_key, review.year, review.fingerprint)] = review
        return out

    # --- cross-year linking -----------------------------------------------------------

    def _link_years(self, session: Session, new_ids: list[int]) -> None:
        """Run the cross-year rules on each new report and on the next year's report of its agency."""
        if not new_ids:
            return
        new_rows: list[Any] = []
        for part in _chunks(new_ids):
            new_rows += session.execute(
                select(StoredReport.id, StoredReport.agency_key, StoredReport.region, StoredReport.year).where(
                    StoredReport.id.in_(part), StoredReport.agency_key.is_not(None), StoredReport.year.is_not(None)
                )
            ).all()
        if not new_rows:
            return
        keys = list({row.agency_key for row in new_rows})
        by_key_year: dict[tuple[str, int], list[tuple[int, str | None]]] = defaultdict(list)
        for part in _chunks(keys):
            for row in session.execute(
                select(StoredReport.id, StoredReport.agency_key, StoredReport.region, StoredReport.year)
                .where(StoredReport.agency_key.in_(part), StoredReport.year.is_not(None))
                .order_by(StoredReport.id)
            ):
                by_key_year[(row.agency_key, row.year)].append((row.id, row.region))

        def previous_of(key: str, year: int, region: str | None) -> int | None:
            for candidate, other in by_key_year.get((key, year - 1), []):
                if regions_agree(region, other):
                    return candidate
            return None

        pairs: dict[int, int | None] = {}
        for row in new_rows:
            pairs[row.id] = previous_of(row.agency_key, row.year, row.region)
            for later, region in by_key_year.get((row.agency_key, row.year + 1), []):
                if regions_agree(row.region, region):
                    pairs[later] = previous_of(row.agency_key, row.year + 1, region)
        linked = {rid: prev for rid, prev in pairs.items() if prev is not None}
        for part in _chunks(list(pairs)):
            session.execute(
                delete(StoredFinding).where(StoredFinding.report_id.in_(part), StoredFinding.cross_year.is_(True))
            )
        if not linked:
            return
        reports = self._load_reports(session, list(set(linked) | set(linked.values())))
        identities = self._identities(session, list(linked))
        decisions = self._decisions(session, list(identities.values()))
        rows = []
        for report_id, previous_id in linked.items():
            for finding in cross_year_findings(reports[report_id], reports[previous_id]):
                rows.append(
                    self._finding_row(report_id, finding_record(finding), True, identities[report_id], decisions)
                )
        if rows:
            session.execute(insert(StoredFinding), rows)
        self._refresh_error_counts(session, list(linked))

    @staticmethod
    def _identities(session: Session, report_ids: list[int]) -> dict[int, tuple[str, str | None, int | None]]:
        out = {}
        for part in _chunks(report_ids):
            rows = session.execute(
                select(StoredReport.id, Source.sha256, StoredReport.agency_key, StoredReport.year)
                .join(Source, Source.id == StoredReport.source_id)
                .where(StoredReport.id.in_(part))
            )
            out.update({row.id: (row.sha256, row.agency_key, row.year) for row in rows})
        return out

    @staticmethod
    def _refresh_error_counts(session: Session, report_ids: list[int]) -> None:
        for part in _chunks(report_ids):
            errors = open_findings_count("error")
            session.execute(update(StoredReport).where(StoredReport.id.in_(part)).values(errors=errors))

    @staticmethod
    def _load_reports(session: Session, report_ids: list[int]) -> dict[int, Report]:
        """Rebuild Reports from their stored rows."""
        records: dict[int, Record] = {}
        sources: dict[int, str] = {}
        for part in _chunks(report_ids):
            for row, name in session.execute(
                select(StoredReport, Source.name)
                .join(Source, Source.id == StoredReport.source_id)
                .where(StoredReport.id.in_(part))
            ):
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
                .order_by(StoredCell.report_id, StoredCell.id)
            ):
                records[c.report_id]["cells"].append([c.cell_id, c.value_text, c.raw, c.state, c.unit, c.place])
            for s in session.execute(
                select(StoredSection.report_id, StoredSection.number, StoredSection.heading, StoredSection.text)
                .where(StoredSection.report_id.in_(part))
                .order_by(StoredSection.report_id, StoredSection.number)
            ):
                records[s.report_id]["sections"].append([s.number, s.heading, s.text])
        return {rid: report_from_record(sources[rid], rec) for rid, rec in records.items()}

    # --- reading ------------------------------------------------------------------------

    @staticmethod
    def _filtered(query: Q, flt: ReportFilter) -> Q:
        if flt.agency:
            pattern = f"%{flt.agency}%"
            query = query.where(or_(StoredReport.agency.like(pattern), StoredReport.agency_key.like(pattern)))
        if flt.years:
            query = query.where(StoredReport.year.in_(flt.years))
        if flt.format:
            query = query.where(StoredReport.format == flt.format)
        if flt.level:
            query = query.where(StoredReport.entity_type == flt.level)
        if flt.has_errors is True:
            query = query.where(StoredReport.errors > 0)
        elif flt.has_errors is False:
            query = query.where(StoredReport.errors == 0)
        if flt.ids:
            query = query.where(StoredReport.id.in_(flt.ids))
        return query

    def _report_ids(self, flt: ReportFilter) -> Select[tuple[int]]:
        return self._filtered(select(StoredReport.id), flt)

    def list_reports(self, flt: ReportFilter = ANY, limit: int | None = None, offset: int = 0) -> list[ReportRow]:
        warnings = open_findings_count("warning")
        query = self._filtered(
            select(StoredReport, Source.name, Source.sha256, warnings.label("warnings")).join(
                Source, Source.id == StoredReport.source_id
            ),
            flt,
        ).order_by(StoredReport.agency_key, StoredReport.year, StoredReport.id)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        with self.database.sessions() as session:
            return [listing_row(r, name, sha, w) for r, name, sha, w in session.execute(query)]

    def count_reports(self, flt: ReportFilter = ANY) -> int:
        with self.database.sessions() as session:
            return session.execute(self._filtered(select(func.count(StoredReport.id)), flt)).scalar_one()

    def failed_sources(self) -> list[tuple[str, str]]:
        """(name, error) of every stored source that could not be read."""
        with self.database.sessions() as session:
            return [
                (name, error or "")
                for name, error in session.execute(
                    select(Source.name, Source.error).where(Source.error.is_not(None)).order_by(Source.id)
                )
            ]

    def load_report(self, report_id: int) -> tuple[Report, list[FindingRow]] | None:
        """A stored report rebuilt as a Report, with its findings and their review status."""
        with self.database.sessions() as session:
            reports = self._load_reports(session, [report_id])
            if report_id not in reports:
                return None
            return reports[report_id], self._findings(session, [report_id])[report_id]

    def load_reports(self, report_ids: Sequence[int]) -> dict[int, Report]:
        with self.database.sessions() as session:
            return self._load_reports(session, list(report_ids))

    def findings(self, report_ids: Sequence[int]) -> dict[int, list[FindingRow]]:
        with self.database.sessions() as session:
            return self._findings(session, list(report_ids))

    @staticmethod
    def _findings(session: Session, report_ids: list[int]) -> dict[int, list[FindingRow]]:
        out: dict[int, list[FindingRow]] = {rid: [] for rid in report_ids}
        for part in _chunks(report_ids):
            for f in session.scalars(
                select(StoredFinding).where(StoredFinding.report_id.in_(part)).order_by(StoredFinding.id)
            ):
                out[f.report_id].append(_finding_row(f))
        return out

    def iter_findings(self, flt: ReportFilter = ANY) -> Iterator[tuple[int, FindingRow]]:
        with self.database.sessions() as session:
            query = (
                select(StoredFinding)
                .where(StoredFinding.report_id.in_(self._report_ids(flt)))
                .order_by(StoredFinding.report_id, StoredFinding.id)
            )
            for f in session.scalars(query):
                yield f.report_id, _finding_row(f)

    def iter_cells(self, flt: ReportFilter = ANY) -> Iterator[tuple[int, str, str | None, str]]:
        """(report id, cell id, exact value, state) of every cell of the filtered reports, by report."""
        with self.database.sessions() as session:
            query = (
                select(StoredCell.report_id, StoredCell.cell_id, StoredCell.value_text, StoredCell.state)
                .where(StoredCell.report_id.in_(self._report_ids(flt)))
                .order_by(StoredCell.report_id, StoredCell.id)
            )
            for row in session.execute(query).yield_per(5000):
                yield row.report_id, row.cell_id, row.value_text, row.state

    def report_for(self, agency: str, year: int) -> int | None:
        """The id of an agency's report for a year (agency: its name, or a part of it)."""
        from ..law.agencies import normalise_agency_key

        key = normalise_agency_key(agency)
        with self.database.sessions() as session:
            for condition in (StoredReport.agency_key == key, StoredReport.agency.like(f"%{agency}%")):
                found = session.scalar(
                    select(StoredReport.id)
                    .where(condition, StoredReport.year == year)
                    .order_by(StoredReport.id)
                    .limit(1)
                )
                if found is not None:
                    return found
        return None

    def compare(self, a: int, b: int) -> tuple[Report, Report, list[CellDiff]]:
        """Two stored reports cell by cell, in the first one's format order."""
        reports = self.load_reports([a, b])
        missing = [str(i) for i in (a, b) if i not in reports]
        if missing:
            raise KeyError(f"no stored report with id {', '.join(missing)}")
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

    # --- statistics -----------------------------------------------------------------------

    def stats(self, flt: ReportFilter = ANY) -> CorpusStats:
        """Outcome mix, 纠错率 of reviews and suits, applications per year, defects per rule."""
        outcome_cells = [f"applications.{row}.total" for row in OUTCOME_ROWS]
        appeal_cells = [
            f"appeals.{g}.{c}" for g in ("review", "suit_direct", "suit_after_review") for c in _APPEAL_DECIDED
        ]
        wanted = [*outcome_cells, *appeal_cells, "applications.new.total"]
        with self.database.sessions() as session:
            # filters apply to the joined reports directly: an IN (subquery) over two million cells is slow
            reports_by_year: dict[int | None, int] = dict(
                session.execute(
                    self._filtered(select(StoredReport.year, func.count(StoredReport.id)), flt).group_by(
                        StoredReport.year
                    )
                ).all()
            )
            sums = session.execute(
                self._filtered(
                    select(StoredReport.year, StoredCell.cell_id, func.sum(StoredCell.number))
                    .select_from(StoredCell)
                    .join(StoredReport, StoredReport.id == StoredCell.report_id)
                    .where(StoredCell.cell_id.in_(wanted)),
                    flt,
                ).group_by(StoredReport.year, StoredCell.cell_id)
            ).all()
            by_rule = session.execute(
                self._filtered(
                    select(
                        StoredFinding.rule, StoredFinding.severity, StoredFinding.status, func.count(StoredFinding.id)
                    )
                    .select_from(StoredFinding)
                    .join(StoredReport, StoredReport.id == StoredFinding.report_id),
                    flt,
                ).group_by(StoredFinding.rule, StoredFinding.severity, StoredFinding.status)
            ).all()
            failed = session.execute(select(func.count(Source.id)).where(Source.error.is_not(None))).scalar_one()
        total: defaultdict[str, float] = defaultdict(float)
        applications: dict[int | None, float] = {}
        for year, cell_id, value in sums:
            total[cell_id] += value or 0
            if cell_id == "applications.new.total":
                applications[year] = value or 0
        rules: dict[str, dict[str, Any]] = {}
        for rule_id, severity, status, count in by_rule:
            entry = rules.setdefault(rule_id, {"severity": severity, **dict.fromkeys(REVIEW_STATUSES, 0)})
            entry[status] = entry.get(status, 0) + count

        def ratio(groups: tuple[str, ...]) -> Ratio:
            corrected = sum(total[f"appeals.{g}.corrected"] for g in groups)
            decided = sum(total[f"appeals.{g}.{c}"] for g in groups for c in _APPEAL_DECIDED)
            return Ratio(corrected, decided)

        return CorpusStats(
            reports=sum(reports_by_year.values()),
            failed_sources=failed,
            reports_by_year=dict(sorted(reports_by_year.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))),
            applications_by_year=dict(sorted(applications.items(), key=lambda kv: (kv[0] is None, kv[0] or 0))),
            outcomes={
                row: total[f"applications.{row}.total"] for row in OUTCOME_ROWS if f"applications.{row}.total" in total
            },
            review_correction=ratio(("review",)),
            suit_correction=ratio(("suit_direct", "suit_after_review")),
            findings_by_rule=dict(sorted(rules.items())),
        )

    # --- review ---------------------------------------------------------------------------

    def set_review(
        self, report_id: int, fingerprint: str, status: str, reviewer: str | None = None, reason: str | None = None
    ) -> FindingRow:
        """Record a reviewer's decision on a finding; it survives re-reading the report."""
        if status not in REVIEW_STATUSES:
            raise ValueError(f"status must be one of {', '.join(REVIEW_STATUSES)}, not {status!r}")
        with self.database.sessions.begin() as session:
            finding = session.scalar(
                select(StoredFinding).where(
                    StoredFinding.report_id == report_id, StoredFinding.fingerprint.startswith(fingerprint)
                )
            )
            if finding is None:
                raise KeyError(f"report {report_id} has no finding with fingerprint {fingerprint!r}")
            sha, key, year = self._identities(session, [report_id])[report_id]
            at = _now()
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
            self._refresh_error_counts(session, [report_id])
            return _finding_row(finding)


def _finding_row(f: StoredFinding) -> FindingRow:
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


__all__ = ["Repository", "cross_year_findings", "regions_agree"]
