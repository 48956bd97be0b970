"""Links: the previous year is found by normalised agency key and agreeing region; the store runs only
the cross-year check it is handed, in the write's transaction."""

from __future__ import annotations

import copy

import pytest

from gongkai.check import Finding, Severity, cross_year_findings
from gongkai.formats import FORMAT_2021
from gongkai.law.agencies import agency_region
from gongkai.model import Report
from gongkai.store.links import regions_agree
from gongkai.store.records import Record
from gongkai.store.repository import Repository

from .conftest import HONGZE_2023, HONGZE_2024, Recorder, no_cross_year

PAIR = (("淮安市洪泽区人民政府", 2024), ("洪泽区人民政府", 2023))


def _cross(repository: Repository) -> list[tuple[int | None, str, tuple[str, ...]]]:
    rows = repository.list_reports()
    years = {r.id: r.year for r in rows}
    found = repository.findings([r.id for r in rows])
    return sorted((years[rid], f.rule, f.cells) for rid, fs in found.items() for f in fs if f.cross_year)


def _fake(report: Report, previous: Report) -> list[Finding]:
    return [Finding("fake-cross-year", Severity.WARNING, ("title",), f"{previous.year}→{report.year}")]


@pytest.mark.parametrize(
    "a, b, agree",
    [
        ("洪泽区", "淮安市洪泽区", True),
        ("淮安市洪泽区", "南京市洪泽区", False),
        (None, "南京市", True),
        ("", "南京市", True),
    ],
)
def test_regions_agree_when_one_ends_the_other(a: str | None, b: str | None, agree: bool) -> None:
    assert regions_agree(a, b) is agree


def test_previous_year_is_found_by_normalised_agency_key(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    check = Recorder()
    repository.write([corpus_records[HONGZE_2023], corpus_records[HONGZE_2024]], cross_year=check)
    assert check.pairs == [PAIR]


@pytest.mark.parametrize("order", [(HONGZE_2023, HONGZE_2024), (HONGZE_2024, HONGZE_2023)])
def test_years_link_in_either_order_of_writing(
    repository: Repository, corpus_records: dict[str, Record], order: tuple[str, str]
) -> None:
    check = Recorder()
    repository.write([corpus_records[order[0]]], cross_year=check)
    assert check.pairs == []
    repository.write([corpus_records[order[1]]], cross_year=check)
    assert check.pairs == [PAIR]


def test_reports_of_other_agencies_or_regions_are_not_paired(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    elsewhere = copy.deepcopy(corpus_records[HONGZE_2023])
    elsewhere["sha256"] = "e" * 64
    elsewhere["report"]["agency"] = "南京市洪泽区人民政府"
    elsewhere["report"]["region"] = agency_region("南京市洪泽区人民政府")
    check = Recorder()
    repository.write([elsewhere, corpus_records[HONGZE_2024], *_unrelated(corpus_records)], cross_year=check)
    assert check.pairs == []


def _unrelated(records: dict[str, Record]) -> list[Record]:
    return [r for name, r in records.items() if name.startswith("seeds/")]


def test_the_store_stores_exactly_what_the_handed_check_finds(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    repository.write([corpus_records[HONGZE_2023], corpus_records[HONGZE_2024]], cross_year=_fake)
    assert _cross(repository) == [(2024, "fake-cross-year", ("title",))]


def test_a_check_that_finds_nothing_stores_nothing_even_where_the_rules_would(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    view = FORMAT_2021.applications
    assert view is not None
    carried = view.cell(view.carried)
    later = copy.deepcopy(corpus_records[HONGZE_2024])
    later["sha256"] = "c" * 64
    for cell in later["report"]["cells"]:
        if cell[0] == carried:
            cell[1] = cell[2] = "99"
    repository.write([corpus_records[HONGZE_2023], later], cross_year=no_cross_year)
    assert _cross(repository) == []
    repository.write([later], cross_year=cross_year_findings, replace=True)
    assert (2024, "carry-mismatch", (carried,)) in _cross(repository)


def test_relinking_replaces_the_old_cross_year_findings(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    repository.write([corpus_records[HONGZE_2023], corpus_records[HONGZE_2024]], cross_year=_fake)
    (rid,) = [r.id for r in repository.list_reports() if r.year == 2024]
    before = repository.findings([rid])[rid]
    repository.write([corpus_records[HONGZE_2023]], cross_year=no_cross_year, replace=True)
    assert _cross(repository) == []
    assert [f for f in repository.findings([rid])[rid] if not f.cross_year] == [f for f in before if not f.cross_year]


def test_cross_year_findings_count_in_the_error_column(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    def error(report: Report, previous: Report) -> list[Finding]:
        return [Finding("fake-error", Severity.ERROR, ("title",), "跨年错误")]

    repository.write([corpus_records[HONGZE_2023]], cross_year=no_cross_year)
    own = {r.year: r.errors for r in repository.list_reports()}
    repository.write([corpus_records[HONGZE_2024]], cross_year=error)
    errors = {r.year: r.errors for r in repository.list_reports()}
    own_2024 = sum(1 for f in corpus_records[HONGZE_2024]["findings"] if f["severity"] == "error")
    assert errors == {2023: own[2023], 2024: own_2024 + 1}
