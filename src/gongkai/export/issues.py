"""The issue list for tracking rectification: one XLSX row per finding, with its review state and last step.

A data sheet like the others of ``writers`` (typed columns, widths, frozen header, autofilter),
plus the time of the last review step, written as a date-time (UTC).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ..check import RULES, Severity
from ..formats.cells import cell_label
from ..store.repository import Repository
from ..store.views import REVIEW_STATUS_ZH, FindingRow, ReportFilter
from .frames import INT, TEXT
from .writers import _cell_text, _width

DATETIME = "datetime"
ISSUE_COLUMNS = (
    ("agency", "机关", TEXT),
    ("agency_key", "机关键", TEXT),
    ("year", "年度", INT),
    ("report_id", "报告编号", INT),
    ("rule", "规则代码", TEXT),
    ("rule_zh", "规则", TEXT),
    ("severity", "严重程度代码", TEXT),
    ("severity_zh", "严重程度", TEXT),
    ("status", "审核状态代码", TEXT),
    ("status_zh", "审核状态", TEXT),
    ("message", "说明", TEXT),
    ("cells", "涉及单元格", TEXT),
    ("cells_zh", "单元格名称", TEXT),
    ("reviewer", "审核人", TEXT),
    ("last_step_at", "最后一步时间（UTC）", DATETIME),
    ("reason", "理由", TEXT),
    ("fingerprint", "指纹", TEXT),
)
_SEVERITIES = {s.value: s.zh for s in Severity}


def _matches(f: FindingRow, flt: ReportFilter) -> bool:
    return (
        (not flt.rule or f.rule == flt.rule)
        and (not flt.severity or f.severity == flt.severity)
        and (not flt.review_status or f.status == flt.review_status)
    )


def issue_rows(repository: Repository, flt: ReportFilter) -> Iterator[tuple[object, ...]]:
    """One row per finding of the filtered reports (only the findings matching its rule/severity/status)."""
    reports = {r.id: r for r in repository.list_reports(flt)}
    for report_id, f in repository.iter_findings(flt):
        row = reports.get(report_id)
        if row is None or not _matches(f, flt):
            continue
        yield (
            row.agency,
            row.agency_key,
            row.year,
            row.id,
            f.rule,
            RULES[f.rule].zh if f.rule in RULES else f.rule,
            f.severity,
            _SEVERITIES.get(f.severity, f.severity),
            f.status,
            REVIEW_STATUS_ZH.get(f.status, f.status),
            f.message,
            "、".join(f.cells),
            "、".join(cell_label(c) for c in f.cells),
            f.reviewer,
            f.reviewed_at.replace(tzinfo=None) if f.reviewed_at else None,
            f.reason,
            f.fingerprint,
        )


def write_issues(repository: Repository, flt: ReportFilter, path: Path) -> int:
    """Write the issue list of the filtered reports as XLSX; returns the number of findings written."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    try:
        header = workbook.add_format({"bold": True, "bg_color": "#EDEDED", "text_wrap": True})
        stamped = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        sheet = workbook.add_worksheet("问题清单")
        headings = [h for _, h, _ in ISSUE_COLUMNS]
        sheet.write_row(0, 0, headings, header)
        sheet.freeze_panes(1, 0)
        for i, (column, heading, kind) in enumerate(ISSUE_COLUMNS):
            wide = 40 if column in ("message", "reason", "cells_zh") else _width(heading, kind)
            sheet.set_column(i, i, 17 if kind == DATETIME else wide, stamped if kind == DATETIME else None)
        written = 0
        for written, row in enumerate(issue_rows(repository, flt), start=1):
            for i, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, datetime):
                    sheet.write_datetime(written, i, value, stamped)
                elif isinstance(value, int):
                    sheet.write_number(written, i, value)
                else:
                    sheet.write_string(written, i, _cell_text(str(value)))
        sheet.autofilter(0, 0, max(written, 1), len(ISSUE_COLUMNS) - 1)
    finally:
        workbook.close()
    return written
