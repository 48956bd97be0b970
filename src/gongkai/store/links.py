"""Pairing each report with its agency's previous year, and storing the cross-year check's findings.

The store does not know the rules. Whoever writes hands in the check
(``gongkai.check.cross_year_findings`` in the ingest pipeline); ``link_years`` runs
exactly that callable on each pair, inside the caller's write transaction, so a
batch's reports and their cross-year findings are stored together or not at all.

A report's previous year is the report of the same normalised agency key for the
year before whose region agrees (福州市鼓楼区 is not 南京市鼓楼区). A new report
is paired both ways: with its previous year, and as the previous year of the
following year's report already stored. Only current versions are paired: a
superseded version keeps the cross-year findings it had.

The ingest's writer pairs from what it holds (``link_held``): a ``YearIndex`` of the
versions of the batch's agencies, read once before the batch's reports go in and
kept up to date as they are placed, and the batch's own reports rebuilt from the
rows it has just written; only a year stored earlier is loaded from the database.
``link_years`` (a reviewer's correction to one report) reads the pairs from the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..check.finding import Finding
from ..model import Report
from .base import Identity, chunks, identities, load_reports, refresh_error_counts
from .models import StoredFinding, StoredReport
from .records import Record, finding_record, report_from_rows
from .reviews import decisions, finding_values

CrossYearCheck = Callable[[Report, Report], Iterable[Finding]]
"""``check(report, previous)``: the findings that compare a report with its agency's previous year."""


def regions_agree(a: str | None, b: str | None) -> bool:
    """Two stated regions name the same place when one ends the other (洪泽区, 淮安市洪泽区)."""
    if not a or not b:
        return True
    return a.endswith(b) or b.endswith(a)


