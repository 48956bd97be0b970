"""Scanned pages and images → Document by offline OCR (rapidocr 3 + onnxruntime).

The detection and recognition models ship inside the ``rapidocr`` wheel, so
nothing is fetched at run time. The detector sees only the inked part of a
page; short line crops (table cells) are recognised several to a strip, since
the recogniser's cost grows with input width and a lone crop would be padded to
320 px; each crop is drawn at half the recogniser's input height (the cost
follows the input width), and a grey page is never copied to three channels
before it is normalised. OCR gives one box per recognised character;
ruling lines are found in the raster by morphology (OpenCV, a rapidocr
dependency). Both then go through the same ``layout`` path as a text PDF, so
scanned tables come back as grids; every word keeps its recognition score,
and a cell's ``confidence`` is the lowest score of its characters.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..document import Document
from ..errors import LimitExceeded, UnsupportedSource
from ..limits import DEFAULT_LIMITS, Limits
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
    with the square of it, and text lines stay well above the detector's minimum size.
    1024 cuts the detector from 0.30 to 0.19 s CPU a page (43 scanned pages, 150 dpi, one
    thread) but loses a cell of a scanned round trip (a lone ``0`` is no longer detected)."""
    det_int8: bool = True
    """On the CPU, detect with an int8 detector (``ocr_models``: built locally from the wheel's
    fp32 model on first use and cached; needs the ``onnx`` package, else fp32 is used).
    Measured on the scanned round trips (38 pages, one thread, same minutes): detector
    0.62 → 0.20 s CPU a page, every cell as before; at 1024 px it reads two cells wrongly.
    Int8 of the recogniser's convolutions made it 35 % faster but read 18 cells wrongly
    without flagging them: see ``rec_int8``."""
    rec_int8: bool = True
    """On the CPU, recognise with the recogniser whose classifier (the MatMul from each
    column's features to the 18,710 characters) has int8 weights, its convolutions left
    in fp32 (``ocr_models``, built and cached like the int8 detector)."""
    device: str = "auto"
    """Where onnxruntime runs: "auto" (CUDA when onnxruntime-gpu offers it, else the CPU),
    "cuda" or "cpu". On CUDA both models run in fp32."""
    min_score: float = 0.5
    """Recognised text lines scoring below this are dropped as noise."""
    rec_strip_px: int = 480
    """Short line crops (table cells) are recognised side by side in strips up to this wide
    (pixels at the recogniser's 48 px input height): the recogniser's cost grows with input
    width, and one crop alone would be padded to 320 px (its training width) or, unpadded,
    read without context (a lone ``0`` comes back as ``O``)."""
    rec_gap_px: int = 48
    """White space between crops in a strip (pixels at input height; 6 recogniser columns).
    Measured on 43 scanned pages: 24 px saves 7 % of the recogniser's time but reads 7 cells
    wrongly, 16 px saves 10 % and reads 95 wrongly: neighbours bleed into each other."""
    rec_line_px: int = 24
    """Each line crop is scaled to this height and centred, white above and below, in the
    recogniser's 48 px input (fixed by the model): the recogniser's cost grows with input
    width, and so with the size it sees characters at. A 150 dpi line crop is about 24-34 px
    tall, so 24 px keeps nearly every pixel of it. Measured on the scanned round trips (33
    pages, 2,196 cells, one thread): recogniser 1.31 → 0.90 s CPU a page at 24 px, 0.81 at
    19 px, every cell exact; 16 px reads 37 cells wrongly without flagging them. 48 px
    (the whole input) is what rapidocr itself does."""
    content_pad_px: int = 16
    """Blank margin kept around the page's ink when it is cropped for the detector (pixels)."""
    rule_min_length_px: int = 40
    """Ink runs at least this long (pixels) survive the opening that isolates ruling lines."""
    rule_gap_px: int = 3
    """Gaps this short in a ruling line (scan noise) are closed before it is isolated."""


DEFAULT_OCR = OcrSettings()

DET_STRIDE_PX = 32
"""The detector's input sides are multiples of this."""

