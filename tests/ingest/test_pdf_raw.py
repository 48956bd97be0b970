"""The PDF reader's bare pdfium calls give exactly what pypdfium2's declared calls and wrappers give.

The references are the reader's earlier form: each character read through the typed
``pypdfium2.raw`` functions with fresh output doubles, and each path through a ``PdfObject``
wrapper from ``page.get_objects``. Every page of the dev corpus's PDFs must give the same
characters, boxes and rules, value for value.
"""

from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from gongkai.ingest import pdf as pdf_module
from gongkai.ingest.layout import DEFAULT_SETTINGS, Box, LayoutSettings, Rule, Word, rule_from_box
from gongkai.ingest.pdf import AXIS_SLACK, FONT_SIZE_SLACK, _page_chars, _page_rules, _visible, text_page_layout

from .helpers import DEV_PDFS, dev_pdf


def _reference_char_box(raw: object, i: int, height: float, loose: pdfium_c.FS_RECTF) -> Box | None:
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    if not pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top):
        return None
    x0, x1 = left.value, right.value
    glyph = max(x1 - x0, top.value - bottom.value, 1.0)
    size = pdfium_c.FPDFText_GetFontSize(raw, i)
    if not 0 < size <= FONT_SIZE_SLACK * glyph:
        size = glyph
    centre = (bottom.value + top.value) / 2
    sane = pdfium_c.FPDFText_GetLooseCharBox(raw, i, loose) and (
        loose.top - loose.bottom <= 2 * size and loose.bottom <= centre <= loose.top
    )
    if sane:
        if x1 - x0 <= 0:
            x0, x1 = loose.left, loose.right
        return (x0, height - loose.top, x1, height - loose.bottom)
    return (x0, height - centre - size / 2, x1, height - centre + size / 2)


def _reference_chars(page: pdfium.PdfPage, height: float) -> list[Word]:
    textpage = page.get_textpage()
    raw = textpage.raw
    words: list[Word] = []
    loose = pdfium_c.FS_RECTF()
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code == 0 or pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        char = chr(code)
        if char.isspace() or not char.isprintable():
            continue
        box = _reference_char_box(raw, i, height, loose)
        if box is not None:
            words.append(Word(char, box))
    textpage.close()
    return words


def _reference_path_rules(obj: pdfium.PdfObject, height: float, settings: LayoutSettings) -> list[Rule]:
    left, bottom, right, top = obj.get_bounds()
    thin = rule_from_box((left, height - top, right, height - bottom), settings)
    if thin is not None:
        return [thin]
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
    if not stroke.value:
        return []
    matrix = obj.get_matrix()
    rules: list[Rule] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    start: tuple[float, float] | None = None
    previous: tuple[float, float] | None = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = matrix.on_point(x.value, y.value)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        ends = []
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO and previous is not None:
            ends.append((previous, point))
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            ends.append((point, start))
        for (x0, y0), (x1, y1) in ends:
            if abs(x1 - x0) < AXIS_SLACK or abs(y1 - y0) < AXIS_SLACK:
                edge = (min(x0, x1) - 0.5, height - max(y0, y1) - 0.5, max(x0, x1) + 0.5, height - min(y0, y1) + 0.5)
                rule = rule_from_box(edge, settings)
                if rule is not None:
                    rules.append(rule)
        previous = point
    return rules


def _reference_rules(page: pdfium.PdfPage, height: float, settings: LayoutSettings) -> list[Rule]:
    rules: list[Rule] = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=1):
        rules.extend(_reference_path_rules(obj, height, settings))
    return rules


@pytest.mark.parametrize("stem", DEV_PDFS)
def test_every_page_reads_as_through_the_declared_calls(stem: str) -> None:
    pdf = pdfium.PdfDocument(dev_pdf(stem))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            height = page.get_height()
            chars = _page_chars(page, height)
            assert chars == _reference_chars(page, height)
            assert len(chars) > 50  # a text page, so the comparison says something
            assert _page_rules(page, height, DEFAULT_SETTINGS) == _reference_rules(page, height, DEFAULT_SETTINGS)
            page.close()
    finally:
        pdf.close()


def test_the_table_pages_have_their_rules() -> None:
    pdf = pdfium.PdfDocument(dev_pdf(DEV_PDFS[0]))
    try:
        counts = [len(text_page_layout(pdf[i], i + 1).rules) for i in range(len(pdf))]
    finally:
        pdf.close()
    assert counts[0] == 0 and all(n > 10 for n in counts[1:4])


def test_a_page_object_that_is_no_path_is_skipped_and_a_filled_shape_draws_no_rule() -> None:
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(200, 200)
    shade = pdfium_c.FPDFPageObj_CreateNewRect(20, 20, 100, 60)  # a filled box: shading, no rule
    pdfium_c.FPDFPath_SetDrawMode(shade, pdfium_c.FPDF_FILLMODE_ALTERNATE, False)
    pdfium_c.FPDFPage_InsertObject(page.raw, shade)
    stroked = pdfium_c.FPDFPageObj_CreateNewRect(20, 100, 100, 60)  # a stroked box: four edges
    pdfium_c.FPDFPath_SetDrawMode(stroked, 0, True)
    pdfium_c.FPDFPage_InsertObject(page.raw, stroked)
    font = pdfium_c.FPDFText_LoadStandardFont(pdf.raw, b"Helvetica")
    text = pdfium_c.FPDFPageObj_CreateTextObj(pdf.raw, font, 12.0)
    pdfium_c.FPDFPage_InsertObject(page.raw, text)
    assert pdfium_c.FPDFPage_GenerateContent(page.raw)
    rules = _page_rules(page, 200.0, DEFAULT_SETTINGS)
    assert rules == _reference_rules(page, 200.0, DEFAULT_SETTINGS)
    assert len(rules) == 4 and sum(r.horizontal for r in rules) == 2
    page.close()
    pdf.close()


def test_visible_characters_are_remembered_up_to_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "_VISIBLE", {})
    monkeypatch.setattr(pdf_module, "VISIBLE_CACHE", 2)
    remembered = pdf_module._VISIBLE
    assert [_visible(code) for code in (0, 0x20, 0x3000, 0x0A, 0x07, 0xAD)] == [None] * 6
    assert remembered == {}
    assert [_visible(ord(c)) for c in "甲乙丙"] == ["甲", "乙", "丙"]
    assert remembered == {ord("甲"): "甲", ord("乙"): "乙"}  # the third is read, not remembered
