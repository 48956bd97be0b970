"""Word (.docx) files → Document.

python-docx opens the package; the body XML is then walked directly, which
is several times faster than python-docx's proxy objects and sees what they
skip. The body is walked in order: paragraphs, tables, and the content of block
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
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml.etree import _Element

from ..document import Document, Grid, GridCell, Paragraph, SourcePlace
from ..errors import LimitExceeded, UnsupportedSource
from ..limits import DEFAULT_LIMITS, Limits
from .grid import CellBudget, GridTooLarge, Slots, SpanCell, put, squared
from .zips import ZIP_ERRORS

_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtContent")
_R, _T, _TAB, _PTAB, _BR, _CR, _HYPHEN = (qn(f"w:{n}") for n in ("r", "t", "tab", "ptab", "br", "cr", "noBreakHyphen"))
_VAL, _TYPE = qn("w:val"), qn("w:type")
_NOT_WORD = "不是可读的 Word 文档，或文件已损坏（not a readable Word document）"
# inline wrappers whose runs are part of the paragraph text (text boxes and deleted text are not)
_RUN_CONTAINERS = frozenset(
    qn(f"w:{n}")
    for n in ("hyperlink", "ins", "smartTag", "fldSimple", "sdt", "sdtContent", "customXml", "moveTo", "dir", "bdo")
)
_PROPERTY = {
    name: tuple(qn(f"w:{p}") for p in path)
    for name, path in (
        ("grid_before", ("trPr", "gridBefore")),
        ("grid_span", ("tcPr", "gridSpan")),
        ("v_merge", ("tcPr", "vMerge")),
    )
}


def _property(element: _Element, name: str) -> _Element | None:
    for tag in _PROPERTY[name]:
        found = element.find(tag)
        if found is None:
            return None
        element = found
    return element


def _int_property(element: _Element, name: str, default: int) -> int:
    found = _property(element, name)
    value = found.get(_VAL) if found is not None else None
    if value is None or not value.isascii() or not value.isdigit():  # "²".isdigit() too
        return default
    return int(value) if int(value) > 0 else default


def _continues_merge(tc: _Element) -> bool:
    merge = _property(tc, "v_merge")
    return merge is not None and merge.get(_VAL, "continue") == "continue"


def paragraph_text(p: _Element) -> str:
    """The text of a ``w:p`` as Word shows it: tabs as ``\t``, line breaks as ``\n``."""
    parts: list[str] = []

    def runs(container: _Element) -> None:
        for child in container:
            if child.tag == _R:
                for item in child:
                    tag = item.tag
                    if tag == _T:
                        parts.append(item.text or "")
                    elif tag in (_TAB, _PTAB):
                        parts.append("\t")
                    elif (tag == _BR and item.get(_TYPE, "textWrapping") == "textWrapping") or tag == _CR:
                        parts.append("\n")
                    elif tag == _HYPHEN:
                        parts.append("-")
            elif child.tag in _RUN_CONTAINERS:
                runs(child)

    runs(p)
    return "".join(parts)


def _blocks(container: _Element) -> Iterator[_Element]:
    """The ``w:p`` and ``w:tbl`` children of a body or cell, looking into content controls."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)


class _Reader:
    def __init__(self, limits: Limits) -> None:
        self.blocks: list[Paragraph | Grid] = []
        self.line = 0
        self.budget = CellBudget(limits)

    def body(self, container: _Element) -> None:
        for child in _blocks(container):
            if child.tag == _P:
                self.line += 1
                text = paragraph_text(child).strip()
                if text:
                    self.blocks.append(Paragraph(text, SourcePlace(line=self.line)))
            else:
                self.table(child)

    def table(self, tbl: _Element) -> None:
        slots: Slots = {}
        nested: list[_Element] = []
        rows = list(_blocks_of(tbl, _TR))
        first_line = self.line + 1
        for r, tr in enumerate(rows):
            self.line += 1
            place = SourcePlace(line=self.line)
            col = _int_property(tr, "grid_before", 0)
            for tc in _blocks_of(tr, _TC):
                span = _int_property(tc, "grid_span", 1)
                if _continues_merge(tc):
                    span = min(span, self.budget.limits.max_span)
                    self.budget.check(len(slots) + span)
                    for j in range(span):
                        slots[(r, col + j)] = GridCell("", place, covered=True)
                    col += span
                    continue
                lines = []
                for block in _blocks(tc):
                    if block.tag == _P:
                        lines.append(paragraph_text(block).strip())
                    else:
                        nested.append(block)
                text = "\n".join(line for line in lines if line)
                col += put(slots, r, col, SpanCell(text, place, 1, span), 1, self.budget)
        if rows:
            self.blocks.append(Grid(squared(slots, len(rows), self.budget), SourcePlace(line=first_line)))
        for inner in nested:
            self.table(inner)


def _blocks_of(parent: _Element, tag: str) -> Iterator[_Element]:
    """Children with ``tag``, looking into content controls (rows and cells may sit in one)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks_of(content, tag)


def _unpacked_size(data: bytes, path: Path) -> int:
    """Bytes of all parts of the package, uncompressed (as declared: zipfile never reads past it)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return sum(info.file_size for info in package.infolist())
    except ZIP_ERRORS as exc:
        raise UnsupportedSource(path, _NOT_WORD, detail=f"{type(exc).__name__}: {exc}") from exc


def docx_document(data: bytes, path: Path, kind: str = "docx", limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read a Word (.docx) package; see the module docstring."""
    unpacked = _unpacked_size(data, path)
    if unpacked > limits.max_archive_total:  # python-docx inflates every part into memory
        raise LimitExceeded(path, limits.over("max_archive_total", unpacked), limit="max_archive_total")
    try:
        word = docx.Document(io.BytesIO(data))
        body = word.element.body
        props = word.core_properties
        core = [("title", props.title), ("author", props.author)]
        dates = [("created", props.created), ("modified", props.modified)]
    except Exception as exc:  # a damaged package raises zip, XML, key, value or type errors alike
        raise UnsupportedSource(path, _NOT_WORD, detail=f"{type(exc).__name__}: {exc}") from exc
    if body is None:
        raise UnsupportedSource(path, "Word 文档没有正文（the document has no body）")
    reader = _Reader(limits)
    try:
        reader.body(body)
    except RecursionError as exc:
        raise UnsupportedSource(path, "Word 文档的表格嵌套过深，无法读取（tables nested too deeply to read）") from exc
    except GridTooLarge as exc:
        raise LimitExceeded(path, limits.over("max_grid_cells", exc.cells), limit="max_grid_cells") from None
    metadata = {}
    for name, text in core:
        if text and text.strip():
            metadata[name] = text.strip()
    for name, value in dates:
        if value is not None:
            metadata[name] = value.isoformat()
    return Document(name=path.name, kind=kind, blocks=tuple(reader.blocks), metadata=metadata)
