"""The export tables (long, wide, findings) over a store of the real seeds and dev reports.

Each row must say what ``gongkai.read_file`` reads from the same file: the report's metadata, every
cell's exact value (a number: int, or Decimal for 万元 amounts), state and placement, its label from
``formats.cells.cell_label``, and every finding of ``gongkai.check``; every code has its Chinese name
beside it. Columns are addressed by id, not position. The store is filled once per module
(``fill_corpus_store``; test_writers shares it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from gongkai import RULES, Finding, Report, Severity, check, read_file
from gongkai.batch import ingest
from gongkai.batch.executors import InlineExecutor
from gongkai.export import EXPORT_FORMS, export_rows
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
    Frame,
)
from gongkai.formats.cells import all_cell_ids, cell_label
from gongkai.law.agencies import agency_region, normalise_agency_key
from gongkai.model import CellState, EntityType, Number
from gongkai.store import open_database
from gongkai.store.repository import Repository
from gongkai.store.views import REVIEW_STATUS_ZH, ReportFilter

from ..conftest import CORPUS, shared_or_skip

ANY = ReportFilter()
Row = tuple[Any, ...]
Record = dict[str, Any]
Keep = Callable[[Report], bool]
REPORT_IDS = tuple(c for c, _, _ in REPORT_COLUMNS)
REPORT_HEADINGS = (
    "报告编号",
    "机关",
    "机关键",
    "地区",
    "机关类型代码",
    "机关类型",
    "年度",
    "格式代码",
    "格式",
    "发布日期",
    "来源文件",
)
REPORT_KINDS = (INT, TEXT, TEXT, TEXT, TEXT, TEXT, INT, TEXT, TEXT, DATE, TEXT)
KINDS = (INT, DECIMAL, NUMBER, TEXT, BOOL, DATE)
AMOUNT = "proactive.fees.amount"  # a 万元 column


@dataclass(frozen=True, slots=True)
class Read:
    """What the library reads from one source file, as the export should show it."""

    report: Report
    findings: list[Finding]

    def report_values(self, report_id: int) -> tuple[object, ...]:
        """The report part of every row, in ``REPORT_COLUMNS`` order (published a ``date``)."""
        r = self.report
        return (
            report_id,
            r.agency,
            normalise_agency_key(r.agency) if r.agency else None,
            agency_region(r.agency),
            r.entity_type.value,
            r.entity_type.zh,
            r.year,
            r.format_id,
            r.format.short_name if r.format else None,
            r.published,
            r.source,
        )

    def report_record(self, report_id: int) -> Record:
        return dict(zip(REPORT_IDS, self.report_values(report_id), strict=True))

    def cells(self) -> dict[str, tuple[Number | None, str]]:
        """cell id → (exact value, a number or None; state)."""
        return {cid: (c.value, c.state.value) for cid, c in self.report.cells.items()}

    def placements(self) -> dict[str, tuple[str | None, bool | None]]:
        """cell id → (how it was placed, in Chinese; whether that is certain), None for a cell not placed."""
        return {
            cid: (c.placement.by.zh, c.placement.certain) if c.placement else (None, None)
            for cid, c in self.report.cells.items()
        }


@dataclass(slots=True)
class CorpusStore:
    repository: Repository
    read: dict[int, Read]  # by stored report id


def corpus_sources() -> list[Path]:
    """The report files of seeds and dev (the MANIFEST is no report)."""
    folders = [shared_or_skip(CORPUS / "seeds"), shared_or_skip(CORPUS / "dev")]
    return sorted(p for f in folders for p in f.iterdir() if p.suffix != ".tsv")


def fill_corpus_store(folder: Path) -> Iterator[CorpusStore]:
    """A SQLite store in ``folder`` holding seeds and dev, with what read_file reads from each file."""
    database = open_database(f"sqlite:///{folder / 'corpus.sqlite'}")
    repository = Repository(database)
    sources = corpus_sources()
    summary = ingest([CORPUS / "seeds", CORPUS / "dev"], repository, InlineExecutor())
    assert summary.read == len(sources) and not summary.failed
    by_source = {str(p): p for p in sources}
    read: dict[int, Read] = {}
    for row in repository.list_reports():
        report = read_file(by_source[row.source])
        report.source = row.source  # the pipeline names a report by the path it was given
        read[row.id] = Read(report, check(report))
    try:
        yield CorpusStore(repository, read)
    finally:
        database.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CorpusStore]:
    yield from fill_corpus_store(tmp_path_factory.mktemp("export-frames"))


def _each(frame: Frame) -> Iterator[Record]:
    """The frame's rows as column id → value."""
    for row in frame.rows:
        yield dict(zip(frame.columns, row, strict=True))


