"""The typed report model: what the reader produces and the checker reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from .document import SourcePlace
from .formats import FORMATS, Format


class CellState(Enum):
    READ = "read"  # a number printed in the source
    BLANK = "blank"  # printed, but empty (or only spaces)
    ABSENT = "absent"  # not in the source (or printed so that it cannot be read)
    INFERRED = "inferred"  # derived: the only reading of glued digits that fits the identities

    @property
    def zh(self) -> str:
        return {"read": "已读取", "blank": "空白", "absent": "缺失", "inferred": "推断"}[self.value]


class EntityType(Enum):
    """Who publishes the report; decides the 条例 第四十九条 deadline."""

    GOVERNMENT = "government"  # 县级以上人民政府 report on its whole administration (31 March)
    TOWNSHIP = "township"  # 乡（镇）人民政府 / 街道: deadline set by local rules
    DEPARTMENT = "department"  # 人民政府部门 and other organs reporting on their own work (31 Jan)
    OTHER = "other"  # not determinable

    @property
    def zh(self) -> str:
        return {"government": "人民政府", "township": "乡镇/街道", "department": "政府部门", "other": "其他"}[
            self.value
        ]


Number = int | Decimal

BLANK_MARK = "空"  # printed, but empty
ABSENT_MARK = "缺"  # not printed, or printed so that it cannot be read
INFERRED_MARK = "*"  # after a value derived from glued digits
CORRECTED_MARK = "†"  # after a value a reviewer entered over the read one


def format_value(value: Number | None, *, trim: bool = False) -> str:
    """A number as plain text, never in exponent form; None is "".

    Decimals keep their printed digits (``1.2500``); ``trim`` drops trailing
    zeros (``1.25``), as a reading is shown to a reviewer.
    """
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize() if trim else value, "f")
    return str(value)


def cell_text(cell: Cell | None, *, mark_inferred: bool = True) -> str:
    """A cell as a reviewer reads it: 空 for blank, 缺 for absent (or no cell), else its value.

    An inferred value carries ``*``, a reviewer's correction ``†``, unless
    ``mark_inferred`` is off (messages name the value alone).
    """
    if cell is None:
        return ABSENT_MARK
    value, state = cell.value, cell.state
    if value is None or state is CellState.ABSENT:
        text = BLANK_MARK if state is CellState.BLANK else ABSENT_MARK
    else:
        text = str(value) if type(value) is int else format_value(value, trim=True)  # the web page's hot path
        if state is CellState.INFERRED and mark_inferred:
            text += INFERRED_MARK
    return text + CORRECTED_MARK if cell.correction is not None and mark_inferred else text


def read_text(cell: Cell) -> str:
    """What the reader had in a corrected cell: its value, 空, 缺, or 未读出 (no cell at all)."""
    c = cell.correction
    if c is None:
        return cell_text(cell)
    if c.read_state is None:
        return "未读出"
    return cell_text(Cell(cell.id, c.read_value, state=c.read_state))


def correction_note(cell: Cell) -> str:
    """``已更正：读取值 空，理由：…，王`` — what a tooltip, a comment or a note says of a corrected cell."""
    c = cell.correction
    if c is None:
        return ""
    return f"已更正：读取值 {read_text(cell)}，理由：{c.reason}" + (f"，{c.author}" if c.author else "")


class PlacedBy(Enum):
    """How the reader put a printed value into its cell."""

    LABEL = "label"  # after its own row label, printed as declared
    VARIANT = "variant"  # after a declared variant or abbreviation of its label
    FUZZY = "fuzzy"  # after its label printed with a slip (OCR, a dropped character)
    PREFIX = "prefix"  # after the start of its label (a label wrapped around its cells)
    FALLBACK = "fallback"  # after a stand-in label (（六）其他处理 printed as one row)
    POSITION = "position"  # in its slot under the table's header (table 四's one row of cells)
    ORDER = "order"  # its row label was lost: placed by the table's row order and its identities
    GLUED = "glued"  # the only split of glued digits that fits the identities
    SPARSE = "sparse"  # the only placement of too few space-separated numbers that fits

    @property
    def certain(self) -> bool:
        """A value placed by its own label or slot; the others are the reader's inference."""
        return self not in _GUESSES

    @property
    def zh(self) -> str:
        return _PLACED_ZH[self]


_GUESSES = frozenset({PlacedBy.ORDER, PlacedBy.GLUED, PlacedBy.SPARSE})
_PLACED_ZH = {
    PlacedBy.LABEL: "按行标签",
    PlacedBy.VARIANT: "按行标签的别称",
    PlacedBy.FUZZY: "按近似的行标签",
    PlacedBy.PREFIX: "按行标签的开头",
    PlacedBy.FALLBACK: "按合并行的标签",
    PlacedBy.POSITION: "按表头下的位置",
    PlacedBy.ORDER: "行标签缺失，按行序推断",
    PlacedBy.GLUED: "由粘连数字唯一拆分推断",
    PlacedBy.SPARSE: "由不全的数字唯一排布推断",
}


