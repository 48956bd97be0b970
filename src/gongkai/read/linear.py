"""A Document laid out as one string, plus a normalised copy for matching.

The reader works on a single *linear text*: paragraphs one per line, grid
rows as tab-separated lines (slots covered by a merged cell are left out, so
a grid row looks exactly like a tab-separated text row). Every linear
position maps back to its ``SourcePlace``.

Label matching runs on a *normalised* copy: full-width forms folded
(NFKC), traditional characters simplified, whitespace, quotes and Markdown
marks dropped, list punctuation unified. ``norm_to_lin`` maps each
normalised character back to its linear position.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from ..document import Document, Grid, SourcePlace

_DROP = set(" \t\r\n\u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\u2060\ufeff#*“”‘’\"'「」『』")
_COMMA_LIKE = {"，": ",", "、": ",", "；": ",", ";": ","}


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


_CHAR_CACHE: dict[str, str] = {}
_NUMBERING_COMMA = re.compile(r"(?<=[0-9０-９])、")


def _fill_cache(chars: set[str]) -> None:
    missing = sorted(c for c in chars if c not in _CHAR_CACHE)
    if not missing:
        return
    folded = [unicodedata.normalize("NFKC", c) for c in missing]
    cjk = [f for f in folded if f and "\u3400" <= f[0] <= "\u9fff"]
    simplified: dict[str, str] = {}
    if cjk:
        converted = _t2s().convert("\n".join(cjk)).split("\n")
        if len(converted) == len(cjk):
            simplified = dict(zip(cjk, converted))
    for char, fold in zip(missing, folded):
        if char in _DROP or fold.isspace() or fold in _DROP:
            _CHAR_CACHE[char] = ""
            continue
        fold = simplified.get(fold, fold)
        fold = "".join(c for c in fold if c not in _DROP)
        _CHAR_CACHE[char] = _COMMA_LIKE.get(fold, fold)


@lru_cache(maxsize=4096)
def normalize_label(text: str) -> str:
    """The normalised form of a label, as matched against ``LinearText.norm``."""
    return normalize(text)[0]


def normalize(text: str) -> tuple[str, list[int]]:
    """Normalise ``text``; return it with the source index of each output char."""
    text = _NUMBERING_COMMA.sub(".", text)  # "1、属于国家秘密" numbers a row like "1."
    _fill_cache(set(text))
    cache = _CHAR_CACHE
    mapped = [cache[c] for c in text]
    index = [i for i, m in enumerate(mapped) if m for _ in m]
    return "".join(mapped), index


@dataclass(frozen=True, slots=True)
class _Segment:
    start: int  # linear offset
    end: int
    place: SourcePlace
    text: str


class LinearText:
    def __init__(self, document: Document) -> None:
        parts: list[str] = []
        segments: list[_Segment] = []
        grid_lines: list[int] = []
        pos = 0
        for block in document.blocks:
            if isinstance(block, Grid):
                for row in block.rows:
                    grid_lines.append(pos)
                    first = True
                    for cell in row:
                        if cell.covered:
                            continue
                        if not first:
                            parts.append("\t")
                            pos += 1
                        first = False
                        text = cell.text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
                        segments.append(_Segment(pos, pos + len(text), cell.place, text))
                        parts.append(text)
                        pos += len(text)
                    parts.append("\n")
                    pos += 1
            else:
                segments.append(_Segment(pos, pos + len(block.text), block.place, block.text))
                parts.append(block.text)
                parts.append("\n")
                pos += len(block.text) + 1
        self.text = "".join(parts)
        self._grid_lines = set(grid_lines)
        self._segments = segments
        self._starts = [s.start for s in segments]
        self.norm, self.norm_to_lin = normalize(self.text)

    # --- positions -----------------------------------------------------------

    def lin(self, norm_pos: int) -> int:
        """Linear offset of a normalised position (end positions allowed)."""
        if norm_pos >= len(self.norm_to_lin):
            return len(self.text)
        return self.norm_to_lin[norm_pos]

    def lin_end(self, norm_end: int) -> int:
        """Linear offset just past the normalised char before ``norm_end``."""
        if norm_end <= 0:
            return 0
        return self.norm_to_lin[norm_end - 1] + 1

    def norm_at(self, lin_pos: int) -> int:
        """First normalised position at or after linear offset ``lin_pos``."""
        return bisect_right(self.norm_to_lin, lin_pos - 1)

    def is_grid_row(self, line_start: int) -> bool:
        """Does the line starting at linear offset ``line_start`` come from a table grid?"""
        return line_start in self._grid_lines

    def place(self, start: int, end: int) -> SourcePlace | None:
        """The source place of the linear range ``[start, end)``."""
        i = bisect_right(self._starts, start) - 1
        if i < 0:
            return None
        seg = self._segments[i]
        p = seg.place
        verbatim = p.start is not None and p.end is not None and p.end - p.start == len(seg.text)
        if verbatim and p.start is not None and seg.start <= start <= seg.end:
            s = p.start + (start - seg.start)
            e = p.start + (min(end, seg.end) - seg.start)
            return SourcePlace(line=p.line, start=s, end=e, page=p.page, bbox=p.bbox, confidence=p.confidence)
        return p
