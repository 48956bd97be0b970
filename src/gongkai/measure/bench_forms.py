"""Throughput of the paged forms: text PDF and OCR, in pages per second per core.

    python -m gongkai.measure.bench_forms [PDF ...]

Without arguments it uses the text-layer PDFs of the dev corpus
(``../shared/corpus/dev/*.pdf``). Text PDF: pypdfium2 extraction plus Document
building (``pdf_document``), then the same plus the reader. OCR: every page
rendered at the OCR resolution and read with one onnxruntime thread (and one
OpenCV thread), so the figure is per core: the ``ocr`` row prints pages/s from the
process's CPU time (what one core does, whatever else runs on the machine) and
from wall time. Figures only; nothing is asserted.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pypdfium2 as pdfium

from ..ingest.layout import document_blocks
from ..ingest.ocr import DEFAULT_OCR, OcrSettings, engine_key, ocr_engine, scanned_page_layout
from ..ingest.pdf import pdf_document
from ..read import read_document

DEV_CORPUS = Path("../shared/corpus/dev")  # the default when run from a checkout beside shared/
TEXT_ROUNDS = 10


def _pages(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        total += len(pdf)
        pdf.close()
    return total


def bench_text(paths: list[Path], rounds: int = TEXT_ROUNDS) -> tuple[float, float]:
    """Pages/s for (PDF → Document) and (PDF → Document → Report), one thread."""
    data = [(p, p.read_bytes()) for p in paths]
    pages = _pages(paths) * rounds
    for path, raw in data:  # warm up imports and caches
        read_document(pdf_document(raw, path))
    start = time.perf_counter()
    documents = [pdf_document(raw, path) for _ in range(rounds) for path, raw in data]
    ingest = time.perf_counter() - start
    start = time.perf_counter()
    for document in documents:
        read_document(document)
    reading = time.perf_counter() - start
    return pages / ingest, pages / (ingest + reading)


@dataclass(frozen=True, slots=True)
class OcrRate:
    """OCR throughput: pages read, and pages per second of process CPU time and of wall time."""

    pages: int
    cpu_rate: float
    wall_rate: float


def bench_ocr(paths: list[Path], settings: OcrSettings) -> OcrRate:
    """OCR of every page, as if each were a scan, timed in CPU and wall seconds."""
    import cv2

    cv2.setNumThreads(1)
    pages = 0
    cpu, wall = time.process_time(), time.perf_counter()
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        layouts = [scanned_page_layout(pdf[i], i + 1, settings) for i in range(len(pdf))]
        document_blocks(layouts)
        pages += len(layouts)
        pdf.close()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return OcrRate(pages, pages / cpu, pages / wall)


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:  # not Linux
        return "?"


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or sorted(DEV_CORPUS.glob("*.pdf"))
    if not paths:
        sys.exit(f"no PDFs given and none found in {DEV_CORPUS}")
    ingest, with_reader = bench_text(paths)
    print(f"text PDF, {len(paths)} files x {TEXT_ROUNDS} rounds, 1 core:")
    print(f"  PDF -> Document:          {ingest:8.1f} pages/s/core")
    print(f"  PDF -> Document -> Report: {with_reader:7.1f} pages/s/core")
    settings = replace(DEFAULT_OCR, threads=1)
    ocr_engine(*engine_key(settings))  # model loading is not page time
    rate = bench_ocr(paths, settings)
    print(f"ocr: {rate.pages} pages at {settings.dpi} dpi, 1 onnxruntime thread, page -> words + rules -> blocks:")
    print(f"  CPU  {rate.cpu_rate:6.2f} pages/s/core ({1 / rate.cpu_rate:.2f} s/page)")
    print(f"  wall {rate.wall_rate:6.2f} pages/s      ({1 / rate.wall_rate:.2f} s/page)")
    print(f"  load average {_load_average()} (wall time is only comparable at the same load)")


if __name__ == "__main__":
    main(sys.argv[1:])
