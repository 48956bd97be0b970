"""The fast layout code gives exactly what the plain code it replaced gives.

Each reference below is the earlier, plainer form of a layout step (every rule tested against
every slot edge, every pair of rectangles compared, line boxes grown through ``union``). Random
rules and words, with values on shared lines, touching and overlapping, must give identical
lines, tables and cells; the gold corpora guard real pages.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.ingest.layout.geometry import DEFAULT_SETTINGS, Box, LayoutSettings, Rule, Word, union
from gongkai.ingest.layout.grid import (
    TableCell,
    TablePart,
    _covered_share,
    _near_lines,
    _overlapping,
    build_table,
    rule_groups,
    snap,
)
from gongkai.ingest.layout.lines import TextLine, group_lines, line_text

# --- references: the plain forms ---------------------------------------------------


def _reference_group_lines(words: list[Word], settings: LayoutSettings) -> list[TextLine]:
    lines: list[TextLine] = []
    for word in sorted(words, key=lambda w: (w.cy, w.bbox[0])):
        if lines:
            line = lines[-1]
            overlap = min(line.bbox[3], word.bbox[3]) - max(line.bbox[1], word.bbox[1])
            if overlap >= settings.line_overlap * max(min(line.height, word.height), 0.1):
                line.words.append(word)
                line.bbox = union((line.bbox, word.bbox))
                continue
        lines.append(TextLine([word], word.bbox))
    for line in lines:
        line.words.sort(key=lambda w: w.bbox[0])
    return lines


def _reference_line_text(line: TextLine, settings: LayoutSettings, column_mark: str = "\t") -> str:
    from gongkai.ingest.layout.lines import _is_cjk

    parts: list[str] = []
    previous: Word | None = None
    height = max(line.height, 1.0)
    for word in line.words:
        if previous is not None and parts:
            gap = word.bbox[0] - previous.bbox[2]
            latin = not _is_cjk(previous.text[-1]) and not _is_cjk(word.text[0])
            if gap >= settings.column_gap * height:
                parts.append(column_mark)
            elif latin and gap > settings.space_gap * height:
                parts.append(" ")
        parts.append(word.text)
        previous = word
    return "".join(parts)


def _reference_build_table(hs: list[Rule], vs: list[Rule], page: int, settings: LayoutSettings) -> TablePart | None:
    tol = settings.snap
    ys = snap([*((r.bbox[1] + r.bbox[3]) / 2 for r in hs), min(r.bbox[1] for r in vs), max(r.bbox[3] for r in vs)], tol)
    xs = snap([*((r.bbox[0] + r.bbox[2]) / 2 for r in vs), min(r.bbox[0] for r in hs), max(r.bbox[2] for r in hs)], tol)
    if len(xs) < 2 or len(ys) < 2:
        return None
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
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
    cells = [TableCell(r0, c0, r1, c1, (xs[c0], ys[r0], xs[c1], ys[r1])) for r0, c0, r1, c1 in boxes]
    cells.sort(key=lambda k: (k.r0, k.c0))
    return TablePart(page, xs, ys, cells)


# --- generated input ------------------------------------------------------------------

COORD = st.one_of(st.sampled_from([0.0, 10.0, 10.5, 20.0, 30.0, 33.0, 40.0]), st.floats(0, 60, width=32))
GLYPHS = st.sampled_from(list("甲乙丙ab1，. -"))


@st.composite
def boxes(draw: st.DrawFn, max_size: float = 12.0) -> Box:
    x0, y0 = draw(COORD), draw(COORD)
    w, h = draw(st.floats(0, max_size)), draw(st.floats(0, max_size))
    return (x0, y0, x0 + w, y0 + h)


@st.composite
def words(draw: st.DrawFn) -> list[Word]:
    return [Word(draw(GLYPHS), draw(boxes())) for _ in range(draw(st.integers(0, 30)))]


@st.composite
def rules(draw: st.DrawFn) -> list[Rule]:
    """Horizontal and vertical rules on a few shared lines, some short, some broken."""
    lines = st.sampled_from([0.0, 20.0, 40.0, 41.5, 60.0, 80.0])
    out = []
    for _ in range(draw(st.integers(0, 24))):
        at, a, b = draw(lines), draw(lines), draw(lines)
        lo, hi = min(a, b), max(a, b) + draw(st.sampled_from([0.0, 0.5, 6.0]))
        if draw(st.booleans()):
            out.append(Rule((lo, at - 0.5, hi, at + 0.5)))
        else:
            out.append(Rule((at - 0.5, lo, at + 0.5, hi)))
    return out


# --- the properties ---------------------------------------------------------------------


def _lines(lines: list[TextLine]) -> list[tuple[list[Word], Box]]:
    return [(line.words, line.bbox) for line in lines]


@settings(max_examples=300, deadline=None)
@given(words())
def test_text_lines_are_those_of_the_plain_grouping(case: list[Word]) -> None:
    fast = group_lines(case, DEFAULT_SETTINGS)
    plain = _reference_group_lines(case, DEFAULT_SETTINGS)
    assert _lines(fast) == _lines(plain)
    for line in fast:
        for mark in ("\t", " "):
            assert line_text(line, DEFAULT_SETTINGS, mark) == _reference_line_text(line, DEFAULT_SETTINGS, mark)


@settings(max_examples=300, deadline=None)
@given(rules())
def test_tables_are_those_of_the_plain_construction(case: list[Rule]) -> None:
    for hs, vs in rule_groups(case, DEFAULT_SETTINGS.snap):
        fast = build_table(hs, vs, 1, DEFAULT_SETTINGS)
        plain = _reference_build_table(hs, vs, 1, DEFAULT_SETTINGS)
        assert fast == plain


@settings(max_examples=300, deadline=None)
@given(rules(), st.lists(COORD, max_size=8), st.booleans())
def test_rules_near_a_line_are_those_the_plain_filter_finds(case: list[Rule], at: list[float], across: bool) -> None:
    tol = DEFAULT_SETTINGS.snap

    def position(r: Rule) -> float:
        x0, y0, x1, y1 = r.bbox
        return (y0 + y1) / 2 if across else (x0 + x1) / 2

    expected = [[r for r in case if abs(position(r) - a) <= tol] for a in at]
    assert _near_lines(case, at, across, tol) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(1, 3), st.integers(1, 3)), max_size=8))
def test_overlap_on_the_slot_grid_is_the_pairwise_test(spans: list[tuple[int, int, int, int]]) -> None:
    rects = [[r, c, r + h, c + w] for r, c, h, w in spans]
    pairwise = any(
        a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3] for i, a in enumerate(rects) for b in rects[i + 1 :]
    )
    assert _overlapping(rects, 7, 7) == pairwise


def test_an_l_shaped_merge_swallows_the_slot_in_its_corner() -> None:
    # slots 3 x 2; no rule between (0,0) and (1,0), none between (1,0) and (1,1): their bounding
    # rectangle overlaps slot (0,1), so the rectangles merge into one cell over the top two rows
    hs = [Rule((0, -0.5, 60, 0.5)), Rule((30, 39.5, 60, 40.5)), Rule((0, 79.5, 60, 80.5)), Rule((0, 119.5, 60, 120.5))]
    vs = [Rule((-0.5, 0, 0.5, 120)), Rule((59.5, 0, 60.5, 120)), Rule((29.5, 0, 30.5, 40)), Rule((29.5, 80, 30.5, 120))]
    fast = build_table(hs, vs, 1, DEFAULT_SETTINGS)
    assert fast == _reference_build_table(hs, vs, 1, DEFAULT_SETTINGS)
    assert fast is not None
    assert [(k.r0, k.c0, k.r1, k.c1) for k in fast.cells] == [(0, 0, 2, 2), (2, 0, 3, 1), (2, 1, 3, 2)]
