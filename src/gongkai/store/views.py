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

    def to_json(self) -> dict[str, object]:
        out = {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]
        out["cells"] = list(self.cells)
        out["reviewed_at"] = self.reviewed_at.isoformat() if self.reviewed_at else None
        return out


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one batch write stored."""

    reports: int = 0
    failed: int = 0  # sources recorded with their error
    already: int = 0  # content already in the store (another process got there first)
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