def year_pairs(session: Session, new_ids: list[int]) -> dict[int, int | None]:
    """Report id → its previous year's report id (or None), for the new reports and the years after them."""
    new_rows: list[Any] = []
    for part in chunks(new_ids):
        new_rows += session.execute(
            select(StoredReport.id, StoredReport.agency_key, StoredReport.region, StoredReport.year).where(
                StoredReport.id.in_(part),
                StoredReport.agency_key.is_not(None),
                StoredReport.year.is_not(None),
                StoredReport.superseded_by.is_(None),
            )
        ).all()
    if not new_rows:
        return {}
    keys = list({row.agency_key for row in new_rows})
    by_key_year: dict[tuple[str, int], list[tuple[int, str | None]]] = defaultdict(list)
    for part in chunks(keys):
        for row in session.execute(
            select(StoredReport.id, StoredReport.agency_key, StoredReport.region, StoredReport.year)
            .where(
                StoredReport.agency_key.in_(part),
                StoredReport.year.is_not(None),
                StoredReport.superseded_by.is_(None),
            )
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
    return pairs


def link_years(session: Session, new_ids: list[int], check: CrossYearCheck) -> None:
    """Replace the cross-year findings of the new reports and of the years after them with ``check``'s."""
    if not new_ids:
        return
    pairs = year_pairs(session, new_ids)
    linked = {rid: prev for rid, prev in pairs.items() if prev is not None}
    for part in chunks(list(pairs)):
        session.execute(
            delete(StoredFinding).where(StoredFinding.report_id.in_(part), StoredFinding.cross_year.is_(True))
        )
    if not linked:
        return
    reports = load_reports(session, list(set(linked) | set(linked.values())))
    _insert_pair_findings(session, linked, reports, identities(session, list(linked)), check)
    refresh_error_counts(session, list(linked))


def _insert_pair_findings(
    session: Session,
    linked: dict[int, int],
    reports: Mapping[int, Report],
    known: Mapping[int, Identity],
    check: CrossYearCheck,
) -> list[dict[str, Any]]:
    """Run ``check`` on each (report, previous year) pair and insert its findings, reviews re-attached; the rows."""
    reviewed = decisions(session, list(known.values()))
    rows = [
        finding_values(report_id, finding_record(finding), True, known[report_id], reviewed)
        for report_id, previous_id in linked.items()
        for finding in check(reports[report_id], reports[previous_id])
    ]
    if rows:
        session.execute(insert(StoredFinding), rows)
    return rows


@dataclass(slots=True)
class Version:
    """One stored report as versions and years see it."""

    id: int
    key: str
    year: int
    region: str | None
    version: int
    superseded_by: int | None


@dataclass(frozen=True, slots=True)
class Held:
    """A report of the batch being written: its id, what it is paired by, and its prepared record."""

    id: int
    key: str | None
    year: int | None
    region: str | None
    record: Record

    @property
    def identity(self) -> tuple[str, str | None, int | None]:
        return (self.record["sha256"], self.key, self.year)

    def report(self) -> Report:
        return report_from_rows(self.record["name"], self.record["rows"])


class YearIndex:
    """The versions of some agencies' reports, by (agency key, year): read once, then kept by the writer."""

    def __init__(self, versions: Iterable[Version] = ()) -> None:
        self.by_id: dict[int, Version] = {}
        self.groups: dict[tuple[str, int], list[Version]] = defaultdict(list)
        for version in versions:
            self.add(version)

    @classmethod
    def of(cls, session: Session, keys: Iterable[str | None]) -> YearIndex:
        """Every stored report of these agency keys that has a year."""
        wanted = sorted(k for k in keys if k)
        found: list[Version] = []
        for part in chunks(wanted):
            found += [
                Version(rid, cast(str, key), cast(int, year), region, version, successor)  # the query wants both
                for rid, key, year, region, version, successor in session.execute(
                    select(
                        StoredReport.id,
                        StoredReport.agency_key,
                        StoredReport.year,
                        StoredReport.region,
                        StoredReport.version,
                        StoredReport.superseded_by,
                    ).where(StoredReport.agency_key.in_(part), StoredReport.year.is_not(None))
                )
            ]
        return cls(sorted(found, key=lambda v: v.id))

    def add(self, version: Version) -> None:
        self.by_id[version.id] = version
        self.groups[(version.key, version.year)].append(version)

    def versions(self, key: str, year: int) -> list[Version]:
        """The versions of an agency-year, in the order stored."""
        return self.groups[(key, year)]

    def restore(self, restored: dict[int, tuple[int, int | None]], kept: Iterable[Held]) -> None:
        """Take in what re-read reports put back (``writes._restore_versions``) and the re-read reports themselves."""
        for rid, (number, successor) in restored.items():
            if (held := self.by_id.get(rid)) is not None:
                held.version, held.superseded_by = number, successor
        for h in kept:
            if h.key is not None and h.year is not None:
                number, successor = restored.get(h.id, (1, None))
                self.add(Version(h.id, h.key, h.year, h.region, number, successor))
        for group in self.groups.values():
            group.sort(key=lambda v: v.id)

    def pairs(self, ids: Iterable[int]) -> dict[int, int | None]:
        """Report id → its previous year's report id (or None), for these reports and the years after them.

        The same pairs ``year_pairs`` reads from the database: current versions only, the first in the
        order stored whose region agrees.
        """

        def current(key: str, year: int) -> list[Version]:
            return [v for v in self.groups.get((key, year), ()) if v.superseded_by is None]

        def previous_of(key: str, year: int, region: str | None) -> int | None:
            for candidate in current(key, year - 1):
                if regions_agree(region, candidate.region):
                    return candidate.id
            return None

        out: dict[int, int | None] = {}
        for rid in sorted(ids):
            row = self.by_id.get(rid)
            if row is None or row.superseded_by is not None:
                continue
            out[row.id] = previous_of(row.key, row.year, row.region)
            for later in current(row.key, row.year + 1):
                if regions_agree(row.region, later.region):
                    out[later.id] = previous_of(row.key, row.year + 1, later.region)
        return out


def link_held(
    session: Session, index: YearIndex, held: list[Held], check: CrossYearCheck, errors: dict[int, int]
) -> None:
    """``link_years`` for a batch the writer holds: pairs from ``index``, the batch's reports from its rows.

    Adds the error-level cross-year findings of the batch's reports to ``errors`` (the caller stores
    those counts); a later year stored before has its count refreshed here.
    """
    batch = {h.id: h for h in held}
    pairs = index.pairs(batch)
    outside = [rid for rid in pairs if rid not in batch]  # the batch's own reports hold no cross-year findings
    for part in chunks(outside):
        session.execute(
            delete(StoredFinding).where(StoredFinding.report_id.in_(part), StoredFinding.cross_year.is_(True))
        )
    linked = {rid: prev for rid, prev in pairs.items() if prev is not None}
    if linked:
        wanted = set(linked) | set(linked.values())
        reports = {rid: batch[rid].report() for rid in wanted if rid in batch}
        reports.update(load_reports(session, sorted(wanted - set(batch))))
        known = {rid: batch[rid].identity for rid in linked if rid in batch}
        known.update(identities(session, [rid for rid in linked if rid not in batch]))
        for row in _insert_pair_findings(session, linked, reports, known, check):
            if row["report_id"] in batch and row["severity"] == "error" and row["status"] != "dismissed":
                errors[row["report_id"]] = errors.get(row["report_id"], 0) + 1
    refresh_error_counts(session, outside)
