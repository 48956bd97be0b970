"""Page geometry → Document blocks: lines, paragraphs and ruled table grids.

Shared by the text-PDF reader (one ``Word`` per character) and OCR (one
``Word`` per recognised character box). Coordinates are PDF points from the
top-left corner of the page, whatever the source, so one set of thresholds
serves both.

A table is rebuilt from its ruling lines: the distinct x of the vertical
rules and y of the horizontal rules cut the table into slots; two adjacent
slots belong to one merged cell when no rule is drawn between them. Words
go to the cell that holds their centre. A table cut by a page break is
stitched back when the next page opens with a table of the same outer width
or column count; a merged cell that continues over the break (an empty cell
under a cell spanning several rows) becomes covered slots of that cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..document import Block, Grid, GridCell, Paragraph, SourcePlace

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
    paragraph_gap: float = 0.9
    """Lines further apart than this many line heights start a new paragraph."""
    margin_slack: float = 1.5
    """Line heights of slack when deciding that a line starts indented or ends short."""
    furniture_band: float = 0.08
    """Share of the page height at top and bottom where page numbers and running heads sit."""
    stitch_edge: float = 6.0
    """Outer table edges within this distance on consecutive pages mark one table cut by a page break."""


DEFAULT_SETTINGS = LayoutSettings()


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


# --- text lines ---------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    words: list[Word]
    bbox: Box

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]


def _union(boxes: Iterable[Box]) -> Box:
    boxes = list(boxes)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" or ch in "、。，；："


def group_lines(words: Sequence[Word], settings: LayoutSettings = DEFAULT_SETTINGS) -> list[_Line]:
    """Words gathered into text lines, top to bottom, each line left to right."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (w.cy, w.bbox[0])):
        if lines:
            line = lines[-1]
            overlap = min(line.bbox[3], word.bbox[3]) - max(line.bbox[1], word.bbox[1])
            if overlap >= settings.line_overlap * max(min(line.height, word.height), 0.1):
                line.words.append(word)
                line.bbox = _union((line.bbox, word.bbox))
                continue
        lines.append(_Line([word], word.bbox))
    for line in lines:
        line.words.sort(key=lambda w: w.bbox[0])
    return lines


def line_text(line: _Line, settings: LayoutSettings = DEFAULT_SETTINGS) -> str:
    parts: list[str] = []
    previous: Word | None = None
    for word in line.words:
        if previous is not None and parts:
            gap = word.bbox[0] - previous.bbox[2]
            latin = not _is_cjk(previous.text[-1]) and not _is_cjk(word.text[0])
            if latin and gap > settings.space_gap * max(line.height, 1.0):
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


def _confidence(words: Iterable[Word]) -> float | None:
    values = [w.confidence for w in words if w.confidence is not None]
    return round(min(values), 4) if values else None


# --- ruled tables ---------------------------------------------------------------


