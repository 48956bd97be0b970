"""PDF → Document with pypdfium2 (Apache-2.0/BSD): characters and ruling lines.

Each page gives its characters with their boxes and its drawn path objects;
thin paths and the axis-aligned edges of stroked paths become ruling lines.
``layout`` rebuilds paragraphs and table grids from those. A page without a
text layer (a scan) is rendered and read by OCR instead.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import Document
from ..errors import LimitExceeded, UnsupportedSource
from ..limits import DEFAULT_LIMITS, Limits
from .layout import DEFAULT_SETTINGS, Box, LayoutSettings, PageLayout, Rule, Word, document_blocks, rule_from_box

MIN_TEXT_CHARS = 10
"""A page with fewer visible characters than this is treated as a scan and OCR'd."""

AXIS_SLACK = 0.5
"""A path segment whose ends differ by less than this (points) across is axis-aligned."""

FONT_SIZE_SLACK = 3.0
"""A reported font size over this many times the glyph's tight box is not believed."""

_METADATA_KEYS = {"Title": "title", "Author": "author", "CreationDate": "created", "ModDate": "modified"}


def open_pdf(data: bytes, path: Path, limits: Limits = DEFAULT_LIMITS) -> pdfium.PdfDocument:
    """Open a PDF held in memory; refuse one without pages or with more than ``limits.max_pages``."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:  # also a password-protected PDF
        raise UnsupportedSource(path, "PDF 已损坏或无法读取（damaged or unreadable PDF）", detail=str(exc)) from None
    pages = len(pdf)
    if pages == 0:
        pdf.close()
        raise UnsupportedSource(path, "PDF 没有页面（the PDF has no pages）")
    if pages > limits.max_pages:
        pdf.close()
        raise LimitExceeded(path, limits.over("max_pages", pages), limit="max_pages")
    return pdf


def _char_box(raw: object, i: int, height: float, loose: pdfium_c.FS_RECTF) -> Box | None:
    """The character's box: tight horizontally, font-high vertically.

    The loose box gives equal heights along a line, but some fonts report
    absurd loose boxes (200 pt wide for vertical table labels), so it is only
    trusted where it agrees with the tight box.
    """
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    if not pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top):
        return None
    x0, x1 = left.value, right.value
    glyph = max(x1 - x0, top.value - bottom.value, 1.0)
    size = pdfium_c.FPDFText_GetFontSize(raw, i)
    if not 0 < size <= FONT_SIZE_SLACK * glyph:
        size = glyph  # a font matrix that scales the glyph (vertical labels) reports a bogus size
    centre = (bottom.value + top.value) / 2
    if pdfium_c.FPDFText_GetLooseCharBox(raw, i, loose):
        sane = loose.top - loose.bottom <= 2 * size and loose.bottom <= centre <= loose.top
        if sane:
            if x1 - x0 <= 0:
                x0, x1 = loose.left, loose.right
            return (x0, height - loose.top, x1, height - loose.bottom)
    return (x0, height - centre - size / 2, x1, height - centre + size / 2)


def _page_chars(page: pdfium.PdfPage, height: float) -> list[Word]:
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
        box = _char_box(raw, i, height, loose)
        if box is not None:
            words.append(Word(char, box))
    textpage.close()
    return words


def _path_rules(obj: pdfium.PdfObject, height: float, settings: LayoutSettings) -> list[Rule]:
    left, bottom, right, top = obj.get_bounds()
    box: Box = (left, height - top, right, height - bottom)
    thin = rule_from_box(box, settings)
    if thin is not None:
        return [thin]
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
    if not stroke.value:
        return []  # a filled area (cell shading) draws no rule
    matrix = obj.get_matrix()
    half = 0.5
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
                edge = (
                    min(x0, x1) - half,
                    height - max(y0, y1) - half,
                    max(x0, x1) + half,
                    height - min(y0, y1) + half,
                )
                rule = rule_from_box(edge, settings)
                if rule is not None:
                    rules.append(rule)
        previous = point
    return rules


def _page_rules(page: pdfium.PdfPage, height: float, settings: LayoutSettings) -> list[Rule]:
    rules: list[Rule] = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=1):
        rules.extend(_path_rules(obj, height, settings))
    return rules


def text_page_layout(page: pdfium.PdfPage, number: int, settings: LayoutSettings = DEFAULT_SETTINGS) -> PageLayout:
    width, height = page.get_size()
    return PageLayout(number, width, height, _page_chars(page, height), _page_rules(page, height, settings))


def _metadata(pdf: pdfium.PdfDocument) -> dict[str, str]:
    try:
        found = pdf.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError:
        return {}
    return {_METADATA_KEYS[k]: v for k, v in found.items() if k in _METADATA_KEYS}


def pdf_document(
    data: bytes, path: Path, settings: LayoutSettings = DEFAULT_SETTINGS, limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Read a PDF: text pages from their text layer, scanned pages by OCR.

    Every page's text layer is read first, so the pages that need OCR are counted (against
    ``Limits.max_ocr_pages``) before any is drawn: a 2,000-page blank scan is refused at once.
    """
    pdf = open_pdf(data, path, limits)
    pages: list[PageLayout] = []
    scanned: list[int] = []
    number = 0
    try:
        for index in range(len(pdf)):
            number = index + 1
            page = pdf[index]
            layout = text_page_layout(page, number, settings)
            page.close()
            if len(layout.words) < MIN_TEXT_CHARS:
                scanned.append(index)
            pages.append(layout)
        if len(scanned) > limits.max_ocr_pages:
            raise LimitExceeded(path, limits.over("max_ocr_pages", len(scanned)), limit="max_ocr_pages")
        if scanned:
            from .ocr import scanned_page_layout

        for index in scanned:
            number = index + 1
            page = pdf[index]
            pages[index] = scanned_page_layout(page, number, path=path, limits=limits)
            page.close()
        metadata = _metadata(pdf)
    except pdfium.PdfiumError as exc:
        raise UnsupportedSource(
            path, f"PDF 已损坏：第 {number} 页无法读取（damaged PDF: a page cannot be read）", detail=str(exc)
        ) from None
    finally:
        pdf.close()
    ocr_pages = len(scanned)
    if ocr_pages:
        metadata["ocr"] = "yes"
    return Document(path.name, "pdf", document_blocks(pages, settings), metadata)
