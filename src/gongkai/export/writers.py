"""Write an export: CSV (utf-8-sig, so Excel reads it as UTF-8), JSON, Parquet (zstd) or XLSX."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path

from ..render.xlsx import write_report_sheet
from ..store.repository import Repository
from ..store.views import ReportFilter
from .frames import BOOL, DATE, DECIMAL, EXPORT_FORMS, INT, NUMBER, TEXT, Frame, export_rows

FORMATS = ("csv", "json", "parquet", "xlsx")
XLSX_MAX_ROWS = 1_000_000  # Excel holds 1,048,576 rows a sheet; longer tables continue on a new sheet
LAYOUT_LIMIT = 200  # reports; beyond this the workbook gets no per-report layout sheets


# Workbooks never turn a text into a formula, a number or a link: a title or a review reason that
# begins with "=" is text a reader typed, not an instruction to the spreadsheet (formula injection).
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
# In CSV a text beginning with one of these is read as a formula by spreadsheets; it gets a leading
# apostrophe, the mark spreadsheets themselves use for "this is text".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral_text(text: str) -> str:
    """``text`` safe to open in a spreadsheet: one that would start a formula gets a leading '."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _plain(value: object) -> object:
    """A value for CSV and JSON: Decimal amounts as numbers, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _csv(frame: Frame, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(frame.headings)
        for row in frame.rows:
            writer.writerow([_csv_value(v) for v in row])
            count += 1
    return count


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str):
        return neutral_text(value)
    return _plain(value)


def _json(frame: Frame, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for row in frame.rows:
            record = {c: _plain(v) for c, v in zip(frame.columns, row, strict=True)}
            handle.write(("," if count else "") + "\n" + json.dumps(record, ensure_ascii=False))
            count += 1
        handle.write("\n]\n")
    return count


def _arrow_type(kind: str) -> object:
    import pyarrow as pa

    return {INT: pa.int64(), DECIMAL: pa.float64(), NUMBER: pa.float64(), BOOL: pa.bool_(), DATE: pa.date32()}.get(
        kind, pa.string()
    )


def _parquet(frame: Frame, path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, _arrow_type(k)) for c, k in zip(frame.columns, frame.kinds, strict=True)])
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        while chunk := list(islice(frame.rows, 50_000)):
            columns = list(zip(*chunk, strict=True))
            arrays = [
                pa.array([_arrow_value(v, kind) for v in values], type=field.type)
                for field, kind, values in zip(schema, frame.kinds, columns, strict=True)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            count += len(chunk)
    return count


def _arrow_value(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind in (DECIMAL, NUMBER):
        return float(value)  # type: ignore[arg-type]
    if kind == TEXT:
        return str(value)
    return value


def _sheet_rows(workbook: object, title: str, frame: Frame) -> int:
    """A data sheet: frozen header, autofilter, columns as wide as their headings, numbers and dates typed."""
    header = workbook.add_format({"bold": True, "bg_color": "#EDEDED", "text_wrap": True})  # type: ignore[attr-defined]
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})  # type: ignore[attr-defined]
    count = 0
    part = 0
    rows: Iterator[tuple[object, ...]] = frame.rows
    while True:
        chunk = islice(rows, XLSX_MAX_ROWS)
        part += 1
        sheet = workbook.add_worksheet(title if part == 1 else f"{title}{part}")  # type: ignore[attr-defined]
        sheet.write_row(0, 0, frame.headings, header)
        sheet.freeze_panes(1, 0)
        for i, (heading, kind) in enumerate(zip(frame.headings, frame.kinds, strict=True)):
            sheet.set_column(i, i, _width(heading, kind), dated if kind == DATE else None)
        written = 0
        for written, row in enumerate(chunk, start=1):
            for i, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, date):
                    sheet.write_datetime(written, i, datetime(v.year, v.month, v.day), dated)
                elif isinstance(v, bool):
                    sheet.write_boolean(written, i, v)
                elif isinstance(v, int | float | Decimal):
                    sheet.write_number(written, i, float(v))
                else:
                    sheet.write_string(written, i, _cell_text(str(v)))
        sheet.autofilter(0, 0, max(written, 1), len(frame.headings) - 1)
        count += written
        if written < XLSX_MAX_ROWS:
            return count


def _width(heading: str, kind: str) -> float:
    """Characters of a column: the heading's (a Chinese character is about two), within bounds."""
    wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in heading)
    least = {DATE: 11, TEXT: 12}.get(kind, 8)
    return float(min(max(wide + 2, least), 40))


def _cell_text(text: str) -> str:
    """Excel holds at most 32,767 characters a cell."""
    return text if len(text) <= 32_767 else text[:32_766] + "…"


def _xlsx(repository: Repository, flt: ReportFilter, path: Path, layout: bool) -> int:
    import xlsxwriter

    reports = repository.list_reports(flt)
    with_layout = layout and len(reports) <= LAYOUT_LIMIT
    # a small workbook is packed from memory (no temporary file per part: their removal cost a sixth of its time);
    # a large one streams its rows through temporary files
    options = {"in_memory": True} if with_layout else {"constant_memory": True}
    workbook = xlsxwriter.Workbook(str(path), {**options, **WORKBOOK_OPTIONS})
    try:
        wide = export_rows(repository, "wide", flt)
        count = _sheet_rows(workbook, "报告", wide)
        _sheet_rows(workbook, "单元格", export_rows(repository, "long", flt))
        _sheet_rows(workbook, "问题", export_rows(repository, "findings", flt))
        if with_layout:
            findings = repository.findings([r.id for r in reports])
            for chunk_start in range(0, len(reports), 50):
                chunk = reports[chunk_start : chunk_start + 50]
                loaded = repository.load_reports([r.id for r in chunk])
                for row in chunk:
                    name = f"#{row.id} {(row.agency or '')[:14]} {row.year or ''}"[:31]
                    for bad in "[]:*?/\\":
                        name = name.replace(bad, "_")
                    write_report_sheet(workbook, name, loaded[row.id], findings[row.id])
    finally:
        workbook.close()
    return count


def write_export(
    repository: Repository, fmt: str, form: str, flt: ReportFilter, path: Path, *, layout: bool = True
) -> int:
    """Write the export and return its row count (reports, for XLSX)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if form not in EXPORT_FORMS:
        raise ValueError(f"unknown export form {form!r}; choose one of {', '.join(EXPORT_FORMS)}")
    if fmt == "xlsx":
        return _xlsx(repository, flt, path, layout)
    frame = export_rows(repository, form, flt)
    return {"csv": _csv, "json": _json, "parquet": _parquet}[fmt](frame, path)
