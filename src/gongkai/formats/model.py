"""Types that declare a national report format as data.

A format is a set of tables; a table is one or more blocks; a block has
rows and columns. Cell ids are ``<table>.<row>.<column>`` exactly as in the
gold files (``applications.granted.person``, ``appeals.review.total``).
Arithmetic identities (勾稽关系, totals) are declared beside the tables, so
the reader, the checker, the renderer and the generator share one truth.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple, NewType

CellId = NewType("CellId", str)
"""``<table>.<row>.<column>``, e.g. ``applications.granted.person``."""


class CellParts(NamedTuple):
    table: str
    row: str
    column: str


def cell_id(table: str, row: str, column: str) -> CellId:
    """The one place a cell id is assembled."""
    return CellId(f"{table}.{row}.{column}")


def split_cell_id(cid: str) -> CellParts:
    """``applications.granted.person`` → ``CellParts("applications", "granted", "person")``."""
    table, row, column = cid.split(".", 2)
    return CellParts(table, row, column)


class BlockLayout(Enum):
    """How a block's cells are printed.

    ``ROWS``: every row starts with its label, then its cells (tables 二, 三).
    ``FLAT``: one line of cells under a header, no row labels (table 四).
    """

    ROWS = "rows"
    FLAT = "flat"


@dataclass(frozen=True, slots=True)
class Column:
    id: str
    label: str
    variants: tuple[str, ...] = ()
    signed: bool = False  # only 2019's 本年增/减 may be negative
    decimal: bool = False  # amounts (万元) rather than counts
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """A data row. ``number`` is the printed numbering (``一、``, ``（一）``, ``1.``).

    ``abbreviations`` are shortened labels accepted only with the row's numbering
    ("（二）部分公开"), since bare they are also column-header words.
    ``fallbacks`` are labels used only when the row's own label is not
    printed, e.g. a 2021 table that prints （六）其他处理 as one row instead
    of its three sub-rows: that row is read into ``other_misc``.
    """

    id: str
    label: str
    number: str = ""
    variants: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    fallbacks: tuple[str, ...] = ()
    short: str | None = None  # a compact label for narrow displays ("直接起诉")

    @property
    def numbered(self) -> str:
        """The label as printed with its numbering: ``（一）予以公开``."""
        return self.number + self.label


@dataclass(frozen=True, slots=True)
class RowGroup:
    """A merged label spanning several rows (三、本年度办理结果, （三）不予公开); not a data row."""

    label: str
    rows: tuple[str, ...]  # ids of the rows it spans


@dataclass(frozen=True, slots=True)
class Block:
    id: str
    caption: str | None
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    layout: BlockLayout = BlockLayout.ROWS
    header_words: tuple[str, ...] = ()
    total_column: str | None = None  # a row with one printed number puts it here
    groups: tuple[RowGroup, ...] = ()  # merged group labels, outermost first


@dataclass(frozen=True, slots=True)
class Table:
    id: str  # proactive | applications | appeals
    title: str  # Chinese name shown to users
    section: int  # which of the six sections holds it
    blocks: tuple[Block, ...]
    # worked out once: the table's cell ids, and each block's (by its position) row by row
    _ids: list[CellId] = field(default_factory=list, init=False, compare=False, repr=False)
    _row_ids: list[tuple[tuple[CellId, ...], ...]] = field(default_factory=list, init=False, compare=False, repr=False)

    def cell_ids(self) -> list[CellId]:
        if not self._ids:  # one slice assignment: threads that fill it at once leave it whole
            self._ids[:] = [
                cell_id(self.id, row.id, col.id) for block in self.blocks for row in block.rows for col in block.columns
            ]
        return list(self._ids)

    def row_cell_ids(self, block: Block) -> tuple[tuple[CellId, ...], ...]:
        """The cell ids of each row of one of the table's blocks, in column order."""
        if not self._row_ids:
            self._row_ids[:] = [
                tuple(tuple(cell_id(self.id, row.id, col.id) for col in b.columns) for row in b.rows)
                for b in self.blocks
            ]
        for i, b in enumerate(self.blocks):
            if b is block:
                return self._row_ids[i]
        return tuple(tuple(cell_id(self.id, row.id, col.id) for col in block.columns) for row in block.rows)

    def cell(self, row: str, column: str) -> CellId:
        return cell_id(self.id, row, column)


class IdentityKind(Enum):
    ROW_TOTAL = "row-total"
    COLUMN_TOTAL = "column-total"
    BALANCE = "balance"
    APPEAL_TOTAL = "appeal-total"


@dataclass(frozen=True, slots=True)
class Identity:
    """``sum(left) == sum(right)``, blank cells counting as zero."""

    kind: IdentityKind
    left: tuple[str, ...]
    right: tuple[str, ...]
    where: str  # a short Chinese description of the row/column concerned

    @property
    def cells(self) -> tuple[str, ...]:
        return self.left + self.right


@dataclass(frozen=True, slots=True)
class Section:
    """One of the six numbered parts of a report."""

    number: int
    heading: str
    variants: tuple[str, ...] = ()

    @property
    def numbered(self) -> str:
        """The heading as printed: ``一、总体情况``."""
        return f"{'一二三四五六七八九十'[self.number - 1]}、{self.heading}"


@dataclass(frozen=True, slots=True)
class ClosingRows:
    """The outcome rows of table 三 that a step of the law itself decides (the register closes into them)."""

    partial: Row  # （二）部分公开: a partly withheld answer counts once, here
    unclear: Row  # （四）3 补正后申请内容仍不明确 (条例 第三十条)
    mass: Row  # （五）4 无正当理由大量反复申请 (第三十五条)
    no_correction: Row  # （六）1 逾期不补正 (第三十条)
    no_fee: Row  # （六）2 逾期未缴费 (第四十二条)
    other: Row  # （六）3 其他: a withdrawal
    withheld: tuple[Row, ...] = ()  # （三）不予公开's rows: a decision that must go to review before a suit (2024-)