@dataclass(frozen=True, slots=True)
class Placement:
    """How sure the reader is of a cell: what placed it, the label's similarity, what settled a guess."""

    by: PlacedBy
    score: float | None = None  # similarity of the printed label to the declared one, 0–100
    evidence: str | None = None  # for an inference: what made it the only reading

    @property
    def certain(self) -> bool:
        return self.by.certain

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Placement:
        score = data.get("score")
        evidence = data.get("evidence")
        return cls(
            PlacedBy(str(data["by"])),
            float(score) if isinstance(score, int | float) else None,
            str(evidence) if evidence else None,
        )

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"by": self.by.value, "certain": self.certain}
        if self.score is not None:
            out["score"] = round(self.score, 1)
        if self.evidence:
            out["evidence"] = self.evidence
        return out


@dataclass(frozen=True, slots=True)
class Correction:
    """A reviewer's value entered over what was read: the read value stays here, never lost.

    The cell that carries it holds the corrected value (``None``: corrected to "not
    printed"); ``read_state`` None means the reader had no cell there at all.
    """

    read_value: Number | None
    read_state: CellState | None
    reason: str
    author: str | None = None
    at: datetime | None = None

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Correction:
        read, state, at = data.get("read"), data.get("read_state"), data.get("at")
        return cls(
            (Decimal(read) if "." in read else int(read)) if isinstance(read, str) else None,
            CellState(state) if isinstance(state, str) else None,
            str(data.get("reason") or ""),
            str(data["author"]) if data.get("author") else None,
            datetime.fromisoformat(at) if isinstance(at, str) else None,
        )

    def to_json(self) -> dict[str, object]:
        """The read value as exact text (like a stored value), with who corrected it, when and why."""
        return {
            "read": format_value(self.read_value) if self.read_value is not None else None,
            "read_state": self.read_state.value if self.read_state else None,
            "reason": self.reason,
            "author": self.author,
            "at": self.at.isoformat() if self.at else None,
        }


@dataclass(slots=True)
class Cell:
    id: str
    value: Number | None = None
    raw: str | None = None
    state: CellState = CellState.ABSENT
    place: SourcePlace | None = None
    unit: str | None = None  # a unit printed inside the cell ("元", "万元")
    placement: Placement | None = None  # None where nothing was placed (absent)
    correction: Correction | None = None  # a reviewer's value: ``value`` is it, the read one is kept in here

    @property
    def certain(self) -> bool:
        """Read from the source as it stands, not inferred (absent cells are not uncertain: they are absent).

        A value a reviewer entered is certain: a person read it from the source.
        """
        return self.correction is not None or self.placement is None or self.placement.certain

    def to_json(self) -> dict[str, object]:
        value: object = self.value
        if isinstance(value, Decimal):
            value = float(value)
        return {
            "value": value,
            "raw": self.raw,
            "state": self.state.value,
            "span": self.place.to_json() if self.place else None,
            "placement": self.placement.to_json() if self.placement else None,
            **({"correction": self._correction_json()} if self.correction else {}),
        }

    def _correction_json(self) -> dict[str, object]:
        assert self.correction is not None
        read = self.correction.read_value
        return {
            **self.correction.to_json(),
            "read": float(read) if isinstance(read, Decimal) else read,  # a number, like ``value``
        }


@dataclass(slots=True)
class TextSection:
    """One of the numbered parts of the report (一、总体情况 …)."""

    number: int
    heading: str
    text: str
    place: SourcePlace | None = None


@dataclass(frozen=True, slots=True)
class Statement:
    """A figure the prose states, with the measure it states (``formats/narrative.py``)."""

    measure: str
    value: float
    quote: str  # the sentence it stands in
    sentence: int  # index of that sentence, to pair figures stated together
    section: int | None
    place: SourcePlace | None
    label: str = ""  # what the figure counts, in words: "本年新收申请", "予以公开及部分公开"
    readings: tuple[tuple[str, ...], ...] = ()  # cell sums the figure may state; () = compared with nothing
    share: float | None = None  # a percentage stated with the figure ("占33.9%")


@dataclass(slots=True)
class Report:
    source: str
    format: Format | None
    cells: dict[str, Cell] = field(default_factory=dict)
    agency: str | None = None
    entity_type: EntityType = EntityType.OTHER
    year: int | None = None
    published: date | None = None
    title: str | None = None
    sections: dict[int, TextSection] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the reader read it
    # the source lines holding a character that could not be decoded (U+FFFD), once per character
    damaged_lines: list[int] = field(default_factory=list)

    @property
    def format_id(self) -> str | None:
        return self.format.id if self.format else None

    def value(self, cell_id: str) -> Number | None:
        cell = self.cells.get(cell_id)
        return cell.value if cell else None

    def number(self, cell_id: str) -> Number:
        """The value for arithmetic: blank and absent count as zero."""
        value = self.value(cell_id)
        return value if value is not None else 0

    def state(self, cell_id: str) -> CellState:
        cell = self.cells.get(cell_id)
        return cell.state if cell else CellState.ABSENT


def format_by_id(format_id: str | None) -> Format | None:
    return FORMATS.get(format_id) if format_id else None
