"""The export files, opened with the tools their users have: Python's csv, json, pyarrow, openpyxl.

Every file is written from a store of the real seeds and dev reports and compared with what
``gongkai.read_file`` reads from the same files (``test_frames.fill_corpus_store``). Each format keeps
the column kinds: CSV prints amounts in plain notation, dates ISO and flags True/False; JSON holds
numbers as numbers; Parquet types each column by its kind; XLSX holds numbers, dates and booleans.
Columns are addressed by id or heading, not position.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl.utils import get_column_letter

from gongkai import RULES, Severity
from gongkai.export import FORMATS, write_export
from gongkai.export.frames import (
    BOOL,
    DATE,
    DECIMAL,
    FINDING_COLUMNS,
    INT,
    LONG_COLUMNS,
    NUMBER,
    REPORT_COLUMNS,
    TEXT,
    WIDE_CORRECTION_COLUMNS,
)
from gongkai.formats.cells import all_cell_ids, cell_label
from gongkai.model import CellState, EntityType, format_value
from gongkai.store.views import REVIEW_STATUS_ZH, ReportFilter

from .test_frames import AMOUNT, CorpusStore, fill_corpus_store

ANY = ReportFilter()
CELL_IDS = list(all_cell_ids())
REPORT_IDS = [c for c, _, _ in REPORT_COLUMNS]
LONG_IDS = [c for c, _, _ in LONG_COLUMNS]
FINDING_IDS = [c for c, _, _ in FINDING_COLUMNS]
WIDE_IDS = REPORT_IDS + CELL_IDS + [c for c, _, _ in WIDE_CORRECTION_COLUMNS]
WIDE_TAIL = [h for _, h, _ in WIDE_CORRECTION_COLUMNS]  # how many and which values are corrections
ARROW = {
    INT: pa.int64(),
    DECIMAL: pa.float64(),
    NUMBER: pa.float64(),
    BOOL: pa.bool_(),
    DATE: pa.date32(),
    TEXT: pa.string(),
}
Record = dict[str, Any]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusStore]:
    yield from fill_corpus_store(tmp_path_factory.mktemp("export-writers"))


COUNTS: dict[Path, int] = {}  # what write_export returned for each file written


def _write(corpus: CorpusStore, tmp_path: Path, fmt: str, form: str, flt: ReportFilter = ANY, **kw: bool) -> Path:
    path = tmp_path / f"{form}.{fmt}"
    COUNTS[path] = write_export(corpus.repository, fmt, form, flt, path, **kw)
    assert path.is_file()
    return path


def _count(path: Path) -> int:
    return COUNTS[path]


def _number(value: object) -> Decimal | None:
    """A cell's value as an exact number, from the file's text or number ('' and None: nothing)."""
    if value is None or value == "":
        return None
    assert not isinstance(value, bool)
    return Decimal(str(value))


def _expected_long(corpus: CorpusStore) -> dict[tuple[int, str], tuple[Decimal | None, str, str]]:
    """(report id, cell id) → (value, state, label), from read_file."""
    return {
        (rid, cid): (_number(value), state, cell_label(cid))
        for rid, read in corpus.read.items()
        for cid, (value, state) in read.cells().items()
    }


def _expected_placements(corpus: CorpusStore) -> dict[tuple[int, str], tuple[str | None, bool | None]]:
    return {(rid, cid): placed for rid, read in corpus.read.items() for cid, placed in read.placements().items()}


def _expected_wide(corpus: CorpusStore) -> dict[int, dict[str, Decimal | None]]:
    """A row per report: those without cells (pre-2019) have every cell column empty."""
    out: dict[int, dict[str, Decimal | None]] = {}
    for rid, read in corpus.read.items():
        cells = read.cells()
        out[rid] = {cid: _number(cells[cid][0]) if cid in cells else None for cid in CELL_IDS}
    return out


def _expected_findings(corpus: CorpusStore) -> list[tuple[int, str, str, str, str, str]]:
    return sorted(
        (rid, f.rule, f.severity.value, ",".join(f.cells), f.message, f.fingerprint)
        for rid, read in corpus.read.items()
        for f in read.findings
    )


def _report_part(corpus: CorpusStore, report_id: int) -> tuple[object, ...]:
    """As read_file reads it, in REPORT_COLUMNS order (published a date)."""
    return corpus.read[report_id].report_values(report_id)


def _iso(values: tuple[object, ...]) -> tuple[object, ...]:
    return tuple(v.isoformat() if isinstance(v, date) else v for v in values)


def _assert_chinese_names(row: Record) -> None:
    """Every code beside its Chinese name, wherever the row has them."""
    assert row["entity_type_zh"] == EntityType(row["entity_type"]).zh
    if "state" in row:
        assert row["state_zh"] == CellState(row["state"]).zh
    if "rule" in row:
        assert row["rule_zh"] == RULES[row["rule"]].zh
        assert row["severity_zh"] == Severity(row["severity"]).zh
        assert row["status_zh"] == REVIEW_STATUS_ZH[row["status"]]


def _finding_key(row: Record) -> tuple[int, str, str, str, str, str]:
    return (
        int(row["report_id"]),
        row["rule"],
        row["severity"],
        row["cells"],
        row["message"],
        row["fingerprint"],
    )


# --- CSV ----------------------------------------------------------------------------------------------------


def _csv(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # utf-8-sig: Excel opens it as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _csv_records(path: Path, columns: list[str]) -> tuple[list[str], list[Record]]:
    """The header and the rows by column id (the header's headings are those of ``columns``, in order)."""
    header, *rows = _csv(path)
    assert len(header) == len(columns)
    return header, [dict(zip(columns, row, strict=True)) for row in rows]


def _csv_report_part(corpus: CorpusStore, report_id: int) -> list[str]:
    return ["" if v is None else str(v) for v in _iso(_report_part(corpus, report_id))]


def test_csv_long(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "csv", "long")
    header, rows = _csv_records(path, LONG_IDS)
    assert header == [h for _, h, _ in LONG_COLUMNS]
    assert _count(path) == len(rows)
    expected_text = {
        (rid, cid): "" if c.value is None else format_value(c.value)
        for rid, read in corpus.read.items()
        for cid, c in read.report.cells.items()
    }
    placements = {
        k: ("" if how is None else how, "" if sure is None else str(sure))
        for k, (how, sure) in _expected_placements(corpus).items()
    }
    got = {}
    for row in rows:
        report_id = int(row["report_id"])
        key = (report_id, row["cell_id"])
        assert [row[c] for c in REPORT_IDS] == _csv_report_part(corpus, report_id)
        assert row["value"] == expected_text[key]  # exact, in plain notation (never 1E+1)
        assert (row["placement"], row["certain"]) == placements[key]
        _assert_chinese_names(row)
        got[key] = (_number(row["value"]), row["state"], row["label"])
    assert got == _expected_long(corpus)
    assert {r["certain"] for r in rows} == {"True", "False", ""}
    assert any(r["published"] for r in rows)
    assert all(date.fromisoformat(r["published"]) for r in rows if r["published"])


def test_csv_wide(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "csv", "wide")
    header, rows = _csv_records(path, WIDE_IDS)
    assert header[: len(REPORT_IDS)] == [h for _, h, _ in REPORT_COLUMNS]
    assert header[len(REPORT_IDS) :] == [f"{cell_label(c)}（{c}）" for c in CELL_IDS] + WIDE_TAIL
    assert _count(path) == len(rows) == len(corpus.read)
    got = {}
    for row in rows:
        report_id = int(row["report_id"])
        assert [row[c] for c in REPORT_IDS] == _csv_report_part(corpus, report_id)
        assert all("E" not in row[c].upper() for c in CELL_IDS)  # plain notation
        got[report_id] = {cid: _number(row[cid]) for cid in CELL_IDS}
    assert got == _expected_wide(corpus)


def test_csv_findings(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "csv", "findings")
    header, rows = _csv_records(path, FINDING_IDS)
    assert header == [h for _, h, _ in FINDING_COLUMNS]
    assert _count(path) == len(rows) > 0
    for row in rows:
        assert [row[c] for c in REPORT_IDS] == _csv_report_part(corpus, int(row["report_id"]))
        assert [row[c] for c in ("cross_year", "status", "status_zh", "reviewer", "reason")] == [
            "False",
            "open",
            "待审",
            "",
            "",
        ]
        _assert_chinese_names(row)
    assert sorted(_finding_key(r) for r in rows) == _expected_findings(corpus)


def test_csv_filtered_by_agency_and_year(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "csv", "long", ReportFilter(agency="洪泽区", years=(2023,)))
    header, *rows = _csv(path)
    agency, year = header.index("机关"), header.index("年度")
    assert {(r[agency], r[year]) for r in rows} == {("洪泽区人民政府", "2023")}
    assert len(rows) == 200


def test_csv_of_nothing_is_its_header(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "csv", "findings", ReportFilter(years=(1999,)))
    assert _csv(path) == [[h for _, h, _ in FINDING_COLUMNS]]
    assert _count(path) == 0


# --- JSON ----------------------------------------------------------------------------------------------------


def _json(path: Path) -> list[Record]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def _is_json_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_json_long_keeps_chinese_and_english_keys(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "json", "long")
    assert "安阳县人民政府" in path.read_text(encoding="utf-8")  # not \\u-escaped
    rows = _json(path)
    assert _count(path) == len(rows)
    placements = _expected_placements(corpus)
    got = {}
    for row in rows:
        assert list(row) == LONG_IDS
        report_id = row["report_id"]
        assert isinstance(report_id, int)
        assert tuple(row[c] for c in REPORT_IDS) == _iso(_report_part(corpus, report_id))  # published ISO text
        assert row["value"] is None or _is_json_number(row["value"]), row
        key = (report_id, str(row["cell_id"]))
        assert (row["placement"], row["certain"]) == placements[key]
        _assert_chinese_names(row)
        got[key] = (_number(row["value"]), row["state"], row["label"])
    assert got == _expected_long(corpus)
    amounts = [r["value"] for r in rows if r["cell_id"] == AMOUNT and r["value"] is not None]
    assert amounts and any(isinstance(v, float) for v in amounts)
    assert any(type(r["value"]) is int for r in rows)


def test_json_wide_and_findings(corpus: CorpusStore, tmp_path: Path) -> None:
    wide = _json(_write(corpus, tmp_path, "json", "wide"))
    assert all(list(row) == WIDE_IDS for row in wide)
    assert all(row[c] is None or _is_json_number(row[c]) for row in wide for c in CELL_IDS)
    got = {int(row["report_id"]): {c: _number(row[c]) for c in CELL_IDS} for row in wide}
    assert got == _expected_wide(corpus)
    findings = _json(_write(corpus, tmp_path, "json", "findings"))
    assert all(list(row) == FINDING_IDS for row in findings)
    assert all(row["cross_year"] is False and row["status"] == "open" for row in findings)
    for row in findings:
        _assert_chinese_names(row)
    assert sorted(_finding_key(row) for row in findings) == _expected_findings(corpus)


def test_json_of_nothing_is_an_empty_list(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "json", "wide", ReportFilter(years=(1999,)))
    assert _json(path) == [] and _count(path) == 0


# --- Parquet ------------------------------------------------------------------------------------------------


def _assert_arrow_types(schema: pa.Schema, columns: tuple[tuple[str, str, str], ...]) -> None:
    for column, _, kind in columns:
        assert schema.field(column).type == ARROW[kind], column


def test_parquet_long(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "parquet", "long")
    table = pq.read_table(path)
    assert table.schema.names == LONG_IDS
    _assert_arrow_types(table.schema, LONG_COLUMNS)
    assert table.schema.field("report_id").type == pa.int64()
    assert table.schema.field("year").type == pa.int64()
    assert table.schema.field("published").type == pa.date32()
    assert table.schema.field("value").type == pa.float64()
    assert table.schema.field("certain").type == pa.bool_()
    assert table.num_rows == _count(path)
    placements = _expected_placements(corpus)
    got = {}
    for row in table.to_pylist():
        report_id = row["report_id"]
        assert tuple(row[c] for c in REPORT_IDS) == _report_part(corpus, report_id)  # published a date
        key = (report_id, row["cell_id"])
        assert (row["placement"], row["certain"]) == placements[key]
        _assert_chinese_names(row)
        got[key] = (_number(row["value"]), row["state"], row["label"])
    assert got == _expected_long(corpus)


def test_parquet_wide_and_findings(corpus: CorpusStore, tmp_path: Path) -> None:
    wide = pq.read_table(_write(corpus, tmp_path, "parquet", "wide"))
    assert wide.schema.names == WIDE_IDS
    _assert_arrow_types(wide.schema, REPORT_COLUMNS)
    assert {wide.schema.field(c).type for c in CELL_IDS} == {pa.int64(), pa.float64()}
    assert wide.schema.field(AMOUNT).type == pa.float64()
    assert wide.schema.field("applications.new.total").type == pa.int64()
    got = {row["report_id"]: {c: _number(row[c]) for c in CELL_IDS} for row in wide.to_pylist()}
    assert got == _expected_wide(corpus)
    findings = pq.read_table(_write(corpus, tmp_path, "parquet", "findings"))
    assert findings.schema.names == FINDING_IDS
    _assert_arrow_types(findings.schema, FINDING_COLUMNS)
    assert findings.schema.field("cross_year").type == pa.bool_()
    rows = findings.to_pylist()
    assert all(r["cross_year"] is False and r["status"] == "open" and r["reviewer"] is None for r in rows)
    for row in rows:
        _assert_chinese_names(row)
    assert sorted(_finding_key(r) for r in rows) == _expected_findings(corpus)


def test_parquet_filtered_by_level_and_of_nothing(corpus: CorpusStore, tmp_path: Path) -> None:
    table = pq.read_table(_write(corpus, tmp_path, "parquet", "long", ReportFilter(level="department")))
    assert set(table.column("entity_type").to_pylist()) == {"department"}
    assert set(table.column("entity_type_zh").to_pylist()) == {EntityType.DEPARTMENT.zh}
    departments = {rid for rid, r in corpus.read.items() if r.report.entity_type.value == "department"}
    assert set(table.column("report_id").to_pylist()) == {rid for rid in departments if corpus.read[rid].report.cells}
    empty = pq.read_table(_write(corpus, tmp_path, "parquet", "wide", ReportFilter(years=(1999,))))
    assert empty.num_rows == 0 and empty.schema.names == WIDE_IDS
    _assert_arrow_types(empty.schema, REPORT_COLUMNS)


# --- XLSX -----------------------------------------------------------------------------------------------------


def _sheet_rows(book: openpyxl.Workbook, title: str) -> tuple[list[Any], list[list[Any]]]:
    header, *rows = [list(r) for r in book[title].iter_rows(values_only=True)]
    return header, rows


def _sheet_records(book: openpyxl.Workbook, title: str, columns: list[str]) -> tuple[list[Any], list[Record]]:
    header, rows = _sheet_rows(book, title)
    assert len(header) == len(columns)
    return header, [dict(zip(columns, row, strict=True)) for row in rows]


def _xlsx_report_part(row: Record) -> tuple[object, ...]:
    """The report part as Python values (a date cell reads back as a datetime at midnight)."""
    return tuple(row[c].date() if isinstance(row[c], datetime) else row[c] for c in REPORT_IDS)


@pytest.fixture(scope="module")
def workbook(corpus: CorpusStore, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, openpyxl.Workbook]:
    path = _write(corpus, tmp_path_factory.mktemp("xlsx"), "xlsx", "long")
    return path, openpyxl.load_workbook(path)


def test_xlsx_holds_the_three_tables_and_a_layout_sheet_per_report(
    corpus: CorpusStore, workbook: tuple[Path, openpyxl.Workbook]
) -> None:
    _, book = workbook
    assert book.sheetnames[:3] == ["报告", "单元格", "问题"]
    layouts = book.sheetnames[3:]
    assert len(layouts) == len(corpus.read)
    for name in layouts:
        report_id = int(name.split()[0].lstrip("#"))
        report = corpus.read[report_id].report
        assert name == f"#{report_id} {(report.agency or '')[:14]} {report.year or ''}"[:31]
        sheet = book[name]
        assert f"机关：{report.agency}" in str(sheet.cell(2, 1).value)


def test_xlsx_data_sheets_have_a_frozen_header_a_filter_and_widths(workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = workbook
    for title in ("报告", "单元格", "问题"):
        sheet = book[title]
        assert sheet.freeze_panes == "A2", title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), title
        headings = [c.value for c in sheet[1]]
        published = get_column_letter(headings.index("发布日期") + 1)
        assert sheet.column_dimensions[published].width >= 11, title  # a date fits
        for i, heading in enumerate(headings, start=1):
            assert sheet.column_dimensions[get_column_letter(i)].width >= 8, (title, heading)


def test_xlsx_report_sheet_is_the_wide_table_with_numbers(
    corpus: CorpusStore, workbook: tuple[Path, openpyxl.Workbook]
) -> None:
    _, book = workbook
    header, rows = _sheet_records(book, "报告", WIDE_IDS)
    assert header == [h for _, h, _ in REPORT_COLUMNS] + [f"{cell_label(c)}（{c}）" for c in CELL_IDS] + WIDE_TAIL
    got = {}
    for row in rows:
        report_id = row["report_id"]
        assert type(report_id) is int and type(row["year"]) is int
        assert all(row[c] is None or _is_json_number(row[c]) for c in CELL_IDS)  # numbers a spreadsheet can sum
        got[report_id] = {c: _number(row[c]) for c in CELL_IDS}
        assert _xlsx_report_part(row) == _report_part(corpus, report_id)
        assert row["published"] is None or isinstance(row["published"], datetime)
    assert got == _expected_wide(corpus)
    assert any(row["published"] is not None for row in rows)


def test_xlsx_cell_and_finding_sheets(corpus: CorpusStore, workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = workbook
    header, rows = _sheet_records(book, "单元格", LONG_IDS)
    assert header == [h for _, h, _ in LONG_COLUMNS]
    placements = _expected_placements(corpus)
    for row in rows:
        assert _xlsx_report_part(row) == _report_part(corpus, row["report_id"])
        assert row["value"] is None or _is_json_number(row["value"])
        assert (row["placement"], row["certain"]) == placements[(row["report_id"], row["cell_id"])]
        _assert_chinese_names(row)
    assert {row["certain"] for row in rows} == {True, False, None}  # booleans, not text
    got = {(int(r["report_id"]), str(r["cell_id"])): (_number(r["value"]), r["state"], r["label"]) for r in rows}
    assert got == _expected_long(corpus)
    header, rows = _sheet_records(book, "问题", FINDING_IDS)
    assert header == [h for _, h, _ in FINDING_COLUMNS]
    assert rows
    for row in rows:
        assert [row[c] for c in ("cross_year", "status", "status_zh", "reviewer", "reason")] == [
            False,
            "open",
            "待审",
            None,
            None,
        ]
        _assert_chinese_names(row)
    assert sorted(_finding_key(r) for r in rows) == _expected_findings(corpus)


def test_xlsx_count_is_the_number_of_reports(corpus: CorpusStore, workbook: tuple[Path, openpyxl.Workbook]) -> None:
    path, book = workbook
    assert _count(path) == len(corpus.read)
    assert len(_sheet_rows(book, "报告")[1]) == len(corpus.read)


def test_xlsx_ignores_the_form_and_can_leave_out_the_layout(corpus: CorpusStore, tmp_path: Path) -> None:
    flt = ReportFilter(agency="洪泽区")
    with_layout = openpyxl.load_workbook(_write(corpus, tmp_path, "xlsx", "findings", flt), read_only=True)
    assert with_layout.sheetnames == ["报告", "单元格", "问题", *with_layout.sheetnames[3:]]
    assert len(with_layout.sheetnames) == 5  # the two Hongze reports
    bare = openpyxl.load_workbook(_write(corpus, tmp_path, "xlsx", "wide", flt, layout=False), read_only=True)
    assert bare.sheetnames == ["报告", "单元格", "问题"]
    _, rows = _sheet_records(bare, "报告", WIDE_IDS)
    assert sorted(r["agency"] for r in rows) == ["洪泽区人民政府", "淮安市洪泽区人民政府"]


def test_xlsx_of_nothing_has_the_headers_only(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "xlsx", "long", ReportFilter(years=(1999,)))
    book = openpyxl.load_workbook(path, read_only=True)
    assert book.sheetnames == ["报告", "单元格", "问题"]
    assert all(len(_sheet_rows(book, t)[1]) == 0 for t in book.sheetnames)
    assert _count(path) == 0


# --- refusals -----------------------------------------------------------------------------------------------


def test_unknown_format_and_form_are_refused(corpus: CorpusStore, tmp_path: Path) -> None:
    assert FORMATS == ("csv", "json", "parquet", "xlsx")
    with pytest.raises(ValueError, match="csv, json, parquet, xlsx"):
        write_export(corpus.repository, "docx", "long", ANY, tmp_path / "x.docx")
    with pytest.raises(ValueError, match="long, wide, findings"):
        write_export(corpus.repository, "csv", "tall", ANY, tmp_path / "x.csv")
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "x.csv").exists()
