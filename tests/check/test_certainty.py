"""Publisher errors only on cells read with certainty (issue 9 §1).

A broken identity whose cells were all placed by their own labels or slots is the publisher's
arithmetic (balance, row-total, column-total, appeal-total: errors). The same identity broken
around a cell the reader inferred (row order, a glued-digit split, a sparse placement) or read
by OCR with low confidence may be the reader's fault: it is a warning that names those cells.
"""

from __future__ import annotations

import pytest

from gongkai.check import Severity, check
from gongkai.document import SourcePlace
from gongkai.formats import FORMAT_2019, FORMAT_2021, AppealsView, ApplicationsView
from gongkai.model import CellState, Number, PlacedBy, Placement, Report

from .build import make_report

_t3, _t4 = FORMAT_2021.applications, FORMAT_2021.appeals
assert _t3 is not None and _t4 is not None
T3: ApplicationsView = _t3
T4: AppealsView = _t4
ARITHMETIC = ("balance", "row-total", "column-total", "appeal-total")
GUESSES = (PlacedBy.ORDER, PlacedBy.GLUED, PlacedBy.SPARSE)
SURE = (PlacedBy.LABEL, PlacedBy.VARIANT, PlacedBy.FUZZY, PlacedBy.PREFIX, PlacedBy.FALLBACK, PlacedBy.POSITION)


Values = dict[str, Number | None]


def consistent() -> Values:
    """Table 三 and 四 values whose every identity holds: 5 new + 1 carried = 5 closed + 1 forward."""
    values: Values = {}
    rows = {T3.new: 5, T3.carried: 1, T3.granted: 4, T3.outcomes[-1]: 1, T3.total: 5, T3.carry_forward: 1}
    for row, n in rows.items():
        values[T3.cell(row, T3.person)] = values[T3.cell(row)] = n
    values[T4.cell(T4.review, T4.results[0])] = values[T4.cell(T4.review)] = 2
    return values


def broken_balance() -> Values:
    """结转下年度 one too many in 自然人 and 总计, its own row still adding up: only 勾稽关系 breaks."""
    values = consistent()
    values[T3.cell(T3.carry_forward, T3.person)] = values[T3.cell(T3.carry_forward)] = 2
    return values


def by_rule(report: Report) -> dict[str, list]:  # type: ignore[type-arg]
    out: dict[str, list] = {}  # type: ignore[type-arg]
    for f in check(report):
        out.setdefault(f.rule, []).append(f)
    return out


def placed(report: Report, cid: str, by: PlacedBy, evidence: str | None = "唯一符合合计的读法") -> Report:
    cell = report.cells[cid]
    cell.placement = Placement(by, evidence=evidence)
    if by in GUESSES:
        cell.state = CellState.INFERRED
    return report


def test_the_consistent_tables_have_no_arithmetic_finding() -> None:
    found = by_rule(make_report(values=consistent()))
    assert not any(rule in found for rule in (*ARITHMETIC, "reading-uncertain"))


def test_a_broken_balance_read_with_certainty_is_the_publishers() -> None:
    found = by_rule(make_report(values=broken_balance()))
    assert {f.cells[0] for f in found["balance"]} == {T3.cell(T3.new, T3.person), T3.cell(T3.new)}
    assert all(f.severity is Severity.ERROR for f in found["balance"])
    assert "reading-uncertain" not in found


@pytest.mark.parametrize("by", GUESSES, ids=lambda b: b.value)
def test_the_same_balance_broken_on_an_inferred_cell_is_a_reading_problem(by: PlacedBy) -> None:
    inferred = T3.cell(T3.carry_forward, T3.person)
    report = placed(make_report(values=broken_balance()), inferred, by)
    found = by_rule(report)
    # the 自然人 column's balance rests on the inferred cell: no publisher error there
    assert T3.cell(T3.new, T3.person) not in {c for f in found.get("balance", []) for c in f.cells}
    (uncertain,) = found["reading-uncertain"]
    assert uncertain.cells == (inferred,) and uncertain.severity is Severity.WARNING
    assert "推断" in uncertain.message and "唯一符合合计的读法" in uncertain.message
    assert by.zh in uncertain.message
    # the 总计 column's balance does not touch it and stays the publisher's
    assert [f.cells[0] for f in found["balance"]] == [T3.cell(T3.new)]