CONTENT_MIN_INK_PX = 3
"""A pixel row or column with fewer ink pixels than this (scan specks) is blank margin."""

REC_COLUMN_PX = 8
"""The recogniser emits one CTC column per this many input pixels of width."""

_UNIT_RANGE = np.arange(256, dtype=np.float32) / 127.5 - 1.0
"""uint8 pixel → the models' input value (rapidocr's own normalisation, as a lookup table)."""

_HALF_TO_FULL = {"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"}


def _threads(settings: OcrSettings) -> int:
    if settings.threads is not None:
        return settings.threads
    return int(os.environ.get("GONGKAI_OCR_THREADS", "-1"))


def engine_key(settings: OcrSettings) -> tuple[int, int, bool, str, bool]:
    """The ``ocr_engine`` arguments for ``settings``."""
    return (_threads(settings), settings.det_max_side, settings.det_int8, settings.device, settings.rec_int8)


def shipped_model(task: str) -> Path:
    """The fp32 model for ``task`` ("det" or "rec") shipped in the rapidocr wheel (3.10, pinned)."""
    import rapidocr

    return Path(rapidocr.__file__).parent / "models" / f"PP-OCRv6_{task}_small.onnx"


@lru_cache(maxsize=4)
def ocr_engine(
    threads: int = -1,
    det_max_side: int = DEFAULT_OCR.det_max_side,
    det_int8: bool = False,
    device: str = DEFAULT_OCR.device,
    rec_int8: bool = False,
) -> Any:
    """The rapidocr engine, detector and recogniser loaded (once per process and setting).

    ``recognise`` drives the engine's detector and recogniser itself; the engine
    stays callable whole (``engine(image)``) with the same settings. The execution
    provider follows ``device`` (the choice is logged); ``det_int8`` and ``rec_int8``
    take the locally built int8 models on the CPU, when they can be built.
    """
    import onnxruntime
    from rapidocr import RapidOCR

    from .ocr_models import CUDA, choose_providers, int8_detector, int8_recogniser

    use_cuda = CUDA in choose_providers(onnxruntime.get_available_providers(), device)
    models: dict[str, str] = {}
    if det_int8 and not use_cuda:
        built = int8_detector(shipped_model("det"))
        if built is not None:
            models["Det.model_path"] = str(built)
    if rec_int8 and not use_cuda:
        built = int8_recogniser(shipped_model("rec"))
        if built is not None:
            models["Rec.model_path"] = str(built)
    engine = RapidOCR(
        params={
            **models,
            "EngineConfig.onnxruntime.use_cuda": use_cuda,
            # every strip has its own width: an exhaustive cuDNN search per new shape would cost more than it saves
            "EngineConfig.onnxruntime.cuda_ep_cfg.cudnn_conv_algo_search": "HEURISTIC",
            "Global.log_level": "warning",
            "Global.use_cls": False,  # report scans are upright; the angle classifier only costs time
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1 if threads == 1 else -1,
            # input shapes vary with every strip: reusing freed buffers is about 5 % faster than fresh ones
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": True,
            "Det.limit_type": "max",
            "Det.limit_side_len": det_max_side,
        }
    )
    engine._load_det_model()  # rapidocr 3.10 (pinned) loads models lazily, on first use
    engine._load_rec_model()
    return engine


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


@dataclass(frozen=True, slots=True)
class _Line:
    """One detected text line: its quadrilateral on the page and its upright crop."""

    quad: np.ndarray
    crop: np.ndarray


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the recogniser read in one line crop: text, mean score, CTC character columns."""

    text: str
    score: float
    info: Any


def _content_box(ink: np.ndarray, pad: int) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) pixels around all ink rows and columns, widened by ``pad``; None if blank."""
    rows = np.flatnonzero(np.count_nonzero(ink, axis=1) >= CONTENT_MIN_INK_PX)
    cols = np.flatnonzero(np.count_nonzero(ink, axis=0) >= CONTENT_MIN_INK_PX)
    if not len(rows) or not len(cols):
        return None
    height, width = ink.shape[:2]
    return (
        max(0, int(cols[0]) - pad),
        max(0, int(rows[0]) - pad),
        min(width, int(cols[-1]) + 1 + pad),
        min(height, int(rows[-1]) + 1 + pad),
    )


