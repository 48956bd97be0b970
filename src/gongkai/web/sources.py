"""Show where a cell's value came from: source text lines, or the PDF page with the cell's box.

Text-like sources (txt, md, html) are decoded by ``gongkai.ingest.decode_source``,
the very function the reader decodes them with, so a cell's ``line`` and
``start``/``end`` offsets point at the same characters; the form is decided by
``gongkai.ingest.source_kind``, as the reader decides it. Paged
sources (PDF, scans) are rendered to PNG with pypdfium2 on request and cached on
disk by content hash, page and scale; the box is drawn over the image by the page.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ..document import SourcePlace
from ..ingest import decode_source
from ..ingest import source_kind as _reader_kind

CONTEXT_LINES = 6
RENDER_SCALE = 1.5  # 108 dpi: legible CJK, about 150 KB a page
MAX_RENDER_PIXELS = 12_000_000  # a page larger than A0 at RENDER_SCALE is drawn smaller, never at any size


def render_scale(width: float, height: float) -> float:
    """RENDER_SCALE, or less for a page so large that it would pass MAX_RENDER_PIXELS."""
    area = max(width, 1.0) * max(height, 1.0)
    return min(RENDER_SCALE, (MAX_RENDER_PIXELS / area) ** 0.5)


_render_lock = threading.Lock()  # PDFium is not thread-safe


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    before: str
    marked: str  # the cell's span on this line ("" when the span is elsewhere)
    after: str

    @property
    def is_target(self) -> bool:
        return bool(self.marked)


@dataclass(frozen=True, slots=True)
class TextExcerpt:
    lines: list[Line]
    target: int


@dataclass(frozen=True, slots=True)
class PageView:
    page: int
    box: tuple[float, float, float, float] | None  # left, top, width, height in % of the page
    width_pt: float
    height_pt: float


def decoded_text(data: bytes, kind: str) -> str:
    """The text of a text-like source (txt, md, html) exactly as the reader read it."""
    return decode_source(data, kind)


def text_excerpt(text: str, place: SourcePlace, context: int = CONTEXT_LINES) -> TextExcerpt | None:
    """The lines around ``place.line``, with the span ``start``–``end`` cut out to be highlighted."""
    if place.line is None:
        return None
    lines = text.splitlines(keepends=True)
    if not 1 <= place.line <= len(lines):
        return None
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    first = max(1, place.line - context)
    last = min(len(lines), place.line + context)
    out = []
    for number in range(first, last + 1):
        body = lines[number - 1].rstrip("\r\n")
        begin = offsets[number - 1]
        start, end = place.start, place.end
        if number == place.line and start is not None and end is not None and begin <= start <= begin + len(body):
            a, b = start - begin, min(end - begin, len(body))
            if b <= a:  # an empty cell: mark the spot
                out.append(Line(number, body[:a], "∅", body[a:]))
            else:
                out.append(Line(number, body[:a], body[a:b], body[b:]))
        elif number == place.line:
            out.append(Line(number, "", body or "∅", ""))
        else:
            out.append(Line(number, body, "", ""))
    return TextExcerpt(out, place.line)


def source_kind(data: bytes, name: str) -> str:
    """The form of a stored source, as the reader decided it (txt, md, html, docx, doc, pdf, image)."""
    return _reader_kind(data, name)


class PageRenderer:
    """PDF pages as PNG, cached on disk."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir

    def page_size(self, data: bytes, page: int) -> tuple[float, float] | None:
        import pypdfium2 as pdfium

        with _render_lock:
            pdf = pdfium.PdfDocument(data)
            try:
                if not 1 <= page <= len(pdf):
                    return None
                width, height = pdf[page - 1].get_size()
                return float(width), float(height)
            finally:
                pdf.close()

    def png(self, sha256: str, data: bytes, page: int) -> bytes | None:
        key = hashlib.sha256(f"{sha256}:{page}:{RENDER_SCALE}".encode()).hexdigest()
        path = self.cache_dir / key[:2] / f"{key}.png"
        if path.exists():
            return path.read_bytes()
        import pypdfium2 as pdfium

        with _render_lock:
            pdf = pdfium.PdfDocument(data)
            try:
                if not 1 <= page <= len(pdf):
                    return None
                drawn = pdf[page - 1]
                image = drawn.render(scale=render_scale(*drawn.get_size())).to_pil()
            finally:
                pdf.close()
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        png = buffer.getvalue()
        path.parent.mkdir(parents=True, exist_ok=True)
        # a name of its own: two server processes may draw the same page at once
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(png)
        os.replace(tmp, path)
        return png

    def view(self, data: bytes, place: SourcePlace) -> PageView | None:
        if place.page is None:
            return None
        size = self.page_size(data, place.page)
        if size is None:
            return None
        width, height = size
        box = None
        if place.bbox:
            x0, y0, x1, y1 = place.bbox  # PDF points from the top-left corner
            pad = 2.0
            box = (
                max(0.0, (x0 - pad) / width * 100),
                max(0.0, (y0 - pad) / height * 100),
                (x1 - x0 + 2 * pad) / width * 100,
                (y1 - y0 + 2 * pad) / height * 100,
            )
        return PageView(place.page, box, width, height)
