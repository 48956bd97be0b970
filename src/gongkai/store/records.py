"""Plain-dict records of a read report: what a worker returns and the store writes.

Workers run in other processes or on other machines, so they hand back only
JSON-able dicts. The same shape rebuilds a ``Report`` (for cross-year rules, for
``gongkai show``) from stored rows.

    {"name", "sha256", "size", "kind", "error",
     "report": {"agency", "agency_key", "region", "entity_type", "year", "format",
                "published", "title", "notes", "reader_version",
                "cells": [[cell_id, value_text, raw, state, unit, place], ...],
                "sections": [[number, heading, text], ...]} | None,
     "findings": [{"rule", "severity", "cells", "message", "evidence", "fingerprint"}, ...]}

The worker goes one step further (``prepare``): it turns the report into the rows the
database takes (``report_rows``: the reports row's values, each cell as its row of
``cells`` in column order with the place already encoded, the sections, the kept
figures), so the single writing process only executes them. A prepared record's
``report`` keeps only what the writer decides by (agency, key, region, kind, year);
the rows are under ``rows``. The store prepares a record handed to it unprepared.
The worker builds them straight from the ``Report`` (``report_prepared``), without the
record's dicts in between; what it gives is exactly what ``prepare`` gives.
"""

from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal
from typing import Any

from .._version import __version__
from ..check.finding import Finding, Severity
from ..document import SourcePlace
from ..law.agencies import agency_region, normalise_agency_key
from ..model import (
    Cell,
    CellState,
    Correction,
    EntityType,
    Placement,
    Report,
    TextSection,
    format_by_id,
    format_value,
)
from .figures import WANTED_CELLS, figures_of
from .places import BY_CODES, STATE_CODES, STATES, pack_cell, unpack_cell

Record = dict[str, Any]
CellRow = tuple[str, str | None, str | None, str, str | None, dict[str, object] | None]
StoredCellRow = tuple[str, int, str | None, str | None, int, str | None, str | None]
"""A cell as its row of ``cells``, less ``report_id``: the columns of ``CELL_COLUMNS`` (compact, ``places.py``)."""
CELL_COLUMNS = ("cell_id", "seq", "value_text", "raw", "state", "unit", "place")
SECTION_COLUMNS = ("number", "heading", "text")
META = ("agency", "agency_key", "region", "entity_type", "year")
"""What a prepared record's ``report`` keeps: what the writer decides versions, links and the registry by."""


def value_text(value: int | Decimal | None) -> str | None:
    """The exact stored text of a value (None stays None: nothing printed is not an empty string)."""
    return None if value is None else format_value(value)


def parse_value(text: str | None) -> int | Decimal | None:
    if text is None:
        return None
    return Decimal(text) if "." in text or "E" in text.upper() else int(text)