def _detector_size(shape: tuple[int, ...], max_side: int) -> tuple[int, int]:
    """(width, height) at which rapidocr feeds a whole page to the detector.

    The longest side becomes ``max_side`` (never enlarged) and each side is then
    rounded to the detector's stride, as rapidocr's own preprocessing does.
    """
    height, width = shape[:2]
    ratio = min(1.0, max_side / max(height, width))

    def snap(side: int) -> int:
        return max(DET_STRIDE_PX, round(int(side * ratio) / DET_STRIDE_PX) * DET_STRIDE_PX)

    return snap(width), snap(height)


def _normalised(pixels: np.ndarray) -> np.ndarray:
    """A grey (H, W) or BGR (H, W, 3) uint8 image as the models' (1, 3, H, W) input in [-1, 1].

    A grey image is looked up once and repeated into the three channels: the same
    numbers as converting it to BGR first, for a third of the work.
    """
    values = _UNIT_RANGE[pixels]
    if values.ndim == 2:
        return np.ascontiguousarray(np.broadcast_to(values, (1, 3, *values.shape)))
    return np.ascontiguousarray(values.transpose(2, 0, 1))[np.newaxis]


def _detector_input(small: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """Part of the detector-sized page (grey or BGR), padded with white to multiples of the stride, normalised."""
    import cv2

    x0, y0, x1, y1 = box
    region = small[y0:y1, x0:x1]
    bottom, right = -region.shape[0] % DET_STRIDE_PX, -region.shape[1] % DET_STRIDE_PX
    white = 255 if region.ndim == 2 else (255, 255, 255)
    return _normalised(cv2.copyMakeBorder(region, 0, bottom, 0, right, cv2.BORDER_CONSTANT, value=white))


def detect_quads(engine: Any, image: np.ndarray, ink: np.ndarray, settings: OcrSettings = DEFAULT_OCR) -> np.ndarray:
    """Text line quadrilaterals (page pixels, reading order) found by rapidocr's detector.

    The page is scaled exactly as rapidocr would scale it, but the detector sees
    only the part around the ink: blank margins cost as much as text.
    """
    import cv2

    content = _content_box(ink, settings.content_pad_px)
    if content is None:
        return np.zeros((0, 4, 2), dtype=np.float32)
    width, height = _detector_size(image.shape, settings.det_max_side)
    sx, sy = width / image.shape[1], height / image.shape[0]
    box = (
        int(content[0] * sx),
        int(content[1] * sy),
        min(width, math.ceil(content[2] * sx)),
        min(height, math.ceil(content[3] * sy)),
    )
    tensor = _detector_input(cv2.resize(image, (width, height)), box)
    det = engine._load_det_model()  # rapidocr 3.10 (pinned): its detector's session and DB post-processing
    quads, _ = det.postprocess_op(det.session(tensor), (tensor.shape[2] / sy, tensor.shape[3] / sx))
    if len(quads) == 0:
        return np.zeros((0, 4, 2), dtype=np.float32)
    offset = np.array([box[0] / sx, box[1] / sy], dtype=np.float32)
    return np.asarray(det.sorted_boxes(quads.astype(np.float32) + offset), dtype=np.float32)


def detect_lines(engine: Any, image: np.ndarray, ink: np.ndarray, settings: OcrSettings = DEFAULT_OCR) -> list[_Line]:
    """Text lines found by the detector, cropped upright from ``image`` (grey or BGR)."""
    from rapidocr.utils.process_img import get_rotate_crop_image

    quads = detect_quads(engine, image, ink, settings)
    return [_Line(quad, get_rotate_crop_image(image, quad.copy())) for quad in quads]


def _rec_width(crop: np.ndarray, height: int) -> int:
    """Width of a crop scaled to ``height``."""
    return max(1, int(height * crop.shape[1] / crop.shape[0]))  # as rapidocr sizes its widest crop


def pack_strips(widths: list[int], max_width: int, gap: int) -> list[list[int]]:
    """Consecutive crops (indices) grouped into strips no wider than ``max_width``.

    A crop wider than that is a strip of its own. Consecutive crops are
    neighbours in reading order (cells of one table row), so a strip reads like
    a line of text with wide spaces.
    """
    strips: list[list[int]] = []
    used = max_width + 1
    for index, width in enumerate(widths):
        if strips and used + gap + width <= max_width:
            strips[-1].append(index)
            used += gap + width
        else:
            strips.append([index])
            used = width
    return strips


def _strip_image(
    crops: list[np.ndarray], height: int, gap: int, stride: int, line_px: int | None = None
) -> tuple[np.ndarray, list[int]]:
    """Crops scaled to ``line_px`` (default ``height``) and centred in a ``height`` tall strip, side by side,
    white between them, each starting on a model column.

    Returns the normalised (1, 3, height, width) input and each crop's x offset.
    Nothing follows the last crop, so a lone crop is exactly what rapidocr would feed.
    """
    import cv2

    inner = min(height, line_px or height)
    above = (height - inner) // 2
    scaled = []
    for crop in crops:
        piece = cv2.resize(crop, (_rec_width(crop, inner), inner))
        white = 255 if piece.ndim == 2 else (255, 255, 255)
        scaled.append(cv2.copyMakeBorder(piece, above, height - inner - above, 0, 0, cv2.BORDER_CONSTANT, value=white))
    offsets, x = [], 0
    for piece in scaled:
        offsets.append(x)
        x += -(-(piece.shape[1] + gap) // stride) * stride  # the next crop starts on a column boundary
    strip = np.full((height, offsets[-1] + scaled[-1].shape[1], *scaled[0].shape[2:]), 255, dtype=np.uint8)
    for piece, offset in zip(scaled, offsets):
        strip[:, offset : offset + piece.shape[1]] = piece
    return _normalised(strip), offsets


def _line_height(rec: Any, settings: OcrSettings) -> int:
    """Height at which line crops are drawn into the recogniser's input (never above the input's)."""
    return min(int(rec.rec_image_shape[1]), settings.rec_line_px)


def read_strip(rec: Any, crops: list[np.ndarray], settings: OcrSettings) -> list[_Reading]:
    """Recognise several line crops in one pass of the recogniser, one reading per crop.

    Each crop's CTC columns, widened by half the gap on each side, are decoded
    on their own; character columns are then made relative to the crop itself.
    """
    height = int(rec.rec_image_shape[1])
    stride = REC_COLUMN_PX
    line_px = _line_height(rec, settings)
    tensor, offsets = _strip_image(crops, height, settings.rec_gap_px, stride, line_px)
    preds = rec.session(tensor)
    columns = preds.shape[1]
    half_gap = settings.rec_gap_px // (2 * stride)
    readings = []
    for crop, offset in zip(crops, offsets):
        first = offset // stride
        count = -(-_rec_width(crop, line_px) // stride)
        start, stop = max(0, first - half_gap), min(columns, first + count + half_gap)
        (line,), (info,) = rec.postprocess_op(preds[:, start:stop], True, wh_ratio_list=[1.0], max_wh_ratio=1.0)
        info.word_cols = [[min(max(c - (first - start), 0), count - 1) for c in cols] for cols in info.word_cols]
        info.line_txt_len = count
        readings.append(_Reading(line[0], float(line[1]), info))
    return readings


def _characters(line: _Line, reading: _Reading) -> list[tuple[str, float, Any]]:
    """(character, score, quad in page pixels) for every character of a reading."""
    from rapidocr.cal_rec_boxes import CalRecBoxes
    from rapidocr.ch_ppocr_rec.typings import TextRecOutput

    out = TextRecOutput(txts=(reading.text,), word_results=(reading.info,))  # type: ignore[arg-type]
    boxed: Any = CalRecBoxes()([line.crop], np.array([line.quad]), out, True).word_results[0]
    xs = line.quad[:, 0]
    column = float(xs.max() - xs.min()) / max(1, reading.info.line_txt_len)  # one CTC column, page pixels
    return close_subcolumn_gaps([(c[0], float(c[1]), c[2]) for c in boxed if c], column)


def close_subcolumn_gaps(chars: list[tuple[str, float, Any]], column: float) -> list[tuple[str, float, Any]]:
    """The non-blank characters, with a gap of at most two recogniser columns between two
    neighbours (no space read between them) closed at its middle.

    Character boxes are placed from the CTC column each character peaks in, so each edge
    is only good to a column, and a gap between two to two columns: such a gap is
    rounding, not white space the recogniser saw (it read none), and must not become a
    space inside a number ("41 19").
    """
    out: list[tuple[str, float, Any]] = []
    spaced = False
    for text, score, quad in chars:
        if not text.strip():
            spaced = True
            continue
        box = [[float(x), float(y)] for x, y in quad]
        if out and not spaced:
            previous = out[-1][2]
            gap = box[0][0] - previous[1][0]
            if 0 < gap <= 2 * column:
                middle = previous[1][0] + gap / 2
                previous[1][0] = previous[2][0] = box[0][0] = box[3][0] = middle
        out.append((text, score, box))
        spaced = False
    return out


def _line_words(line: _Line, reading: _Reading, scale: float) -> list[Word]:
    pieces = _characters(line, reading)
    if not pieces or "".join(p[0] for p in pieces).replace(" ", "") != reading.text.replace(" ", ""):
        pieces = [(reading.text.strip(), reading.score, line.quad)]  # no usable character boxes: one word
    texts = normalise_punctuation([p[0] for p in pieces])
    return [Word(text, _box(quad, scale), round(score, 4)) for text, (_, score, quad) in zip(texts, pieces)]


def recognise(image: np.ndarray, ink: np.ndarray, scale: float, settings: OcrSettings = DEFAULT_OCR) -> list[Word]:
    """OCR an image (grey or BGR array, with its ``ink`` mask); character boxes in points (pixels × ``scale``)."""
    engine = ocr_engine(*engine_key(settings))
    lines = detect_lines(engine, image, ink, settings)
    if not lines:
        return []
    rec = engine._load_rec_model()  # rapidocr 3.10 (pinned): the recogniser alone
    line_px = _line_height(rec, settings)
    strips = pack_strips([_rec_width(line.crop, line_px) for line in lines], settings.rec_strip_px, settings.rec_gap_px)
    # strips hold consecutive lines, so their readings come back in line order
    readings = [r for strip in strips for r in read_strip(rec, [lines[i].crop for i in strip], settings)]
    words: list[Word] = []
    for line, reading in zip(lines, readings, strict=True):
        if reading.score >= settings.min_score and reading.text.strip():
            words.extend(_line_words(line, reading, scale))
    return words


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Dark pixels of a page (Otsu threshold) as 255, paper as 0."""
    import cv2

    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return np.asarray(ink)


def raster_rules(ink: np.ndarray, scale: float, settings: OcrSettings = DEFAULT_OCR) -> list[Rule]:
    """Horizontal and vertical ruling lines of a page's ink mask, in points."""
    import cv2

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
    height_px, width_px = grey.shape[:2]
    ink = ink_mask(grey)
    words = recognise(grey, ink, scale, settings)
    rules = raster_rules(ink, scale, settings)
    return PageLayout(number, width_px * scale, height_px * scale, words, rules)


@lru_cache(maxsize=1)
def _ocr_library_errors() -> tuple[type[Exception], ...]:
    """What OpenCV and onnxruntime raise when a page image defeats them."""
    import cv2
    from onnxruntime.capi import onnxruntime_pybind11_state as ort

    return (cv2.error, ort.Fail, ort.InvalidArgument, ort.RuntimeException, ort.EPFail, ort.EngineError)


def _guarded_layout(grey: np.ndarray, number: int, scale: float, settings: OcrSettings, path: Path | str) -> PageLayout:
    """``image_layout``, with the OCR libraries' own errors turned into ``UnsupportedSource``."""
    if grey.ndim < 2 or grey.shape[0] == 0 or grey.shape[1] == 0:
        raise UnsupportedSource(path, f"第 {number} 页图像是空的（empty page image）")
    try:
        return image_layout(np.ascontiguousarray(grey), number, scale, settings)
    except _ocr_library_errors() as exc:
        raise UnsupportedSource(
            path, f"第 {number} 页图像无法进行文字识别（OCR failed on the page）", detail=f"{type(exc).__name__}: {exc}"
        ) from exc


def scanned_page_layout(
    page: pdfium.PdfPage,
    number: int,
    settings: OcrSettings = DEFAULT_OCR,
    path: Path | str = "<pdf>",
    limits: Limits = DEFAULT_LIMITS,
) -> PageLayout:
    """A PDF page without a text layer, rendered with pypdfium2 and OCR'd; errors name ``path``.

    The page's pixel count at the OCR resolution is checked before anything is drawn: a
    blank page of 14,400 pt would otherwise take gigabytes.
    """
    width, height = page.get_size()
    scale = settings.dpi / 72
    pixels_needed = round(width * scale) * round(height * scale)
    if pixels_needed > limits.max_page_pixels:
        raise LimitExceeded(
            path, f"第 {number} 页：" + limits.over("max_page_pixels", pixels_needed), limit="max_page_pixels"
        )
    pixels = page.render(scale=scale, grayscale=True).to_numpy()
    grey = pixels[:, :, 0] if pixels.ndim == 3 else pixels
    return _guarded_layout(grey, number, 72 / settings.dpi, settings, path)


def _frames(data: bytes, path: Path, limits: Limits) -> Iterator[np.ndarray]:
    """The frames of an image file as grey arrays, one at a time; Pillow's errors become ``UnsupportedSource``.

    The frame count and each frame's pixel count are checked before a frame is decoded.
    """
    from PIL import Image, ImageSequence

    allowed_frames = min(limits.max_frames, limits.max_ocr_pages)
    limit = "max_frames" if limits.max_frames <= limits.max_ocr_pages else "max_ocr_pages"
    seen = 0
    try:
        with Image.open(io.BytesIO(data)) as image:
            count = getattr(image, "n_frames", 1)
            if count > allowed_frames:
                raise LimitExceeded(path, limits.over(limit, count), limit=limit)
            for frame in ImageSequence.Iterator(image):
                seen += 1
                if seen > allowed_frames:
                    raise LimitExceeded(path, limits.over(limit, seen), limit=limit)
                width, height = frame.size
                if width * height > limits.max_page_pixels:
                    raise LimitExceeded(
                        path,
                        f"第 {seen} 页：" + limits.over("max_page_pixels", width * height),
                        limit="max_page_pixels",
                    )
                yield np.asarray(frame.convert("L"))
    except Image.DecompressionBombError as exc:  # Pillow's own guard against huge pixel counts
        raise LimitExceeded(
            path, "图像像素过多，疑似解压炸弹（decompression bomb）", limit="max_page_pixels", detail=str(exc)
        ) from None
    except (LimitExceeded, UnsupportedSource):
        raise
    except Exception as exc:  # a damaged image raises OSError, SyntaxError, struct.error, ... from Pillow's decoders
        raise UnsupportedSource(
            path, "图像已损坏或无法读取（damaged or unreadable image）", detail=f"{type(exc).__name__}: {exc}"
        ) from None
    if not seen:
        raise UnsupportedSource(path, "图像文件没有页面（the image has no pages）")


def image_document(
    data: bytes,
    path: Path,
    layout_settings: LayoutSettings = DEFAULT_SETTINGS,
    settings: OcrSettings = DEFAULT_OCR,
    limits: Limits = DEFAULT_LIMITS,
) -> Document:
    """Read a scanned report image (PNG, JPEG, multi-page TIFF...) by OCR."""
    pages = []
    for number, grey in enumerate(_frames(data, path, limits), start=1):
        width = grey.shape[1] if grey.ndim >= 2 else 0
        pages.append(_guarded_layout(grey, number, A4_WIDTH_PT / max(width, 1), settings, path))
    return Document(path.name, "image", document_blocks(pages, layout_settings), {"ocr": "yes"})