def _snap(values: Iterable[float], tol: float) -> list[float]:
    """Cluster coordinates; one representative (the mean) per cluster, sorted."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(c) / len(c) for c in out]


def _merge_collinear(rules: list[Rule], horizontal: bool, tol: float) -> list[Rule]:
    """Join rules on one line whose extents touch or overlap."""

    def across(r: Rule) -> float:
        x0, y0, x1, y1 = r.bbox
        return (y0 + y1) / 2 if horizontal else (x0 + x1) / 2

    def along(r: Rule) -> float:
        return r.bbox[0] if horizontal else r.bbox[1]

    lines: list[list[Rule]] = []
    for rule in sorted(rules, key=across):
        if lines and across(rule) - across(lines[-1][-1]) <= tol:
            lines[-1].append(rule)
        else:
            lines.append([rule])
    merged: list[Rule] = []
    for line in lines:
        run: Box | None = None
        for rule in sorted(line, key=along):
            if run is not None and along(rule) <= (run[2] if horizontal else run[3]) + tol:
                run = _union((run, rule.bbox))
                continue
            if run is not None:
                merged.append(Rule(run))
            run = rule.bbox
        if run is not None:
            merged.append(Rule(run))
    return merged


def _touch(h: Rule, v: Rule, tol: float) -> bool:
    hx0, hy0, hx1, hy1 = h.bbox
    vx0, vy0, vx1, vy1 = v.bbox
    return hx0 - tol <= (vx0 + vx1) / 2 <= hx1 + tol and vy0 - tol <= (hy0 + hy1) / 2 <= vy1 + tol


def _rule_groups(rules: list[Rule], tol: float) -> list[tuple[list[Rule], list[Rule]]]:
    """Rules split into connected nets (one per table): (horizontals, verticals)."""
    hs = _merge_collinear([r for r in rules if r.horizontal], True, tol)
    vs = _merge_collinear([r for r in rules if not r.horizontal], False, tol)
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _touch(h, v, tol):
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


@dataclass(slots=True)
class _Cell:
    r0: int
    c0: int
    r1: int  # exclusive
    c1: int
    bbox: Box
    text: str = ""
    confidence: float | None = None
    continued: bool = False  # the top part of this cell was on the previous page

    @property
    def rowspan(self) -> int:
        return self.r1 - self.r0


@dataclass(slots=True)
class TablePart:
    """One ruled table on one page, cells on a slot grid of ``xs`` × ``ys``."""

    page: int
    xs: list[float]
    ys: list[float]
    cells: list[_Cell]

    @property
    def bbox(self) -> Box:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1


def _covered_share(rules: list[Rule], at: float, lo: float, hi: float, horizontal: bool, tol: float) -> float:
    """Share of the edge [lo, hi] on line ``at`` that rules cover."""
    spans: list[tuple[float, float]] = []
    for r in rules:
        x0, y0, x1, y1 = r.bbox
        pos, a, b = ((y0 + y1) / 2, x0, x1) if horizontal else ((x0 + x1) / 2, y0, y1)
        if abs(pos - at) <= tol and b > lo and a < hi:
            spans.append((max(a, lo), min(b, hi)))
    covered, reach = 0.0, lo
    for a, b in sorted(spans):
        if b > reach:
            covered += b - max(a, reach)
            reach = b
    return covered / max(hi - lo, 1e-6)


def build_table(hs: list[Rule], vs: list[Rule], page: int, settings: LayoutSettings) -> TablePart | None:
    tol = settings.snap
    # the outer extents count as grid lines too: a table cut by a page break has no closing rule
    ys = _snap(
        [*((r.bbox[1] + r.bbox[3]) / 2 for r in hs), min(r.bbox[1] for r in vs), max(r.bbox[3] for r in vs)], tol
    )
    xs = _snap(
        [*((r.bbox[0] + r.bbox[2]) / 2 for r in vs), min(r.bbox[0] for r in hs), max(r.bbox[2] for r in hs)], tol
    )
    if len(xs) < 2 or len(ys) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    # union-find over slots: merge neighbours with no rule drawn between them
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and _covered_share(vs, xs[c + 1], ys[r], ys[r + 1], False, tol) < settings.edge_cover:
                parent[find(r * n_cols + c)] = find(r * n_cols + c + 1)
            if r + 1 < n_rows and _covered_share(hs, ys[r + 1], xs[c], xs[c + 1], True, tol) < settings.edge_cover:
                parent[find(r * n_cols + c)] = find((r + 1) * n_cols + c)
    # each merged group becomes its bounding rectangle; overlapping rectangles merge until stable
    rects: dict[int, list[int]] = {}
    for i in range(n_rows * n_cols):
        r, c = divmod(i, n_cols)
        root = find(i)
        if root in rects:
            g = rects[root]
            rects[root] = [min(g[0], r), min(g[1], c), max(g[2], r + 1), max(g[3], c + 1)]
        else:
            rects[root] = [r, c, r + 1, c + 1]
    boxes = list(rects.values())
    changed = True
    while changed:
        changed = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    boxes[i] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
                    del boxes[j]
                    changed = True
                    break
            if changed:
                break
    cells = [_Cell(r0, c0, r1, c1, (xs[c0], ys[r0], xs[c1], ys[r1])) for r0, c0, r1, c1 in boxes]
    cells.sort(key=lambda k: (k.r0, k.c0))
    return TablePart(page, xs, ys, cells)


def _fill_cells(part: TablePart, words: list[Word], settings: LayoutSettings) -> list[Word]:
    """Put words into the part's cells; return the words that fall in no cell."""
    buckets: dict[int, list[Word]] = {}
    rest: list[Word] = []
    for word in words:
        for i, cell in enumerate(part.cells):
            x0, y0, x1, y1 = cell.bbox
            if x0 <= word.cx <= x1 and y0 <= word.cy <= y1:
                buckets.setdefault(i, []).append(word)
                break
        else:
            rest.append(word)
    for i, cell_words in buckets.items():
        lines = group_lines(cell_words, settings)
        part.cells[i].text = join_lines([line_text(ln, settings) for ln in lines])
        part.cells[i].confidence = _confidence(cell_words)
    return rest


# --- a page → items -------------------------------------------------------------


@dataclass(slots=True)
class _Text:
    """A paragraph being built on one page."""

    page: int
    lines: list[_Line]
    text: str
    bbox: Box

    @property
    def top(self) -> float:
        return self.bbox[1]


_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*(共\s*)?\d{1,4}\s*页?)?[-—–－\s]*$")


def _is_furniture(item: _Text, height: float, settings: LayoutSettings) -> bool:
    band = settings.furniture_band * height
    in_band = item.bbox[3] <= band or item.bbox[1] >= height - band
    return in_band and (bool(_PAGE_NUMBER.match(item.text)) or len(item.text) <= 2)