def test_every_identity_through_inferred_cells_becomes_reading_uncertain() -> None:
    report = make_report(values=broken_balance())
    for col in (T3.person, T3.total_column):
        placed(report, T3.cell(T3.carry_forward, col), PlacedBy.ORDER)
    found = by_rule(report)
    assert not any(rule in found for rule in ARITHMETIC)
    assert {c for f in found["reading-uncertain"] for c in f.cells} == {
        T3.cell(T3.carry_forward, T3.person),
        T3.cell(T3.carry_forward),
    }


@pytest.mark.parametrize("by", SURE, ids=lambda b: b.value)
def test_cells_placed_by_their_label_or_slot_are_certain(by: PlacedBy) -> None:
    report = placed(make_report(values=broken_balance()), T3.cell(T3.carry_forward, T3.person), by, None)
    found = by_rule(report)
    assert len(found["balance"]) == 2 and "reading-uncertain" not in found


def test_an_inferred_cell_in_identities_that_hold_gives_nothing() -> None:
    report = placed(make_report(values=consistent()), T3.cell(T3.granted, T3.person), PlacedBy.GLUED)
    assert "reading-uncertain" not in by_rule(report)


@pytest.mark.parametrize(
    ("rule", "changed", "value"),
    [
        ("row-total", T3.cell(T3.granted), 5),  # 予以公开 4 applicants, 总计 5 (and so the 总计 column)
        ("column-total", T3.cell(T3.granted, T3.person), 5),  # 自然人 outcomes 6, （七）总计 5 (and the row)
        ("appeal-total", T4.cell(T4.review, T4.results[0]), 3),  # 行政复议 维持 3, 总计 2
    ],
)
def test_totals_broken_on_an_inferred_cell_are_reading_problems(rule: str, changed: str, value: int) -> None:
    values: Values = {**consistent(), changed: value}
    assert rule in by_rule(make_report(values=values))
    found = by_rule(placed(make_report(values=values), changed, PlacedBy.GLUED))
    assert rule not in found
    assert {c for f in found["reading-uncertain"] for c in f.cells} == {changed}
    assert not [f for fs in found.values() for f in fs if f.severity is Severity.ERROR]


def test_an_ocr_cell_of_low_confidence_is_not_a_publisher_error() -> None:
    report = make_report(values=broken_balance())
    cell = report.cells[T3.cell(T3.carry_forward, T3.person)]
    cell.place = SourcePlace(page=3, bbox=(1, 2, 3, 4), confidence=0.5)
    found = by_rule(report)
    assert T3.cell(T3.new, T3.person) not in {c for f in found.get("balance", []) for c in f.cells}
    assert [f.cells for f in found["ocr-uncertain"]] == [(cell.id,)]
    cell.place = SourcePlace(page=3, bbox=(1, 2, 3, 4), confidence=0.99)
    assert len(by_rule(report)["balance"]) == 2


def test_the_2019_format_holds_the_same() -> None:
    t3 = FORMAT_2019.applications
    assert t3 is not None
    values: Values = {t3.cell(t3.new): 3, t3.cell(t3.new, t3.person): 3, t3.cell(t3.total): 2}
    values[t3.cell(t3.total, t3.person)] = values[t3.cell(t3.granted)] = values[t3.cell(t3.granted, t3.person)] = 2
    report = make_report("2019", values, year=2020)
    assert "balance" in by_rule(report)
    placed(report, t3.cell(t3.new, t3.person), PlacedBy.GLUED)
    placed(report, t3.cell(t3.new), PlacedBy.GLUED)
    found = by_rule(report)
    assert "balance" not in found and "reading-uncertain" in found


# --- the placement as the model and JSON show it --------------------------------------------------


def test_placement_certainty_and_json() -> None:
    assert {by for by in PlacedBy if not by.certain} == set(GUESSES)
    assert all(by.zh for by in PlacedBy)
    report = placed(make_report(values=consistent()), T3.cell(T3.new, T3.person), PlacedBy.ORDER, "按行序")
    cell = report.cells[T3.cell(T3.new, T3.person)]
    assert not cell.certain
    assert cell.to_json()["placement"] == {"by": "order", "certain": False, "evidence": "按行序"}
    fuzzy = Placement(PlacedBy.FUZZY, score=78.571)
    assert fuzzy.certain and fuzzy.to_json() == {"by": "fuzzy", "certain": True, "score": 78.6}
    absent = report.cells[T3.cell(T3.new, T3.organisations[0])]
    absent.placement = None
    assert absent.certain and absent.to_json()["placement"] is None
