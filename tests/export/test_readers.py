"""What a researcher's tools read from the exports of the dev corpus (issue 10 §6).

pandas and openpyxl see numbers as numbers and dates as dates, JSON numbers are JSON numbers, every code
has its Chinese name beside it, and a report sheet prints each table on A4 across one page's width
(checked on the PDF LibreOffice's calc makes of it).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from typer.testing import CliRunner

from gongkai.check import Severity
from gongkai.cli import app
from gongkai.formats import FORMATS
from gongkai.formats.cells import all_cell_ids
from gongkai.libreoffice import convert, soffice_path
from gongkai.model import CellState, EntityType, Report
from gongkai.render.layout import placed, table_parts
from gongkai.render.xlsx import write_report_sheet
from gongkai.store import open_database
from gongkai.store.repository import Repository
from gongkai.store.views import REVIEW_STATUS_ZH, FindingRow, ReportFilter

from ..conftest import CORPUS, shared_or_skip

runner = CliRunner()
DEV = CORPUS / "dev"
CELL_IDS = list(all_cell_ids())
FORMS = ("long", "wide", "findings")

# each code column and the Chinese name a reader finds in the column after it
LABELS: dict[str, dict[str, str]] = {
    "entity_type": {e.value: e.zh for e in EntityType},
    "format": {f.id: f.short_name or f.id for f in FORMATS.values()},
    "state": {s.value: s.zh for s in CellState},
    "severity": {s.value: s.zh for s in Severity},
    "status": REVIEW_STATUS_ZH,
}
HEADINGS = {"entity_type": "机关类型", "format": "格式", "state": "状态", "severity": "严重程度", "status": "审核状态"}
A4 = (595.3, 841.9)  # points


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    dev = shared_or_skip(DEV)
    out = tmp_path_factory.mktemp("exports")
    reports = out / "reports"
    reports.mkdir()
    for path in dev.iterdir():
        if path.suffix != ".tsv":
            shutil.copy(path, reports / path.name)
    db = f"sqlite:///{out / 'dev.sqlite'}"
    result = runner.invoke(app, ["ingest", str(reports), "--db", db, "--workers", "0", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["read"] >= 6
    for fmt in ("csv", "json", "parquet"):
        for form in FORMS:
            args = ["export", "--db", db, "--format", fmt, "--form", form, "-o", str(out / f"{form}.{fmt}")]
            assert runner.invoke(app, args).exit_code == 0
    assert runner.invoke(app, ["export", "--db", db, "-o", str(out / "all.xlsx")]).exit_code == 0
    return out, db


def test_pandas_reads_every_cell_column_as_numbers_and_published_as_dates(exported: tuple[Path, str]) -> None:
    pd = pytest.importorskip("pandas")
    out, _db = exported
    wide = pd.read_parquet(out / "wide.parquet")
    assert len(wide) >= 6
    for cid in CELL_IDS:
        assert pd.api.types.is_numeric_dtype(wide[cid]), (cid, wide[cid].dtype)
    assert wide["applications.new.total"].notna().sum() >= 5
    assert wide[CELL_IDS].sum(numeric_only=True).sum() > 0  # a researcher's sum works
    long = pd.read_parquet(out / "long.parquet")
    assert pd.api.types.is_numeric_dtype(long["value"]) and pd.api.types.is_integer_dtype(long["report_id"])
    assert long["value"].notna().sum() > 500
    for frame in (wide, long):
        published = frame["published"].dropna()
        assert len(published) > 0
        assert all(isinstance(d, date) for d in published), published.dtype


def test_parquet_schema_types_every_cell_and_date_column(exported: tuple[Path, str]) -> None:
    out, _db = exported
    schema = pq.read_schema(out / "wide.parquet")
    assert {str(schema.field(cid).type) for cid in CELL_IDS} <= {"int64", "double"}
    assert str(schema.field("published").type) == "date32[day]"


def test_json_numbers_are_numbers_and_dates_iso_dates(exported: tuple[Path, str]) -> None:
    out, _db = exported
    wide = json.loads((out / "wide.json").read_text(encoding="utf-8"))
    values = [row[cid] for row in wide for cid in CELL_IDS if row[cid] is not None]
    assert len(values) > 500 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    long = json.loads((out / "long.json").read_text(encoding="utf-8"))
    assert all(isinstance(r["value"], int | float) for r in long if r["value"] is not None)
    assert all(date.fromisoformat(r["published"]) for r in wide if r["published"])


def test_openpyxl_reads_numbers_as_numbers_in_every_sheet(exported: tuple[Path, str]) -> None:
    out, _db = exported
    workbook = openpyxl.load_workbook(out / "all.xlsx", read_only=True)
    rows = list(workbook["报告"].iter_rows(values_only=True))
    headings = rows[0]
    cell_columns = [i for i, h in enumerate(headings) if h and re.search(r"（[a-z_.]+）$", str(h))]
    assert len(cell_columns) == len(CELL_IDS)
    numbers = [row[i] for row in rows[1:] for i in cell_columns if row[i] is not None]
    assert len(numbers) > 500 and all(isinstance(v, int | float) for v in numbers)
    dates = [row[headings.index("发布日期")] for row in rows[1:] if row[headings.index("发布日期")] is not None]
    assert dates and all(isinstance(d, datetime) for d in dates)
    cells = list(workbook["单元格"].iter_rows(values_only=True))
    column = cells[0].index("数值")
    assert all(isinstance(r[column], int | float) for r in cells[1:] if r[column] is not None)
    layout_sheets = [name for name in workbook.sheetnames if name.startswith("#")]
    assert len(layout_sheets) == len(rows) - 1
    for name in layout_sheets:
        texts = [v for row in workbook[name].iter_rows(values_only=True) for v in row if isinstance(v, str)]
        assert not [t for t in texts if re.fullmatch(r"-?\d+(\.\d+)?", t)], f"{name}: a number stored as text"


def _records(out: Path, form: str, fmt: str) -> list[dict[str, object]]:
    if fmt == "json":
        return json.loads((out / f"{form}.json").read_text(encoding="utf-8"))
    if fmt == "parquet":
        return pq.read_table(out / f"{form}.parquet").to_pylist()
    with (out / f"{form}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("fmt", ["json", "parquet", "csv"])
@pytest.mark.parametrize("form", FORMS)
def test_every_code_has_its_chinese_name_beside_it(exported: tuple[Path, str], form: str, fmt: str) -> None:
    out, _db = exported
    records = _records(out, form, fmt)
    assert records
    columns = list(records[0])
    for code, names in LABELS.items():
        key = HEADINGS[code] + "代码" if fmt == "csv" else code
        if key not in columns:
            continue
        label = HEADINGS[code] if fmt == "csv" else f"{code}_zh"
        assert columns[columns.index(key) + 1] == label, (form, code)
        for record in records:
            if record[key] not in (None, ""):
                assert record[label] == names[str(record[key])], (form, code, record[key])
    expected = {"entity_type", "format"} | ({"state"} if form == "long" else set())
    expected |= {"severity", "status"} if form == "findings" else set()
    present = {c for c in LABELS if (HEADINGS[c] + "代码" if fmt == "csv" else c) in columns}
    assert present == expected


def test_xlsx_data_sheets_name_every_code_in_chinese(exported: tuple[Path, str]) -> None:
    out, _db = exported
    workbook = openpyxl.load_workbook(out / "all.xlsx", read_only=True)
    for sheet in ("报告", "单元格", "问题"):
        rows = list(workbook[sheet].iter_rows(values_only=True))
        headings = list(rows[0])
        for code, names in LABELS.items():
            if HEADINGS[code] + "代码" not in headings:
                continue
            at = headings.index(HEADINGS[code] + "代码")
            assert headings[at + 1] == HEADINGS[code]
            assert all(row[at + 1] == names[row[at]] for row in rows[1:] if row[at]), (sheet, code)


def _calc_available() -> bool:
    soffice = soffice_path()
    return soffice is not None and (Path(soffice).resolve().parent / "libsclo.so").exists()


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _print_problems(pdf_bytes: bytes, report: Report) -> list[str]:
    """What is wrong with a report sheet's pages: not A4, a table's columns split, a page without column A."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_bytes)
    pages = [_flat(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    problems = []
    for number in range(len(pdf)):
        width, height = pdf[number].get_size()
        if abs(width - A4[0]) > 2 or abs(height - A4[1]) > 2:
            problems.append(f"page {number + 1} is {width:.0f}×{height:.0f} pt, not A4")
    assert report.format is not None
    column_a = {_flat(report.title or "")} - {""}
    for heading, layout in table_parts(report.format):
        cells = list(placed(layout))
        labels = [(c, cell) for _r, c, cell in cells if cell.cell_id is None and _flat(cell.text)]
        first = next(cell for r, _c, cell in cells if r == 0 and cell.cell_id is None and _flat(cell.text))
        last = max(labels, key=lambda item: item[0] + item[1].colspan)[1]
        if not any(_flat(first.text) in page and _flat(last.text) in page for page in pages):
            problems.append(f"{heading}: its first and last columns are on different pages")
        column_a |= {_flat(cell.text) for _r, c, cell in cells if c == 0 and _flat(cell.text)}
    for number, page in enumerate(pages, start=1):
        if not any(text in page for text in column_a):  # a page of right-hand columns cut off the others
            problems.append(f"page {number} holds no text of column A")
    return problems


def _sheet_pdf(path: Path, report: Report, findings: list[FindingRow], fit: bool = True) -> bytes:
    workbook = xlsxwriter.Workbook(str(path))
    write_report_sheet(workbook, "报告", report, findings)
    if not fit:  # the same sheet printed at full size with wide columns: the tables must be cut
        sheet = workbook.worksheets()[0]
        sheet.fit_page = False
        sheet.set_column(3, 15, 25)
    workbook.close()
    (pdf_bytes,) = convert([(path.name, path.read_bytes())], "pdf")
    assert pdf_bytes, "LibreOffice made no PDF of the sheet"
    return pdf_bytes


@pytest.fixture(scope="module")
def sheets(exported: tuple[Path, str]) -> list[tuple[Report, list[FindingRow]]]:
    """One stored report of each format that has tables, with its findings."""
    if not _calc_available():
        pytest.skip("LibreOffice calc is not installed (Debian: libreoffice-calc-nogui)")
    pytest.importorskip("pypdfium2")
    database = open_database(exported[1])
    try:
        repository = Repository(database)
        by_format = {r.format: r.id for r in repository.list_reports(ReportFilter()) if r.format is not None}
        loaded = repository.load_reports(list(by_format.values()))
        findings = repository.findings(list(by_format.values()))
    finally:
        database.close()
    assert len(by_format) >= 2
    return [(loaded[i], findings[i]) for i in by_format.values()]


@pytest.mark.slow
def test_report_sheets_print_each_table_on_a4_across_one_page(
    sheets: list[tuple[Report, list[FindingRow]]], tmp_path: Path
) -> None:
    for number, (report, findings) in enumerate(sheets):
        pdf_bytes = _sheet_pdf(tmp_path / f"{number}.xlsx", report, findings)
        assert _print_problems(pdf_bytes, report) == [], report.format_id


@pytest.mark.slow
def test_the_page_check_sees_a_table_cut_across_pages(
    sheets: list[tuple[Report, list[FindingRow]]], tmp_path: Path
) -> None:
    report, findings = sheets[0]
    problems = _print_problems(_sheet_pdf(tmp_path / "cut.xlsx", report, findings, fit=False), report)
    assert any("column A" in p for p in problems), problems
