"""Throughput of the paged forms: text PDF and OCR, in pages per second per core.

    python -m gongkai.measure.bench_forms [PDF ...]

Without arguments it uses the text-layer PDFs of the dev corpus
(``../shared/corpus/dev/*.pdf``). Text PDF: pypdfium2 extraction plus Document
building (``pdf_document``), then the same plus the reader. OCR: every page
rendered at the OCR resolution and read with one onnxruntime thread (and one
OpenCV thread), so the figure is per core. Figures only; nothing is asserted.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pypdfium2 as pdfium

from ..ingest.layout import document_blocks
from ..ingest.ocr import DEFAULT_OCR, OcrSettings, scanned_page_layout
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


def bench_ocr(paths: list[Path], settings: OcrSettings) -> tuple[int, float]:
    """(pages, pages/s) for OCR of every page, as if each were a scan."""
    import cv2

    cv2.setNumThreads(1)
    pages = 0
    start = time.perf_counter()
    for path in paths:
        pdf = pdfium.PdfDocument(path)
        layouts = [scanned_page_layout(pdf[i], i + 1, settings) for i in range(len(pdf))]
        document_blocks(layouts)
        pages += len(layouts)
        pdf.close()
    return pages, pages / (time.perf_counter() - start)


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or sorted(DEV_CORPUS.glob("*.pdf"))
    if not paths:
        sys.exit(f"no PDFs given and none found in {DEV_CORPUS}")
    ingest, with_reader = bench_text(paths)
    print(f"text PDF, {len(paths)} files x {TEXT_ROUNDS} rounds, 1 core:")
    print(f"  PDF -> Document:          {ingest:8.1f} pages/s/core")
    print(f"  PDF -> Document -> Report: {with_reader:7.1f} pages/s/core")
    settings = OcrSettings(dpi=DEFAULT_OCR.dpi, threads=1, det_max_side=DEFAULT_OCR.det_max_side)
    from ..ingest.ocr import ocr_engine

    ocr_engine(1, settings.det_max_side)  # model loading is not page time
    pages, rate = bench_ocr(paths, settings)
    print(f"OCR, {pages} pages rendered at {settings.dpi} dpi, 1 onnxruntime thread:")
    print(f"  page -> words + rules -> blocks: {rate:6.2f} pages/s/core ({1 / rate:.1f} s/page)")


if __name__ == "__main__":
    main(sys.argv[1:])
