"""What the repository hands out: filters and read-only rows (no ORM objects leave the store)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from ..formats import FORMATS, Row
from ..law.publication import Publication
from ..model import EntityType
from .workflow import REVIEW_STATUS_ZH as REVIEW_STATUS_ZH  # the workflow's names, where the rows live
from .workflow import REVIEW_STATUSES as REVIEW_STATUSES

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
    # a region's subtree: the run-together places outermost first (江苏省淮安市 covers 江苏省淮安市洪泽区);
    # a report whose stated region omits the outer places matches by its agency's registered region
    region: str | None = None
    # superseded versions are left out unless asked for, or unless ``ids`` names reports exactly
    include_superseded: bool = False
    # reports with at least one finding matching all of these (rule id, severity code, review status)
    rule: str | None = None
    severity: str | None = None
    review_status: str | None = None


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
    pending: int = 0  # findings still 待审 (open)

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


@dataclass(frozen=True, slots=True)
class CorrectionRow:
    """A reviewer's value for one cell of one source (by content hash), as entered.

    ``value`` is the exact decimal entered (None: "not printed"), ``read_value`` what the
    reader had when it was entered (None: nothing read). ``in_force``: the newest row of
    its cell that was not withdrawn.
    """

    id: int
    sha256: str
    agency_key: str | None
    year: int | None
    cell_id: str
    value: str | None
    read_value: str | None
    reason: str
    author: str | None
    at: datetime
    withdrawn_at: datetime | None
    in_force: bool
    withdrawn_by: str | None = None

    def to_json(self) -> dict[str, object]:
        out = {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]
        out["at"] = self.at.isoformat()
        out["withdrawn_at"] = self.withdrawn_at.isoformat() if self.withdrawn_at else None
        return out


@dataclass(frozen=True, slots=True)
class CorrectionResult:
    """What entering or withdrawing a correction did: the row, and the findings the re-check changed."""

    report_id: int
    cell_id: str
    correction: CorrectionRow | None  # the row entered, or the one withdrawn
    withdrawn: bool
    value: str | None  # the cell's value in force now (None: not printed)
    findings_added: tuple[FindingRow, ...]  # the report's findings now, not there before
    findings_removed: tuple[FindingRow, ...]  # there before, gone now
    findings_changed: tuple[FindingRow, ...] = ()  # the same finding (fingerprint) reworded
    state: str | None = None  # the cell's state now (CellState value; None: no cell)
    read_state: str | None = None  # the state the reader gave it (None: the reader had no cell)

    def to_json(self) -> dict[str, object]:
        return {
            "report_id": self.report_id,
            "cell_id": self.cell_id,
            "correction": self.correction.to_json() if self.correction else None,
            "withdrawn": self.withdrawn,
            "value": self.value,
            "state": self.state,
            "read_state": self.read_state,
            "findings_added": [f.to_json() for f in self.findings_added],
            "findings_removed": [f.to_json() for f in self.findings_removed],
            "findings_changed": [f.to_json() for f in self.findings_changed],
        }


AGENCY_ORIGIN_ZH = {"report": "由报告生成", "import": "导入", "edit": "人工编辑"}
"""How a registry row came: made from an ingested report, imported from a file, or edited by a person."""


def kind_zh(kind: str) -> str:
    """The Chinese name of an entity-type code (人民政府, 政府部门 …); the code itself if it is none."""
    try:
        return EntityType(kind).zh
    except ValueError:
        return kind


@dataclass(frozen=True, slots=True)
class AgencyRow:
    """One organ of the registry."""

    id: int
    key: str  # the normalised key reports meet it by (law.agencies.normalise_agency_key)
    name: str
    kind: str  # an EntityType value
    parent_key: str | None
    parent_name: str | None
    region: str | None  # the places outermost first, run together
    origin: str  # report | import | edit
    note: str | None
    updated_at: datetime

    @property
    def kind_zh(self) -> str:
        return kind_zh(self.kind)

    @property
    def origin_zh(self) -> str:
        return AGENCY_ORIGIN_ZH.get(self.origin, self.origin)

    def to_json(self) -> dict[str, object]:
        return {
            "key": self.key,
            "name": self.name,
            "kind": self.kind,
            "kind_zh": self.kind_zh,
            "parent_key": self.parent_key,
            "parent_name": self.parent_name,
            "region": self.region,
            "origin": self.origin,
            "origin_zh": self.origin_zh,
            "note": self.note,
            "updated_at": self.updated_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class AgencyEntry:
    """An organ as a file or a person states it; what is ``None`` is not stated (an update keeps it).

    ``parent`` is the parent's key or name; ``key`` is computed from the name when absent.
    """

    name: str
    key: str | None = None
    kind: str | None = None  # an EntityType value
    parent: str | None = None
    region: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class AgencyStanding:
    """One agency's publication state for a year, with the report that decides it."""

    agency: AgencyRow
    state: Publication
    deadline: date | None  # the date a published report is late after (None: no national date)
    due: date  # a missing report is overdue after this day
    report_id: int | None
    published: date | None  # the report's printed date

    def to_json(self) -> dict[str, object]:
        return {
            "agency": self.agency.to_json(),
            "state": self.state.value,
            "state_zh": self.state.zh,
            "published_report": self.state.published,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "due": self.due.isoformat(),
            "report_id": self.report_id,
            "published": self.published.isoformat() if self.published else None,
        }


@dataclass(frozen=True, slots=True)
class PublicationStatus:
    """Who of a scope of the registry has published the report on ``year``, who late, who not at all."""

    year: int
    today: date
    rows: tuple[AgencyStanding, ...]

    def of(self, *states: Publication) -> list[AgencyStanding]:
        return [r for r in self.rows if r.state in states]

    @property
    def counts(self) -> dict[str, int]:
        """Agencies per state (every state listed, 0 included), with the totals 已发布 / 逾期发布 / 未发布."""
        return {state.value: len(self.of(state)) for state in Publication}

    @property
    def published(self) -> int:
        return sum(1 for r in self.rows if r.state.published)

    @property
    def missing(self) -> int:
        return len(self.rows) - self.published

    def to_json(self) -> dict[str, object]:
        return {
            "year": self.year,
            "today": self.today.isoformat(),
            "agencies": len(self.rows),
            "published": self.published,
            "late": len(self.of(Publication.LATE)),
            "missing": self.missing,
            "overdue": len(self.of(Publication.OVERDUE)),
            "counts": self.counts,
            "labels": {state.value: state.zh for state in Publication},
            "rows": [r.to_json() for r in self.rows],
        }
