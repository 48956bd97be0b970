"""HTML pages and fragments → Document.

Whole saved pages (site chrome, scripts, a CMS wrapper), bare fragments and
Word-exported HTML all take the same path: decode (UTF-8 first, then the
``<meta charset>``, GB2312/GBK read as GB18030), parse with lxml without
network access, then walk the tree in document order. Block-level elements
and ``<br>`` end a Paragraph; a ``<table>`` becomes a Grid with its
rowspans/colspans expanded. A table that holds another table is a layout
table: its cells are walked as ordinary content, so the data table inside
comes out as its own Grid. Nothing is ever executed or fetched.

Places: every Paragraph and cell carries the 1-based line and the character
offsets (``start``/``end``) of its text in the decoded HTML source. lxml only
knows the line of an element, so the offsets come from aligning lxml's text
nodes with the text runs of the raw markup (``_TextRuns``); text that cannot
be aligned keeps the element's line only.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_right
from collections.abc import Iterator
from pathlib import Path

import lxml.etree

from ..document import Document, Grid, GridCell, Paragraph, SourcePlace
from ..errors import LimitExceeded, UnsupportedSource
from ..limits import DEFAULT_LIMITS, Limits
from .encoding import decode_html, decode_source
from .grid import CellBudget, GridTooLarge, SpanCell, expand_spans

__all__ = ["decode_html", "html_document"]

_SKIP = frozenset(
    ("head", "title", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math")
    + ("select", "textarea", "button", "audio", "video", "canvas", "map")
)
_BLOCK = frozenset(
    ("html", "body", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd")
    + ("blockquote", "section", "article", "header", "footer", "nav", "aside", "main", "address", "figure")
    + ("figcaption", "form", "fieldset", "hr", "pre", "center", "caption", "tr", "td", "th", "thead", "tbody", "tfoot")
)
_SECTIONS = frozenset(("thead", "tbody", "tfoot"))
_CELLS = frozenset(("td", "th"))

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_SPACES = re.compile(r"[ \t\r\n\f]+")
# raw markup tokens: things whose content is never text (comments, scripts, styles), any tag, or a text run
_TOKENS = re.compile(
    r"(<!--.*?(?:-->|$)|<script\b.*?(?:</script\s*>|$)|<style\b.*?(?:</style\s*>|$)|<[^>]*>?)|([^<]+)",
    re.IGNORECASE | re.DOTALL,
)
_PAD = r"(?:\s|&nbsp;?|&#0*160;|&#x0*a0;|&ensp;|&emsp;|&#0*12288;|\u3000)*"
_LEAD = re.compile("^" + _PAD)
_TRAIL = re.compile(_PAD + "$")
_PAD_CHARS = "&#;nbspemxa01268"  # what the entities of _PAD are spelt with (whitespace aside)
_LOOKAHEAD = 200


def _pad_tail(raw: str) -> int:
    """Where the longest tail of whitespace and entity letters starts: ``_TRAIL`` cannot match before it.

    ``_TRAIL.search(raw)`` alone tries every position of a long text run (a quadratic-looking cost).
    """
    tail = raw
    while True:
        shorter = tail.rstrip().rstrip(_PAD_CHARS)
        if len(shorter) == len(tail):
            return len(tail)
        tail = shorter


_UNPARSABLE = "HTML 无法解析，或没有内容（the HTML cannot be parsed）"


def _key(text: str) -> str:
    return "".join(text.split())  # all whitespace out (str.split's whitespace is exactly the regex \s)


class _TextRuns:
    """Offsets of the text runs of the raw source, matched in order to lxml's text nodes."""

    def __init__(self, source: str) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self._runs: list[tuple[str, int, int]] = []  # (key, start, end) of the visible part of the run
        for match in _TOKENS.finditer(source):
            raw = match.group(2)
            if raw is None:
                continue
            key = _key(html_lib.unescape(raw) if "&" in raw else raw)
            if not key:
                continue
            lead = _LEAD.match(raw)
            trail = _TRAIL.search(raw, _pad_tail(raw))
            start = match.start(2) + (lead.end() if lead else 0)
            end = match.start(2) + (trail.start() if trail else len(raw))
            self._runs.append((key, start, max(end, start)))
        self._starts = [run[1] for run in self._runs]
        self._next = 0

    def locate(self, text: str, line: int | None) -> tuple[int, int] | None:
        """Offsets of the next run holding ``text``, or None if it cannot be found nearby.

        ``line`` is lxml's line of the element the text follows: no run before it can match,
        which skips the runs of content the walk ignored (a long ``<select>``, a ``<title>``).
        """
        key = _key(text)
        if not key:
            return None
        if line is not None and 0 < line <= len(self._line_starts):
            self._next = max(self._next, bisect_right(self._starts, self._line_starts[line - 1] - 1))
        stop = min(len(self._runs), self._next + _LOOKAHEAD)
        for i in range(self._next, stop):
            if self._runs[i][0] == key:
                self._next = i + 1
                return self._runs[i][1], self._runs[i][2]
        return None

    def line_of(self, offset: int) -> int:
        return bisect_right(self._line_starts, offset)


