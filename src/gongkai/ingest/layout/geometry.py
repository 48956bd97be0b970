"""The geometric vocabulary shared by PDF text and OCR: words, rules, pages, thresholds.

Coordinates are PDF points from the top-left corner of the page, whatever the
source (OCR converts pixels), so one set of thresholds serves every form.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ...document import quick_init

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 from the top-left, points


@dataclass(frozen=True, slots=True)
class LayoutSettings:
    """Geometry thresholds, in PDF points unless said otherwise."""

    rule_max_thickness: float = 3.0
    """A drawn shape thinner than this in one direction is a ruling line."""
    rule_min_length: float = 6.0
    """Shorter strokes are ticks or glyph parts, not rules."""
    snap: float = 3.0
    """Rule coordinates closer than this are one grid line."""
    edge_cover: float = 0.6
    """Share of a slot edge that rules must cover for the edge to count as drawn."""
    line_overlap: float = 0.5
    """Vertical overlap (share of the smaller height) that puts two words on one text line."""
    space_gap: float = 0.25
    """A gap wider than this many line heights between two non-CJK words is a space (CJK text never gets one)."""
    column_gap: float = 1.5
    """A gap at least this many line heights inside a text line separates columns (unruled tables)."""
    paragraph_gap: float = 0.9
    """Lines further apart than this many line heights start a new paragraph."""
    margin_slack: float = 1.5
    """Line heights of slack when deciding that a line starts indented or ends short."""
    furniture_band: float = 0.08
    """Share of the page height at top and bottom where page numbers and running heads sit."""
    stitch_edge: float = 6.0
    """Outer table edges within this distance on consecutive pages mark one table cut by a page break."""


DEFAULT_SETTINGS = LayoutSettings()


@quick_init
@dataclass(frozen=True, slots=True)
class Word:
    """A positioned piece of text: one PDF character or one OCR character box."""

    text: str
    bbox: Box
    confidence: float | None = None

    @property
    def cx(self) -> float:
        return (self.bbox[0] + self.bbox[2]) / 2

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


@quick_init
@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal or vertical ruling line, as its (thin) box."""

    bbox: Box

    @property
    def horizontal(self) -> bool:
        x0, y0, x1, y1 = self.bbox
        return (x1 - x0) >= (y1 - y0)


@dataclass(slots=True)
class PageLayout:
    """What a page holds: its words and ruling lines (1-based ``number``)."""

    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)


def rule_from_box(box: Box, settings: LayoutSettings = DEFAULT_SETTINGS) -> Rule | None:
    """The ruling line a thin drawn box stands for, or None for other shapes."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if min(w, h) <= settings.rule_max_thickness and max(w, h) >= settings.rule_min_length:
        return Rule(box)
    return None


def union(boxes: Iterable[Box]) -> Box:
    boxes = list(boxes)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def min_confidence(words: Iterable[Word]) -> float | None:
    values = [w.confidence for w in words if w.confidence is not None]
    return round(min(values), 4) if values else None


def rounded(box: Box) -> Box:
    return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))
