"""Words → text lines → paragraphs (and the text of a table cell)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .geometry import DEFAULT_SETTINGS, Box, LayoutSettings, Word, union


@dataclass(slots=True)
class TextLine:
    words: list[Word]
    bbox: Box

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" or ch in "、。，；："


def group_lines(words: Sequence[Word], settings: LayoutSettings = DEFAULT_SETTINGS) -> list[TextLine]:
    """Words gathered into text lines, top to bottom, each line left to right."""
    lines: list[TextLine] = []
    ratio = settings.line_overlap
    current: list[Word] = []
    # the current line's box, grown word by word (the union of its words' boxes)
    lx0 = ly0 = lx1 = ly1 = 0.0
    for word in sorted(words, key=_reading_key):
        x0, y0, x1, y1 = word.bbox
        if current:
            # min(a, b) and max(a, b) written out (b only when strictly beyond a, as the builtins do)
            overlap = (y1 if y1 < ly1 else ly1) - (y0 if y0 > ly0 else ly0)
            smaller = y1 - y0 if y1 - y0 < ly1 - ly0 else ly1 - ly0
            if overlap >= ratio * (0.1 if smaller < 0.1 else smaller):
                current.append(word)
                if x0 < lx0:
                    lx0 = x0
                if y0 < ly0:
                    ly0 = y0
                if x1 > lx1:
                    lx1 = x1
                if y1 > ly1:
                    ly1 = y1
                continue
            lines.append(TextLine(current, (lx0, ly0, lx1, ly1)))
        current = [word]
        lx0, ly0, lx1, ly1 = x0, y0, x1, y1
    if current:
        lines.append(TextLine(current, (lx0, ly0, lx1, ly1)))
    for line in lines:
        line.words.sort(key=_left)
    return lines


def _reading_key(word: Word) -> tuple[float, float]:
    box = word.bbox
    return ((box[1] + box[3]) / 2, box[0])  # (cy, x0)


def _left(word: Word) -> float:
    return word.bbox[0]


def line_text(line: TextLine, settings: LayoutSettings = DEFAULT_SETTINGS, column_mark: str = "\t") -> str:
    """The line's text. A gap as wide as a column gap (an unruled table) becomes
    ``column_mark``; a smaller gap between non-CJK words becomes a space."""
    parts: list[str] = []
    previous: Word | None = None
    height = max(line.height, 1.0)
    column, space = settings.column_gap * height, settings.space_gap * height
    for word in line.words:
        if previous is not None and parts:
            gap = word.bbox[0] - previous.bbox[2]
            if gap >= column:
                parts.append(column_mark)
            elif gap > space and not _is_cjk(previous.text[-1]) and not _is_cjk(word.text[0]):
                parts.append(" ")
        parts.append(word.text)
        previous = word
    return "".join(parts)


def join_lines(texts: Sequence[str]) -> str:
    """Lines of one cell joined: CJK text runs on, other text gets a space."""
    out = ""
    for text in texts:
        if not text:
            continue
        if out and not (_is_cjk(out[-1]) or _is_cjk(text[0])):
            out += " "
        out += text
    return out


@dataclass(slots=True)
class TextBlock:
    """A paragraph being built on one page."""

    page: int
    lines: list[TextLine]
    text: str
    bbox: Box

    @property
    def top(self) -> float:
        return self.bbox[1]


_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*(共\s*)?\d{1,4}\s*页?)?[-—–－\s]*$")


def is_furniture(item: TextBlock, height: float, settings: LayoutSettings) -> bool:
    band = settings.furniture_band * height
    in_band = item.bbox[3] <= band or item.bbox[1] >= height - band
    return in_band and bool(_PAGE_NUMBER.match(item.text))


def paragraphs(lines: list[TextLine], page: int, settings: LayoutSettings) -> list[TextBlock]:
    """Text lines joined into paragraphs: a line continues the previous one when
    that one runs to the right margin and this one starts at the left margin."""
    if not lines:
        return []
    left = min(ln.bbox[0] for ln in lines)
    right = max(ln.bbox[2] for ln in lines)
    out: list[TextBlock] = []
    for line in lines:
        text = line_text(line, settings)
        if out:
            prev = out[-1]
            last = prev.lines[-1]
            h = max(last.height, line.height, 1.0)
            slack = settings.margin_slack * h
            continues = (
                "\t" not in text
                and "\t" not in prev.text
                and line.bbox[1] - last.bbox[3] <= settings.paragraph_gap * h
                and last.bbox[2] >= right - slack
                and line.bbox[0] <= left + slack
                and abs(line.height - last.height) <= 0.3 * h
            )
            if continues:
                prev.lines.append(line)
                prev.text = join_lines([prev.text, text])
                prev.bbox = union((prev.bbox, line.bbox))
                continue
        out.append(TextBlock(page, [line], text, line.bbox))
    return out
