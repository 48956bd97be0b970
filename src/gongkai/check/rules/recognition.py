"""Cells read by OCR whose recognition is uncertain."""

from __future__ import annotations

from collections.abc import Iterator

from ...model import Report
from ..finding import Finding, Severity
from ..registry import rule
from .arithmetic import broken_identities
from .common import label, make

# Below this recognition confidence (0-1) an OCR'd cell is treated as uncertain.
LOW_CONFIDENCE = 0.9


def _uncertain(report: Report, cell_id: str) -> bool:
    cell = report.cells.get(cell_id)
    confidence = cell.place.confidence if cell and cell.place else None
    return confidence is not None and confidence < LOW_CONFIDENCE


@rule("ocr-uncertain", Severity.WARNING, "识别存疑的单元格", "OCR-read cell of low confidence in a broken identity")
def ocr_uncertain(report: Report, previous: Report | None) -> Iterator[Finding]:
    """A cell read by OCR with low confidence takes part in an arithmetic identity that does not hold.

    A scan can turn 8 into 3; when the arithmetic fails around an uncertain cell, the
    defect may be the recognition, not the report. Such a cell is never silently accepted.

    Failing: 行政复议·总计 recognised as "3" with confidence 0.55 where 1 + 0 + 0 + 1 = 2.

    Passing: the same cell at confidence 0.99, or an uncertain cell whose identities hold.
    """
    reported: set[str] = set()
    for identity, _left, _right in broken_identities(report):
        doubtful = [c for c in identity.cells if _uncertain(report, c) and c not in reported]
        for cell_id in doubtful:
            reported.add(cell_id)
            cell = report.cells[cell_id]
            confidence = cell.place.confidence if cell.place else None
            yield make(
                "ocr-uncertain",
                [cell_id],
                f"“{label(report, cell_id)}”由图像识别为“{cell.raw}”（置信度{confidence:.2f}），"
                f"且所在的{identity.where}算式不成立，请对照原件核实。",
            )
