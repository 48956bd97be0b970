"""Ruled tables on one page: ruling lines → a slot grid with merged cells → cell text.

The distinct x of the vertical rules and y of the horizontal rules cut a table
into slots; two adjacent slots belong to one merged cell when no rule is drawn
between them. Words go to the cell that holds their centre.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from .geometry import Box, LayoutSettings, Rule, Word, min_confidence, union
from .lines import group_lines, join_lines, line_text


def snap(values: Iterable[float], tol: float) -> list[float]:
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
                run = union((run, rule.bbox))
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


def rule_groups(rules: list[Rule], tol: float) -> list[tuple[list[Rule], list[Rule]]]:
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
class TableCell:
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
    cells: list[TableCell]

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


def _near_lines(rules: list[Rule], lines: list[float], horizontal: bool, tol: float) -> list[list[Rule]]:
    """Per grid line, the rules (in their order) that lie on it, as ``_covered_share`` tests them.

    The rules are sorted by position once; each line then looks only at a window around
    it (wider than ``tol``) and applies the exact test there.
    """
    positions = [(r.bbox[1] + r.bbox[3]) / 2 if horizontal else (r.bbox[0] + r.bbox[2]) / 2 for r in rules]
    order = sorted(range(len(rules)), key=positions.__getitem__)
    ordered = [positions[i] for i in order]
    out = []
    for at in lines:
        window = order[bisect_left(ordered, at - tol - 1.0) : bisect_right(ordered, at + tol + 1.0)]
        out.append([rules[i] for i in sorted(window) if abs(positions[i] - at) <= tol])
    return out


def _overlapping(boxes: list[list[int]], n_rows: int, n_cols: int) -> bool:
    """Whether two slot rectangles [r0, c0, r1, c1) share a slot (painted on the slot grid)."""
    painted = bytearray(n_rows * n_cols)
    for r0, c0, r1, c1 in boxes:
        for r in range(r0, r1):
            row = r * n_cols
            for i in range(row + c0, row + c1):
                if painted[i]:
                    return True
                painted[i] = 1
    return False


def build_table(hs: list[Rule], vs: list[Rule], page: int, settings: LayoutSettings) -> TablePart | None:
    tol = settings.snap
    # the outer extents count as grid lines too: a table cut by a page break has no closing rule
    ys = snap([*((r.bbox[1] + r.bbox[3]) / 2 for r in hs), min(r.bbox[1] for r in vs), max(r.bbox[3] for r in vs)], tol)
    xs = snap([*((r.bbox[0] + r.bbox[2]) / 2 for r in vs), min(r.bbox[0] for r in hs), max(r.bbox[2] for r in hs)], tol)
    if len(xs) < 2 or len(ys) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    cover = settings.edge_cover
    # union-find over slots: merge neighbours with no rule drawn between them
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # the rules near each inner grid line, found once per line rather than once per slot edge
    v_near = _near_lines(vs, xs, False, tol)
    h_near = _near_lines(hs, ys, True, tol)
    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and _covered_share(v_near[c + 1], xs[c + 1], ys[r], ys[r + 1], False, tol) < cover:
                parent[find(r * n_cols + c)] = find(r * n_cols + c + 1)
            if r + 1 < n_rows and _covered_share(h_near[r + 1], ys[r + 1], xs[c], xs[c + 1], True, tol) < cover:
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
    changed = _overlapping(boxes, n_rows, n_cols)  # nearly always False: nothing to merge
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
    cells = [TableCell(r0, c0, r1, c1, (xs[c0], ys[r0], xs[c1], ys[r1])) for r0, c0, r1, c1 in boxes]
    cells.sort(key=lambda k: (k.r0, k.c0))
    return TablePart(page, xs, ys, cells)


def fill_cells(part: TablePart, words: list[Word], settings: LayoutSettings) -> list[Word]:
    """Put words into the part's cells; return the words that fall in no cell.

    A word goes to the first cell (in ``part.cells`` order) whose box holds its centre, edges
    included. The cells are found through the slot grid (a bisection on ``xs`` and ``ys``) rather
    than by testing every cell: a page of tables has thousands of characters and hundreds of cells.
    """
    buckets: dict[int, list[Word]] = {}
    rest: list[Word] = []
    cells = part.cells
    covering = _covering(part)
    xs, ys = part.xs, part.ys
    n_cols = len(xs) - 1
    left, right, top, bottom = xs[0], xs[-1], ys[0], ys[-1]
    last_col, last_row = len(xs) - 2, len(ys) - 2
    everything = range(len(cells))
    nothing: list[int] = []
    for word in words:
        x0, y0, x1, y1 = word.bbox
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if covering is None:
            candidates: Iterable[int] = everything
        elif cx < left or cx > right or cy < top or cy > bottom:
            candidates = nothing  # outside the table: no slot holds it (the edges are sorted)
        else:
            # the usual case first: a centre strictly inside one slot (_slots gives that slot alone)
            c = bisect_right(xs, cx) - 1
            r = bisect_right(ys, cy) - 1
            if 0 <= c <= last_col and 0 <= r <= last_row and xs[c] < cx < xs[c + 1] and ys[r] < cy < ys[r + 1]:
                candidates = covering[r * n_cols + c]
            else:
                candidates = [i for r in _slots(ys, cy) for c in _slots(xs, cx) for i in covering[r * n_cols + c]]
        found = None
        for i in candidates:
            bx0, by0, bx1, by1 = cells[i].bbox
            if bx0 <= cx <= bx1 and by0 <= cy <= by1 and (found is None or i < found):
                found = i
        if found is None:
            rest.append(word)
        elif found in buckets:
            buckets[found].append(word)
        else:
            buckets[found] = [word]
    for i, cell_words in buckets.items():
        lines = group_lines(cell_words, settings)
        cells[i].text = join_lines([line_text(ln, settings, column_mark=" ") for ln in lines])
        cells[i].confidence = min_confidence(cell_words)
    return rest


def _covering(part: TablePart) -> list[list[int]] | None:
    """Per slot (``row * n_cols + column``), the cells covering it; None when a cell's box is not on the slot grid."""
    xs, ys = part.xs, part.ys
    if any(a > b for a, b in pairwise(xs)) or any(a > b for a, b in pairwise(ys)):
        return None
    n_cols = len(xs) - 1
    covering: list[list[int]] = [[] for _ in range(n_cols * (len(ys) - 1))]
    for i, cell in enumerate(part.cells):
        if cell.bbox != (xs[cell.c0], ys[cell.r0], xs[cell.c1], ys[cell.r1]):
            return None
        for r in range(cell.r0, cell.r1):
            for c in range(cell.c0, cell.c1):
                covering[r * n_cols + c].append(i)
    return covering


def _slots(edges: list[float], value: float) -> list[int]:
    """The slots between consecutive ``edges`` that hold ``value`` (two when it lies on an edge)."""
    k = bisect_right(edges, value) - 1
    last = len(edges) - 2
    return [j for j in (k - 1, k) if 0 <= j <= last and edges[j] <= value <= edges[j + 1]]