def _paragraphs(lines: list[_Line], page: int, settings: LayoutSettings) -> list[_Text]:
    """Text lines joined into paragraphs: a line continues the previous one when
    that one runs to the right margin and this one starts at the left margin."""
    if not lines:
        return []
    left = min(ln.bbox[0] for ln in lines)
    right = max(ln.bbox[2] for ln in lines)
    out: list[_Text] = []
    for line in lines:
        text = line_text(line, settings)
        if out:
            prev = out[-1]
            last = prev.lines[-1]
            h = max(last.height, line.height, 1.0)
            slack = settings.margin_slack * h
            continues = (
                line.bbox[1] - last.bbox[3] <= settings.paragraph_gap * h
                and last.bbox[2] >= right - slack
                and line.bbox[0] <= left + slack
                and abs(line.height - last.height) <= 0.3 * h
            )
            if continues:
                prev.lines.append(line)
                prev.text = join_lines([prev.text, text])
                prev.bbox = _union((prev.bbox, line.bbox))
                continue
        out.append(_Text(page, [line], text, line.bbox))
    return out


def page_items(page: PageLayout, settings: LayoutSettings = DEFAULT_SETTINGS) -> list[_Text | TablePart]:
    """A page as paragraphs and table parts in reading order (top to bottom)."""
    words = [w for w in page.words if w.text.strip()]
    parts: list[TablePart] = []
    for hs, vs in _rule_groups(page.rules, settings.snap):
        part = build_table(hs, vs, page.number, settings)
        if part is not None and (part.n_rows > 1 or part.n_cols > 1):
            parts.append(part)
    for part in parts:
        words = _fill_cells(part, words, settings)
    items: list[_Text | TablePart] = [*parts, *_paragraphs_between(words, parts, page.number, settings)]
    items.sort(key=lambda it: it.top if isinstance(it, _Text) else it.ys[0])
    return items


def _paragraphs_between(words: list[Word], parts: list[TablePart], page: int, settings: LayoutSettings) -> list[_Text]:
    """Paragraphs of the words outside tables; a table ends a paragraph run."""
    lines = group_lines(words, settings)
    cuts = sorted(p.ys[0] for p in parts)
    runs: dict[int, list[_Line]] = {}
    for line in lines:
        runs.setdefault(sum(1 for y in cuts if y < line.bbox[1]), []).append(line)
    out: list[_Text] = []
    for key in sorted(runs):
        out.extend(_paragraphs(runs[key], page, settings))
    return out


# --- pages → blocks (with tables stitched over page breaks) -------------------------


def _same_table(a: TablePart, b: TablePart, settings: LayoutSettings) -> bool:
    tol = settings.stitch_edge
    same_edges = abs(a.xs[0] - b.xs[0]) <= tol and abs(a.xs[-1] - b.xs[-1]) <= tol
    return same_edges or a.n_cols == b.n_cols


def _stitch(
    parts: list[TablePart], settings: LayoutSettings
) -> tuple[list[float], list[tuple[TablePart, list[_Cell]]]]:
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
    xs = _snap((x for p in parts for x in p.xs), tol)

    def index(x: float) -> int:
        return min(range(len(xs)), key=lambda i: abs(xs[i] - x))

    out = []
    for p in parts:
        cells = [_Cell(k.r0, index(p.xs[k.c0]), k.r1, index(p.xs[k.c1]), k.bbox, k.text, k.confidence) for k in p.cells]
        out.append((p, cells))
    return xs, out


def _grid(parts: list[TablePart], settings: LayoutSettings) -> Grid:
    xs, per_part = _stitch(parts, settings)
    n_cols = len(xs) - 1
    rows: list[list[GridCell | None]] = []
    previous_bottom: dict[int, _Cell] = {}  # column → cell that ends the previous part
    for part, cells in per_part:
        base = len(rows)
        for _ in range(part.n_rows):
            rows.append([None] * n_cols)
        bottom: dict[int, _Cell] = {}
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
                        bbox=_rounded(cell.bbox if first_slot else box),
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
    return Grid(tuple(full), SourcePlace(page=first.page, bbox=_rounded(first.bbox)))


def _rounded(box: Box) -> Box:
    return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))


def document_blocks(pages: Sequence[PageLayout], settings: LayoutSettings = DEFAULT_SETTINGS) -> tuple[Block, ...]:
    """All pages as Document blocks; tables cut by a page break are stitched."""
    items: list[tuple[_Text | TablePart, float]] = []
    for page in pages:
        for item in page_items(page, settings):
            items.append((item, page.height))
    # drop page furniture so that a table's two halves become neighbours
    kept = [it for it, h in items if not (isinstance(it, _Text) and _is_furniture(it, h, settings))]
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
            Paragraph(item.text, SourcePlace(page=item.page, bbox=_rounded(item.bbox), confidence=_text_conf(item)))
        )
    flush()
    return tuple(blocks)


def _text_conf(item: _Text) -> float | None:
    return _confidence(w for line in item.lines for w in line.words)
