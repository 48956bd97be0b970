"""How sure the reading of a cell is: the reader's placement, and OCR confidence."""

from __future__ import annotations

from ...document import LOW_CONFIDENCE
from ...model import Report

__all__ = ["LOW_CONFIDENCE", "inferred", "ocr_doubtful"]


def ocr_doubtful(report: Report, cell_id: str) -> bool:
    """Read from an image with low recognition confidence (and not since corrected by a reviewer)."""
    cell = report.cells.get(cell_id)
    if cell is not None and cell.correction is not None:
        return False
    confidence = cell.place.confidence if cell and cell.place else None
    return confidence is not None and confidence < LOW_CONFIDENCE


def inferred(report: Report, cell_id: str) -> bool:
    """Placed by the reader's inference (row order, a glued-digit split), not by its own label or slot."""
    cell = report.cells.get(cell_id)
    return cell is not None and not cell.certain


def uncertain(report: Report, cell_id: str) -> bool:
    """A cell on which no publisher error may be claimed."""
    return inferred(report, cell_id) or ocr_doubtful(report, cell_id)
