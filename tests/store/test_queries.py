"""Queries over the seeds/dev reports: every filter selects what a direct look at the records says."""

from __future__ import annotations

from collections import Counter

import pytest

import gongkai
from gongkai.errors import NotFound, StoreError
from gongkai.law.agencies import normalise_agency_key
from gongkai.store.records import Record
from gongkai.store.repository import Repository
from gongkai.store.views import SORTS, ReportFilter

from .conftest import CORPUS, HONGZE_2023, HONGZE_2024


def _errors(record: Record) -> int:
    return sum(1 for f in record["findings"] if f["severity"] == "error")


def _selected(records: dict[str, Record], flt: ReportFilter) -> set[str]:
    """The names ``flt`` should select, decided from the records alone."""
    out = set()
    for r in records.values():
        rep = r["report"]
        if flt.agency and not (flt.agency in (rep["agency"] or "") or flt.agency in (rep["agency_key"] or "")):
            continue
        if flt.years and rep["year"] not in flt.years:
            continue
        if flt.format and rep["format"] != flt.format:
            continue
        if flt.level and rep["entity_type"] != flt.level:
            continue
        if flt.has_errors is not None and (_errors(r) > 0) is not flt.has_errors:
            continue
        out.add(r["name"])
    return out


FILTERS = [
    ReportFilter(),
    ReportFilter(agency="洪泽区"),
    ReportFilter(agency="平潭"),
    ReportFilter(years=(2021,)),
    ReportFilter(years=(2023, 2024)),
    ReportFilter(format="2019"),
    ReportFilter(format="pre2019"),
    ReportFilter(level="department"),
    ReportFilter(has_errors=True),
    ReportFilter(has_errors=False),
    ReportFilter(agency="人民政府", years=(2021,), has_errors=True),
]


@pytest.mark.parametrize("flt", FILTERS, ids=str)
def test_filters_select_what_the_records_say(
    stored: Repository, corpus_records: dict[str, Record], flt: ReportFilter
) -> None:
    expected = _selected(corpus_records, flt)
    rows = stored.list_reports(flt)
    assert {r.source for r in rows} == expected
    assert stored.count_reports(flt) == len(expected)
    assert {r.source for r in stored.page_reports(flt, limit=100)} == expected
    assert sum(1 for _ in stored.iter_findings(flt)) == sum(
        len(r["findings"]) for r in corpus_records.values() if r["name"] in expected
    )
    assert sum(1 for _ in stored.iter_cells(flt)) == sum(
        len(r["report"]["cells"]) for r in corpus_records.values() if r["name"] in expected
    )


def test_listing_rows_carry_error_counts(stored: Repository, corpus_records: dict[str, Record]) -> None:
    by_name = {r["name"]: r for r in corpus_records.values()}
    for row in stored.list_reports():
        assert row.errors == _errors(by_name[row.source])
        assert row.warnings == sum(1 for f in by_name[row.source]["findings"] if f["severity"] == "warning")


def test_id_filter_and_paging(stored: Repository) -> None:
    everything = stored.list_reports()
    ids = tuple(r.id for r in everything[:3])
    assert [r.id for r in stored.list_reports(ReportFilter(ids=ids))] == list(ids)
    assert stored.list_reports(limit=2, offset=1) == everything[1:3]


@pytest.mark.parametrize("sort", SORTS)
def test_pages_are_sorted(stored: Repository, sort: str) -> None:
    rows = stored.page_reports(ReportFilter(), sort, descending=True, limit=100)
    key = {"agency": "agency_key", "level": "entity_type"}.get(sort, sort)
    values = [getattr(r, key) for r in rows if getattr(r, key) is not None]
    assert values == sorted(values, reverse=True)
    assert len(stored.page_reports(ReportFilter(), sort, limit=5, offset=10)) == len(rows) - 10


def test_an_unknown_sort_is_a_store_error(stored: Repository) -> None:
    with pytest.raises(StoreError, match="排序字段"):
        stored.page_reports(ReportFilter(), "size")


def test_facets_count_each_choice_without_their_own_filter(
    stored: Repository, corpus_records: dict[str, Record]
) -> None:
    years = Counter(r["report"]["year"] for r in corpus_records.values())
    facets = stored.facets(ReportFilter(years=(2021,)))
    assert facets.years == dict(years)
    assert facets.total == years[2021]
    in_2021 = [r for r in corpus_records.values() if r["report"]["year"] == 2021]
    assert facets.formats == dict(Counter(r["report"]["format"] for r in in_2021))
    assert facets.levels == dict(Counter(r["report"]["entity_type"] for r in in_2021))
    assert facets.with_errors == sum(1 for r in in_2021 if _errors(r))
    assert facets.with_errors + facets.without_errors == len(in_2021)


def test_one_agency_across_its_names_and_years(stored: Repository, corpus_records: dict[str, Record]) -> None:
    ids = stored.report_ids_for([corpus_records[n]["sha256"] for n in (HONGZE_2023, HONGZE_2024)])
    first, second = (ids[corpus_records[n]["sha256"]] for n in (HONGZE_2023, HONGZE_2024))
    key = normalise_agency_key("淮安市洪泽区人民政府")
    assert stored.agency_years(key) == [(2023, first), (2024, second)]
    assert stored.report_for("淮安市洪泽区人民政府", 2023) == first  # the 2023 report says only 洪泽区人民政府
    assert stored.report_for("洪泽区", 2024) == second
    assert stored.report_for("洪泽区", 2022) is None
    row = stored.report_row(second)
    assert row is not None and (row.agency, row.year, row.agency_key) == ("淮安市洪泽区人民政府", 2024, key)


def test_compare_lists_the_cells_that_either_report_holds(
    stored: Repository, corpus_records: dict[str, Record]
) -> None:
    ids = stored.report_ids_for([corpus_records[n]["sha256"] for n in (HONGZE_2023, HONGZE_2024)])
    a, b = (ids[corpus_records[n]["sha256"]] for n in (HONGZE_2023, HONGZE_2024))
    ra, rb, diffs = stored.compare(a, b)
    before = gongkai.read_file(CORPUS / HONGZE_2023)
    after = gongkai.read_file(CORPUS / HONGZE_2024)
    differing = {cid for cid in before.cells if before.value(cid) != after.value(cid)}
    assert {d.cell_id for d in diffs if d.differs} == differing
    assert (ra.year, rb.year) == (2023, 2024)
    assert diffs[0].label == before.format.label_of(diffs[0].cell_id)  # type: ignore[union-attr]


def test_missing_reports_are_not_found(stored: Repository) -> None:
    assert stored.load_report(999_999) is None
    assert stored.report_row(999_999) is None
    with pytest.raises(NotFound, match="没有编号为 999999 的报告") as raised:
        stored.compare(stored.list_reports()[0].id, 999_999)
    assert isinstance(raised.value, KeyError)  # callers that catch KeyError keep working
