"""Write an export: CSV (utf-8-sig, so Excel reads it as UTF-8), JSON, Parquet (zstd) or XLSX."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from ..render.xlsx import write_report_sheet
from ..store.repository import Repository
from ..store.views import ReportFilter
from .frames import EXPORT_FORMS, Frame, export_rows

FORMATS = ("csv", "json", "parquet", "xlsx")
XLSX_MAX_ROWS = 1_000_000  # Excel holds 1,048,576 rows a sheet; longer tables continue on a new sheet
LAYOUT_LIMIT = 200  # reports; beyond this the workbook gets no per-report layout sheets


def _csv(frame: Frame, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(frame.headings)
        for row in frame.rows:
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def _json(frame: Frame, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for row in frame.rows:
            handle.write(
                ("," if count else "")
                + "\n"
                + json.dumps(dict(zip(frame.columns, row, strict=True)), ensure_ascii=False)
            )
            count += 1
        handle.write("\n]\n")
    return count


def _parquet(frame: Frame, path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    integer = {"report_id", "year"}
    schema = pa.schema(
        [(c, pa.int64() if c in integer else pa.bool_() if c == "cross_year" else pa.string()) for c in frame.columns]
    )
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        while chunk := list(islice(frame.rows, 50_000)):
            columns = list(zip(*chunk, strict=True))
            arrays = [
                pa.array(
                    [None if v is None else (v if field.type != pa.string() else str(v)) for v in values],
                    type=field.type,
                )
                for field, values in zip(schema, columns, strict=True)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            count += len(chunk)
    return count


def _number(value: object) -> object:
    """Exact decimal text as a spreadsheet number where it is one."""
    if isinstance(value, str) and value and value.lstrip("-").replace(".", "", 1).isdigit():
        return int(value) if "." not in value else float(value)
    return value


def _sheet_rows(workbook: object, title: str, frame: Frame, numeric_from: int) -> int:
    header = workbook.add_format({"bold": True, "bg_color": "#EDEDED", "text_wrap": True})  # type: ignore[attr-defined]
    count = 0
    part = 0
    rows: Iterator[tuple[object, ...]] = frame.rows
    while True:
        chunk = islice(rows, XLSX_MAX_ROWS)
        part += 1
        sheet = workbook.add_worksheet(title if part == 1 else f"{title}{part}")  # type: ignore[attr-defined]
        sheet.write_row(0, 0, frame.headings, header)
        sheet.freeze_panes(1, 0)
        written = 0
        for written, row in enumerate(chunk, start=1):
            sheet.write_row(written, 0, [v if i < numeric_from else _number(v) for i, v in enumerate(row)])
        count += written
        if written < XLSX_MAX_ROWS:
            return count


def _xlsx(repository: Repository, flt: ReportFilter, path: Path, layout: bool) -> int:
    import xlsxwriter

    reports = repository.list_reports(flt)
    with_layout = layout and len(reports) <= LAYOUT_LIMIT
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": not with_layout, "strings_to_numbers": False})
    try:
        wide = export_rows(repository, "wide", flt)
        count = _sheet_rows(workbook, "报告", wide, numeric_from=9)
        _sheet_rows(workbook, "单元格", export_rows(repository, "long", flt), numeric_from=12)
        _sheet_rows(workbook, "问题", export_rows(repository, "findings", flt), numeric_from=99)
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