@dataclass(frozen=True, slots=True)
class ApplicationsView:
    """Table 三 by role: the rows and columns that the identities, statistics, register and writer name."""

    table: str
    new: Row  # 一、本年新收
    carried: Row  # 二、上年结转
    outcomes: tuple[Row, ...]  # the outcome rows of 三、本年度办理结果, without （七）总计
    total: Row  # （七）总计
    carry_forward: Row  # 四、结转下年度继续办理
    applicants: tuple[Column, ...]  # 自然人 and the five 法人或其他组织 columns
    total_column: Column  # 总计
    closing: ClosingRows | None = None  # only where （六） has its three sub-rows (2021)

    @property
    def columns(self) -> tuple[Column, ...]:
        return (*self.applicants, self.total_column)

    @property
    def granted(self) -> Row:
        """（一）予以公开, the first outcome row."""
        return self.outcomes[0]

    @property
    def person(self) -> Column:
        return self.applicants[0]

    @property
    def organisations(self) -> tuple[Column, ...]:
        return self.applicants[1:]

    def cell(self, row: Row | str, column: Column | str | None = None) -> CellId:
        """A cell of table 三; the 总计 column when no column is named."""
        row_id = row if isinstance(row, str) else row.id
        col = column if column is not None else self.total_column
        return cell_id(self.table, row_id, col if isinstance(col, str) else col.id)


@dataclass(frozen=True, slots=True)
class AppealsView:
    """Table 四 by role: the review group, the two suit groups and the result columns."""

    table: str
    review: Row  # 行政复议
    suits: tuple[Row, ...]  # 行政诉讼: 未经复议直接起诉, 复议后起诉
    results: tuple[Column, ...]  # 结果维持, 结果纠正, 其他结果, 尚未审结
    decided: tuple[Column, ...]  # the results of a closed case: 维持, 纠正, 其他
    corrected: Column  # 结果纠正 (纠错率)
    total_column: Column  # 总计

    @property
    def groups(self) -> tuple[Row, ...]:
        return (self.review, *self.suits)

    @property
    def columns(self) -> tuple[Column, ...]:
        return (*self.results, self.total_column)

    def cell(self, group: Row | str, column: Column | str | None = None) -> CellId:
        group_id = group if isinstance(group, str) else group.id
        col = column if column is not None else self.total_column
        return cell_id(self.table, group_id, col if isinstance(col, str) else col.id)


@dataclass(frozen=True, slots=True)
class ProactiveView:
    """Table 二's 规章 and 规范性文件 counts where the format keeps a stock (2021: 制发, 废止, 现行有效)."""

    table: str
    documents: tuple[Row, ...]  # 规章, 行政规范性文件
    issued: Column
    repealed: Column
    in_force: Column

    def cell(self, row: Row | str, column: Column) -> CellId:
        return cell_id(self.table, row if isinstance(row, str) else row.id, column.id)


@dataclass(frozen=True, slots=True)
class TemplateWords:
    """Words the national template prints that are neither rows nor columns."""

    report_title: str  # 政府信息公开工作年度报告
    content_header: str  # 信息内容 (the first header cell of each block of table 二)
    balance_note: str  # the 勾稽关系 note in the corner of table 三
    applicants_header: str  # 申请人情况
    organisations_header: str  # 法人或其他组织
    litigation_header: str  # 行政诉讼


@dataclass(frozen=True, slots=True)
class Format:
    id: str  # "2019" | "2021" | "pre2019"
    name: str
    basis: str  # the document that set the format
    tables: tuple[Table, ...]
    sections: tuple[Section, ...]
    signals: tuple[str, ...]  # phrases that only this format's tables print
    identities: tuple[Identity, ...] = ()
    first_year: int | None = None
    last_year: int | None = None
    short_name: str = ""  # "2021版"
    anchors: tuple[str, ...] = ()  # phrases whose presence says the report prints this format's tables
    applications: ApplicationsView | None = None
    appeals: AppealsView | None = None
    proactive: ProactiveView | None = None
    words: TemplateWords | None = None
    fee_section: int | None = None  # the section that must report 信息处理费 (国办函〔2020〕109号)
    _columns: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)
    _labels: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _ids: list[CellId] = field(default_factory=list, init=False, compare=False, repr=False)

    def cell_ids(self) -> list[CellId]:
        if not self._ids:
            self._ids[:] = [cid for table in self.tables for cid in table.cell_ids()]
        return list(self._ids)

    def covers(self, year: int) -> bool:
        """The format was in force for reports on ``year``."""
        return (self.first_year is None or year >= self.first_year) and (
            self.last_year is None or year <= self.last_year
        )

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)

    def _declared(self) -> Iterator[tuple[CellId, Row, Column]]:
        for table in self.tables:
            for block in table.blocks:
                for row in block.rows:
                    for col in block.columns:
                        yield cell_id(table.id, row.id, col.id), row, col

    def column_of(self, cid: str) -> Column:
        """The column declaration a cell belongs to."""
        if not self._columns:
            self._columns.update((c, col) for c, _, col in self._declared())
        return self._columns[cid]

    def label_of(self, cid: str) -> str:
        """A Chinese description of a cell: ``行政复议·总计``."""
        if not self._labels:
            self._labels.update((c, f"{row.label}·{col.label}") for c, row, col in self._declared())
        return self._labels.get(cid, cid)
