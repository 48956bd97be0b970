"""The OCR models' variants: int8 models built locally, and the execution provider.

The int8 detector is made from the fp32 detector shipped in the ``rapidocr`` wheel
by onnxruntime's static quantisation (per-channel weights, QDQ), calibrated on
synthetic table pages drawn here, deterministically: nothing is downloaded, and
the same wheel gives the same model on every machine. The recogniser keeps its
convolutions in fp32 (int8 ones misread without flagging) and only its classifier,
the MatMul from each column's features to the 18,710 characters, gets int8 weights
(onnxruntime's dynamic quantisation: activations are quantised per run, so there is
nothing to calibrate). Both are built on first use (``onnx`` is needed for that) into
a cache folder (``GONGKAI_OCR_CACHE``, else ``~/.cache/gongkai/ocr``), keyed by the
source model's digest and the recipe version, and written atomically.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

RECIPE = "det-int8-qdq-pc-v1"
"""Changes whenever the detector's quantisation recipe does, so a cached model is never stale."""

REC_RECIPE = "rec-classifier-int8-dyn-v1"
"""The same for the recogniser's."""

CALIBRATION_PAGES = 6
CALIBRATION_SIDE = 1280
"""The calibration pages reach the detector at this longest side, whatever ``det_max_side`` is,
so that one cached model serves every setting (measured with this recipe)."""
CALIBRATION_SEED = 20261202

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"


