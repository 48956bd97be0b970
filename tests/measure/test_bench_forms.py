"""The ``ocr`` benchmark row: pages per second from CPU time and from wall time."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image

from gongkai.ingest.ocr import DEFAULT_OCR
from gongkai.ingest.ocr_models import calibration_page
from gongkai.measure.bench_forms import bench_ocr


def test_the_ocr_row_counts_pages_and_times_them_in_cpu_and_wall(tmp_path: Path) -> None:
    page = Image.fromarray(calibration_page(np.random.default_rng(1)), "L")  # a ruled table of numbers
    pdf = tmp_path / "scan.pdf"
    page.save(pdf, resolution=150)  # one page: OCR is the slowest thing the suite runs
    rate = bench_ocr([pdf], replace(DEFAULT_OCR, threads=1))
    assert rate.pages == 1
    assert 0 < rate.cpu_rate < 100 and 0 < rate.wall_rate < 100
