"""Scanned PDFs and images: OCR round trip of a real report rasterised with noise."""

from __future__ import annotations

import logging
import shutil
import socket
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from gongkai.document import LOW_CONFIDENCE, Document
from gongkai.ingest import load_document, ocr_models
from gongkai.ingest.ocr import (
    DEFAULT_OCR,
    engine_key,
    ink_mask,
    normalise_punctuation,
    ocr_engine,
    raster_rules,
    shipped_model,
)
from gongkai.ingest.ocr_models import CPU, CUDA, choose_providers, int8_detector, int8_recogniser
from gongkai.read.linear import LinearText

from .helpers import DEV_PDFS, cells, dev_pdf, grids, image_only_pdf, page_images, read, wrong_cells

STEM = DEV_PDFS[0]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Document:
    out = tmp_path_factory.mktemp("scan") / "scanned.pdf"
    image_only_pdf(page_images(dev_pdf(STEM), dpi=150), out)
    return load_document(out)


def test_a_scanned_pdf_is_read_by_ocr(scanned: Document) -> None:
    assert scanned.kind == "pdf" and scanned.metadata.get("ocr") == "yes"
    report = read(scanned)
    wrong = wrong_cells(STEM, report)
    # a cell read wrongly must at least be flagged by a low OCR confidence
    unflagged = [
        (cid, want, got)
        for cid, want, got in wrong
        if (place := report.cells[cid].place) is None or place.confidence is None or place.confidence >= LOW_CONFIDENCE
    ]
    assert unflagged == []
    assert len(wrong) <= 5, wrong
    assert (report.agency, report.year) == ("洪泽区人民政府", 2023)


def test_ocr_cells_keep_their_confidence(scanned: Document) -> None:
    tables = grids(scanned)
    assert len(tables) == 3
    filled = [c for g in tables for c in cells(g) if c.text]
    assert filled and all(c.place.confidence is not None and 0 < c.place.confidence <= 1 for c in filled)
    assert all(c.place.page is not None and c.place.bbox is not None for c in filled)


def test_ocr_table_rows_match_the_text_layer(scanned: Document) -> None:
    lines = LinearText(scanned).text.splitlines()
    assert "一、本年新收政府信息公开申请数量\t21\t0\t0\t0\t0\t0\t21" in lines
    assert "行政事业性收费\t7730.28" in lines


def test_a_png_page_is_read_by_ocr(tmp_path: Path) -> None:
    page = page_images(dev_pdf(STEM), dpi=150, seed=1)[2]  # page 3: end of 表二, start of 表三
    png = tmp_path / "page3.png"
    page.save(png)
    document = load_document(png)
    assert document.kind == "image"
    lines = LinearText(document).text.splitlines()
    assert "行政处罚\t4119" in lines
    assert "（一）予以公开\t0\t0\t0\t0\t0\t0\t0" in {line.split("\t", 1)[1] for line in lines if "\t" in line}


def test_ocr_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network is closed in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    engine = ocr_engine(1, 640)  # a fresh engine: models load from the installed package
    import numpy as np

    blank = np.full((200, 400, 3), 255, dtype=np.uint8)
    assert engine(blank).txts is None


def test_half_width_brackets_in_chinese_labels_become_full_width() -> None:
    assert "".join(normalise_punctuation(list("(一)予以公开"))) == "（一）予以公开"
    assert "".join(normalise_punctuation(list("单位:万元"))) == "单位：万元"
    assert "".join(normalise_punctuation(list("f(x)=1,2"))) == "f(x)=1,2"


# --- speed settings: providers, defaults, the optional int8 detector ---------------------------


def test_defaults_are_the_measured_settings() -> None:
    assert (DEFAULT_OCR.det_max_side, DEFAULT_OCR.det_int8, DEFAULT_OCR.device) == (1280, True, "auto")
    assert (DEFAULT_OCR.rec_strip_px, DEFAULT_OCR.rec_gap_px, DEFAULT_OCR.rec_line_px) == (480, 48, 24)
    assert DEFAULT_OCR.rec_int8 is True
    assert engine_key(replace(DEFAULT_OCR, threads=1)) == (1, 1280, True, "auto", True)


