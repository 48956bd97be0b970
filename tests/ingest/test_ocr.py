"""Scanned PDFs and images: OCR round trip of a real report rasterised with noise."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from gongkai.document import LOW_CONFIDENCE, Document
from gongkai.ingest import load_document
from gongkai.ingest.ocr import normalise_punctuation, ocr_engine
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
