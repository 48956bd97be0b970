"""What each written form holds beyond the cells: headings verbatim, merged cells, fonts, metadata, no scripts."""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm

from gongkai.formats import FORMAT_2021
from gongkai.render.layout import placed, table_layout
from gongkai.write.docx_out import render_docx
from gongkai.write.html_out import render_html
from gongkai.write.markdown_out import render_markdown
from gongkai.write.model import DRAFT_MARK
from gongkai.write.profiles import GBT9704, PROFILES, TEMPLATE, Profile

from .factory import case, seeds

WORDS = FORMAT_2021.words
assert WORDS is not None


def spans(fmt_table: int) -> list[tuple[int, int]]:
    """(rowspan, colspan) of each merged cell of a table in the official layout."""
    layout = table_layout(FORMAT_2021, FORMAT_2021.tables[fmt_table])
    return [(c.rowspan, c.colspan) for _r, _c, c in placed(layout) if c.rowspan > 1 or c.colspan > 1]


@pytest.fixture(scope="module")
def written():  # type: ignore[no-untyped-def]
    report = case(seeds(1)[0])
    report.override = "上级要求按期报送，数字已逐项核对"
    return report


@pytest.mark.parametrize("profile", PROFILES.values(), ids=list(PROFILES))
def test_docx_has_the_headings_the_merged_cells_and_east_asian_fonts(written, profile: Profile) -> None:  # type: ignore[no-untyped-def]
    document = docx.Document(io.BytesIO(render_docx(written, profile)))
    texts = [p.text for p in document.paragraphs]
    for section in FORMAT_2021.sections:
        assert section.numbered in texts
    assert written.title in texts
    assert len(document.tables) == 3
    body = document.element.body
    horizontal = [int(e.get(qn("w:val"))) for e in body.iter(qn("w:gridSpan"))]
    restarts = [e for e in body.iter(qn("w:vMerge")) if e.get(qn("w:val")) == "restart"]
    expected = [s for t in range(3) for s in spans(t)]
    assert sorted(horizontal) == sorted(c for r, c in expected if c > 1 for _ in range(r))
    assert len(restarts) == sum(1 for r, _c in expected if r > 1)
    assert any(WORDS.balance_note in cell.text for row in document.tables[1].rows for cell in row.cells)
    fonts = {f.get(qn("w:eastAsia")) for f in body.iter(qn("w:rFonts"))}
    assert fonts <= {profile.title_font, profile.heading_font, profile.body_font, profile.table_font}
    assert profile.body_font in fonts and None not in fonts
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.left_margin - Mm(profile.margins_mm[2])) < Mm(0.1)


def test_gbt9704_sets_the_gongwen_faces_sizes_and_line_pitch(written) -> None:  # type: ignore[no-untyped-def]
    document = docx.Document(io.BytesIO(render_docx(written, GBT9704)))
    title = next(p for p in document.paragraphs if p.text == written.title)
    assert title.runs[0].font.size.pt == 22
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body = next(p for p in document.paragraphs if p.text.startswith("本年度报告根据"))
    assert body.runs[0].font.size.pt == 16
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body.paragraph_format.line_spacing.pt == pytest.approx(GBT9704.line_pt, abs=0.05)
    assert GBT9704.text_width_mm == 156


def test_docx_core_properties_keep_the_override_reason(written) -> None:  # type: ignore[no-untyped-def]
    props = docx.Document(io.BytesIO(render_docx(written))).core_properties
    assert props.title == written.title and props.author == written.agency
    assert "覆盖核查错误的理由：上级要求按期报送，数字已逐项核对" in props.comments
    assert props.created.year >= 2026  # not the default template's 2013


def test_html_is_semantic_without_scripts_and_keeps_the_override(written) -> None:  # type: ignore[no-untyped-def]
    page = render_html(written, TEMPLATE)
    assert (
        "<script" not in page.lower()
        and "javascript:" not in page.lower()
        and " on" not in re.sub(r"<[^>]*>", lambda m: m.group(0).split(" ", 1)[0], page)
    )
    assert page.count("<table>") == 3 and page.count("<th") > 20
    assert 'rowspan="3" colspan="3"' in page  # the 勾稽 note's corner
    assert f"<h1>{written.title}</h1>" in page
    for section in FORMAT_2021.sections:
        assert f"<h2>{section.numbered}</h2>" in page
    assert '<meta name="gongkai-override" content="上级要求按期报送，数字已逐项核对">' in page
    assert '<html lang="zh-CN">' in page


def test_markdown_front_matter_and_pipe_tables(written) -> None:  # type: ignore[no-untyped-def]
    text = render_markdown(written, GBT9704)
    head = text.split("\n---\n", 1)[0]
    assert head.startswith("---\n")
    assert 'override: "上级要求按期报送，数字已逐项核对"' in head and "profile: gbt9704" in head
    assert f"# {written.title}" in text
    for section in FORMAT_2021.sections:
        assert f"\n## {section.numbered}\n" in text
    tables = [line for line in text.splitlines() if line.startswith("|---")]
    assert len(tables) == 3


def test_a_draft_is_marked_in_every_form() -> None:
    draft = next(case(s) for s in seeds(60) if case(s).draft)
    assert f"【{DRAFT_MARK}】" in render_markdown(draft)
    assert 'class="draft"' in render_html(draft) and '<meta name="gongkai-draft" content="草稿">' in render_html(draft)
    document = docx.Document(io.BytesIO(render_docx(draft)))
    assert document.paragraphs[0].text.startswith(f"【{DRAFT_MARK}】")
    assert document.paragraphs[0].runs[0].font.color.rgb is not None
    assert document.core_properties.keywords == DRAFT_MARK


def test_markdown_escapes_a_pipe_in_the_prose_of_a_table_cell() -> None:
    from gongkai.write.markdown_out import _escape

    assert _escape("甲|乙\n丙") == "甲\\|乙 丙"


def test_rows_never_split_and_header_rows_repeat(written) -> None:  # type: ignore[no-untyped-def]
    document = docx.Document(io.BytesIO(render_docx(written)))
    for table, fmt_table in zip(document.tables, FORMAT_2021.tables):
        layout = table_layout(FORMAT_2021, fmt_table)
        rows = table._tbl.tr_lst
        assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
        headers = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in rows]
        leading = next(i for i, row in enumerate(layout) if any(c.cell_id for c in row))
        assert headers == [i < leading for i in range(len(rows))]
