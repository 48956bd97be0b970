"""The export files, opened with the tools their users have: Python's csv, json, pyarrow, openpyxl.

Every file is written from a store of the real seeds and dev reports and compared with what
``gongkai.read_file`` reads from the same files (``test_frames.fill_corpus_store``). Numbers are
compared as numbers: whether a format holds them as text or as numbers is not asserted here.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gongkai.export import FORMATS, write_export
from gongkai.export.frames import FINDING_COLUMNS, LONG_COLUMNS, REPORT_COLUMNS
from gongkai.formats.cells import all_cell_ids, cell_label
from gongkai.store.views import ReportFilter

from .test_frames import CorpusStore, fill_corpus_store

ANY = ReportFilter()
CELL_IDS = list(all_cell_ids())
LONG_IDS = [c for c, _ in LONG_COLUMNS]
FINDING_IDS = [c for c, _ in FINDING_COLUMNS]
WIDE_IDS = [c for c, _ in REPORT_COLUMNS] + CELL_IDS


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
    """A cell's value as a number, whether the file holds it as text or as a number ('' and None: nothing)."""
    if value is None or value == "":
        return None
    assert not isinstance(value, bool)
    return Decimal(str(value))


def _text_number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _expected_long(corpus: CorpusStore) -> dict[tuple[int, str], tuple[Decimal | None, str, str]]:
    """(report id, cell id) → (value, state, label), from read_file."""
    return {
        (rid, cid): (_text_number(value), state, cell_label(cid))
        for rid, read in corpus.read.items()
        for cid, (value, state) in read.cells().items()
    }


def _expected_wide(corpus: CorpusStore) -> dict[int, dict[str, Decimal | None]]:
    out: dict[int, dict[str, Decimal | None]] = {}
    for rid, read in corpus.read.items():
        cells = read.cells()
        if cells:  # a report without cells has no wide row today (see test_frames)
            out[rid] = {cid: _text_number(cells[cid][0]) if cid in cells else None for cid in CELL_IDS}
    return out


def _expected_findings(corpus: CorpusStore) -> list[tuple[int, str, str, str, str, str]]:
    return sorted(
        (rid, f.rule, f.severity.value, ",".join(f.cells), f.message, f.fingerprint)
        for rid, read in corpus.read.items()
        for f in read.findings
    )


def _report_part(corpus: CorpusStore, report_id: int) -> tuple[object, ...]:
    return corpus.read[report_id].report_values(report_id)


# --- CSV ----------------------------------------------------------------------------------------------------


