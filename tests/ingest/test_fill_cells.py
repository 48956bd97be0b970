"""Words into ruled cells through the slot grid give exactly what testing every cell gives: the first cell
(in the part's order) whose box holds the word's centre, edges included — for random grids with merged
cells and words on the ruling lines, and for boxes off the grid (the gold corpora guard real pages)."""

from __future__ import annotations

from copy import deepcopy

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.ingest.layout.geometry import DEFAULT_SETTINGS, Word
from gongkai.ingest.layout.grid import TableCell, TablePart, fill_cells


def _every_cell(part: TablePart, words: list[Word]) -> tuple[dict[int, list[str]], list[str]]:
    """The reference: each word tested against every cell in order."""
    placed: dict[int, list[str]] = {}
    rest: list[str] = []
    for word in words:
        for i, cell in enumerate(part.cells):
            x0, y0, x1, y1 = cell.bbox
            if x0 <= word.cx <= x1 and y0 <= word.cy <= y1:
                placed.setdefault(i, []).append(word.text)
                break
        else:
            rest.append(word.text)
    return placed, rest


def _through_the_grid(part: TablePart, words: list[Word]) -> tuple[dict[int, str], list[str]]:
    filled = deepcopy(part)
    rest = fill_cells(filled, words, DEFAULT_SETTINGS)
    return {i: c.text for i, c in enumerate(filled.cells) if c.text}, [w.text for w in rest]


@st.composite
def grids(draw: st.DrawFn) -> tuple[TablePart, list[Word]]:
    columns, rows = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    xs = [0.0]
    for _ in range(columns):
        xs.append(xs[-1] + draw(st.sampled_from([10.0, 15.0, 30.0])))
    ys = [0.0]
    for _ in range(rows):
        ys.append(ys[-1] + draw(st.sampled_from([8.0, 12.0])))
    free = {(r, c) for r in range(rows) for c in range(columns)}
    cells = []
    for r in range(rows):
        for c in range(columns):
            if (r, c) not in free:
                continue
            r1, c1 = r + 1, c + 1
            if draw(st.booleans()) and all((r, k) in free for k in range(c, min(c + 2, columns))):
                c1 = min(c + 2, columns)
            free -= {(rr, cc) for rr in range(r, r1) for cc in range(c, c1)}
            cells.append(TableCell(r, c, r1, c1, (xs[c], ys[r], xs[c1], ys[r1])))
    if draw(st.booleans()) and cells:  # a box off the grid: the slower path must give the same
        first = cells[0]
        cells[0] = TableCell(first.r0, first.c0, first.r1, first.c1, (xs[0] - 1, ys[0] - 1, xs[1], ys[1]))
    across = st.one_of(st.sampled_from(xs), st.floats(-5, xs[-1] + 5))  # on a ruling line, or anywhere
    down = st.one_of(st.sampled_from(ys), st.floats(-5, ys[-1] + 5))
    points = st.tuples(across, down)
    words = [Word(str(n % 10), (x, y, x, y)) for n, (x, y) in enumerate(draw(st.lists(points, max_size=40)))]
    return TablePart(1, xs, ys, cells), words


@settings(max_examples=300, deadline=None)
@given(grids())
def test_the_grid_places_each_word_where_testing_every_cell_does(case: tuple[TablePart, list[Word]]) -> None:
    part, words = case
    placed, rest = _every_cell(part, words)
    texts, left = _through_the_grid(part, words)
    assert left == rest
    assert set(texts) == set(placed)
    for i, chars in placed.items():
        assert sorted(texts[i].replace(" ", "").replace("\n", "")) == sorted(chars)
