"""The register's tables beside a real published report (dev/011, 平潭综合实验区 2022), cell by cell."""

from __future__ import annotations

import pytest

import gongkai
from gongkai.formats import FORMAT_2021
from gongkai.model import Cell, CellState, Report
from gongkai.register.compare import compare_published
from gongkai.register.events import T3
from gongkai.register.tables import table_cells

from ..conftest import CORPUS, shared_or_skip
from .pingtan import DIFFERENCES, REPORT, YEAR, pingtan_tables


@pytest.fixture(scope="module")
def published() -> Report:
    return gongkai.read_file(shared_or_skip(CORPUS) / REPORT)


def test_the_register_balances_and_matches_the_report_but_for_eight_cells(published: Report) -> None:
    tables = pingtan_tables()
    assert tables.value(T3.cell(T3.new)) == 74 and tables.value(T3.cell(T3.carried)) == 1
    assert tables.value(T3.cell(T3.total)) == 75 and tables.value(T3.cell(T3.carry_forward)) == 0
    result = compare_published(published, tables, basis="live")
    assert {(d.cell, d.published, d.register) for d in result.differences} == DIFFERENCES
    assert result.not_printed == () and result.agreeing == len(table_cells()) - len(DIFFERENCES)
    assert result.basis == "live" and result.year == YEAR and not result.same


def test_a_difference_carries_its_chinese_label_and_the_applications_behind_it(published: Report) -> None:
    result = compare_published(published, pingtan_tables(), basis="live")
    granted = next(d for d in result.differences if d.cell == T3.cell(T3.granted, T3.person))
    assert granted.label == "予以公开·自然人" and len(granted.applications) == 20
    assert granted.label == FORMAT_2021.label_of(granted.cell)
    assert granted.to_json()["published"] == 21 and granted.state in ("read", "inferred")


def test_a_cell_not_printed_is_listed_as_not_printed_never_as_zero(published: Report) -> None:
    cells = dict(published.cells)
    blank = T3.cell(T3.granted, T3.organisations[1])
    cells[blank] = Cell(blank, None, "", CellState.BLANK)
    missing = T3.cell(T3.carry_forward)
    del cells[missing]
    changed = Report(published.source, published.format, cells, agency=published.agency, year=published.year)
    result = compare_published(changed, pingtan_tables(), basis="snapshot", snapshot_id=7)
    assert {(d.cell, d.state, d.published) for d in result.not_printed} == {
        (blank, "blank", None),
        (missing, "absent", None),
    }
    assert blank not in {d.cell for d in result.differences}
    data = result.to_json()
    assert data["basis"] == "snapshot" and data["snapshot"] == 7 and len(data["not_printed"]) == 2  # type: ignore[arg-type]


def test_tables_equal_to_the_report_are_the_same(published: Report) -> None:
    tables = pingtan_tables()
    for cid in table_cells():
        tables.cells[cid] = [f"x{i}" for i in range(int(published.cells[cid].value or 0))]
    result = compare_published(published, tables, basis="live")
    assert result.same and result.agreeing == len(table_cells())