class _Flow:
    """Collects inline text into paragraphs; ``flush`` ends the current one."""

    def __init__(self, runs: _TextRuns) -> None:
        self.runs = runs
        self.paragraphs: list[Paragraph] = []
        self._parts: list[str] = []
        self._line: int | None = None
        self._span: tuple[int, int] | None = None

    def add(self, text: str | None, line: int | None) -> None:
        if not text:
            return
        self._parts.append(text)
        found = self.runs.locate(text, line)
        if found is not None:
            start, end = found
            if self._span is None:
                self._span = found
                self._line = self.runs.line_of(start)
            else:
                self._span = (self._span[0], end)
        elif self._line is None and text.strip():
            self._line = line

    def flush(self) -> None:
        if not self._parts:  # nothing since the last one (every block element flushes as it opens and closes)
            return
        text = _SPACES.sub(" ", "".join(self._parts)).strip()
        if text:
            start, end = self._span if self._span else (None, None)
            self.paragraphs.append(Paragraph(text, SourcePlace(line=self._line, start=start, end=end)))
        self._parts, self._line, self._span = [], None, None


class _Walker:
    def __init__(self, runs: _TextRuns, budget: CellBudget) -> None:
        self.runs = runs
        self.budget = budget
        self.blocks: list[Paragraph | Grid] = []
        self.flow = _Flow(runs)

    def _flush(self) -> None:
        self.flow.flush()
        self.blocks.extend(self.flow.paragraphs)
        self.flow.paragraphs.clear()

    def walk(self, element: lxml.etree._Element) -> None:
        tag = _tag(element)
        if tag is None or tag in _SKIP:
            return
        if tag == "table":
            self._flush()
            self._table(element)
            return
        if tag == "br":
            self._flush()
            return
        block = tag in _BLOCK
        if block:
            self._flush()
        self.flow.add(element.text, element.sourceline)
        for child in element:
            self.walk(child)
            self.flow.add(child.tail, child.sourceline)
        if block:
            self._flush()

    def finish(self) -> list[Paragraph | Grid]:
        self._flush()
        return self.blocks

    def _table(self, table: lxml.etree._Element) -> None:
        rows = list(_own_rows(table))
        nested = any(True for _ in table.iterdescendants("table"))
        if nested:  # a layout table: its cells are ordinary content
            for row in rows:
                for cell in _own_cells(row):
                    self.walk(cell)
            self._flush()
            return
        for caption in table.iterchildren("caption"):
            self.walk(caption)
        span_rows = [[self._cell(cell) for cell in _own_cells(row)] for row in rows]
        span_rows = [row for row in span_rows if row]
        if span_rows:
            grid_rows = expand_spans(span_rows, self.budget)
            self.blocks.append(Grid(grid_rows, _grid_place(table, grid_rows)))

    def _cell(self, cell: lxml.etree._Element) -> SpanCell:
        inner = _Walker(self.runs, self.budget)
        inner.flow.add(cell.text, cell.sourceline)
        for child in cell:
            inner.walk(child)
            inner.flow.add(child.tail, child.sourceline)
        lines = [b for b in inner.finish() if isinstance(b, Paragraph)]
        text = "\n".join(p.text for p in lines)
        if lines:
            first, last = lines[0].place, lines[-1].place
            place = SourcePlace(line=first.line or cell.sourceline, start=first.start, end=last.end)
        else:
            place = SourcePlace(line=cell.sourceline)
        return SpanCell(text, place, _span(cell.get("rowspan")), _span(cell.get("colspan")))