def _jsonable(value: object) -> object:
    """Evidence values as JSON (Decimals as exact text)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def finding_record(finding: Finding) -> Record:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "cells": list(finding.cells),
        "message": finding.message,
        "evidence": _jsonable(finding.evidence),
        "fingerprint": finding.fingerprint,
    }


def finding_from_record(record: Record) -> Finding:
    return Finding(
        record["rule"],
        Severity(record["severity"]),
        tuple(record["cells"]),
        record["message"],
        record.get("evidence") or {},
    )


def cell_row(cell: Cell) -> list[Any]:
    """A cell as stored: [cell_id, value_text, raw, state, unit, place JSON]."""
    place = cell.place.to_json() if cell.place else {}
    if cell.placement is not None:  # kept beside the place: how sure the reading is
        place["placement"] = cell.placement.to_json()
    if cell.correction is not None:  # a reviewer's value: the read one is kept beside it
        place["correction"] = cell.correction.to_json()
    return [cell.id, value_text(cell.value), cell.raw, cell.state.value, cell.unit, place or None]


def _cell_order(report: Report) -> list[str]:
    """The report's cell ids in stored order: its format's declared cells, then any others as read."""
    order = report.format.cell_ids() if report.format else []
    declared = set(order)
    return order + [cid for cid in report.cells if cid not in declared]


def report_record(report: Report) -> Record:
    cells = [cell_row(cell) for cid in _cell_order(report) if (cell := report.cells.get(cid)) is not None]
    return {
        "agency": report.agency,
        "agency_key": normalise_agency_key(report.agency) if report.agency else None,
        "region": agency_region(report.agency),
        "entity_type": report.entity_type.value,
        "year": report.year,
        "format": report.format_id,
        "published": report.published.isoformat() if report.published else None,
        "title": report.title,
        "notes": list(report.notes),
        "reader_version": __version__,
        "cells": cells,
        "sections": [[s.number, s.heading, s.text] for s in sorted(report.sections.values(), key=lambda s: s.number)],
    }


def stored_cell(cell: CellRow | list[Any], seq: int) -> StoredCellRow:
    """A cell record ``[id, value text, raw, state, unit, place]``, the ``seq``-th of its report, as its row of
    ``cells`` (``CELL_COLUMNS``).

    The one function that builds a cell's row, in the compact form of ``places.py`` (raw only where it
    differs from the value's text, the place as a short text, the state as its code), so the writer
    hands the row to the database as it is.
    """
    cid, text, raw, state, unit, place = cell
    stored_raw, stored_place = pack_cell(text, raw, place)
    return (cid, seq, text, stored_raw, STATE_CODES[state], unit, stored_place)


def report_values(rep: Record) -> dict[str, Any]:
    """The values of a report's ``reports`` row from its record (without source, id, version or error count).

    ``published`` stays ISO text (the record stays JSON-able); ``stored_report`` makes it a date.
    """
    published = rep.get("published")
    return {
        "agency": rep.get("agency"),
        "agency_key": rep.get("agency_key"),
        "region": rep.get("region"),
        "entity_type": rep.get("entity_type") or "other",
        "year": rep.get("year"),
        "format": rep.get("format"),
        "published": published.isoformat() if isinstance(published, date) else published,
        "title": rep.get("title"),
        "reader_version": rep.get("reader_version") or "",
        "notes": list(rep.get("notes") or []),
    }


def report_rows(rep: Record) -> Record:
    """What the database takes for one report record: ``report`` values, ``cells``, ``sections``, ``figures``."""
    cells = [stored_cell(c, seq) for seq, c in enumerate(rep.get("cells", []))]
    return {
        "report": report_values(rep),
        "cells": cells,
        "sections": [tuple(s) for s in rep.get("sections", [])],
        "figures": figures_of((c[0], float(c[2]) if c[2] is not None else None) for c in cells),
    }


def prepare(record: Record) -> Record:
    """The record with its report as rows ready for the database (see the module docstring); done by the worker."""
    rep = record.get("report")
    if rep is None or "rows" in record:
        return record
    out = dict(record)
    out["report"] = {key: rep.get(key) for key in META}
    out["rows"] = report_rows(rep)
    return out


def report_prepared(report: Report) -> tuple[Record, Record]:
    """(``report``, ``rows``) of the prepared record of ``report``: ``prepare`` of its ``report_record``, built
    straight from the report (the worker's hot path; a cell out of the common shapes takes the general one)."""
    published = report.published.isoformat() if report.published else None
    agency_key = normalise_agency_key(report.agency) if report.agency else None
    region = agency_region(report.agency)
    values = {
        "agency": report.agency,
        "agency_key": agency_key,
        "region": region,
        "entity_type": report.entity_type.value or "other",
        "year": report.year,
        "format": report.format_id,
        "published": published,
        "title": report.title,
        "reader_version": __version__ or "",
        "notes": list(report.notes),
    }
    held = report.cells
    present = [cell for cid in _cell_order(report) if (cell := held.get(cid)) is not None]
    cells = [_stored(cell, seq) for seq, cell in enumerate(present)]
    sections = [(s.number, s.heading, s.text) for s in sorted(report.sections.values(), key=lambda s: s.number)]
    figures = figures_of((c[0], float(c[2]) if c[2] is not None else None) for c in cells if c[0] in WANTED_CELLS)
    meta = {key: values[key] for key in META}
    return meta, {"report": values, "cells": cells, "sections": sections, "figures": figures}


def _stored(cell: Cell, seq: int) -> StoredCellRow:
    """``stored_cell(cell_row(cell), seq)``, without the place dict in between where the cell has a common shape."""
    value = cell.value
    text = None if value is None else (str(value) if type(value) is int else format_value(value))
    raw = cell.raw
    try:
        place = _place_text(cell, raw is None and text is not None)
    except _Uncommon:
        return stored_cell(cell_row(cell), seq)
    return (cell.id, seq, text, None if raw == text else raw, STATE_CODES[cell.state.value], cell.unit, place)


class _Uncommon(Exception):
    """A cell whose place is not of the shapes ``_place_text`` encodes itself."""


def _place_text(cell: Cell, raw_none: bool) -> str | None:
    """``encode_place`` of the cell's place dict, for the shapes the readers give (exact ints, finite floats, a
    placement without evidence, no correction); ``_Uncommon`` for any other, which the general path encodes."""
    if cell.correction is not None:
        raise _Uncommon
    out = ""
    place = cell.place
    if place is not None:
        for tag, number in (("L", place.line), ("S", place.start), ("E", place.end), ("P", place.page)):
            if number is not None:
                if type(number) is not int:
                    raise _Uncommon
                out += tag + str(number)
        if place.bbox is not None:
            if len(place.bbox) != 4:
                raise _Uncommon
            out += "B" + ",".join([_exact(v) for v in place.bbox])
        if place.confidence is not None:
            out += "C" + _exact(place.confidence)
    placement = cell.placement
    if placement is not None:
        if placement.evidence:
            raise _Uncommon
        out += "Y" + BY_CODES[placement.by.value]
        if placement.score is not None:
            out += "Q" + _exact(round(placement.score, 1))
    if raw_none:
        out += "N"
    return out or None  # nothing kept: no place, no placement


def _exact(value: object) -> str:
    """``places._number``: an int's or a finite float's exact text; ``_Uncommon`` for any other value."""
    if type(value) is int:
        return str(value)
    if type(value) is float and math.isfinite(value):
        return repr(value)
    raise _Uncommon


def report_from_rows(source: str, rows: Record) -> Report:
    """The Report a prepared record holds, as ``load_reports`` would rebuild it from the stored rows."""
    values = rows["report"]
    record = {
        **values,
        "cells": [_cell_record(row) for row in rows["cells"]],
        "sections": rows["sections"],
    }
    return report_from_record(source, record)


def _cell_record(row: StoredCellRow) -> list[Any]:
    """A stored cell row back as its record ``[id, value text, raw, state, unit, place]``."""
    cid, _, text, stored_raw, state, unit, stored_place = row
    raw, place = unpack_cell(text, stored_raw, stored_place)
    return [cid, text, raw, STATES[state], unit, place]


_STATES = {state.value: state for state in CellState}  # a dict lookup: Enum(value) costs more, per cell


def _placement(data: dict[str, Any], seen: dict[tuple[object, object, object], Placement]) -> Placement:
    key = (data.get("by"), data.get("score"), data.get("evidence"))
    found = seen.get(key)
    if found is None:
        found = seen[key] = Placement.from_json(data)
    return found


def _place(data: dict[str, Any] | None) -> SourcePlace | None:
    if not data:
        return None
    bbox = data.get("bbox")
    return SourcePlace(
        line=data.get("line"),
        start=data.get("start"),
        end=data.get("end"),
        page=data.get("page"),
        bbox=tuple(bbox) if bbox else None,  # type: ignore[arg-type]
        confidence=data.get("confidence"),
    )


def report_from_record(source: str, record: Record, *, places: bool = True) -> Report:
    """Rebuild the Report a record was made from (prose statements are not kept).

    ``places=False`` leaves each cell's source place out (``Cell.place`` None), for a reader that shows none.
    """
    published = record.get("published")
    report = Report(
        source=source,
        format=format_by_id(record.get("format")),
        agency=record.get("agency"),
        entity_type=EntityType(record.get("entity_type") or "other"),
        year=record.get("year"),
        published=date.fromisoformat(published) if isinstance(published, str) else published,
        title=record.get("title"),
        notes=list(record.get("notes") or []),
    )
    placements: dict[tuple[object, object, object], Placement] = {}  # frozen values: equal ones are shared
    for cid, text, raw, state, unit, place in record.get("cells", []):
        placement = _placement(place["placement"], placements) if place and place.get("placement") else None
        correction = Correction.from_json(place["correction"]) if place and place.get("correction") else None
        report.cells[cid] = Cell(
            cid,
            parse_value(text),
            raw,
            _STATES.get(state) or CellState(state),
            _place(place) if places else None,
            unit,
            placement,
            correction,
        )
    for number, heading, text in record.get("sections", []):
        report.sections[number] = TextSection(number, heading, text)
    return report
