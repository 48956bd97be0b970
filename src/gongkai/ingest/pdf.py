"""PDF → Document with pypdfium2 (Apache-2.0/BSD): characters and ruling lines.

Each page gives its characters with their boxes and its drawn path objects;
thin paths and the axis-aligned edges of stroked paths become ruling lines.
``layout`` rebuilds paragraphs and table grids from those. A page without a
text layer (a scan) is rendered and read by OCR instead.
"""

from __future__ import annotations

import ctypes
from pathlib import Path
from typing import Any

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


def _address(function: object) -> int:
    address = ctypes.cast(function, ctypes.c_void_p).value  # type: ignore[arg-type]
    assert address is not None
    return address


def _bare(function: object, restype: type) -> Any:
    """The same pdfium function with no argument types declared: ctypes then converts nothing.

    pypdfium2 declares every argument's type, and checking them costs more than the
    call itself in the per-character loop. A bare call takes a pointer as a
    ``c_void_p``, an index as a Python int (a C int) and an output as ``byref``.
    """
    return ctypes.CFUNCTYPE(restype)(_address(function))


# called once per character of every page
_GET_UNICODE = _bare(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint)
_IS_GENERATED = _bare(pdfium_c.FPDFText_IsGenerated, ctypes.c_int)
_GET_CHAR_BOX = _bare(pdfium_c.FPDFText_GetCharBox, ctypes.c_int)
_GET_FONT_SIZE = _bare(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_GET_LOOSE_CHAR_BOX = _bare(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
# called once per page object: an address in, an address (int, or None) out
_GET_OBJECT = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)(_address(pdfium_c.FPDFPage_GetObject))
_GET_TYPE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)(_address(pdfium_c.FPDFPageObj_GetType))
_GET_BOUNDS = _bare(pdfium_c.FPDFPageObj_GetBounds, ctypes.c_int)


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


_VISIBLE: dict[int, str] = {}
"""Character codes already seen to be visible (not 0, not whitespace, printable), as characters."""

VISIBLE_CACHE = 20_000
"""At most this many codes are remembered (CJK text uses a few thousand; a hostile PDF may use every code)."""


def _visible(code: int) -> str | None:
    """The character of ``code`` if it is visible (remembered in ``_VISIBLE``), else None."""
    if code == 0:
        return None
    char = chr(code)
    if char.isspace() or not char.isprintable():
        return None
    if len(_VISIBLE) < VISIBLE_CACHE:
        _VISIBLE[code] = char
    return char


def _page_chars(page: pdfium.PdfPage, height: float) -> list[Word]:
    """The page's visible characters, each with its box: tight horizontally, font-high vertically.

    The loose box gives equal heights along a line, but some fonts report
    absurd loose boxes (200 pt wide for vertical table labels), so it is only
    trusted where it agrees with the tight box. A page holds hundreds of
    characters, so the loop makes bare pdfium calls with outputs made once per
    page, and skips whitespace before asking whether pdfium generated it.
    """
    textpage = page.get_textpage()
    raw = ctypes.c_void_p(_address(textpage.raw))
    words: list[Word] = []
    append = words.append
    loose = pdfium_c.FS_RECTF()
    left, right, bottom, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    out_left, out_right, out_bottom, out_top = (ctypes.byref(v) for v in (left, right, bottom, top))
    out_loose = ctypes.byref(loose)
    get_unicode, is_generated, char_box = _GET_UNICODE, _IS_GENERATED, _GET_CHAR_BOX
    font_size, loose_box = _GET_FONT_SIZE, _GET_LOOSE_CHAR_BOX
    visible = _VISIBLE
    for i in range(pdfium_c.FPDFText_CountChars(textpage.raw)):
        code = get_unicode(raw, i)
        char = visible.get(code)
        if char is None:
            char = _visible(code)
            if char is None:
                continue
        if is_generated(raw, i) == 1:
            continue
        if not char_box(raw, i, out_left, out_right, out_bottom, out_top):
            continue
        x0, x1, low, high = left.value, right.value, bottom.value, top.value
        glyph = max(x1 - x0, high - low, 1.0)
        size = font_size(raw, i)
        if not 0 < size <= FONT_SIZE_SLACK * glyph:
            size = glyph  # a font matrix that scales the glyph (vertical labels) reports a bogus size
        centre = (low + high) / 2
        if loose_box(raw, i, out_loose):
            loose_top, loose_bottom = loose.top, loose.bottom
            if loose_top - loose_bottom <= 2 * size and loose_bottom <= centre <= loose_top:
                if x1 - x0 <= 0:
                    x0, x1 = loose.left, loose.right
                append(Word(char, (x0, height - loose_top, x1, height - loose_bottom)))
                continue
        append(Word(char, (x0, height - centre - size / 2, x1, height - centre + size / 2)))
    textpage.close()
    return words


def _segment_rules(raw: object, height: float, settings: LayoutSettings) -> list[Rule]:
    """The axis-aligned edges of a stroked path, each as a thin rule."""
    matrix = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(raw, matrix):
        raise pdfium.PdfiumError("Failed to get matrix of pageobject.")
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    half = 0.5
    rules: list[Rule] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    start: tuple[float, float] | None = None
    previous: tuple[float, float] | None = None
    for i in range(pdfium_c.FPDFPath_CountSegments(raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(raw, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        px, py = x.value, y.value
        point = (a * px + c * py + e, b * px + d * py + f)
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
    """Ruling lines from the page's top-level path objects (form XObjects are not entered).

    Text pages hold hundreds of objects, nearly all text, so objects are walked
    through the raw API and only paths are looked at: no wrapper per object.
    """
    raw_page = ctypes.c_void_p(_address(page.raw))
    get_object, get_type, path = _GET_OBJECT, _GET_TYPE, pdfium_c.FPDF_PAGEOBJ_PATH
    count = pdfium_c.FPDFPage_CountObjects(page.raw)
    if count < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    out_bounds = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    rules: list[Rule] = []
    for i in range(count):
        address = get_object(raw_page, i)
        if not address:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        if get_type(address) != path:
            continue
        if not _GET_BOUNDS(ctypes.c_void_p(address), *out_bounds):
            raise pdfium.PdfiumError("Failed to locate pageobject.")
        box: Box = (left.value, height - top.value, right.value, height - bottom.value)
        thin = rule_from_box(box, settings)
        if thin is not None:
            rules.append(thin)
            continue
        obj = ctypes.cast(address, pdfium_c.FPDF_PAGEOBJECT)
        fill.value = stroke.value = 0  # as if fresh: a failed call leaves them unset
        pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke)
        if stroke.value:  # a filled area (cell shading) draws no rule
            rules.extend(_segment_rules(obj, height, settings))
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