def _tag(element: lxml.etree._Element) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):
        return None  # comment, processing instruction, entity
    return tag.lower()


def _own_rows(table: lxml.etree._Element) -> Iterator[lxml.etree._Element]:
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            yield child
        elif tag in _SECTIONS:
            yield from (row for row in child if _tag(row) == "tr")


def _own_cells(row: lxml.etree._Element) -> Iterator[lxml.etree._Element]:
    return (cell for cell in row if _tag(cell) in _CELLS)


def _span(value: str | None) -> int:
    if value is None:
        return 1
    match = re.match(r"\s*(\d+)", value or "")
    return int(match.group(1)) if match and int(match.group(1)) > 0 else 1


def _grid_place(table: lxml.etree._Element, rows: tuple[tuple[GridCell, ...], ...]) -> SourcePlace:
    starts = [c.place.start for row in rows for c in row if c.place.start is not None]
    ends = [c.place.end for row in rows for c in row if c.place.end is not None]
    return SourcePlace(line=table.sourceline, start=min(starts, default=None), end=max(ends, default=None))


def html_document(data: bytes, path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read an HTML page or fragment; see the module docstring."""
    source = decode_source(data, "html", path)
    # lxml refuses str input that carries an encoding declaration; blank it out, keeping offsets
    source = _XML_DECL.sub(lambda m: " " * len(m.group(0)), source, count=1)
    if source.startswith("\ufeff"):
        source = " " + source[1:]
    # lxml.etree's parser, not lxml.html's: the same tree, without a Python class lookup for every element
    parser = lxml.etree.HTMLParser(no_network=True, remove_blank_text=False, huge_tree=True)
    try:
        root = lxml.etree.fromstring(source, parser)
        if root is None:
            raise lxml.etree.ParserError("Document is empty")  # as lxml.html.document_fromstring says it
    except (lxml.etree.LxmlError, ValueError) as exc:  # ParserError "Document is empty", bad characters
        raise UnsupportedSource(
            path, "HTML 无法解析，或没有内容（the HTML cannot be parsed）", detail=str(exc)
        ) from exc
    # every cell takes at least one slot of a grid: a page of more cells than the grids may hold is
    # refused before the walk (which costs a thousand times more per element than this count)
    cells = sum(1 for _ in root.iter("td", "th"))
    if cells > limits.max_grid_cells:
        raise LimitExceeded(path, limits.over("max_grid_cells", cells), limit="max_grid_cells")
    walker = _Walker(_TextRuns(source), CellBudget(limits))
    try:
        walker.walk(root)
    except RecursionError as exc:
        raise UnsupportedSource(path, "HTML 嵌套过深，无法读取（nested too deeply to read）") from exc
    except GridTooLarge as exc:
        raise LimitExceeded(path, limits.over("max_grid_cells", exc.cells), limit="max_grid_cells") from None
    metadata = {}
    title = root.findtext(".//title")
    if title and title.strip():
        metadata["title"] = _SPACES.sub(" ", title).strip()
    return Document(name=path.name, kind="html", blocks=tuple(walker.finish()), metadata=metadata)
