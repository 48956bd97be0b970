"""The annual report being written: who, which year, the six sections' prose and the three tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..formats import FORMAT_2021, CellId
from ..model import Cell, CellState, EntityType, Report, TextSection, format_value
from ..register.fees import FeeSummary
from ..register.tables import YearTables

Value = int | Decimal | None

DRAFT_MARK = "草稿"
DRAFT_NOTE = "（草稿：表二和正文由 gongkai 按登记簿数据生成，须经编写人核对、修改后方可发布。）"
PROACTIVE = FORMAT_2021.tables[0]
PROSE_SECTIONS = tuple(s.number for s in FORMAT_2021.sections)


@dataclass(slots=True)
class AnnualReport:
    """Everything the renderers print; every number comes from ``proactive`` or ``tables``.

    ``proactive`` holds table 二 as given (a cell not given is absent and prints blank);
    ``tables`` holds tables 三 and 四 from the register; ``sections`` the prose of each of
    the six sections (number → text, paragraphs separated by newlines). ``draft`` marks a
    report whose table 二 and prose were not given but generated.
    """

    agency: str
    year: int
    entity_type: EntityType
    sections: dict[int, str]
    proactive: dict[CellId, Value]
    tables: YearTables
    fees: FeeSummary
    draft: bool = False
    override: str | None = None  # why error-level findings were overridden, kept in the output's metadata
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The report's title: agency, year and the template's title."""
        assert FORMAT_2021.words is not None
        return f"{self.agency}{self.year}年{FORMAT_2021.words.report_title}"

    def values(self) -> dict[str, Value]:
        """Every cell printed: table 二 as given (absent → None) and tables 三, 四 from the register."""
        out: dict[str, Value] = {cid: self.proactive.get(cid) for cid in PROACTIVE.cell_ids()}
        out.update({cid: len(ids) for cid, ids in self.tables.cells.items()})
        return out

    def report(self) -> Report:
        """The report as the checker reads it: the cells, the title and the sections' text."""
        cells: dict[str, Cell] = {}
        for cid, value in self.values().items():
            printed = format_value(value)
            cells[cid] = Cell(cid, value, printed, CellState.READ if value is not None else CellState.BLANK)
        return Report(
            source=f"write:{self.agency}:{self.year}",
            format=FORMAT_2021,
            cells=cells,
            agency=self.agency,
            entity_type=self.entity_type,
            year=self.year,
            title=self.title,
            sections={
                s.number: TextSection(s.number, s.numbered, self.sections.get(s.number, ""))
                for s in FORMAT_2021.sections
            },
        )

    def paragraphs(self, number: int) -> list[str]:
        """The prose of section ``number`` as paragraphs (blank lines dropped)."""
        return [p.strip() for p in self.sections.get(number, "").split("\n") if p.strip()]