def test_cuda_is_chosen_when_onnxruntime_offers_it(caplog: pytest.LogCaptureFixture) -> None:
    gpu = ["TensorrtExecutionProvider", CUDA, CPU]
    with caplog.at_level(logging.INFO, logger="gongkai.ingest.ocr_models"):
        assert choose_providers(gpu) == [CUDA, CPU]
    assert "CUDAExecutionProvider" in caplog.text  # the choice is logged
    assert choose_providers(gpu, "cuda") == [CUDA, CPU]
    assert choose_providers(gpu, "cpu") == [CPU]


def test_the_cpu_is_used_without_cuda(caplog: pytest.LogCaptureFixture) -> None:
    assert choose_providers([CPU]) == [CPU]
    assert choose_providers(["AzureExecutionProvider", CPU]) == [CPU]
    with caplog.at_level(logging.WARNING, logger="gongkai.ingest.ocr_models"):
        assert choose_providers([CPU], "cuda") == [CPU]
    assert "CUDA requested" in caplog.text
    with pytest.raises(ValueError, match="未知的 OCR 设备"):
        choose_providers([CPU], "tpu")


def test_this_machine_runs_ocr_on_the_providers_onnxruntime_offers() -> None:
    import onnxruntime

    engine = ocr_engine(1, DEFAULT_OCR.det_max_side, False, "auto")
    offered = onnxruntime.get_available_providers()
    session = engine._load_rec_model().session.session
    assert session.get_providers()[0] == (CUDA if CUDA in offered else CPU)


def test_the_engine_asks_rapidocr_for_cuda_when_it_is_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    import onnxruntime

    monkeypatch.setattr(onnxruntime, "get_available_providers", lambda: [CUDA, CPU])
    ocr_engine.cache_clear()
    try:
        engine = ocr_engine(1, 704, True, "auto", True)  # the int8 models are not used on CUDA: both stay fp32
        assert engine.cfg.EngineConfig.onnxruntime.use_cuda is True
        assert engine.cfg.EngineConfig.onnxruntime.cuda_ep_cfg.cudnn_conv_algo_search == "HEURISTIC"
        assert engine.cfg.Det.model_path is None and engine.cfg.Rec.model_path is None
        cpu_engine = ocr_engine(1, 704, False, "cpu")
        assert cpu_engine.cfg.EngineConfig.onnxruntime.use_cuda is False
    finally:
        ocr_engine.cache_clear()  # these engines were made under a fake provider list


