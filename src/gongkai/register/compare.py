"""The register's tables 三 and 四 beside the agency's published report of the same year, cell by cell.

A published cell that is not printed (absent, or printed empty) is listed as not printed, never
compared as 0: nothing is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..formats import FORMAT_2021
from ..model import CellState, Report
from .tables import YearTables, table_cells

_PRINTED = (CellState.READ, CellState.INFERRED)


@dataclass(frozen=True, slots=True)
class CellDifference:
    """One cell where the published report and the register disagree (or the report printed nothing)."""

    cell: str
    label: str  # 本年新收政府信息公开申请数量·自然人
    published: int | None  # None: not printed
    register: int
    state: str  # the published cell's state: read / inferred / blank / absent
    applications: tuple[str, ...] = ()

    @property
    def printed(self) -> bool:
        return self.published is not None

    def to_json(self) -> dict[str, object]:
        return {
            "cell": self.cell,
            "label": self.label,
            "published": self.published,
            "register": self.register,
            "state": self.state,
            "applications": list(self.applications),
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    """Where the published tables differ from the register's (``basis``: snapshot or live)."""

    agency: str
    year: int
    basis: str  # "snapshot" or "live"
    report_source: str
    report_agency: str | None
    differences: tuple[CellDifference, ...]
    not_printed: tuple[CellDifference, ...]
    agreeing: int
    snapshot_id: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not self.differences and not self.not_printed

    def to_json(self) -> dict[str, object]:
        return {
            "agency": self.agency,
            "year": self.year,
            "basis": self.basis,
            "snapshot": self.snapshot_id,
            "report": {"source": self.report_source, "agency": self.report_agency},
            "differences": [d.to_json() for d in self.differences],
            "not_printed": [d.to_json() for d in self.not_printed],
            "agreeing": self.agreeing,
            "notes": self.notes,
        }


def compare_published(
    published: Report, tables: YearTables, *, basis: str, snapshot_id: int | None = None
) -> Comparison:
    """Every cell of tables 三 and 四: published value against the register's count."""
    differences: list[CellDifference] = []
    not_printed: list[CellDifference] = []
    agreeing = 0
    notes: list[str] = []
    shape = published.format.id if published.format is not None else None
    if shape != FORMAT_2021.id:
        notes.append(f"已公开报告的版式（{shape or '未识别'}）不是登记簿所用的 2021 版式，仅比较同一单元格")
    for cid in table_cells():
        ids = tuple(tables.cells.get(cid, ()))
        cell = published.cells.get(cid)
        state = cell.state if cell is not None else CellState.ABSENT
        label = FORMAT_2021.label_of(cid)
        if cell is None or state not in _PRINTED or cell.value is None:
            not_printed.append(CellDifference(cid, label, None, len(ids), state.value, ids))
            continue
        value = int(cell.value)
        if value == len(ids):
            agreeing += 1
        else:
            differences.append(CellDifference(cid, label, value, len(ids), state.value, ids))
    return Comparison(
        tables.agency,
        tables.year,
        basis,
        published.source,
        published.agency,
        tuple(differences),
        tuple(not_printed),
        agreeing,
        snapshot_id,
        notes,
    )