def _rows(corpus: CorpusStore, form: str, flt: ReportFilter = ANY) -> list[Record]:
    return list(_each(export_rows(corpus.repository, form, flt)))


def _report_part(record: Record) -> Record:
    return {c: record[c] for c in REPORT_IDS}


def _is_number(value: object) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


# --- shape ---------------------------------------------------------------------------------------------------


def test_every_form_has_an_english_and_a_chinese_header_and_a_kind_per_column(corpus: CorpusStore) -> None:
    assert EXPORT_FORMS == ("long", "wide", "findings")
    for form in EXPORT_FORMS:
        frame = export_rows(corpus.repository, form, ANY)
        assert len(frame.columns) == len(frame.headings) == len(frame.kinds) == len(set(frame.columns))
        assert len(set(frame.headings)) == len(frame.headings)
        assert set(frame.kinds) <= set(KINDS)
        part = len(REPORT_COLUMNS)
        assert (frame.columns[:part], frame.headings[:part], frame.kinds[:part]) == (
            REPORT_IDS,
            REPORT_HEADINGS,
            REPORT_KINDS,
        )
        assert frame.columns.index("entity_type_zh") == frame.columns.index("entity_type") + 1
        assert all(len(row) == len(frame.columns) for row in frame.rows)


def test_the_report_part_is_typed_and_names_the_entity_type_in_chinese(corpus: CorpusStore) -> None:
    rows = _rows(corpus, "wide")
    assert rows
    for row in rows:
        assert type(row["report_id"]) is int and type(row["year"]) is int
        assert row["entity_type_zh"] == EntityType(row["entity_type"]).zh
        assert row["published"] is None or type(row["published"]) is date
    assert any(row["published"] is not None for row in rows)
    assert {row["entity_type_zh"] for row in rows} <= {t.zh for t in EntityType}


def test_an_unknown_form_is_refused(corpus: CorpusStore) -> None:
    with pytest.raises(ValueError, match="long, wide, findings"):
        export_rows(corpus.repository, "tall", ANY)


# --- long ------------------------------------------------------------------------------------------------------


def test_long_has_every_cell_read_from_every_file(corpus: CorpusStore) -> None:
    frame = export_rows(corpus.repository, "long", ANY)
    assert frame.columns == tuple(c for c, _, _ in LONG_COLUMNS)
    assert frame.kinds == tuple(k for _, _, k in LONG_COLUMNS)
    cell_part = slice(frame.columns.index("cell_id"), frame.columns.index("corrected"))
    assert frame.columns[cell_part] == ("cell_id", "label", "value", "state", "state_zh", "placement", "certain")
    assert frame.headings[cell_part] == ("单元格", "项目", "数值", "状态代码", "状态", "读取方式", "读取确定")
    assert frame.kinds[cell_part] == (TEXT, TEXT, NUMBER, TEXT, TEXT, TEXT, BOOL)
    got: dict[int, dict[str, tuple[Number | None, str]]] = {}
    placed: dict[int, dict[str, tuple[str | None, bool | None]]] = {}
    for row in _each(frame):
        report_id = row["report_id"]
        expected = corpus.read[report_id]
        assert _report_part(row) == expected.report_record(report_id)
        assert row["label"] == cell_label(row["cell_id"])
        assert row["value"] is None or _is_number(row["value"]), row
        got.setdefault(report_id, {})[row["cell_id"]] = (row["value"], row["state"])
        placed.setdefault(report_id, {})[row["cell_id"]] = (row["placement"], row["certain"])
    tabled = {rid for rid, r in corpus.read.items() if r.report.cells}
    assert set(got) == tabled
    for report_id in tabled:
        source = corpus.read[report_id].report.source
        assert got[report_id] == corpus.read[report_id].cells(), source
        assert placed[report_id] == corpus.read[report_id].placements(), source


def test_long_holds_the_states_the_reader_gave_and_real_labels(corpus: CorpusStore) -> None:
    rows = _rows(corpus, "long")
    assert len(rows) == sum(len(r.report.cells) for r in corpus.read.values())
    states = Counter(r["state"] for r in rows)
    assert states == Counter(c.state.value for r in corpus.read.values() for c in r.report.cells.values())
    assert {"read", "blank"} <= set(states)
    assert all(r["state_zh"] == CellState(r["state"]).zh for r in rows)
    labels = {r["cell_id"]: r["label"] for r in rows}
    assert labels["appeals.review.total"] == "行政复议·总计"  # cell_label's own example
    assert all(label and label != cid for cid, label in labels.items())  # a Chinese description, never the id


