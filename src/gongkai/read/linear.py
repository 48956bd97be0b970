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
from functools import lru_cache
from itertools import compress

from ..document import Document, Grid, SourcePlace

_DROP = set(" \t\r\n\u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\u2060\ufeff#*“”‘’\"'「」『』")
_COMMA_LIKE = {"，": ",", "、": ",", "；": ",", ";": ","}


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    import opencc

    return opencc.OpenCC("t2s")


# char → its normalised form; the same as str.translate tables (by code point): the mapped text
# and, for the position map, the length of each char's form as a char ("\x00" dropped, "\x01" one char)
_CHAR_CACHE: dict[str, str] = {}
_FOLD: dict[int, str] = {}
_FOLD_LENGTH: dict[int, str] = {}
_DIGITS = frozenset("0123456789０１２３４５６７８９")


def _numbering_commas(text: str) -> str:
    """``re.sub(r"(?<=[0-9０-９])、", ".", text)``: "1、属于国家秘密" numbers a row like "1.".

    A loop over the 、 found, not the regex: a lookbehind is tried at every character.
    """
    at = text.find("、")
    parts: list[str] = []
    kept = 0
    while at >= 0:
        if at > 0 and text[at - 1] in _DIGITS:
            parts += (text[kept:at], ".")
            kept = at + 1
        at = text.find("、", at + 1)
    if not parts:
        return text
    parts.append(text[kept:])
    return "".join(parts)


def _fill_cache(chars: set[str]) -> None:
    missing = sorted(chars.difference(_CHAR_CACHE))
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
            out = ""
        else:
            fold = simplified.get(fold, fold)
            fold = "".join(c for c in fold if c not in _DROP)
            out = _COMMA_LIKE.get(fold, fold)
        # in this order, for readers in other threads: a char in _CHAR_CACHE (what ``fold`` asks) is in both
        # tables, a char in _FOLD_LENGTH (what ``normalize`` asks) is in _FOLD
        _FOLD[ord(char)] = out
        _FOLD_LENGTH[ord(char)] = chr(min(len(out), 2))
        _CHAR_CACHE[char] = out


_fill_cache({"\x00", "\x01", "\x02"})
_UNSEEN = re.compile("[^\x00-\x02]")  # in ``text.translate(_FOLD_LENGTH)``: a char not in the tables yet


@lru_cache(maxsize=4096)
def normalize_label(text: str) -> str:
    """The normalised form of a label, as matched against ``LinearText.norm``."""
    return fold(text)


def fold(text: str) -> str:
    """``normalize(text)[0]``: the normalised text without the map back to ``text``."""
    text = _numbering_commas(text)
    _fill_cache(set(text))
    return text.translate(_FOLD)


def normalize(text: str) -> tuple[str, list[int]]:
    """Normalise ``text``; return it with the source index of each output char."""
    text = _numbering_commas(text)
    lengths = text.translate(_FOLD_LENGTH)
    if _UNSEEN.search(lengths):  # a char not seen before is left as it is (the three below are always seen)
        _fill_cache(set(text))
        lengths = text.translate(_FOLD_LENGTH)
    norm = text.translate(_FOLD)
    if "\x02" not in lengths:  # every char kept as one char or dropped: the kept chars' indexes
        return norm, list(compress(range(len(text)), lengths.encode("latin-1")))
    table = _FOLD
    index = [i for i, c in enumerate(text) for _ in table[ord(c)]]
    return norm, index


# a piece of the linear text from one block or cell: (linear start, linear end, its place, the source
# offset of its first char where the text stands verbatim in the source (place spans exactly it), else None)
_Segment = tuple[int, int, SourcePlace, int | None]


def _segment(start: int, text: str, place: SourcePlace) -> _Segment:
    at, to = place.start, place.end
    verbatim = at is not None and to is not None and to - at == len(text)
    return (start, start + len(text), place, at if verbatim else None)


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
                        text = cell.text
                        if "\r" in text or "\n" in text or "\t" in text:
                            text = text.replace("\r", " ").replace("\n", " ").replace("\t", " ")
                        segments.append(_segment(pos, text, cell.place))
                        parts.append(text)
                        pos += len(text)
                    parts.append("\n")
                    pos += 1
            else:
                text = block.text
                place = block.place
                at, to = place.start, place.end  # ``_segment``, inline: a text file has a block per line
                verbatim = at is not None and to is not None and to - at == len(text)
                segments.append((pos, pos + len(text), place, at if verbatim else None))
                parts.append(text)
                parts.append("\n")
                pos += len(text) + 1
        self.text = "".join(parts)
        self._grid_lines = set(grid_lines)
        self._segments = segments
        self._starts = [s[0] for s in segments]
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
        seg_start, seg_end, p, at = self._segments[i]
        if at is not None and start <= seg_end:
            at -= seg_start
            return SourcePlace(
                p.line, at + start, at + (end if end < seg_end else seg_end), p.page, p.bbox, p.confidence
            )
        return p
