"""What the repository hands out: filters and read-only rows (no ORM objects leave the store)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

REVIEW_STATUSES = ("open", "confirmed", "dismissed")


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
