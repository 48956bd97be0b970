"""Shared helpers for the PDF and OCR tests: gold comparison and generated inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from gongkai.document import Document, Grid, GridCell
from gongkai.measure.evaluate import load_gold
from gongkai.model import Report
from gongkai.read import read_document

from ..conftest import CORPUS, GOLD, shared_or_skip

DEV_PDFS = ("001_huaian-hongze-qu-2023", "002_huaian-hongze-qu-2024")


def dev_pdf(stem: str) -> Path:
    return shared_or_skip(CORPUS / "dev" / f"{stem}.pdf")


def wrong_cells(stem: str, report: Report) -> list[tuple[str, object, object]]:
    """(cell id, gold value, read value) for every gold cell read wrongly."""
    gold = load_gold(shared_or_skip(GOLD / "dev" / f"{stem}.json"))
    wrong: list[tuple[str, object, object]] = []
    for cid, expected in gold.cells.items():
        cell = report.cells.get(cid)
        got = cell.value if cell is not None else "MISSING"
        same = got == expected or (
            got is not None and expected is not None and got != "MISSING" and float(got) == float(expected)  # type: ignore[arg-type]
        )
        if not same:
            wrong.append((cid, expected, got))
    return wrong


def read(document: Document) -> Report:
    return read_document(document)


def grids(document: Document) -> list[Grid]:
    return [b for b in document.blocks if isinstance(b, Grid)]


def cells(grid: Grid) -> list[GridCell]:
    return [cell for row in grid.rows for cell in row]


def page_images(pdf_path: Path, dpi: int = 150, noise: float = 12.0, seed: int = 0) -> list[Image.Image]:
    """The pages of a PDF as grey images with light Gaussian noise, like a clean scan."""
    rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(pdf_path)
    images = []
    for page in pdf:
        pixels = page.render(scale=dpi / 72, grayscale=True).to_numpy()
        pixels = pixels[:, :, 0] if pixels.ndim == 3 else pixels
        noisy = np.clip(pixels.astype(np.int16) + rng.normal(0, noise, pixels.shape), 0, 255).astype(np.uint8)
        images.append(Image.fromarray(noisy, "L"))
    pdf.close()
    return images


def image_only_pdf(images: list[Image.Image], out: Path, dpi: int = 150) -> Path:
    """Wrap page images into a PDF without a text layer (a scanned report)."""
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi)
    return out
