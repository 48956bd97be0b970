"""HTML pages and fragments → Document: the real dev page and small hand-made pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai.document import Document, Grid, Paragraph
from gongkai.errors import UnsupportedSource
from gongkai.ingest import load_document
from gongkai.ingest.html import decode_html, html_document
from gongkai.read import read_document

from ..conftest import CORPUS, shared_or_skip

PAGE_015 = CORPUS / "dev" / "015_shuyang-xian-fgj-2023.html"


def _doc(html: str | bytes) -> Document:
    data = html.encode("utf-8") if isinstance(html, str) else html
    return html_document(data, Path("page.html"))


def _texts(grid: Grid) -> list[list[str | None]]:
    """Each slot's text, None for a covered slot."""
    return [[None if c.covered else c.text for c in row] for row in grid.rows]


def _grids(doc: Document) -> list[Grid]:
    return [b for b in doc.blocks if isinstance(b, Grid)]


def _paragraphs(doc: Document) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Paragraph)]


# --- the real page -------------------------------------------------------------


@pytest.fixture(scope="module")
def page_015() -> Document:
    return load_document(shared_or_skip(PAGE_015))


def test_real_page_blocks_in_order(page_015: Document) -> None:
    assert page_015.kind == "html"
    assert page_015.metadata["title"] == "沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局"
    grids = _grids(page_015)
    assert [len(g.rows) for g in grids] == [6, 14, 28, 4]  # CMS info table, tables 二, 三, 四
    texts = [b.text if isinstance(b, Paragraph) else "<grid>" for b in page_015.blocks]
    assert texts.index("二、主动公开政府信息情况") + 1 == texts.index("<grid>", texts.index("二、主动公开政府信息情况"))
    assert texts[-1] == "2024年1月17日"
    assert not any("websiteId" in t or "jquery" in t for t in texts)  # scripts are not text


def test_real_page_tables_are_true_grids(page_015: Document) -> None:
    _info, proactive, applications, appeals = _grids(page_015)
    for grid in (proactive, applications, appeals):
        assert len({len(row) for row in grid.rows}) == 1
    assert _texts(proactive)[3] == ["规范性文件", "8", "0", "18"]
    assert _texts(proactive)[5] == ["信息内容", "本年处理决定数量", None, None]
    rows = _texts(applications)
    assert rows[0][:4] == [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        None,
        None,
        "申请人情况",
    ]
    assert rows[1] == [None, None, None, "自然人", "法人或其他组织", None, None, None, None, "总计"]
    # Word blanks (<o:p> </o:p>) keep their slot, empty
    assert rows[3] == ["一、本年新收政府信息公开申请数量", None, None, "26", "", "", "", "", "", "26"]
    assert rows[5][:3] == ["三、本年度办理结果", "（一）予以公开", None]
    assert rows[7][:3] == [None, "（三）不予公开", "1.属于国家秘密"]
    assert _texts(appeals)[3] == ["0", "0", "0", "1", "1"] + ["0"] * 10


def test_real_page_places_point_into_the_source(page_015: Document) -> None:
    source, _ = decode_html(PAGE_015.read_bytes())
    lines = source.split("\n")
    _info, proactive, *_ = _grids(page_015)
    for cell in proactive.rows[3]:
        place = cell.place
        assert place.start is not None and place.end is not None and place.line is not None
        assert source[place.start : place.end] == cell.text
        assert cell.text in lines[place.line - 1]
    heading = next(b for b in page_015.blocks if isinstance(b, Paragraph) and b.text == "一、总体情况")
    assert source[heading.place.start : heading.place.end] == "一、总体情况"


def test_real_page_reads_to_the_gold_values(page_015: Document) -> None:
    report = read_document(page_015)
    assert report.agency == "沭阳县发展和改革局"
    assert report.year == 2023
    assert report.format_id == "2021"
    assert str(report.published) == "2024-01-17"
    assert report.cells["applications.new.person"].value == 26
    assert report.cells["applications.new.commercial"].value is None
    assert report.cells["proactive.normative.in_force"].value == 18
    assert report.cells["appeals.review.total"].value == 1


# --- hand-made pages -------------------------------------------------------------


def test_rowspan_and_colspan_expand_into_a_true_grid() -> None:
    doc = _doc(
        "<table><tr><th rowspan=2>项目</th><th colspan='2'>数量</th></tr>"
        "<tr><td>甲</td><td>乙</td></tr><tr><td>合计</td><td>1</td><td>2</td></tr></table>"
    )
    [grid] = _grids(doc)
    assert _texts(grid) == [["项目", "数量", None], [None, "甲", "乙"], ["合计", "1", "2"]]


