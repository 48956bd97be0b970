"""Gold tables rendered to DOCX, printed to PDF by LibreOffice, scanned, and read back.

Text PDFs must read back exactly. Scans go through OCR: every cell must come
back exact, or be one the reader flags (low recognition confidence).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gongkai import libreoffice
from gongkai.document import LOW_CONFIDENCE
from gongkai.ingest import load_document
from gongkai.read import read_document
from gongkai.render.docx import render_tables_docx

from ..ingest.helpers import image_only_pdf, page_images
from .test_render import GOLD_FILES, _gold_values

pytestmark = pytest.mark.skipif(libreoffice.soffice_path() is None, reason="LibreOffice (soffice) is not installed")

TABLE_GOLD = [p for p in GOLD_FILES if _gold_values(p)[1]]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every gold file with tables, as a text PDF made by LibreOffice (one soffice run)."""
    folder = tmp_path_factory.mktemp("printed")
    sources = [(f"{p.stem}.docx", render_tables_docx(*_gold_values(p))) for p in TABLE_GOLD]
    out = {}
    for path, pdf in zip(TABLE_GOLD, libreoffice.convert(sources, "pdf")):
        assert pdf is not None, f"LibreOffice printed nothing for {path.stem}"
        out[path.stem] = folder / f"{path.stem}.pdf"
        out[path.stem].write_bytes(pdf)
    return out


def _ids(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


@pytest.mark.parametrize("gold_path", TABLE_GOLD, ids=_ids)
def test_text_pdf_round_trip_is_exact(gold_path: Path, printed: dict[str, Path]) -> None:
    format_id, values = _gold_values(gold_path)
    report = read_document(load_document(printed[gold_path.stem]))
    assert report.format_id == format_id
    assert {cid: report.value(cid) for cid in values} == values


@pytest.mark.parametrize("gold_path", TABLE_GOLD, ids=_ids)
def test_scanned_round_trip_is_exact_or_flagged(gold_path: Path, printed: dict[str, Path], tmp_path: Path) -> None:
    _format_id, values = _gold_values(gold_path)
    scan = tmp_path / "scan.pdf"
    image_only_pdf(page_images(printed[gold_path.stem], dpi=150, seed=7), scan)
    report = read_document(load_document(scan))
    unflagged = []
    for cid, expected in values.items():
        cell = report.cells.get(cid)
        if cell is None or cell.value == expected:
            continue
        confidence = cell.place.confidence if cell.place else None
        if confidence is None or confidence >= LOW_CONFIDENCE:
            unflagged.append((cid, expected, cell.value, confidence))
    assert not unflagged
