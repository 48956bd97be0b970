"""What the repository hands out: filters and read-only rows (no ORM objects leave the store)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from ..formats import FORMATS, Row

REVIEW_STATUSES = ("open", "confirmed", "dismissed")
REVIEW_STATUS_ZH = {"open": "待审", "confirmed": "已确认", "dismissed": "已驳回"}
SORTS = ("agency", "year", "format", "level", "errors", "warnings", "published", "id")  # of a report listing

OUTCOME_ROWS: dict[str, Row] = {}
"""Every format's outcome rows of table 三 (（一）予以公开 … （六）其他处理) by id, first declaration wins."""
for _fmt in FORMATS.values():
    for _row in _fmt.applications.outcomes if _fmt.applications else ():
        OUTCOME_ROWS.setdefault(_row.id, _row)


def outcome_label(row_id: str) -> str:
    """An outcome row as printed with its numbering (``（一）予以公开``); the id if no format declares it."""
    row = OUTCOME_ROWS.get(row_id)
    return row.numbered if row else row_id


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """Which reports a query covers; ``None`` means "any"."""

    agency: str | None = None  # a part of the agency's name (洪泽区 matches 淮安市洪泽区人民政府)
    years: tuple[int, ...] | None = None
    format: str | None = None  # "2019" | "2021" | "pre2019"
    level: str | None = None  # entity type: government | township | department | other
    has_errors: bool | None = None  # error-level findings not dismissed
    ids: tuple[int, ...] | None = None
    # superseded versions are left out unless asked for, or unless ``ids`` names reports exactly
    include_superseded: bool = False


@dataclass(frozen=True, slots=True)
class ReportRow:
    id: int
    source: str
    sha256: str
    agency: str | None
    agency_key: str | None
    region: str | None
    entity_type: str
    year: int | None
    format: str | None
    published: date | None
    title: str | None
    errors: int
    warnings: int
    version: int = 1  # of its agency-year, from 1
    superseded_by: int | None = None  # the newer version's id; None: current

    @property
    def current(self) -> bool:
        return self.superseded_by is None

    def to_json(self) -> dict[str, object]:
        out = {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]
        out["published"] = self.published.isoformat() if self.published else None
        return out


@dataclass(frozen=True, slots=True)
class FindingRow:
    id: int
    report_id: int
    rule: str
    severity: str
    cells: tuple[str, ...]
    message: str
    fingerprint: str
    cross_year: bool
    status: str
    reviewer: str | None
    reason: str | None
    reviewed_at: datetime | None

    @property
    def status_zh(self) -> str:
        """The review status as a reviewer reads it (待审, 已确认, 已驳回)."""
        return REVIEW_STATUS_ZH.get(self.status, self.status)

    def to_json(self) -> dict[str, object]:
        out = {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]
        out["cells"] = list(self.cells)
        out["reviewed_at"] = self.reviewed_at.isoformat() if self.reviewed_at else None
        return out


VERSION_POLICIES = ("supersede", "keep-both")
"""What a new source of a stored agency-year does: become the current version, or stand beside it."""


@dataclass(frozen=True, slots=True)
class VersionRow:
    """One version of an agency-year's report."""

    id: int
    version: int
    source: str
    sha256: str
    stored_at: datetime
    superseded_by: int | None

    @property
    def current(self) -> bool:
        return self.superseded_by is None

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "version": self.version,
            "source": self.source,
            "sha256": self.sha256,
            "stored_at": self.stored_at.isoformat(),
            "current": self.current,
            "superseded_by": self.superseded_by,
        }


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """Two versions compared: their cells (as ``compare``) and their findings by fingerprint."""

    a: int
    b: int
    cells: tuple[CellDiff, ...]  # every cell either has; ``.differs`` marks the changed ones
    findings_added: tuple[FindingRow, ...]  # in b, not in a
    findings_removed: tuple[FindingRow, ...]  # in a, not in b

    @property
    def changed_cells(self) -> list[CellDiff]:
        return [d for d in self.cells if d.differs]

    def to_json(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "cells": [d.to_json() for d in self.changed_cells],
            "findings_added": [f.to_json() for f in self.findings_added],
            "findings_removed": [f.to_json() for f in self.findings_removed],
        }


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one batch write stored."""

    reports: int = 0
    failed: int = 0  # sources recorded with their error
    already: int = 0  # content already in the store (another process got there first)
    superseded: int = 0  # stored reports that a new version replaced
    findings: Counter[str] = field(default_factory=Counter)  # by severity


@dataclass(frozen=True, slots=True)
class CellDiff:
    cell_id: str
    label: str
    a: str | None
    b: str | None
    a_state: str | None
    b_state: str | None

    @property
    def differs(self) -> bool:
        return self.a != self.b

    def to_json(self) -> dict[str, object]:
        return {
            "cell": self.cell_id,
            "label": self.label,
            "a": self.a,
            "b": self.b,
            "a_state": self.a_state,
            "b_state": self.b_state,
            "differs": self.differs,
        }


@dataclass(frozen=True, slots=True)
class Ratio:
    """纠错率 = 结果纠正 / (结果维持 + 结果纠正 + 其他结果); pending cases are not yet decided."""

    corrected: float
    decided: float

    @property
    def rate(self) -> float | None:
        return self.corrected / self.decided if self.decided else None

    def to_json(self) -> dict[str, object]:
        return {"corrected": self.corrected, "decided": self.decided, "rate": self.rate}


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


@dataclass(frozen=True, slots=True)
class CorpusStats:
    reports: int
    failed_sources: int
    reports_by_year: dict[int | None, int]
    applications_by_year: dict[int | None, float]  # 本年新收 总计
    outcomes: dict[str, float]  # outcome row id → applications closed that way (总计 column)
    review_correction: Ratio
    suit_correction: Ratio
    findings_by_rule: dict[str, dict[str, object]]  # rule → {"severity", "open", "confirmed", "dismissed"}
    agencies_with_most_errors: tuple[AgencyErrors, ...] = ()  # ranked, at most 15

    def to_json(self) -> dict[str, object]:
        """The one JSON shape of the corpus figures, for ``gongkai stats --json`` and ``/api/stats``."""
        closed = sum(self.outcomes.values())
        return {
            "reports": self.reports,
            "failed_sources": self.failed_sources,
            "reports_by_year": {str(k): v for k, v in self.reports_by_year.items()},
            "applications_by_year": {str(k): v for k, v in self.applications_by_year.items()},
            "outcomes": {
                row: {
                    "label": outcome_label(row),
                    "count": n,
                    "share": n / closed if closed else None,
                }
                for row, n in self.outcomes.items()
            },
            "correction_rate": {"review": self.review_correction.to_json(), "suit": self.suit_correction.to_json()},
            "findings_by_rule": self.findings_by_rule,
            "agencies_with_most_errors": [a.to_json() for a in self.agencies_with_most_errors],
        }
