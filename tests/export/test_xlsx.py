"""The XLSX report sheet walks the official layout: merged ranges, numbers, 缺, coloured errors (real gold reports)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils import get_column_letter

from gongkai.check import Severity
from gongkai.model import ABSENT_MARK, CellState, Report
from gongkai.render.layout import placed, table_parts
from gongkai.render.xlsx import write_report_sheet
from gongkai.store.views import REVIEW_STATUS_ZH, FindingRow

from ..render.gold_reports import TABLED_GOLD, gold_id, gold_report

ERROR_FILL = "FFF8D7DA"
ABSENT_FONT = "FF999999"


def _stored(n: int, rule: str, severity: str, cells: tuple[str, ...], status: str = "open", reason: str | None = None):  # type: ignore[no-untyped-def]
    return FindingRow(n, 1, rule, severity, cells, f"问题{n}", f"fp{n}", False, status, None, reason, None)


def _reviewed(report: Report) -> list[FindingRow]:
    """Stored findings on table cells: an open error, a dismissed error and an open warning."""
    assert report.format is not None
    ids = report.format.cell_ids()
    rows = [
        FindingRow(1, 1, "balance", "error", tuple(ids[:3]), "开着的错误", "a", False, "open", None, None, None),
        FindingRow(2, 1, "balance", "error", tuple(ids[3:6]), "已驳回", "b", False, "dismissed", "x", "原因", None),
        FindingRow(
            3, 1, "narrative-mismatch", "warning", tuple(ids[6:9]), "警告", "c", False, "open", None, None, None
        ),
    ]
    return rows


def _sheet(report: Report, findings: list[FindingRow], tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "report.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    write_report_sheet(workbook, "报告", report, findings)
    workbook.close()
    return openpyxl.load_workbook(path)["报告"]


def _range(top: int, left: int, rowspan: int, colspan: int) -> str:
    first = f"{get_column_letter(left)}{top}"
    return f"{first}:{get_column_letter(left + colspan - 1)}{top + rowspan - 1}"


@pytest.mark.parametrize("gold_path", TABLED_GOLD, ids=gold_id)
def test_sheet_walks_the_layout(gold_path: Path, tmp_path: Path) -> None:
    report, checked = gold_report(gold_path)
    assert report.format is not None
    stored = [
        FindingRow(
            10 + i, 1, f.rule, f.severity.value, f.cells, f.message, f.fingerprint, False, "open", None, None, None
        )
        for i, f in enumerate(checked)
    ]
    findings = _reviewed(report) + stored
    sheet = _sheet(report, findings, tmp_path)
    column_a = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    flagged = {c for f in findings if f.severity == "error" and f.status != "dismissed" for c in f.cells}
    expected_merges = set()
    numbers = 0
    for heading, layout in table_parts(report.format):
        top = column_a[heading] + 1  # the table starts under its heading
        for r, c, cell in placed(layout):
            row, col = top + r, c + 1
            if cell.rowspan > 1 or cell.colspan > 1:
                expected_merges.add(_range(row, col, cell.rowspan, cell.colspan))
            got = sheet.cell(row, col)
            if cell.cell_id is None:
                assert got.value == cell.text
                assert bool(got.font.b) == cell.header
                continue
            shown = report.cells.get(cell.cell_id)
            if shown is None or shown.state is CellState.ABSENT:
                assert got.value == ABSENT_MARK
                assert got.font.color.rgb == ABSENT_FONT
                continue
            if shown.value is None:
                assert got.value is None  # printed blank: an empty cell
            else:
                assert isinstance(got.value, int | float) and not isinstance(got.value, bool)
                expected = float(shown.value) if isinstance(shown.value, Decimal) else shown.value
                assert got.value == expected
                numbers += 1
            assert (got.fill.fgColor.rgb == ERROR_FILL) == (cell.cell_id in flagged)
    assert numbers > 0 or all(c.value is None for c in report.cells.values())
    findings_head = column_a[f"发现问题（{len(findings)}）"]
    finding_merges = {f"C{findings_head + 1 + i}:L{findings_head + 1 + i}" for i in range(1, len(findings) + 1)}
    assert {str(r) for r in sheet.merged_cells.ranges} == expected_merges | finding_merges
    assert [sheet.cell(findings_head + 1 + i, 2).value for i in range(1, len(findings) + 1)] == [
        Severity(f.severity).zh for f in findings
    ]
    assert sheet.cell(findings_head + 3, 13).value == f"{REVIEW_STATUS_ZH['dismissed']}（原因）"


def test_tables_follow_each_other_with_one_blank_row(tmp_path: Path) -> None:
    if not TABLED_GOLD:
        pytest.skip("shared/gold is not beside the repository")
    report, _ = gold_report(TABLED_GOLD[0])
    assert report.format is not None
    sheet = _sheet(report, [], tmp_path)
    row = 4  # title, metadata line, a blank row
    for heading, layout in table_parts(report.format):
        assert sheet.cell(row, 1).value == heading
        row += 1 + len(layout)
        assert all(sheet.cell(row, c).value is None for c in range(1, 16))
        row += 1
    assert sheet.cell(row, 1).value == "发现问题（0）"


def test_a_report_without_tables_gets_title_and_findings_only(tmp_path: Path) -> None:
    from gongkai.formats import FORMATS

    report = Report("x.txt", FORMATS["pre2019"], agency="某县人民政府", year=2013)
    sheet = _sheet(report, [], tmp_path)
    assert sheet.cell(1, 1).value == "某县人民政府2013年政府信息公开工作年度报告"
    assert sheet.cell(4, 1).value == "发现问题（0）"
    assert not sheet.merged_cells.ranges
