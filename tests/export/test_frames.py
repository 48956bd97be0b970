"""The export tables (long, wide, findings) over a store of the real seeds and dev reports.

Each row must say what ``gongkai.read_file`` reads from the same file: the report's metadata, every
cell's exact value and state, its label from ``formats.cells.cell_label``, and every finding of
``gongkai.check``. The store is filled once per module (``fill_corpus_store``; test_writers shares it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gongkai import Finding, Report, check, read_file
from gongkai.batch import ingest
from gongkai.batch.executors import InlineExecutor
from gongkai.export import EXPORT_FORMS, export_rows
from gongkai.export.frames import FINDING_COLUMNS, LONG_COLUMNS, REPORT_COLUMNS, Frame
from gongkai.formats.cells import all_cell_ids, cell_label
from gongkai.law.agencies import agency_region, normalise_agency_key
from gongkai.model import format_value
from gongkai.store import open_database
from gongkai.store.repository import Repository
from gongkai.store.views import ReportFilter

from ..conftest import CORPUS, shared_or_skip

ANY = ReportFilter()
Row = tuple[Any, ...]
Keep = Callable[[Report], bool]
REPORT_IDS = tuple(c for c, _ in REPORT_COLUMNS)


@dataclass(frozen=True, slots=True)
class Read:
    """What the library reads from one source file, as the export should show it."""

    report: Report
    findings: list[Finding]

    def report_values(self, report_id: int) -> tuple[object, ...]:
        r = self.report
        return (
            report_id,
            r.agency,
            normalise_agency_key(r.agency) if r.agency else None,
            agency_region(r.agency),
            r.entity_type.value,
            r.year,
            r.format_id,
            r.published.isoformat() if r.published else None,
            r.source,
        )

    def cells(self) -> dict[str, tuple[str | None, str]]:
        """cell id → (exact value text, state)."""
        return {
            cid: (None if c.value is None else format_value(c.value), c.state.value)
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


def _each(frame: Frame) -> Iterator[Row]:
    yield from frame.rows


def _rows(corpus: CorpusStore, form: str, flt: ReportFilter = ANY) -> list[Row]:
    return list(_each(export_rows(corpus.repository, form, flt)))


# --- shape ---------------------------------------------------------------------------------------------------


def test_every_form_has_an_english_and_a_chinese_header_of_equal_length(corpus: CorpusStore) -> None:
    assert EXPORT_FORMS == ("long", "wide", "findings")
    for form in EXPORT_FORMS:
        frame = export_rows(corpus.repository, form, ANY)
        assert len(frame.columns) == len(frame.headings) == len(set(frame.columns))
        assert frame.columns[:9] == REPORT_IDS
        assert frame.headings[:9] == (
            "报告编号",
            "机关",
            "机关键",
            "地区",
            "机关类型",
            "年度",
            "格式",
            "发布日期",
            "来源文件",
        )
        assert all(len(row) == len(frame.columns) for row in frame.rows)


def test_an_unknown_form_is_refused(corpus: CorpusStore) -> None:
    with pytest.raises(ValueError, match="long, wide, findings"):
        export_rows(corpus.repository, "tall", ANY)


# --- long ------------------------------------------------------------------------------------------------------


def test_long_has_every_cell_read_from_every_file(corpus: CorpusStore) -> None:
    frame = export_rows(corpus.repository, "long", ANY)
    assert frame.columns == tuple(c for c, _ in LONG_COLUMNS)
    assert frame.headings[9:] == ("单元格", "项目", "数值", "状态")
    got: dict[int, dict[str, tuple[str | None, str]]] = {}
    for row in _each(frame):
        report_id = int(row[0])
        expected = corpus.read[report_id]
        assert row[:9] == expected.report_values(report_id)
        cell_id, label, value, state = row[9:]
        assert label == cell_label(str(cell_id))
        got.setdefault(report_id, {})[str(cell_id)] = (value, str(state))
    tabled = {rid for rid, r in corpus.read.items() if r.report.cells}
    assert set(got) == tabled
    for report_id in tabled:
        assert got[report_id] == corpus.read[report_id].cells(), corpus.read[report_id].report.source


def test_long_holds_the_states_the_reader_gave_and_real_labels(corpus: CorpusStore) -> None:
    rows = _rows(corpus, "long")
    assert len(rows) == sum(len(r.report.cells) for r in corpus.read.values())
    states = Counter(str(r[12]) for r in rows)
    assert states == Counter(c.state.value for r in corpus.read.values() for c in r.report.cells.values())
    assert {"read", "blank"} <= set(states)
    labels = {str(r[9]): str(r[10]) for r in rows}
    assert labels["appeals.review.total"] == "行政复议·总计"  # cell_label's own example
    assert all(label and label != cid for cid, label in labels.items())  # a Chinese description, never the id


def test_the_seed_values_the_gold_checks_come_out_exact(corpus: CorpusStore) -> None:
    """安阳县 (seed 000): a negative count and a 万元 amount, as printed."""
    rows = _rows(corpus, "long", ReportFilter(agency="安阳县"))
    values = {str(r[9]): r[11] for r in rows}
    assert values["proactive.rules.repealed"] == "-1"
    assert values["proactive.fees.amount"] == "96.6252"
    assert values["applications.new.total"] == "58"


# --- wide ------------------------------------------------------------------------------------------------------


def test_wide_has_a_column_per_cell_id_with_its_label(corpus: CorpusStore) -> None:
    frame = export_rows(corpus.repository, "wide", ANY)
    ids = list(all_cell_ids())
    assert list(frame.columns[9:]) == ids
    assert list(frame.headings[9:]) == [f"{cell_label(c)}（{c}）" for c in ids]
    assert "本年新收政府信息公开申请数量" in " ".join(frame.headings)


def test_wide_values_equal_the_reports_cells(corpus: CorpusStore) -> None:
    frame = export_rows(corpus.repository, "wide", ANY)
    ids = frame.columns[9:]
    seen = set()
    for row in _each(frame):
        report_id = int(row[0])
        expected = corpus.read[report_id]
        assert row[:9] == expected.report_values(report_id)
        cells = expected.cells()
        assert dict(zip(ids, row[9:])) == {cid: cells[cid][0] if cid in cells else None for cid in ids}
        seen.add(report_id)
    assert seen == {rid for rid, r in corpus.read.items() if r.report.cells}


@pytest.mark.xfail(
    strict=True,
    reason="export/frames.py builds wide rows from iter_cells only, so a report without cells "
    "(the pre-2019 017_pingtan-dishuiju-2013) gets no row: 11 rows for 12 reports",
)
def test_wide_has_one_row_per_report_even_without_cells(corpus: CorpusStore) -> None:
    rows = _rows(corpus, "wide")
    assert sorted(int(r[0]) for r in rows) == sorted(corpus.read)


# --- findings --------------------------------------------------------------------------------------------------


def test_findings_are_those_check_finds_open_and_unreviewed(corpus: CorpusStore) -> None:
    frame = export_rows(corpus.repository, "findings", ANY)
    assert frame.columns == tuple(c for c, _ in FINDING_COLUMNS)
    got: Counter[tuple[object, ...]] = Counter()
    for row in _each(frame):
        report_id = int(row[0])
        assert row[:9] == corpus.read[report_id].report_values(report_id)
        rule, severity, cells, message, fingerprint, cross_year, status, reviewer, reason = row[9:]
        assert (cross_year, status, reviewer, reason) == (False, "open", None, None)
        got[(report_id, rule, severity, cells, message, fingerprint)] += 1
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
        rows = list(export_rows(repository, "findings", ANY).rows)
        balance = next(r for r in rows if r[9] == "balance")
        repository.set_review(row.id, str(balance[13]), "dismissed", "审核员", "表内口径不同")
        after = {r[13]: r[15:] for r in export_rows(repository, "findings", ANY).rows}
        assert after[balance[13]] == ("dismissed", "审核员", "表内口径不同")
        assert sum(1 for status, *_ in after.values() if status == "open") == len(rows) - 1
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
    assert {int(r[0]) for r in _rows(corpus, "long", flt)} == tabled
    assert {int(r[0]) for r in _rows(corpus, "wide", flt)} == tabled
    assert {int(r[0]) for r in _rows(corpus, "findings", flt)} == with_findings


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
    assert {int(r[0]) for r in rows} == erring
    clean = {int(r[0]) for r in _rows(corpus, "long", ReportFilter(has_errors=False))}
    assert clean and not clean & erring
