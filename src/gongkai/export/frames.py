"""The three export tables as header + rows, built from the store for a filter.

``long``: one row per report and cell. ``wide``: one row per report, a column per cell id.
``findings``: one row per finding with its review. A value a reviewer corrected is the
corrected one; ``long`` says so per cell (已更正, with the read value, reason, who and
when), ``wide`` per report (更正数, 更正的单元格 with each read value). Headers come in two spellings: English
ids (JSON, Parquet) and Chinese (CSV, XLSX). Every column has a kind: cell values are
numbers (int, or Decimal for 万元 amounts), dates are dates, flags are booleans, and every
code (entity type, state, severity, review status) has its Chinese name in the next column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..check import RULES, Severity
from ..formats import FORMATS
from ..formats.cells import all_cell_ids, cell_label, newest_first
from ..model import CellState, EntityType
from ..store.records import parse_value
from ..store.repository import Repository
from ..store.views import REVIEW_STATUS_ZH, CorrectionRow, ReportFilter, ReportRow

EXPORT_FORMS = ("long", "wide", "findings")

# Column kinds, which every writer honours: numbers are numbers, dates are dates.
INT, DECIMAL, NUMBER, TEXT, BOOL, DATE = "int", "decimal", "number", "text", "bool", "date"

REPORT_COLUMNS = (
    ("report_id", "报告编号", INT),
    ("agency", "机关", TEXT),
    ("agency_key", "机关键", TEXT),
    ("region", "地区", TEXT),
    ("entity_type", "机关类型代码", TEXT),
    ("entity_type_zh", "机关类型", TEXT),
    ("year", "年度", INT),
    ("format", "格式代码", TEXT),
    ("format_zh", "格式", TEXT),
    ("published", "发布日期", DATE),
    ("source", "来源文件", TEXT),
)
CORRECTION_COLUMNS = (
    ("corrected", "已更正", BOOL),  # ``value`` is a reviewer's correction, not the reading
    ("read_value", "原读取值", NUMBER),
    ("correction_reason", "更正理由", TEXT),
    ("corrected_by", "更正人", TEXT),
    ("corrected_on", "更正日期", DATE),
)
LONG_COLUMNS = (
    *REPORT_COLUMNS,
    ("cell_id", "单元格", TEXT),
    ("label", "项目", TEXT),
    ("value", "数值", NUMBER),
    ("state", "状态代码", TEXT),
    ("state_zh", "状态", TEXT),
    ("placement", "读取方式", TEXT),
    ("certain", "读取确定", BOOL),
    *CORRECTION_COLUMNS,
)
WIDE_CORRECTION_COLUMNS = (
    ("corrections", "更正数", INT),
    ("corrected_cells", "更正的单元格", TEXT),  # cell ids, each with the value read: a（原读取值 3）
)
FINDING_COLUMNS = (
    *REPORT_COLUMNS,
    ("rule", "规则", TEXT),
    ("rule_zh", "规则名称", TEXT),
    ("severity", "严重程度代码", TEXT),
    ("severity_zh", "严重程度", TEXT),
    ("cells", "涉及单元格", TEXT),
    ("message", "说明", TEXT),
    ("fingerprint", "指纹", TEXT),
    ("cross_year", "跨年度", BOOL),
    ("status", "审核状态代码", TEXT),
    ("status_zh", "审核状态", TEXT),
    ("reviewer", "审核人", TEXT),
    ("reason", "审核理由", TEXT),
)
ALL_CELL_IDS = list(all_cell_ids())


@dataclass(frozen=True, slots=True)
class Frame:
    """A table to write: column ids, their Chinese headings, their kinds (``INT`` …), and the rows."""

    columns: tuple[str, ...]
    headings: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: Iterator[tuple[object, ...]]


def _frame(spec: tuple[tuple[str, str, str], ...], rows: Iterator[tuple[object, ...]]) -> Frame:
    return Frame(tuple(c for c, _, _ in spec), tuple(h for _, h, _ in spec), tuple(k for _, _, k in spec), rows)


def _report_values(row: ReportRow) -> tuple[object, ...]:
    return (
        row.id,
        row.agency,
        row.agency_key,
        row.region,
        row.entity_type,
        EntityType(row.entity_type).zh if row.entity_type else None,
        row.year,
        row.format,
        _format_name(row.format),
        row.published,
        row.source,
    )


def _format_name(format_id: str | None) -> str | None:
    """A format code's Chinese name (``2021`` → ``2021版``)."""
    fmt = FORMATS.get(format_id) if format_id else None
    return (fmt.short_name or fmt.id) if fmt else format_id


