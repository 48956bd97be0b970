"""Word 97-2003 / WPS files → Document through LibreOffice (skipped where it is not installed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gongkai import libreoffice
from gongkai.document import Grid
from gongkai.errors import ConverterMissing, UnsupportedSource
from gongkai.ingest import load_document

from .docx_samples import EXPECTED_GRID, merged_table_docx

needs_soffice = pytest.mark.skipif(
    libreoffice.soffice_path() is None,
    reason="LibreOffice (soffice) is not installed: apt install libreoffice-writer-nogui",
)


def _to_doc(tmp_path: Path, docx_bytes: bytes) -> Path:
    source = tmp_path / "report.docx"
    source.write_bytes(docx_bytes)
    soffice = libreoffice.soffice_path()
    assert soffice is not None
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "doc",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return tmp_path / "report.doc"


@pytest.mark.slow
@needs_soffice
def test_doc_made_by_libreoffice_reads_like_the_docx(tmp_path: Path) -> None:
    path = _to_doc(tmp_path, merged_table_docx())
    assert path.read_bytes().startswith(b"\xd0\xcf\x11\xe0")
    doc = load_document(path)
    assert doc.kind == "doc"
    [grid] = [b for b in doc.blocks if isinstance(b, Grid)]
    assert [[None if c.covered else c.text for c in row] for row in grid.rows] == EXPECTED_GRID


@pytest.mark.slow
@needs_soffice
def test_batch_conversion_keeps_order_and_marks_failures() -> None:
    good = merged_table_docx()
    results = libreoffice.convert([("a.docx", good), ("b.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 600)], "docx")
    assert results[0] is not None and results[0].startswith(b"PK")
    assert results[1] is None


@pytest.mark.slow
@needs_soffice
def test_damaged_doc_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "broken.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    with pytest.raises(UnsupportedSource) as caught:
        load_document(path)
    assert "broken.doc" in str(caught.value)


def test_missing_libreoffice_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice, "soffice_path", lambda: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ConverterMissing, match="libreoffice-writer-nogui"):
        load_document(path)
