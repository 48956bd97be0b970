"""The shared geometry path on hand-made pages: ruled grids, merged cells, page-break stitching."""

from __future__ import annotations

from gongkai.document import Grid, Paragraph
from gongkai.ingest.layout import PageLayout, Rule, Word, document_blocks
from gongkai.read.linear import LinearText


def _h(y: float, x0: float, x1: float) -> Rule:
    return Rule((x0, y - 0.5, x1, y + 0.5))


def _v(x: float, y0: float, y1: float) -> Rule:
    return Rule((x - 0.5, y0, x + 0.5, y1))


def _text(text: str, x: float, y: float, size: float = 10.0) -> list[Word]:
    """One word per character, left to right from (x, y) (top of the line)."""
    return [Word(ch, (x + i * size, y, x + (i + 1) * size, y + size)) for i, ch in enumerate(text)]


def _vertical(text: str, x: float, y: float, size: float = 10.0) -> list[Word]:
    return [Word(ch, (x, y + i * size, x + size, y + (i + 1) * size)) for i, ch in enumerate(text)]


def _page(number: int, words: list[Word], rules: list[Rule]) -> PageLayout:
    return PageLayout(number, 595.0, 842.0, words, rules)


def test_merged_cells_become_covered_slots() -> None:
    # | 类别 (rowspan 2) | 数量 (colspan 2) |
    # |                  | 甲   | 乙        |
    # | 合计             | 1    | 2         |
    rules = [_h(100, 50, 350), _h(130, 150, 350), _h(160, 50, 350), _h(190, 50, 350)]
    rules += [_v(50, 100, 190), _v(150, 100, 190), _v(250, 130, 190), _v(350, 100, 190)]
    words = _text("类别", 60, 120) + _text("数量", 200, 105) + _text("甲", 160, 135) + _text("乙", 260, 135)
    words += _text("合计", 60, 165) + _text("1", 160, 165) + _text("2", 260, 165)
    words += _text("标题", 60, 50)
    blocks = document_blocks([_page(1, words, rules)])
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == "标题"
    grid = blocks[1]
    assert isinstance(grid, Grid)
    texts = [[c.text for c in row] for row in grid.rows]
    covered = [[c.covered for c in row] for row in grid.rows]
    assert texts == [["类别", "数量", ""], ["", "甲", "乙"], ["合计", "1", "2"]]
    assert covered == [[False, False, True], [True, False, False], [False, False, False]]
    assert LinearText(blocks_doc(blocks)).text.splitlines()[1:] == ["类别\t数量", "甲\t乙", "合计\t1\t2"]
    assert all(c.place.page == 1 and c.place.bbox is not None for row in grid.rows for c in row)


def test_vertical_label_is_read_top_to_bottom() -> None:
    rules = [_h(100, 50, 250), _h(200, 50, 250), _v(50, 100, 200), _v(80, 100, 200), _v(250, 100, 200)]
    words = _vertical("结果维持", 60, 110) + _text("5", 150, 140)
    (grid,) = document_blocks([_page(1, words, rules)])
    assert isinstance(grid, Grid)
    assert [c.text for c in grid.rows[0]] == ["结果维持", "5"]


def test_table_cut_by_a_page_break_is_stitched() -> None:
    # page 1: header row and a row whose group label (rowspan 2) continues on page 2
    p1_rules = [_h(700, 50, 350), _h(730, 50, 350), _h(760, 50, 350), _h(790, 150, 350)]
    p1_rules += [_v(50, 700, 820), _v(150, 700, 820), _v(250, 700, 820), _v(350, 700, 820)]
    p1_words = _text("项目", 60, 705) + _text("名称", 160, 705) + _text("数", 260, 705)
    p1_words += _text("分组", 60, 765) + _text("一", 160, 735) + _text("1", 260, 735)
    p1_words += _text("二", 160, 765) + _text("2", 260, 765) + _text("三", 160, 795) + _text("3", 260, 795)
    p1_words += _text("- 1 -", 280, 825)
    # page 2: no top rule; the group column is an empty cell continuing the merged one
    p2_rules = [_h(130, 150, 350), _h(160, 50, 350)]
    p2_rules += [_v(50, 100, 160), _v(150, 100, 160), _v(250, 100, 160), _v(350, 100, 160)]
    p2_words = _text("四", 160, 105) + _text("4", 260, 105) + _text("五", 160, 135) + _text("5", 260, 135)
    blocks = document_blocks([_page(1, p1_words, p1_rules), _page(2, p2_words, p2_rules)])
    grids = [b for b in blocks if isinstance(b, Grid)]
    assert len(grids) == 1
    lines = LinearText(blocks_doc(blocks)).text.splitlines()
    assert lines[:6] == ["项目\t名称\t数", "\t一\t1", "分组\t二\t2", "三\t3", "四\t4", "五\t5"]
    pages = {c.place.page for row in grids[0].rows for c in row if c.text}
    assert pages == {1, 2}


def blocks_doc(blocks):  # type: ignore[no-untyped-def]
    from gongkai.document import Document

    return Document("t", "pdf", tuple(blocks))


def test_unruled_table_rows_keep_their_columns() -> None:
    words = _text("一、本年新收", 50, 100) + _text("21", 250, 100) + _text("0", 320, 100) + _text("21", 390, 100)
    words += _text("二、上年结转", 50, 112) + _text("0", 250, 112) + _text("0", 320, 112) + _text("0", 390, 112)
    blocks = document_blocks([_page(1, words, [])])
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["一、本年新收\t21\t0\t21", "二、上年结转\t0\t0\t0"]
