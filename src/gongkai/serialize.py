"""The stable JSON shape of a read report (what other tools consume).

    {"source", "agency", "entity_type", "year", "format", "published",
     "cells": {"<cell id>": {"value", "raw", "state", "span"}},
     "findings": [{"rule", "severity", "cells", "message"}]}

``value`` is a number or null; ``state`` is read | blank | absent | inferred;
``span`` is the cell's place in the source (``line``/``start``/``end`` for
text, ``page``/``bbox`` for PDFs, ``confidence`` for OCR) or null. Cells are
listed in the format's order. Keys are never removed; new keys may be added.
"""

from __future__ import annotations

from .check import Finding
from .model import Report

SCHEMA_VERSION = 1


def report_to_json(report: Report, findings: list[Finding]) -> dict[str, object]:
    order = report.format.cell_ids() if report.format else []
    cells = {cid: report.cells[cid].to_json() for cid in order if cid in report.cells}
    return {
        "schema": SCHEMA_VERSION,
        "source": report.source,
        "agency": report.agency,
        "entity_type": report.entity_type.value,
        "year": report.year,
        "format": report.format_id,
        "published": report.published.isoformat() if report.published else None,
        "cells": cells,
        "findings": [f.to_json() for f in findings],
    }
