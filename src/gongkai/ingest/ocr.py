"""Scanned pages and images → Document by offline OCR (rapidocr 3 + onnxruntime).

The detection and recognition models ship inside the ``rapidocr`` wheel, so
nothing is fetched at run time. OCR gives one box per recognised character;
ruling lines are found in the raster by morphology (OpenCV, a rapidocr
dependency). Both then go through the same ``layout`` path as a text PDF, so
scanned tables come back as grids; every word keeps its recognition score,
and a cell's ``confidence`` is the lowest score of its characters.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..document import Document
from ..errors import UnsupportedSource
from .layout import DEFAULT_SETTINGS, LayoutSettings, PageLayout, Rule, Word, document_blocks

if TYPE_CHECKING:
    import pypdfium2 as pdfium

A4_WIDTH_PT = 595.0
"""Images carry no page size: they are measured as if they were A4 wide, so that
the point-based layout thresholds fit (report scans are nearly always A4)."""


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """How pages are rendered and recognised."""

    dpi: int = 150
    """Resolution at which PDF pages are rendered for OCR (150-200 read the corpus equally well)."""
    threads: int | None = None
    """onnxruntime intra-op threads; None = ``GONGKAI_OCR_THREADS`` or onnxruntime's default (all cores)."""
    det_max_side: int = 1280
    """The detector sees the page scaled down to this longest side: detection cost falls
    with the square of it, and text lines stay well above the detector's minimum size."""
    min_score: float = 0.5
    """Recognised text lines scoring below this are dropped as noise."""
    rule_min_length_px: int = 40
    """Ink runs at least this long (pixels) survive the opening that isolates ruling lines."""
    rule_gap_px: int = 3
    """Gaps this short in a ruling line (scan noise) are closed before it is isolated."""


DEFAULT_OCR = OcrSettings()

LOW_CONFIDENCE = 0.9
"""Cells whose confidence is below this deserve a human look."""

_HALF_TO_FULL = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"}


def _threads(settings: OcrSettings) -> int:
    if settings.threads is not None:
        return settings.threads
    return int(os.environ.get("GONGKAI_OCR_THREADS", "-1"))


@lru_cache(maxsize=4)
def ocr_engine(threads: int = -1, det_max_side: int = DEFAULT_OCR.det_max_side) -> Any:
    """The rapidocr engine (models load once per process and setting)."""
    from rapidocr import RapidOCR

    return RapidOCR(
        params={
            "Global.log_level": "warning",
            "Global.use_cls": False,  # report scans are upright; the angle classifier only costs time
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1 if threads == 1 else -1,
            "Det.limit_type": "max",
            "Det.limit_side_len": det_max_side,
        }
    )


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or ch in "（）、。，：；“”"


def normalise_punctuation(chars: list[str]) -> list[str]:
    """Half-width ``( ) , : ;`` next to Chinese text back to their full-width forms."""
    out = list(chars)
    for i, ch in enumerate(out):
        if ch in _HALF_TO_FULL:
            before = out[i - 1] if i else ""
            after = out[i + 1] if i + 1 < len(out) else ""
            # "（一）" has a digit-like CJK numeral inside, "(2023" a digit: look one further for brackets
            near = before + after + (out[i + 2] if ch == "(" and i + 2 < len(out) else "")
            near += out[i - 2] if ch == ")" and i >= 2 else ""
            if any(_is_cjk(c) for c in near):
                out[i] = _HALF_TO_FULL[ch]
    return out


def _box(points: Any, scale: float) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return (min(xs) * scale, min(ys) * scale, max(xs) * scale, max(ys) * scale)


def recognise(image: np.ndarray, scale: float, settings: OcrSettings = DEFAULT_OCR) -> list[Word]:
    """OCR an image (BGR or grey array); character boxes in points (pixels × ``scale``)."""
    engine = ocr_engine(_threads(settings), settings.det_max_side)
    result = engine(image, return_word_box=True, return_single_char_box=True)
    if result.txts is None:
        return []
    words: list[Word] = []
    per_line = result.word_results or [()] * len(result.txts)
    for text, score, box, chars in zip(result.txts, result.scores, result.boxes, per_line):
        if score < settings.min_score or not text.strip():
            continue
        pieces = [(c[0], float(c[1]), c[2]) for c in chars if c and c[0].strip()]
        if not pieces or "".join(p[0] for p in pieces).replace(" ", "") != text.replace(" ", ""):
            pieces = [(text, float(score), box)]  # no usable character boxes: the line is one word
        texts = normalise_punctuation([p[0] for p in pieces])
        for piece_text, (_, piece_score, piece_box) in zip(texts, pieces):
            words.append(Word(piece_text, _box(piece_box, scale), round(piece_score, 4)))
    return words


def raster_rules(grey: np.ndarray, scale: float, settings: OcrSettings = DEFAULT_OCR) -> list[Rule]:
    """Horizontal and vertical ruling lines of a page image, in points."""
    import cv2

    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rules: list[Rule] = []
    for horizontal in (True, False):
        gap = (settings.rule_gap_px, 1) if horizontal else (1, settings.rule_gap_px)
        run = (settings.rule_min_length_px, 1) if horizontal else (1, settings.rule_min_length_px)
        closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, gap))
        lines = cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, run))
        count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
        for x, y, w, h, _area in stats[1:count]:
            if horizontal and w >= settings.rule_min_length_px:
                mid = (y + h / 2) * scale
                rules.append(Rule((x * scale, mid - 0.5, (x + w) * scale, mid + 0.5)))
            elif not horizontal and h >= settings.rule_min_length_px:
                mid = (x + w / 2) * scale
                rules.append(Rule((mid - 0.5, y * scale, mid + 0.5, (y + h) * scale)))
    return rules


def image_layout(grey: np.ndarray, number: int, scale: float, settings: OcrSettings = DEFAULT_OCR) -> PageLayout:
    """One page image as words and rules in points (``scale`` = points per pixel)."""
    import cv2

    height_px, width_px = grey.shape[:2]
    words = recognise(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR), scale, settings)
    rules = raster_rules(grey, scale, settings)
    return PageLayout(number, width_px * scale, height_px * scale, words, rules)


def scanned_page_layout(page: pdfium.PdfPage, number: int, settings: OcrSettings = DEFAULT_OCR) -> PageLayout:
    """A PDF page without a text layer, rendered with pypdfium2 and OCR'd."""
    pixels = page.render(scale=settings.dpi / 72, grayscale=True).to_numpy()
    grey = np.ascontiguousarray(pixels[:, :, 0] if pixels.ndim == 3 else pixels)
    return image_layout(grey, number, 72 / settings.dpi, settings)


def _frames(data: bytes, path: Path) -> list[np.ndarray]:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = [np.asarray(frame.convert("L")) for frame in ImageSequence.Iterator(image)]
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UnsupportedSource(path, f"damaged or unreadable image ({exc})") from None
    if not frames:
        raise UnsupportedSource(path, "the image has no pages")
    return frames


def image_document(
    data: bytes,
    path: Path,
    layout_settings: LayoutSettings = DEFAULT_SETTINGS,
    settings: OcrSettings = DEFAULT_OCR,
) -> Document:
    """Read a scanned report image (PNG, JPEG, multi-page TIFF...) by OCR."""
    pages = []
    for number, grey in enumerate(_frames(data, path), start=1):
        pages.append(image_layout(np.ascontiguousarray(grey), number, A4_WIDTH_PT / grey.shape[1], settings))
    return Document(path.name, "image", document_blocks(pages, layout_settings), {"ocr": "yes"})