def test_short_rows_are_padded_with_covered_slots_and_bogus_spans_are_clamped() -> None:
    doc = _doc('<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td rowspan="99x">d</td></tr></table>')
    [grid] = _grids(doc)
    assert _texts(grid) == [["a", "b", "c"], ["d", None, None]]


def test_gbk_page_with_meta_charset() -> None:
    page = '<html><head><meta charset="gb2312"><title>年度报告</title></head>'
    page += "<body><p>二、主动公开</p><p>镕</p></body></html>"
    doc = _doc(page.encode("gbk"))  # 镕 is GBK but not GB2312: read as GB18030
    assert _paragraphs(doc) == ["二、主动公开", "镕"]
    assert doc.metadata["title"] == "年度报告"


def test_utf8_page_with_a_stale_gb2312_meta() -> None:
    doc = _doc('<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>沭阳县</p>'.encode())
    assert _paragraphs(doc) == ["沭阳县"]


def test_word_export_spans_and_blank_cells() -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><body>'
        "<p class=MsoNormal><span>（三）</span><span>不予</span><span>公开<o:p></o:p></span></p>"
        "<![if !supportLists]><span>1.</span><![endif]>"
        "<table><tr><td><p><span>属于国家</span><span>秘密</span></p></td>"
        "<td><p><o:p>&nbsp;</o:p></p></td><td><p>0<o:p></o:p></p></td></tr></table></body></html>"
    )
    doc = _doc(page)
    assert _paragraphs(doc) == ["（三）不予公开", "1."]
    [grid] = _grids(doc)
    assert _texts(grid) == [["属于国家秘密", "", "0"]]


def test_scripts_styles_and_chrome_are_not_text() -> None:
    doc = _doc(
        "<html><head><style>p{color:red}</style><script src='http://example.invalid/x.js'></script></head>"
        "<body><script>document.write('<p>注入</p>')</script><noscript>请启用</noscript>"
        "<template><p>模板</p></template><div>正文<br>第二行</div><!-- 注释 --><p>尾</p></body></html>"
    )
    assert _paragraphs(doc) == ["正文", "第二行", "尾"]


def test_fragment_without_html_element() -> None:
    doc = _doc("<p>一、总体情况</p>说明文字<table><tr><td>规章</td><td>3</td></tr></table><li>条目</li>")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Paragraph", "Grid", "Paragraph"]
    assert _paragraphs(doc) == ["一、总体情况", "说明文字", "条目"]
    assert doc.blocks[0].place.line == 1
    assert doc.blocks[0].place.start == 3


def test_layout_table_does_not_swallow_the_data_table() -> None:
    doc = _doc(
        "<table><tr><td>导航</td><td><h3>二、主动公开</h3>"
        "<table><tr><td>规章</td><td>0</td></tr></table><p>说明</p></td></tr></table>"
    )
    assert [b.text if isinstance(b, Paragraph) else _texts(b) for b in doc.blocks] == [
        "导航",
        "二、主动公开",
        [["规章", "0"]],
        "说明",
    ]


def test_cell_paragraphs_join_with_newlines() -> None:
    [grid] = _grids(_doc("<table><tr><td><p>商业</p><p>企业</p></td></tr></table>"))
    assert grid.rows[0][0].text == "商业\n企业"


def test_empty_document_is_unsupported() -> None:
    with pytest.raises(UnsupportedSource):
        html_document(b"\x00\x00", Path("empty.html"))


def test_absurd_nesting_is_one_clear_error() -> None:
    with pytest.raises(UnsupportedSource, match="nested too deeply"):
        _doc("<div>" * 5000 + "深" + "</div>" * 5000)


def test_text_keys_drop_exactly_the_whitespace_the_regex_does() -> None:
    import re

    from gongkai.ingest.html import _key

    for text in ("a b", "\u3000申请\u00a0人\n", "x\x1cy\u2028z\u200bw", "", "  "):
        assert _key(text) == re.sub(r"\s+", "", text)


def test_a_page_of_nothing_but_a_comment_is_unsupported() -> None:
    with pytest.raises(UnsupportedSource):
        html_document(b"<!-- nothing -->", Path("comment.html"))


def test_the_trailing_padding_search_starts_where_padding_can_start() -> None:
    import random

    from gongkai.ingest.html import _TRAIL, _pad_tail

    rng = random.Random(4)
    pieces = ["&nbsp;", "&nbsp", "&#160;", "&#x0a0;", "&ensp;", "&emsp;", "&#12288;", "\u3000", " ", "\n", "中", "a"]
    pieces += ["&", "#", ";", "x", "0", "6", "&amp;", "\u00a0", "N"]
    for _ in range(3000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 9)))
        assert _TRAIL.search(raw, _pad_tail(raw)).start() == _TRAIL.search(raw).start(), raw  # type: ignore[union-attr]
