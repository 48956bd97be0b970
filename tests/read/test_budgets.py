"""The reader's budgets on hostile cell text: glued-digit runs, giant numbers, digits that are not ASCII.

Each case is a real seed report with one row's numbers replaced by the hostile text, so the
rest of the report shows the reader went on reading around it.
"""

from __future__ import annotations

import time

import pytest

from gongkai.api import read_and_check_bytes
from gongkai.limits import Limits
from gongkai.model import CellState
from gongkai.read.fields import Field
from gongkai.read.glued import splits
from gongkai.read.values import Kind, parse_value

from ..conftest import CORPUS, shared_or_skip

SEED = CORPUS / "seeds" / "000_6e817ece59bf6a07.txt"
RULES_ROW = "规章 0 -1 0"
OUTCOME_ROW = "（一）予以公开 50 4 0 0 0 0 54"


def _seed_with(old: str, new: str) -> bytes:
    text = shared_or_skip(SEED).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new).encode("utf-8")


def _field(text: str) -> Field:
    return Field(text, 0, len(text), parse_value(text))


def test_a_run_longer_than_the_digit_budget_is_not_tried() -> None:
    run = _field("1" * 65)
    assert splits([run], 7, 20000) is None
    assert splits([_field("1" * 20)], 7, 20000, Limits(max_glued_digits=19)) is None
    assert splits([_field("1" * 12)], 7, 10**9) is not None  # within both budgets, it is enumerated


def test_the_split_search_stops_after_its_work_budget_however_few_splits_it_found() -> None:
    run = [_field("1010"), _field("111")]
    assert splits(run, 5, 10**9, Limits(max_glued_work=5)) is None
    assert splits(run, 5, 10**9) is not None
    started = time.perf_counter()
    assert splits([_field("1" * 64)], 15, 10**12) is None  # 64 choose 14 ways: the step budget ends it
    print(f"step budget reached in {time.perf_counter() - started:.2f} s")


@pytest.mark.parametrize("digits", [40, 64, 100, 300])
def test_a_long_glued_run_in_table_three_leaves_its_cells_unread_quickly(digits: int) -> None:
    data = _seed_with(OUTCOME_ROW, "（一）予以公开 " + "1" * digits)
    started = time.perf_counter()
    report, _ = read_and_check_bytes(data, "glued.txt")
    seconds = time.perf_counter() - started
    assert report.format is not None and report.format.id == "2021"
    applications = report.format.applications
    assert applications is not None
    assert report.cells[applications.cell(applications.outcomes[0])].state is CellState.ABSENT
    assert report.cells["proactive.normative.issued"].value == 9  # the rest is still read
    print(f"{digits} glued digits: read and checked in {seconds:.2f} s")


@pytest.mark.parametrize("number", ["9" * 45, "9" * 5000, "1" * 19])
def test_a_number_too_long_for_any_count_is_kept_as_text_and_the_cell_unread(number: str) -> None:
    report, _ = read_and_check_bytes(_seed_with(RULES_ROW, "规章 1 2 " + number), "long.txt")
    cell = report.cells["proactive.rules.in_force"]
    assert cell.value is None and cell.state is CellState.ABSENT
    assert report.cells["proactive.normative.issued"].value == 9  # the next row is still read


def test_digits_that_are_not_ascii_are_normalised_or_refused_never_crash() -> None:
    assert parse_value("²").value == 2  # NFKC makes it an ASCII digit
    assert parse_value("⑤").kind is Kind.NUMBER
    assert parse_value("١٢").kind is Kind.TEXT  # Arabic-Indic digits are no count of a Chinese table
    report, _ = read_and_check_bytes(_seed_with(RULES_ROW, "规章 1⑤²3 ٣ 2"), "digits.txt")
    assert report.format is not None
    assert splits([_field("1٣2")], 2, 100) in (None, [])
