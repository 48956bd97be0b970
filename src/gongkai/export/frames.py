"""The three export tables as header + rows, built from the store for a filter.

``long``: one row per report and cell (the value as exact text). ``wide``: one row per
report, a column per cell id. ``findings``: one row per finding with its review.
Headers come in two spellings: English ids (JSON, Parquet) and Chinese (CSV, XLSX).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..formats.cells import all_cell_ids, cell_label
from ..store.repository import Repository
from ..store.views import ReportFilter, ReportRow

EXPORT_FORMS = ("long", "wide", "findings")

REPORT_COLUMNS = (
    ("report_id", "报告编号"),
    ("agency", "机关"),
    ("agency_key", "机关键"),
    ("region", "地区"),
    ("entity_type", "机关类型"),
    ("year", "年度"),
    ("format", "格式"),
    ("published", "发布日期"),
    ("source", "来源文件"),
)
LONG_COLUMNS = (
    *REPORT_COLUMNS,
    ("cell_id", "单元格"),
    ("label", "项目"),
    ("value", "数值"),
    ("state", "状态"),
    ("placement", "读取方式"),
    ("certain", "读取确定"),
)
FINDING_COLUMNS = (
    *REPORT_COLUMNS,
    ("rule", "规则"),
    ("severity", "严重程度"),
    ("cells", "涉及单元格"),
    ("message", "说明"),
    ("fingerprint", "指纹"),
    ("cross_year", "跨年度"),
    ("status", "审核状态"),
    ("reviewer", "审核人"),
    ("reason", "审核理由"),
)
ALL_CELL_IDS = list(all_cell_ids())


@dataclass(frozen=True, slots=True)
class Frame:
    """A table to write: column ids, their Chinese headings, and the rows."""

    columns: tuple[str, ...]
    headings: tuple[str, ...]
    rows: Iterator[tuple[object, ...]]


def _report_values(row: ReportRow) -> tuple[object, ...]:
    published = row.published.isoformat() if row.published else None
    return (
        row.id,
        row.agency,
        row.agency_key,
        row.region,
        row.entity_type,
        row.year,
        row.format,
        published,
        row.source,
    )


def export_rows(repository: Repository, form: str, flt: ReportFilter) -> Frame:
    """The rows of one export form over the filtered reports."""
    reports = {r.id: r for r in repository.list_reports(flt)}
    if form == "long":
        labels: dict[str, str] = {cid: cell_label(cid) for cid in ALL_CELL_IDS}

        def long_rows() -> Iterator[tuple[object, ...]]:
            for report_id, cell_id, value, state, placement in repository.iter_placed_cells(flt):
                if report_id in reports:
                    how = placement.by.zh if placement else None
                    certain = placement.certain if placement else None
                    label = labels.get(cell_id, cell_id)
                    yield (*_report_values(reports[report_id]), cell_id, label, value, state, how, certain)

        return Frame(tuple(c for c, _ in LONG_COLUMNS), tuple(h for _, h in LONG_COLUMNS), long_rows())
    if form == "wide":
        index: dict[str, int] = {cid: i for i, cid in enumerate(ALL_CELL_IDS)}

        def wide_rows() -> Iterator[tuple[object, ...]]:
            current: int | None = None
            values: list[object] = []
            for report_id, cell_id, value, _state in repository.iter_cells(flt):
                if report_id != current:
                    if current is not None and current in reports:
                        yield (*_report_values(reports[current]), *values)
                    current, values = report_id, [None] * len(ALL_CELL_IDS)
                if cell_id in index:
                    values[index[cell_id]] = value
            if current is not None and current in reports:
                yield (*_report_values(reports[current]), *values)

        columns = tuple(c for c, _ in REPORT_COLUMNS) + tuple(ALL_CELL_IDS)
        headings = tuple(h for _, h in REPORT_COLUMNS) + tuple(f"{cell_label(c)}（{c}）" for c in ALL_CELL_IDS)
        return Frame(columns, headings, wide_rows())
    if form == "findings":

        def finding_rows() -> Iterator[tuple[object, ...]]:
            for report_id, f in repository.iter_findings(flt):
                yield (
                    *_report_values(reports[report_id]),
                    f.rule,
                    f.severity,
                    ",".join(f.cells),
                    f.message,
                    f.fingerprint,
                    f.cross_year,
                    f.status,
                    f.reviewer,
                    f.reason,
                )

        return Frame(tuple(c for c, _ in FINDING_COLUMNS), tuple(h for _, h in FINDING_COLUMNS), finding_rows())
    raise ValueError(f"unknown export form {form!r}; choose one of {', '.join(EXPORT_FORMS)}")
