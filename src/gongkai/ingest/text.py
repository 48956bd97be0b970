"""Plain text and Markdown files → Document.

Each line becomes a Paragraph that keeps its line number and character
offsets in the decoded text. Runs of Markdown table lines (``| a | b |``)
become a Grid, one cell per pipe-separated field; the ``|---|`` rule line is
dropped. Tab-separated lines stay paragraphs: the reader treats tabs as
cell boundaries wherever they occur.
"""

from __future__ import annotations

import itertools
import re

from ..document import Document, Grid, GridCell, Paragraph, SourcePlace

_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _is_md_row(line: str) -> bool:
    if "|" not in line:
        return False
    stripped = line.strip()
    return stripped.startswith("|") and stripped.count("|") >= 2


def _md_cells(line: str, line_no: int, offset: int) -> tuple[GridCell, ...]:
    cells = []
    bars = []
    bar = line.find("|")
    while bar >= 0:
        bars.append(bar)
        bar = line.find("|", bar + 1)
    first = line.index("|")
    if bars[-1] != len(line.rstrip()) - 1:
        bars.append(len(line.rstrip()))  # a row without a closing bar
    for left, right in itertools.pairwise(bars):
        if left < first:
            continue
        raw = line[left + 1 : right]
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        start = offset + left + 1 + lead
        cells.append(GridCell(text, SourcePlace(line=line_no, start=start, end=start + len(text))))
    return tuple(cells)


def text_document(text: str, name: str, kind: str = "txt") -> Document:
    blocks: list[Paragraph | Grid] = []
    grid_rows: list[tuple[GridCell, ...]] = []
    grid_place: SourcePlace | None = None

    def flush() -> None:
        nonlocal grid_rows, grid_place
        if grid_rows and grid_place is not None:
            blocks.append(Grid(tuple(grid_rows), grid_place))
        grid_rows, grid_place = [], None

    offset = 0
    for line_no, line_with_end in enumerate(text.splitlines(keepends=True), start=1):
        line = line_with_end.rstrip("\r\n")
        if _is_md_row(line):
            if grid_place is None:
                grid_place = SourcePlace(line=line_no, start=offset, end=offset + len(line))
            if not _MD_RULE.match(line):
                grid_rows.append(_md_cells(line, line_no, offset))
        else:
            if grid_place is not None:  # a Markdown table ends here
                flush()
            blocks.append(Paragraph(line, SourcePlace(line_no, offset, offset + len(line))))
        offset += len(line_with_end)
    flush()
    return Document(name=name, kind=kind, blocks=tuple(blocks))