def test_long_says_how_each_value_was_placed(corpus: CorpusStore) -> None:
    rows = _rows(corpus, "long")
    for r in rows:
        assert (r["placement"] is None) == (r["certain"] is None), r
        assert r["certain"] is None or type(r["certain"]) is bool
    read = [r for r in rows if r["state"] == "read"]
    assert read and all(r["placement"] is not None for r in read)


def test_the_seed_values_the_gold_checks_come_out_exact(corpus: CorpusStore) -> None:
    """安阳县 (seed 000): a negative count and a 万元 amount, as printed, as numbers."""
    rows = _rows(corpus, "long", ReportFilter(agency="安阳县"))
    values = {r["cell_id"]: r["value"] for r in rows}
    assert values["proactive.rules.repealed"] == -1 and type(values["proactive.rules.repealed"]) is int
    assert values[AMOUNT] == Decimal("96.6252") and type(values[AMOUNT]) is Decimal
    assert values["applications.new.total"] == 58 and type(values["applications.new.total"]) is int


# --- wide ------------------------------------------------------------------------------------------------------


def test_wide_has_a_column_per_cell_id_with_its_label_and_a_number_kind(corpus: CorpusStore) -> None:
    frame = export_rows(corpus.repository, "wide", ANY)
    ids = list(all_cell_ids())
    part = len(REPORT_COLUMNS)
    assert list(frame.columns[part : part + len(ids)]) == ids
    assert list(frame.headings[part : part + len(ids)]) == [f"{cell_label(c)}（{c}）" for c in ids]
    assert "本年新收政府信息公开申请数量" in " ".join(frame.headings)
    kinds = dict(zip(frame.columns, frame.kinds, strict=True))
    assert {kinds[c] for c in ids} == {INT, DECIMAL}
    assert kinds[AMOUNT] == DECIMAL and kinds["applications.new.total"] == INT


def test_wide_values_equal_the_reports_cells(corpus: CorpusStore) -> None:
    frame = export_rows(corpus.repository, "wide", ANY)
    kinds = dict(zip(frame.columns, frame.kinds, strict=True))
    ids = list(all_cell_ids())
    seen = set()
    for row in _each(frame):
        report_id = row["report_id"]
        expected = corpus.read[report_id]
        assert _report_part(row) == expected.report_record(report_id)
        cells = expected.cells()
        assert {c: row[c] for c in ids} == {cid: cells[cid][0] if cid in cells else None for cid in ids}
        for cid in ids:
            value = row[cid]
            assert value is None or (type(value) is int if kinds[cid] == INT else _is_number(value)), (cid, value)
        seen.add(report_id)
    assert seen == set(corpus.read)


def test_wide_has_one_row_per_report_even_without_cells(corpus: CorpusStore) -> None:
    rows = _rows(corpus, "wide")
    assert sorted(r["report_id"] for r in rows) == sorted(corpus.read)
    bare = [r for r in rows if not corpus.read[r["report_id"]].report.cells]
    assert bare, "the pre-2019 017_pingtan-dishuiju-2013 has no cells"
    assert all(r[c] is None for r in bare for c in all_cell_ids())


# --- findings --------------------------------------------------------------------------------------------------


def test_findings_are_those_check_finds_open_and_unreviewed(corpus: CorpusStore) -> None:
    frame = export_rows(corpus.repository, "findings", ANY)
    assert frame.columns == tuple(c for c, _, _ in FINDING_COLUMNS)
    assert frame.kinds == tuple(k for _, _, k in FINDING_COLUMNS)
    for code in ("rule", "severity", "status"):
        assert frame.columns.index(f"{code}_zh") == frame.columns.index(code) + 1
    got: Counter[tuple[object, ...]] = Counter()
    for row in _each(frame):
        report_id = row["report_id"]
        assert _report_part(row) == corpus.read[report_id].report_record(report_id)
        assert (row["cross_year"], row["status"], row["reviewer"], row["reason"]) == (False, "open", None, None)
        assert row["rule_zh"] == RULES[row["rule"]].zh
        assert row["severity_zh"] == Severity(row["severity"]).zh
        assert row["status_zh"] == REVIEW_STATUS_ZH["open"] == "待审"
        key = (report_id, row["rule"], row["severity"], row["cells"], row["message"], row["fingerprint"])
        got[key] += 1
    expected = Counter(
        (rid, f.rule, f.severity.value, ",".join(f.cells), f.message, f.fingerprint)
        for rid, r in corpus.read.items()
        for f in r.findings
    )
    assert got == expected
    assert sum(expected.values()) > 20


