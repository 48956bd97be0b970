"""Word (.docx) files → Document, with python-docx.

The body is walked in order: paragraphs, tables, and the content of block
content controls (``w:sdt``), which python-docx's own iterators skip. A table
becomes a true grid: a cell spanning grid columns (``gridSpan``) or continuing
a vertical merge (``vMerge``) covers its slots; columns a row leaves out
(``gridBefore``/``gridAfter``) are covered too. The paragraphs of a cell are
joined by newlines. A table nested in a cell comes out as its own Grid right
after the table holding it.

Places: Word files have no lines, so ``SourcePlace.line`` numbers the lines
of the Document as the reader lays it out: each body paragraph is one line,
each table row is one line (1-based, in body order). Cells carry the line
of their row; offsets are not set.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from ..document import Document, Grid, GridCell, Paragraph, SourcePlace
from ..errors import UnsupportedSource
from .grid import Slots, SpanCell, put, squared

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Paragraph | Grid] = []
        self.line = 0

    def _next_line(self) -> int:
        self.line += 1
        return self.line

    def body(self, parent, container) -> None:  # type: ignore[no-untyped-def]
        """Walk the block-level children of ``container`` (the body, a cell, a content control)."""
        for child in container.iterchildren():
            if child.tag == _P:
                text = DocxParagraph(child, parent).text.strip()
                line = self._next_line()
                if text:
                    self.blocks.append(Paragraph(text, SourcePlace(line=line)))
            elif child.tag == _TBL:
                self.table(Table(child, parent))
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self.body(parent, content)

    def table(self, table: Table) -> None:
        slots: Slots = {}
        nested: list[Table] = []
        rows = table._tbl.tr_lst
        for r, tr in enumerate(rows):
            line = self._next_line()
            col = tr.grid_before
            for tc in tr.tc_lst:
                place = SourcePlace(line=line)
                if tc.vMerge == "continue":
                    for j in range(tc.grid_span):
                        slots[(r, col + j)] = GridCell("", place, covered=True)
                    col += tc.grid_span
                    continue
                cell = _Cell(tc, table)
                nested.extend(cell.tables)
                col += put(slots, r, col, SpanCell(_cell_text(cell), place, 1, tc.grid_span), 1)
        if rows:
            self.blocks.append(Grid(squared(slots, len(rows)), SourcePlace(line=self.line - len(rows) + 1)))
        for inner in nested:
            self.table(inner)


def _cell_text(cell: _Cell) -> str:
    lines = (p.text.strip() for p in _cell_paragraphs(cell))
    return "\n".join(line for line in lines if line)


def _cell_paragraphs(cell: _Cell) -> Iterator[DocxParagraph]:
    def walk(container) -> Iterator[DocxParagraph]:  # type: ignore[no-untyped-def]
        for child in container.iterchildren():
            if child.tag == _P:
                yield DocxParagraph(child, cell)
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    yield from walk(content)

    return walk(cell._tc)


def docx_document(data: bytes, path: Path, kind: str = "docx") -> Document:
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a damaged package raises zip, XML, key or value errors alike
        raise UnsupportedSource(path, f"not a readable Word document ({type(exc).__name__}: {exc})") from exc
    reader = _Reader()
    try:
        reader.body(word, word.element.body)
    except RecursionError as exc:
        raise UnsupportedSource(path, "the Word document nests tables too deeply to read") from exc
    metadata = {}
    props = word.core_properties
    for name, text in (("title", props.title), ("author", props.author)):
        if text and text.strip():
            metadata[name] = text.strip()
    for name, value in (("created", props.created), ("modified", props.modified)):
        if value is not None:
            metadata[name] = value.isoformat()
    return Document(name=path.name, kind=kind, blocks=tuple(reader.blocks), metadata=metadata)
