"""The worker's straight path from a report to its prepared record: exactly what ``prepare`` of its record gives."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import gongkai
from gongkai.document import SourcePlace
from gongkai.model import Cell, CellState, Correction, PlacedBy, Placement, Report
from gongkai.store.records import _stored, cell_row, prepare, report_prepared, report_record, stored_cell

from .conftest import corpus_files


def _prepared_the_long_way(report: Report) -> tuple[dict[str, object], dict[str, object]]:
    record = prepare({"name": "x", "sha256": "0" * 64, "report": report_record(report)})
    return record["report"], record["rows"]


def test_every_corpus_report_is_prepared_as_prepare_would() -> None:
    for path in corpus_files():
        report = gongkai.read_file(path)
        assert report_prepared(report) == _prepared_the_long_way(report), path.name


numbers = st.one_of(
    st.none(),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),  # not an int to the encoder: kept whole, as any odd value
)
places = st.one_of(
    st.none(),
    st.builds(
        SourcePlace,
        line=numbers,
        start=numbers,
        end=numbers,
        page=numbers,
        bbox=st.one_of(st.none(), st.tuples(numbers, numbers, numbers, numbers), st.tuples(numbers)),
        confidence=numbers,
    ),
)
placements = st.one_of(
    st.none(),
    st.builds(
        Placement,
        st.sampled_from(list(PlacedBy)),
        st.one_of(st.none(), st.floats(allow_nan=True), st.integers(0, 100)),
        st.one_of(st.none(), st.just(""), st.text(max_size=5)),
    ),
)
corrections = st.one_of(
    st.none(),
    st.builds(
        Correction,
        st.one_of(st.none(), st.integers(0, 99), st.just(Decimal("1.50"))),
        st.one_of(st.none(), st.sampled_from(list(CellState))),
        st.text(max_size=4),
        st.one_of(st.none(), st.just("王")),
        st.one_of(st.none(), st.just(datetime(2025, 1, 2, 3, 4))),
    ),
)
cells = st.builds(
    Cell,
    st.just("fmt.applications.new"),
    st.one_of(st.none(), st.integers(-(10**18), 10**18), st.just(Decimal("12.50")), st.just(Decimal("1E+3"))),
    st.one_of(st.none(), st.just("12"), st.just("12.50"), st.text(max_size=4)),
    st.sampled_from(list(CellState)),
    places,
    st.one_of(st.none(), st.just("万元")),
    placements,
    corrections,
)


@settings(max_examples=600, deadline=None)
@given(cells, st.integers(0, 300))
def test_a_cell_of_any_shape_is_stored_as_the_general_path_stores_it(cell: Cell, seq: int) -> None:
    assert _stored(cell, seq) == stored_cell(cell_row(cell), seq)