def test_a_review_shows_in_the_findings_form(tmp_path: Path) -> None:
    seed = shared_or_skip(CORPUS / "seeds" / "004_e7d4e3b0369f5572.txt")
    database = open_database(f"sqlite:///{tmp_path / 'one.sqlite'}")
    try:
        repository = Repository(database)
        ingest([seed], repository, InlineExecutor())
        (row,) = repository.list_reports()
        rows = list(_each(export_rows(repository, "findings", ANY)))
        balance = next(r for r in rows if r["rule"] == "balance")
        repository.set_review(row.id, balance["fingerprint"], "dismissed", "审核员", "表内口径不同")
        after = {r["fingerprint"]: r for r in _each(export_rows(repository, "findings", ANY))}
        reviewed = after[balance["fingerprint"]]
        assert (reviewed["status"], reviewed["reviewer"], reviewed["reason"]) == ("dismissed", "审核员", "表内口径不同")
        assert reviewed["status_zh"] == REVIEW_STATUS_ZH["dismissed"] == "不是问题（误报）"
        assert sum(1 for r in after.values() if r["status"] == "open") == len(rows) - 1
        assert all(r["status_zh"] == REVIEW_STATUS_ZH[r["status"]] for r in after.values())
    finally:
        database.close()


# --- filters --------------------------------------------------------------------------------------------------


def _expected_ids(corpus: CorpusStore, keep: Keep) -> set[int]:
    return {rid for rid, r in corpus.read.items() if keep(r.report)}


FILTERS = [
    (ReportFilter(years=(2021,)), lambda r: r.year == 2021),
    (ReportFilter(years=(2023, 2024)), lambda r: r.year in (2023, 2024)),
    (ReportFilter(agency="洪泽区"), lambda r: "洪泽区" in r.agency),
    (ReportFilter(agency="洪泽区人民政府"), lambda r: r.agency in ("洪泽区人民政府", "淮安市洪泽区人民政府")),
    (ReportFilter(agency="平潭"), lambda r: r.agency.startswith("平潭")),
    (ReportFilter(agency="洪泽区", years=(2024,)), lambda r: r.agency == "淮安市洪泽区人民政府"),
    (ReportFilter(format="2019"), lambda r: r.format_id == "2019"),
    (ReportFilter(level="department"), lambda r: r.entity_type.value == "department"),
    (ReportFilter(years=(1999,)), lambda r: False),
]


@pytest.mark.parametrize("flt, keep", FILTERS, ids=[repr(f) for f, _ in FILTERS])
def test_filters_select_the_same_reports_in_every_form(corpus: CorpusStore, flt: ReportFilter, keep: Keep) -> None:
    wanted = _expected_ids(corpus, keep)
    tabled = {rid for rid in wanted if corpus.read[rid].report.cells}
    with_findings = {rid for rid in wanted if corpus.read[rid].findings}
    assert {r["report_id"] for r in _rows(corpus, "long", flt)} == tabled
    assert {r["report_id"] for r in _rows(corpus, "wide", flt)} == wanted  # a row per report, cells or not
    assert {r["report_id"] for r in _rows(corpus, "findings", flt)} == with_findings


def test_the_filters_cover_something(corpus: CorpusStore) -> None:
    """The filter table above is not vacuous on this corpus."""
    sizes = {repr(f): len(_expected_ids(corpus, keep)) for f, keep in FILTERS}
    assert sizes[repr(ReportFilter(years=(2021,)))] == 4
    assert sizes[repr(ReportFilter(agency="洪泽区"))] == 2
    assert sizes[repr(ReportFilter(agency="洪泽区", years=(2024,)))] == 1
    assert sizes[repr(ReportFilter(level="department"))] == 3


def test_has_errors_selects_reports_with_an_error_finding(corpus: CorpusStore) -> None:
    erring = {rid for rid, r in corpus.read.items() if any(f.severity.value == "error" for f in r.findings)}
    rows = _rows(corpus, "findings", ReportFilter(has_errors=True))
    assert {r["report_id"] for r in rows} == erring
    clean = {r["report_id"] for r in _rows(corpus, "long", ReportFilter(has_errors=False))}
    assert clean and not clean & erring
