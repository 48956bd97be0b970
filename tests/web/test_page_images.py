"""Page images drawn for the source view stay small whatever size the PDF page claims."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from gongkai.web.sources import MAX_RENDER_PIXELS, RENDER_SCALE, PageRenderer, render_scale


def _pdf(width: float, height: float) -> bytes:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(width, height)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_an_a4_page_is_drawn_at_the_usual_scale() -> None:
    assert render_scale(595, 842) == RENDER_SCALE


def test_a_giant_page_is_drawn_under_the_pixel_budget(tmp_path: Path) -> None:
    png = PageRenderer(tmp_path).png("0" * 64, _pdf(14_400, 14_400), 1)
    assert png is not None
    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    assert width * height <= MAX_RENDER_PIXELS * 1.01
    assert width == height