def _csv(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # utf-8-sig: Excel opens it as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _csv_report_part(corpus: CorpusStore, report_id: int) -> list[str]:
    return ["" if v is None else str(v) for v in _report_part(corpus, report_id)]


def test_csv_long(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "csv", "long")
    header, *rows = _csv(path)
    assert header == [h for _, h in LONG_COLUMNS]
    assert _count(path) == len(rows)
    got = {}
    for row in rows:
        report_id = int(row[0])
        assert row[:9] == _csv_report_part(corpus, report_id)
        got[(report_id, row[9])] = (_number(row[11]), row[12], row[10])
    assert got == _expected_long(corpus)


def test_csv_wide(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "csv", "wide")
    header, *rows = _csv(path)
    assert header[:9] == [h for _, h in REPORT_COLUMNS]
    assert header[9:] == [f"{cell_label(c)}（{c}）" for c in CELL_IDS]
    assert _count(path) == len(rows)
    got = {}
    for row in rows:
        report_id = int(row[0])
        assert row[:9] == _csv_report_part(corpus, report_id)
        got[report_id] = {cid: _number(v) for cid, v in zip(CELL_IDS, row[9:], strict=True)}
    assert got == _expected_wide(corpus)


def test_csv_findings(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "csv", "findings")
    header, *rows = _csv(path)
    assert header == [h for _, h in FINDING_COLUMNS]
    assert _count(path) == len(rows) > 0
    for row in rows:
        assert row[:9] == _csv_report_part(corpus, int(row[0]))
        assert row[14:] == ["False", "open", "", ""]
    assert sorted((int(r[0]), *r[9:14]) for r in rows) == _expected_findings(corpus)


def test_csv_filtered_by_agency_and_year(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "csv", "long", ReportFilter(agency="洪泽区", years=(2023,)))
    _, *rows = _csv(path)
    assert {(r[1], r[5]) for r in rows} == {("洪泽区人民政府", "2023")}
    assert len(rows) == 200


def test_csv_of_nothing_is_its_header(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "csv", "findings", ReportFilter(years=(1999,)))
    assert _csv(path) == [[h for _, h in FINDING_COLUMNS]]
    assert _count(path) == 0


# --- JSON ----------------------------------------------------------------------------------------------------


def _json(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_json_long_keeps_chinese_and_english_keys(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "json", "long")
    assert "安阳县人民政府" in path.read_text(encoding="utf-8")  # not \\u-escaped
    rows = _json(path)
    assert _count(path) == len(rows)
    got = {}
    for row in rows:
        assert list(row) == LONG_IDS
        report_id = row["report_id"]
        assert isinstance(report_id, int)
        assert tuple(row[c] for c, _ in REPORT_COLUMNS) == _report_part(corpus, report_id)
        got[(report_id, str(row["cell_id"]))] = (_number(row["value"]), row["state"], row["label"])
    assert got == _expected_long(corpus)


def test_json_wide_and_findings(corpus: CorpusStore, tmp_path: Path) -> None:
    wide = _json(_write(corpus, tmp_path, "json", "wide"))
    assert all(list(row) == WIDE_IDS for row in wide)
    got = {int(row["report_id"]): {c: _number(row[c]) for c in CELL_IDS} for row in wide}
    assert got == _expected_wide(corpus)
    findings = _json(_write(corpus, tmp_path, "json", "findings"))
    assert all(list(row) == FINDING_IDS for row in findings)
    assert all(row["cross_year"] is False and row["status"] == "open" for row in findings)
    assert sorted(
        (row["report_id"], row["rule"], row["severity"], row["cells"], row["message"], row["fingerprint"])
        for row in findings
    ) == _expected_findings(corpus)


def test_json_of_nothing_is_an_empty_list(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "json", "wide", ReportFilter(years=(1999,)))
    assert _json(path) == [] and _count(path) == 0


# --- Parquet ------------------------------------------------------------------------------------------------


def test_parquet_long(corpus: CorpusStore, tmp_path: Path) -> None:
    path = _write(corpus, tmp_path, "parquet", "long")
    table = pq.read_table(path)
    assert table.schema.names == LONG_IDS
    assert table.schema.field("report_id").type == pa.int64()
    assert table.schema.field("year").type == pa.int64()
    assert table.num_rows == _count(path)
    got = {}
    for row in table.to_pylist():
        report_id = row["report_id"]
        assert tuple(row[c] for c, _ in REPORT_COLUMNS) == _report_part(corpus, report_id)
        got[(report_id, row["cell_id"])] = (_number(row["value"]), row["state"], row["label"])
    assert got == _expected_long(corpus)


def test_parquet_wide_and_findings(corpus: CorpusStore, tmp_path: Path) -> None:
    wide = pq.read_table(_write(corpus, tmp_path, "parquet", "wide"))
    assert wide.schema.names == WIDE_IDS
    got = {row["report_id"]: {c: _number(row[c]) for c in CELL_IDS} for row in wide.to_pylist()}
    assert got == _expected_wide(corpus)
    findings = pq.read_table(_write(corpus, tmp_path, "parquet", "findings"))
    assert findings.schema.names == FINDING_IDS
    assert findings.schema.field("cross_year").type == pa.bool_()
    rows = findings.to_pylist()
    assert all(r["cross_year"] is False and r["status"] == "open" and r["reviewer"] is None for r in rows)
    assert sorted(
        (r["report_id"], r["rule"], r["severity"], r["cells"], r["message"], r["fingerprint"]) for r in rows
    ) == _expected_findings(corpus)


def test_parquet_filtered_by_level_and_of_nothing(corpus: CorpusStore, tmp_path: Path) -> None:
    table = pq.read_table(_write(corpus, tmp_path, "parquet", "long", ReportFilter(level="department")))
    assert set(table.column("entity_type").to_pylist()) == {"department"}
    departments = {rid for rid, r in corpus.read.items() if r.report.entity_type.value == "department"}
    assert set(table.column("report_id").to_pylist()) == {rid for rid in departments if corpus.read[rid].report.cells}
    empty = pq.read_table(_write(corpus, tmp_path, "parquet", "wide", ReportFilter(years=(1999,))))
    assert empty.num_rows == 0 and empty.schema.names == WIDE_IDS


# --- XLSX -----------------------------------------------------------------------------------------------------


def _sheet_rows(book: openpyxl.Workbook, title: str) -> tuple[list[Any], list[list[Any]]]:
    header, *rows = [list(r) for r in book[title].iter_rows(values_only=True)]
    return header, rows


def _xlsx_report_part(row: list[object]) -> tuple[object, ...]:
    return tuple(row[:9])


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


def test_xlsx_report_sheet_is_the_wide_table_with_numbers(
    corpus: CorpusStore, workbook: tuple[Path, openpyxl.Workbook]
) -> None:
    _, book = workbook
    header, rows = _sheet_rows(book, "报告")
    assert header == [h for _, h in REPORT_COLUMNS] + [f"{cell_label(c)}（{c}）" for c in CELL_IDS]
    got = {}
    for row in rows:
        report_id = int(row[0])
        assert all(v is None or isinstance(v, int | float) for v in row[9:])  # numbers a spreadsheet can sum
        got[report_id] = {c: _number(v) for c, v in zip(CELL_IDS, row[9:], strict=True)}
        expected = _report_part(corpus, report_id)
        assert (row[1], row[5]) == (expected[1], expected[5])
    assert got == _expected_wide(corpus)


def test_xlsx_cell_and_finding_sheets(corpus: CorpusStore, workbook: tuple[Path, openpyxl.Workbook]) -> None:
    _, book = workbook
    header, rows = _sheet_rows(book, "单元格")
    assert header == [h for _, h in LONG_COLUMNS]
    got = {(int(r[0]), str(r[9])): (_number(r[11]), r[12], r[10]) for r in rows}
    assert got == _expected_long(corpus)
    header, rows = _sheet_rows(book, "问题")
    assert header == [h for _, h in FINDING_COLUMNS]
    assert all(r[14:] == [False, "open", None, None] for r in rows)
    assert sorted((int(r[0]), *r[9:14]) for r in rows) == _expected_findings(corpus)


@pytest.mark.xfail(
    strict=True,
    reason="write_export counts the XLSX's wide rows, which leave out a report without cells "
    "(017 pre-2019): 11 returned for 12 reports (see test_frames' wide-row xfail)",
)
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
    _, rows = _sheet_rows(bare, "报告")
    assert sorted(r[1] for r in rows) == ["洪泽区人民政府", "淮安市洪泽区人民政府"]


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