def _value(text: str | None) -> int | Decimal | None:
    """A stored exact value as a number (an unreadable stored text stays out: None)."""
    try:
        return parse_value(text)
    except (ValueError, ArithmeticError):
        return None


def export_rows(repository: Repository, form: str, flt: ReportFilter) -> Frame:
    """The rows of one export form over the filtered reports."""
    reports = {r.id: r for r in repository.list_reports(flt)}
    fixes = repository.corrections_in_force(r.sha256 for r in reports.values()) if form != "findings" else {}
    if form == "long":
        labels: dict[str, str] = {cid: cell_label(cid) for cid in ALL_CELL_IDS}

        def long_rows() -> Iterator[tuple[object, ...]]:
            for report_id, cell_id, value, state, placement in repository.iter_placed_cells(flt):
                if report_id in reports:
                    how = placement.by.zh if placement else None
                    certain = placement.certain if placement else None
                    label = labels.get(cell_id, cell_id)
                    fix = fixes.get(reports[report_id].sha256, {}).get(cell_id)
                    yield (
                        *_report_values(reports[report_id]),
                        cell_id,
                        label,
                        _value(value),
                        state,
                        CellState(state).zh,
                        how,
                        certain,  # of the reading; ``corrected`` says a reviewer replaced it
                        *_correction_values(fix),
                    )

        return _frame(LONG_COLUMNS, long_rows())
    if form == "wide":
        index: dict[str, int] = {cid: i for i, cid in enumerate(ALL_CELL_IDS)}

        def wide_rows() -> Iterator[tuple[object, ...]]:
            """A row per report, in report-id order, reports without cells (pre-2019) included."""
            order = iter(sorted(reports))
            pending = next(order, None)
            current: int | None = None
            values: list[object] = []
            for report_id, cell_id, value, _state in repository.iter_cells(flt):
                if report_id != current:
                    if current is not None:
                        yield (*_report_values(reports[current]), *values, *_corrected_cells(current))
                    while pending is not None and pending < report_id:
                        yield (
                            *_report_values(reports[pending]),
                            *[None] * len(ALL_CELL_IDS),
                            *_corrected_cells(pending),
                        )
                        pending = next(order, None)
                    if pending == report_id:
                        pending = next(order, None)
                    current = report_id if report_id in reports else None
                    values = [None] * len(ALL_CELL_IDS)
                if current is not None and cell_id in index:
                    values[index[cell_id]] = _value(value)
            if current is not None:
                yield (*_report_values(reports[current]), *values, *_corrected_cells(current))
            while pending is not None:
                yield (*_report_values(reports[pending]), *[None] * len(ALL_CELL_IDS), *_corrected_cells(pending))
                pending = next(order, None)

        def _corrected_cells(report_id: int) -> tuple[int, str | None]:
            """How many of the report's values are reviewers' corrections, and which, each with its read value."""
            fixed = fixes.get(reports[report_id].sha256, {})
            shown = "；".join(f"{cid}（原读取值 {_read_text(fix)}）" for cid, fix in sorted(fixed.items()))
            return len(fixed), shown or None

        cells = tuple((c, f"{cell_label(c)}（{c}）", DECIMAL if _decimal(c) else INT) for c in ALL_CELL_IDS)
        return _frame((*REPORT_COLUMNS, *cells, *WIDE_CORRECTION_COLUMNS), wide_rows())
    if form == "findings":

        def finding_rows() -> Iterator[tuple[object, ...]]:
            for report_id, f in repository.iter_findings(flt):
                yield (
                    *_report_values(reports[report_id]),
                    f.rule,
                    RULES[f.rule].zh if f.rule in RULES else f.rule,
                    f.severity,
                    Severity(f.severity).zh,
                    ",".join(f.cells),
                    f.message,
                    f.fingerprint,
                    f.cross_year,
                    f.status,
                    REVIEW_STATUS_ZH.get(f.status, f.status),
                    f.reviewer,
                    f.reason,
                )

        return _frame(FINDING_COLUMNS, finding_rows())
    raise ValueError(f"unknown export form {form!r}; choose one of {', '.join(EXPORT_FORMS)}")


def _correction_values(fix: CorrectionRow | None) -> tuple[object, ...]:
    """The correction columns of a long row: whether the value is a correction, the read value, why, who, when."""
    if fix is None:
        return (False, None, None, None, None)
    return (True, _value(fix.read_value), fix.reason, fix.author, fix.at.date())


def _read_text(fix: CorrectionRow) -> str:
    return fix.read_value if fix.read_value is not None else "未读出或空白"


def _decimal(cell_id: str) -> bool:
    """An amount column (万元) in the format that declares the cell (the newest one)."""
    for fmt in newest_first():
        if cell_id in fmt.cell_ids():
            return fmt.column_of(cell_id).decimal
    return False