def test_the_engine_takes_the_int8_detector_when_one_is_built(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    built = tmp_path / "det-int8.onnx"
    shutil.copy(shipped_model("det"), built)  # a stand-in: any valid detector model
    monkeypatch.setattr(ocr_models, "int8_detector", lambda source: built)
    ocr_engine.cache_clear()
    try:
        engine = ocr_engine(1, 672, True, "cpu")
        assert engine.cfg.Det.model_path == str(built)
        assert engine._load_det_model().session.session._model_path == str(built)
    finally:
        ocr_engine.cache_clear()


def test_without_onnx_the_int8_detector_falls_back_to_fp32(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)  # importing it raises ImportError
    with caplog.at_level(logging.WARNING, logger="gongkai.ingest.ocr_models"):
        assert int8_detector(shipped_model("det"), tmp_path) is None
    assert "fp32" in caplog.text
    assert list(tmp_path.iterdir()) == []  # nothing half-written is left behind


def test_the_cache_folder_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GONGKAI_OCR_CACHE", str(tmp_path))
    assert ocr_models.cache_dir() == tmp_path
    monkeypatch.delenv("GONGKAI_OCR_CACHE")
    assert ocr_models.cache_dir() == Path.home() / ".cache" / "gongkai" / "ocr"


def test_calibration_pages_are_deterministic_ruled_tables() -> None:
    import numpy as np

    first = ocr_models.calibration_page(np.random.default_rng(5))
    again = ocr_models.calibration_page(np.random.default_rng(5))
    assert first.shape == (1754, 1240) and first.dtype == np.uint8
    assert np.array_equal(first, again)
    assert raster_rules(ink_mask(first), 72 / 150)  # ruling lines, found as on a real scan
    inputs = list(ocr_models.calibration_inputs(pages=2))
    assert len(inputs) == 2
    for tensor in inputs:
        assert tensor.shape[:2] == (1, 3) and tensor.shape[2] % 32 == 0 and tensor.shape[3] % 32 == 0
        assert max(tensor.shape[2:]) <= ocr_models.CALIBRATION_SIDE
        assert float(tensor.min()) >= -1.0 and float(tensor.max()) <= 1.0


def test_the_int8_detector_is_built_once_and_cached(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("onnx")  # optional: only the int8 build needs it
    source = shipped_model("det")
    first = int8_detector(source, tmp_path)
    assert first is not None and first.parent == tmp_path and ocr_models.RECIPE in first.name
    assert first.stat().st_size < source.stat().st_size / 2  # int8 weights

    def no_rebuild(*args: object) -> None:
        raise AssertionError("a cached model is not rebuilt")

    monkeypatch.setattr(ocr_models, "build_int8_detector", no_rebuild)
    assert int8_detector(source, tmp_path) == first
    engine_page = page_images(dev_pdf(STEM), dpi=150, seed=3)[0]
    import numpy as np

    from gongkai.ingest.ocr import image_layout

    grey = np.asarray(engine_page)
    monkeypatch.setenv("GONGKAI_OCR_CACHE", str(tmp_path))
    fp32 = image_layout(grey, 1, 72 / 150, replace(DEFAULT_OCR, threads=1, det_int8=False, rec_int8=False))
    int8 = image_layout(grey, 1, 72 / 150, replace(DEFAULT_OCR, threads=1, det_int8=True, rec_int8=False))
    fp32_text, int8_text = ("".join(w.text for w in layout.words) for layout in (fp32, int8))
    # the same page read, but for one digit of the text layer's "0517-87222589" that fp32 misses
    assert "0517-87222589" in int8_text and "0517-8722589" in fp32_text
    assert int8_text.replace("0517-87222589", "") == fp32_text.replace("0517-8722589", "")


def test_the_int8_recogniser_quantises_only_its_classifier_and_reads_as_fp32(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("onnx")
    import numpy as np
    import onnx

    from gongkai.ingest.ocr import image_layout

    source = shipped_model("rec")
    built = int8_recogniser(source, tmp_path)
    assert built is not None and ocr_models.REC_RECIPE in built.name
    assert int8_recogniser(source, tmp_path) == built  # cached: the same file, not rebuilt
    fp32_ops = [n.op_type for n in onnx.load(str(source)).graph.node]
    int8_ops = [n.op_type for n in onnx.load(str(built)).graph.node]
    assert fp32_ops.count("Conv") == int8_ops.count("Conv")  # the convolutions stay fp32
    assert int8_ops.count("MatMul") == fp32_ops.count("MatMul") - 1  # the classifier alone is int8
    assert ocr_models.classifier_node(onnx.load(str(source))) == "MatMul.12"
    grey = np.asarray(page_images(dev_pdf(STEM), dpi=150, seed=3)[1])
    monkeypatch.setenv("GONGKAI_OCR_CACHE", str(tmp_path))
    fp32 = image_layout(grey, 2, 72 / 150, replace(DEFAULT_OCR, threads=1, det_int8=False, rec_int8=False))
    int8 = image_layout(grey, 2, 72 / 150, replace(DEFAULT_OCR, threads=1, det_int8=False, rec_int8=True))
    assert [w.text for w in int8.words] == [w.text for w in fp32.words]
