"""What the OCR models are fed: grey pages without a BGR copy, line crops at the recogniser's line height."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gongkai.ingest.ocr import (
    DEFAULT_OCR,
    _detector_input,
    _normalised,
    _strip_image,
    close_subcolumn_gaps,
    engine_key,
    ink_mask,
    ocr_engine,
    read_strip,
    recognise,
)

from .helpers import DEV_PDFS, dev_pdf, page_images


def _rapidocr_normalisation(bgr: np.ndarray) -> np.ndarray:
    """rapidocr's own preprocessing of a BGR image: float, channels first, [-1, 1]."""
    return bgr.astype(np.float32).transpose(2, 0, 1)[np.newaxis] / 127.5 - 1.0


def test_a_grey_image_is_normalised_exactly_as_its_bgr_copy() -> None:
    import cv2

    grey = np.random.default_rng(4).integers(0, 256, (37, 53), dtype=np.uint8)
    bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    tensor = _normalised(grey)
    assert tensor.shape == (1, 3, 37, 53) and tensor.dtype == np.float32 and tensor.flags.c_contiguous
    assert np.array_equal(tensor, _rapidocr_normalisation(bgr))
    assert np.array_equal(_normalised(bgr), tensor)


def test_the_detector_input_of_a_grey_page_is_that_of_its_bgr_copy() -> None:
    import cv2

    grey = np.random.default_rng(5).integers(0, 256, (100, 90), dtype=np.uint8)
    bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    box = (3, 7, 80, 70)
    tensor = _detector_input(grey, box)
    assert tensor.shape == (1, 3, 64, 96)  # padded to the detector's stride
    assert np.array_equal(tensor, _detector_input(bgr, box))
    assert float(tensor[0, :, 63, 95].min()) == 1.0  # the padding is white


def test_crops_are_drawn_at_the_line_height_and_centred() -> None:
    crops = [np.zeros((30, 60), dtype=np.uint8), np.zeros((20, 100), dtype=np.uint8)]
    tensor, offsets = _strip_image(crops, 48, 48, 8, line_px=24)
    # 60 x 30 px drawn 48 x 24; the next crop starts 48 px of gap later, on a column boundary
    assert offsets == [0, 96]
    assert tensor.shape == (1, 3, 48, 96 + 120)
    ink = tensor[0, 0] < 0
    assert not ink[:12].any() and not ink[36:].any()  # white above and below the line
    assert ink[12:36, :48].all() and not ink[:, 48:96].any() and ink[12:36, 96:].all()
    full, full_offsets = _strip_image(crops, 48, 48, 8)  # without a line height: the input's
    assert full.shape == (1, 3, 48, 144 + 240) and full_offsets == [0, 144]
    assert (full[0, 0, :, :96] < 0).sum() == 96 * 48


def test_the_line_height_never_exceeds_the_recognisers_input() -> None:
    settings = replace(DEFAULT_OCR, threads=1, rec_line_px=200)
    rec = ocr_engine(*engine_key(settings))._load_rec_model()
    crop = np.full((30, 90), 255, dtype=np.uint8)
    crop[8:22, 10:80] = 0
    (reading,) = read_strip(rec, [crop], settings)
    assert reading.info.line_txt_len == -(-int(48 * 90 / 30) // 8)  # drawn at 48 px, the input's height


@pytest.fixture(scope="module")
def grey_page() -> np.ndarray:
    return np.asarray(page_images(dev_pdf(DEV_PDFS[0]), dpi=150, seed=2)[2])


def test_a_grey_page_reads_as_its_bgr_copy(grey_page: np.ndarray) -> None:
    import cv2

    settings = replace(DEFAULT_OCR, threads=1)
    ink = ink_mask(grey_page)
    words = recognise(grey_page, ink, 72 / 150, settings)
    assert len(words) > 100
    assert recognise(cv2.cvtColor(grey_page, cv2.COLOR_GRAY2BGR), ink, 72 / 150, settings) == words


def _quad(x0: float, x1: float) -> list[list[float]]:
    return [[x0, 0.0], [x1, 0.0], [x1, 10.0], [x0, 10.0]]


def test_gaps_below_the_recognisers_resolution_are_closed() -> None:
    # "4119" as placed from CTC columns 10.5 px apart: the peaks of the two 1s are two columns apart
    chars = [("4", 0.99, _quad(747, 758)), ("1", 0.99, _quad(758, 771)), ("1", 0.98, _quad(785, 800))]
    closed = close_subcolumn_gaps(chars, 10.5)
    assert [c[0] for c in closed] == ["4", "1", "1"]
    assert closed[1][2][1][0] == closed[2][2][0][0] == 778.0  # the gap closed at its middle
    assert closed[1][2][2][0] == 778.0 and closed[2][2][3][0] == 778.0  # both corners of each edge
    assert closed[0][2][1][0] == 758.0 and closed[1][2][0][0] == 758.0


def test_a_read_space_or_a_wide_gap_is_kept() -> None:
    chars = [("1", 0.9, _quad(0, 10)), (" ", 0.9, _quad(10, 30)), ("2", 0.9, _quad(30, 40)), ("3", 0.9, _quad(62, 70))]
    kept = close_subcolumn_gaps(chars, 10.0)
    assert [c[0] for c in kept] == ["1", "2", "3"]  # the blank itself is no character
    assert kept[0][2][1][0] == 10.0 and kept[1][2][0][0] == 30.0  # a space was read: the gap stays
    assert kept[1][2][1][0] == 40.0 and kept[2][2][0][0] == 62.0  # 22 px > two columns: a real gap
