"""Pages → Document blocks, with tables cut by a page break stitched back.

A table part that ends one page and a part that opens the next (page
furniture such as page numbers aside) are one table when their outer edges or
column counts agree. Their columns are put on one grid (the union of their
column lines); a merged cell that continues over the break (an empty cell
under a cell spanning several rows) becomes covered slots of that cell.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...document import Block, Grid, GridCell, Paragraph, SourcePlace
from .geometry import DEFAULT_SETTINGS, LayoutSettings, PageLayout, Word, min_confidence, rounded
from .grid import TableCell, TablePart, build_table, fill_cells, rule_groups, snap
from .lines import TextBlock, TextLine, group_lines, is_furniture, paragraphs


def page_items(page: PageLayout, settings: LayoutSettings = DEFAULT_SETTINGS) -> list[TextBlock | TablePart]:
    """A page as paragraphs and table parts in reading order (top to bottom)."""
    words = [w for w in page.words if w.text.strip()]
    parts: list[TablePart] = []
    for hs, vs in rule_groups(page.rules, settings.snap):
        part = build_table(hs, vs, page.number, settings)
        if part is not None and (part.n_rows > 1 or part.n_cols > 1):
            parts.append(part)
    for part in parts:
        words = fill_cells(part, words, settings)
    items: list[TextBlock | TablePart] = [*parts, *_paragraphs_between(words, parts, page.number, settings)]
    items.sort(key=lambda it: it.top if isinstance(it, TextBlock) else it.ys[0])
    return items


def _paragraphs_between(
    words: list[Word], parts: list[TablePart], page: int, settings: LayoutSettings
) -> list[TextBlock]:
    """Paragraphs of the words outside tables; a table ends a paragraph run."""
    lines = group_lines(words, settings)
    cuts = sorted(p.ys[0] for p in parts)
    runs: dict[int, list[TextLine]] = {}
    for line in lines:
        runs.setdefault(sum(1 for y in cuts if y < line.bbox[1]), []).append(line)
    out: list[TextBlock] = []
    for key in sorted(runs):
        out.extend(paragraphs(runs[key], page, settings))
    return out


# --- pages → blocks (with tables stitched over page breaks) -------------------------


def _same_table(a: TablePart, b: TablePart, settings: LayoutSettings) -> bool:
    tol = settings.stitch_edge
    same_edges = abs(a.xs[0] - b.xs[0]) <= tol and abs(a.xs[-1] - b.xs[-1]) <= tol
    return same_edges or a.n_cols == b.n_cols


def _stitch(
    parts: list[TablePart], settings: LayoutSettings
) -> tuple[list[float], list[tuple[TablePart, list[TableCell]]]]:
    """Re-express all parts on one column grid: the union of their column lines.

    Returns the merged xs and, per part, its cells with columns re-indexed
    (rows stay per part). Parts of equal column count but shifted edges are
    aligned by column index instead.
    """
    tol = settings.stitch_edge
    first = parts[0]
    if all(p.n_cols == first.n_cols for p in parts) and not all(
        abs(p.xs[0] - first.xs[0]) <= tol and abs(p.xs[-1] - first.xs[-1]) <= tol for p in parts
    ):
        return first.xs, [(p, p.cells) for p in parts]
    xs = snap((x for p in parts for x in p.xs), tol)

    def index(x: float) -> int:
        return min(range(len(xs)), key=lambda i: abs(xs[i] - x))

    out = []
    for p in parts:
        column = [index(x) for x in p.xs]  # the part's column line → its line on the merged grid
        cells = [TableCell(k.r0, column[k.c0], k.r1, column[k.c1], k.bbox, k.text, k.confidence) for k in p.cells]
        out.append((p, cells))
    return xs, out


def _grid(parts: list[TablePart], settings: LayoutSettings) -> Grid:
    xs, per_part = _stitch(parts, settings)
    n_cols = len(xs) - 1
    rows: list[list[GridCell | None]] = []
    previous_bottom: dict[int, TableCell] = {}  # column → cell that ends the previous part
    for part, cells in per_part:
        base = len(rows)
        for _ in range(part.n_rows):
            rows.append([None] * n_cols)
        bottom: dict[int, TableCell] = {}
        for cell in cells:
            above = previous_bottom.get(cell.c0) if cell.r0 == 0 else None
            continues = (
                above is not None
                and not cell.text
                and above.c1 == cell.c1
                and (above.rowspan > 1 or cell.rowspan > 1)
                and (above.text or above.continued)
            )
            for r in range(cell.r0, cell.r1):
                for c in range(cell.c0, cell.c1):
                    box = (xs[c], part.ys[r], xs[c + 1], part.ys[r + 1])
                    first_slot = r == cell.r0 and c == cell.c0 and not continues
                    place = SourcePlace(
                        page=part.page,
                        bbox=rounded(cell.bbox if first_slot else box),
                        confidence=cell.confidence if first_slot else None,
                    )
                    rows[base + r][c] = GridCell(cell.text if first_slot else "", place, covered=not first_slot)
            if continues and above is not None:
                cell.continued = True
            if cell.r1 == part.n_rows:
                for c in range(cell.c0, cell.c1):
                    bottom[c] = cell
        previous_bottom = bottom
    first = parts[0]
    # a slot no cell claims (rules that do not close) stays a blank cell
    blank = GridCell("", SourcePlace(page=first.page))
    full = [tuple(cell if cell is not None else blank for cell in row) for row in rows]
    return Grid(tuple(full), SourcePlace(page=first.page, bbox=rounded(first.bbox)))


def document_blocks(pages: Sequence[PageLayout], settings: LayoutSettings = DEFAULT_SETTINGS) -> tuple[Block, ...]:
    """All pages as Document blocks; tables cut by a page break are stitched."""
    items: list[tuple[TextBlock | TablePart, float]] = []
    for page in pages:
        for item in page_items(page, settings):
            items.append((item, page.height))
    # drop page furniture so that a table's two halves become neighbours
    kept = [it for it, h in items if not (isinstance(it, TextBlock) and is_furniture(it, h, settings))]
    blocks: list[Block] = []
    group: list[TablePart] = []

    def flush() -> None:
        if group:
            blocks.append(_grid(group, settings))
            group.clear()

    for item in kept:
        if isinstance(item, TablePart):
            if group and not (item.page == group[-1].page + 1 and _same_table(group[-1], item, settings)):
                flush()
            group.append(item)
            continue
        flush()
        blocks.append(
            Paragraph(item.text, SourcePlace(page=item.page, bbox=rounded(item.bbox), confidence=_text_conf(item)))
        )
    flush()
    return tuple(blocks)


def _text_conf(item: TextBlock) -> float | None:
    return min_confidence(w for line in item.lines for w in line.words)
