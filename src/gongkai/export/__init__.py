"""Corpus exports: long (one row per report and cell), wide (one row per report), findings;
as CSV (utf-8-sig), JSON, Parquet or XLSX (with each report's tables in the official layout)."""

from .frames import EXPORT_FORMS, export_rows
from .writers import FORMATS, write_export

__all__ = ["EXPORT_FORMS", "FORMATS", "export_rows", "write_export"]
