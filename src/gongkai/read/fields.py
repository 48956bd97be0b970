"""Cut the text after a row label into the printed fields of that row.

Four layouts are told apart from the text itself:

``tab``     cells separated by tabs on the label's line (text dumps of Word
            tables, and every grid: HTML, DOCX, PDF and Markdown tables are
            laid out this way by ``LinearText``). Positions are kept.
``lines``   one cell per line; an empty line separates, a line holding only
            spaces (or a non-breaking space) is a printed blank cell.
``spaces``  numbers separated by spaces; blanks cannot be told apart, so
            cells are placed by count.
``glued``   ``spaces`` where digits of neighbouring cells run together
            ("7000007"); see ``glued.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field

from .values import Kind, Parsed, parse_value

_TOKEN = re.compile(r"[^\s\u00a0\u3000]+")
# inside a space-separated token, numbers and words are apart ("1000001三、本年度办理结果")
_PIECE = re.compile(r"[+\-−]?\d[\d,.]*(?:万元|元)?|[^\d]+?(?=[+\-−]?\d|$)")
_WHITE = " \t\r\u00a0\u3000\u2002\u2003\u200b\ufeff"
# a page number a conversion left inside a table: "— 4 —", "-4-", "第4页", "第 4 页 共 12 页", "4 / 12"
PAGE_FOOTER = re.compile(
    r"^[\s\u3000]*(?:[—\-－–~]+[\s\u3000]*\d{1,4}[\s\u3000]*[—\-－–~]+|第[\s\u3000]*\d{1,4}[\s\u3000]*页"
    r"(?:[\s\u3000]*[/，,]?[\s\u3000]*共[\s\u3000]*\d{1,4}[\s\u3000]*页)?|\d{1,4}[\s\u3000]*/[\s\u3000]*\d{1,4})[\s\u3000]*$"
)


@dataclass(slots=True)  # not frozen: a report makes hundreds, and a frozen init costs three times as much
class Field:
    text: str
    start: int  # linear offsets
    end: int
    parsed: Parsed
    kind: Kind = dc_field(init=False, repr=False, compare=False)  # ``parsed.kind``, asked for at every turn

    def __init__(self, text: str, start: int, end: int, parsed: Parsed) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.parsed = parsed
        self.kind = parsed.kind


def _field(text: str, start: int) -> Field:
    stripped = text.strip(_WHITE)
    if len(stripped) == len(text) or not stripped:
        return Field(text, start, start + len(text), parse_value(text))
    s = start + len(text) - len(text.lstrip(_WHITE))
    return Field(text, s, s + len(stripped), parse_value(text))


def tab_fields(line: str, offset: int) -> list[Field]:
    out: list[Field] = []
    append = out.append
    pos = offset
    for part in line.split("\t"):
        size = len(part)
        stripped = part.strip(_WHITE)  # ``_field``, inline: a report has hundreds of cells
        if not stripped or len(stripped) == size:
            append(Field(part, pos, pos + size, parse_value(part)))
        else:
            s = pos + size - len(part.lstrip(_WHITE))
            append(Field(part, s, s + len(stripped), parse_value(part)))
        pos += size + 1
    return out


def space_tokens(text: str, offset: int) -> list[Field]:
    out = []
    for m in _TOKEN.finditer(text):
        for p in _PIECE.finditer(m.group()):
            if p.group():
                out.append(_field(p.group(), offset + m.start() + p.start()))
    return out


def _lines(text: str, offset: int) -> list[tuple[str, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((line, offset + pos))
        pos += len(line) + 1
    return out


def split_row(text: str, offset: int) -> tuple[str, list[Field]]:
    """Fields of the row whose label ends at linear ``offset``; ``text`` runs to the next label."""
    newline = text.find("\n")
    first = text if newline < 0 else text[:newline]
    if "\t" in first:
        fields = tab_fields(first, offset)
        if fields and fields[0].kind is not Kind.NUMBER:
            fields = fields[1:]  # the rest of the label's own cell
        return "tab", fields
    first_line, *rest_lines = _lines(text, offset)
    # the label's own line is the row's ("规范性文件 - 0 -" looks like a footer); later lines may be page numbers
    lines = [first_line, *((line, at) for line, at in rest_lines if not PAGE_FOOTER.match(line))]
    first, first_at = lines[0]
    rest = [(line, at) for line, at in lines[1:]]
    tokens = drop_text(space_tokens(first, first_at))
    if tokens:
        # a label's line that carries its numbers: take the following lines too
        # only while they hold nothing but numbers (a wrapped row)
        for line, at in rest:
            more = space_tokens(line, at)
            if not more or any(t.kind is Kind.TEXT for t in more):
                break
            tokens += more
        return "spaces", tokens
    content = [(line, at) for line, at in rest if line.strip(_WHITE)]
    # a header row between a label and its cells ("| | 类别 | 数据1 | … |") is words, not the row's cells
    while len(content) > 1 and "\t" in content[0][0] and _header_row(tab_fields(*content[0])):
        content = content[1:]
    if content and "\t" in content[0][0].strip(_WHITE):
        return "tab", tab_fields(*content[0])
    if any(len(space_tokens(line, at)) >= 2 for line, at in content):
        tokens = []
        for line, at in content:
            tokens += space_tokens(line, at)
        return "spaces", tokens
    fields = [_field(line, at) for line, at in rest if line != ""]
    return "lines", fields


def _header_row(fields: list[Field]) -> bool:
    """Cells of words and blanks only, some words: a header row, not a row of numbers."""
    kinds = {f.kind for f in fields}
    return Kind.NUMBER not in kinds and Kind.TEXT in kinds


def drop_text(fields: list[Field]) -> list[Field]:
    """Keep numbers and blanks; words (stray label pieces, units) are not cells."""
    return [f for f in fields if f.kind is not Kind.TEXT]
