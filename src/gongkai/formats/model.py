"""Types that declare a national report format as data.

A format is a set of tables; a table is one or more blocks; a block has
rows and columns. Cell ids are ``<table>.<row>.<column>`` exactly as in the
gold files (``applications.granted.person``, ``appeals.review.total``).
Arithmetic identities (勾稽关系, totals) are declared beside the tables, so
the reader, the checker, the renderer and the generator share one truth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


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

    def cell_ids(self) -> list[str]:
        return [f"{self.id}.{row.id}.{col.id}" for block in self.blocks for row in block.rows for col in block.columns]


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
    _columns: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)
    _labels: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def cell_ids(self) -> list[str]:
        return [cid for table in self.tables for cid in table.cell_ids()]

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)

    def column_of(self, cell_id: str) -> Column:
        """The column declaration a cell belongs to."""
        if not self._columns:
            for table in self.tables:
                for block in table.blocks:
                    for row in block.rows:
                        for col in block.columns:
                            self._columns[f"{table.id}.{row.id}.{col.id}"] = col
        return self._columns[cell_id]

    def label_of(self, cell_id: str) -> str:
        """A Chinese description of a cell: ``行政复议·总计``."""
        if not self._labels:
            for table in self.tables:
                for block in table.blocks:
                    for row in block.rows:
                        for col in block.columns:
                            self._labels[f"{table.id}.{row.id}.{col.id}"] = f"{row.label}·{col.label}"
        return self._labels.get(cell_id, cell_id)