def cache_dir() -> Path:
    """Where locally built models are kept."""
    configured = os.environ.get("GONGKAI_OCR_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "gongkai" / "ocr"


def choose_providers(available: Sequence[str], device: str = "auto") -> list[str]:
    """onnxruntime execution providers for ``device`` ("auto", "cuda" or "cpu"), best first.

    "auto" takes CUDA when onnxruntime offers it (onnxruntime-gpu installed), else the CPU;
    "cuda" without CUDA falls back to the CPU too. The CPU is always last, as a fallback.
    """
    if device not in ("auto", "cuda", "cpu"):
        raise ValueError(f"未知的 OCR 设备 {device!r}（unknown OCR device: auto, cuda or cpu）")
    use_cuda = device != "cpu" and CUDA in available
    if device == "cuda" and not use_cuda:
        log.warning("OCR: CUDA requested but onnxruntime offers only %s; using the CPU", list(available))
    chosen = [CUDA, CPU] if use_cuda else [CPU]
    log.info("OCR execution providers: %s (available: %s)", chosen, list(available))
    return chosen


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _letters(rng: np.random.Generator, count: int) -> str:
    return "".join(chr(int(c)) for c in rng.integers(65, 91, count))


def calibration_page(rng: np.random.Generator, width: int = 1240, height: int = 1754) -> np.ndarray:
    """A synthetic 150 dpi grey page: a ruled table of numbers and labels, with scan noise."""
    import cv2

    page = np.full((height, width), 255, dtype=np.uint8)
    top, left, row_h = int(rng.integers(120, 260)), int(rng.integers(60, 120)), int(rng.integers(34, 48))
    columns = [left, left + int(rng.integers(320, 480))]
    while columns[-1] < width - 180:
        columns.append(columns[-1] + int(rng.integers(90, 160)))
    rows = list(range(top, height - 120, row_h))
    for y in rows:
        cv2.line(page, (columns[0], y), (columns[-1], y), 0, 1)
    for x in columns:
        cv2.line(page, (x, rows[0]), (x, rows[-1]), 0, 1)
    fonts = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX)
    for y0, y1 in itertools.pairwise(rows):
        for i, x0 in enumerate(columns[:-1]):
            if i == 0:  # a label: word-like runs of strokes
                text = " ".join(_letters(rng, int(rng.integers(2, 7))) for _ in range(3))
            elif rng.random() < 0.15:
                continue
            else:
                text = str(int(rng.integers(0, 10 ** int(rng.integers(1, 5)))))
            scale = float(rng.uniform(0.45, 0.7))
            font = fonts[int(rng.integers(len(fonts)))]
            cv2.putText(page, text, (x0 + 8, y1 - (y1 - y0) // 3), font, scale, 0, int(rng.integers(1, 3)), cv2.LINE_AA)
    heading = _letters(rng, 24)
    cv2.putText(page, heading, (left, top - 50), cv2.FONT_HERSHEY_COMPLEX, 0.9, 0, 2, cv2.LINE_AA)
    noisy = page.astype(np.int16) + rng.normal(0, 12.0, page.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def calibration_inputs(det_max_side: int = CALIBRATION_SIDE, pages: int = CALIBRATION_PAGES) -> Iterator[np.ndarray]:
    """Detector inputs of the synthetic pages, prepared exactly as ``ocr.detect_quads`` prepares a page."""
    import cv2

    from .ocr import DEFAULT_OCR, _content_box, _detector_input, _detector_size, ink_mask

    rng = np.random.default_rng(CALIBRATION_SEED)
    for _ in range(pages):
        grey = calibration_page(rng)
        image = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
        width, height = _detector_size(image.shape, det_max_side)
        small = cv2.resize(image, (width, height))
        box = _content_box(ink_mask(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)), DEFAULT_OCR.content_pad_px)
        yield _detector_input(small, box or (0, 0, width, height))


def build_int8_detector(source: Path, out: Path) -> Path:
    """Quantise the fp32 detector at ``source`` into ``out`` (static int8, calibrated locally)."""
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Pages(CalibrationDataReader):
        def __init__(self) -> None:
            self.inputs = calibration_inputs()

        def get_next(self) -> dict[str, np.ndarray] | None:
            tensor = next(self.inputs, None)
            return None if tensor is None else {"x": tensor}

    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as work:
        upgraded, prepared, quantised = (Path(work) / n for n in ("v13.onnx", "pre.onnx", "int8.onnx"))
        # per-channel DequantizeLinear needs opset 13; the wheel's models are opset 11
        onnx.save(version_converter.convert_version(onnx.load(str(source)), 13), str(upgraded))
        quant_pre_process(str(upgraded), str(prepared), skip_symbolic_shape=True)
        quantize_static(
            str(prepared),
            str(quantised),
            Pages(),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
        )
        os.replace(quantised, out)  # atomic: a concurrent worker sees the whole model or none
    return out


def classifier_node(model: Any) -> str:
    """Name of the recogniser's classifier: the MatMul with the widest constant weight (features → characters)."""
    weights = {init.name: list(init.dims) for init in model.graph.initializer}
    matmuls = [
        (weights[n.input[1]][-1], n.name) for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in weights
    ]
    if not matmuls:
        raise ValueError("the recogniser has no MatMul with a constant weight")
    return max(matmuls)[1]


def build_int8_recogniser(source: Path, out: Path) -> Path:
    """The recogniser at ``source`` with its classifier's weights in int8 (dynamic quantisation), into ``out``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    node = classifier_node(onnx.load(str(source), load_external_data=False))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as work:
        quantised = Path(work) / "int8.onnx"
        quantize_dynamic(str(source), str(quantised), nodes_to_quantize=[node], weight_type=QuantType.QInt8)
        os.replace(quantised, out)  # atomic: a concurrent worker sees the whole model or none
    return out


def _cached(source: Path, recipe: str, build: Callable[[Path, Path], Path], folder: Path | None) -> Path | None:
    """The model built from ``source`` by ``recipe``, from the cache or built into it; None if it cannot be built."""
    folder = folder or cache_dir()
    out = folder / f"{source.stem}.{_digest(source)}.{recipe}.onnx"
    if out.exists():
        return out
    try:
        log.info("OCR: building %s into %s", recipe, out)
        return build(source, out)
    except Exception as exc:  # a model that cannot be built must not stop OCR: the fp32 one reads on
        log.warning("OCR: %s unavailable (%s); using the fp32 model", recipe, exc)
        return None


def int8_detector(source: Path, folder: Path | None = None) -> Path | None:
    """The cached int8 detector for ``source``, built if missing; None if it cannot be built."""
    return _cached(source, RECIPE, build_int8_detector, folder)


def int8_recogniser(source: Path, folder: Path | None = None) -> Path | None:
    """The cached recogniser for ``source`` with an int8 classifier, built if missing; None if it cannot be built."""
    return _cached(source, REC_RECIPE, build_int8_recogniser, folder)
