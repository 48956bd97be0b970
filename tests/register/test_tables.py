"""Tables 三 and 四 from the register: by construction, equal to a direct count, passed by the checker.

A demo register of several thousand applications over 2024–2026 (every path of the law) gives
tables that pass every arithmetic rule and every cross-year rule of ``gongkai.check``, equal a count
made application by application from the clock's state on 31 December, and carry each year's
结转下年度 into the next year's 上年结转.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache

import pytest

from gongkai.check import RULES, check
from gongkai.formats import FORMAT_2021
from gongkai.register.clock import state
from gongkai.register.demo import DemoSpec, demo_register
from gongkai.register.events import CLOSING, T3, T4, Application, Channel, EventKind
from gongkai.register.policy import AppealCounting, Policy
from gongkai.register.tables import YearTables, table_cells, year_tables

from .walk import AGENCY, CAL, case

YEARS = (2024, 2025, 2026)
EVERYTHING = date.max
TABLE_RULES = {
    rid for rid, r in RULES.items() if r.function.__module__.rsplit(".", 1)[-1] in ("arithmetic", "crossyear")
}


@cache
def demo() -> tuple[Application, ...]:
    return tuple(demo_register(DemoSpec(applications=4000, years=YEARS, seed=11)))


@cache
def tables(year: int) -> YearTables:
    return year_tables(demo(), year, AGENCY)


def test_the_demo_walks_every_path_of_the_law() -> None:
    apps = demo()
    kinds = Counter(e.kind for a in apps for e in a.events)
    assert set(kinds) == set(EventKind) - {EventKind.VOIDED}
    assert {a.channel for a in apps} == set(Channel)
    outcomes = Counter(state(a, date(2026, 12, 31), CAL, known=EVERYTHING).outcome for a in apps)
    assert {r.id for r in T3.outcomes} <= set(outcomes)
    assert {a.applicant.column for a in apps} == {c.id for c in T3.applicants}
    assert len(apps) == 4000 and len({a.id for a in apps}) == 4000


def test_the_demo_is_seeded() -> None:
    again = demo_register(DemoSpec(applications=4000, years=YEARS, seed=11))
    assert tuple(again) == demo()
    other = demo_register(DemoSpec(applications=4000, years=YEARS, seed=12))
    assert tuple(other) != demo()


@pytest.mark.parametrize("year", YEARS)
def test_every_cell_of_tables_three_and_four_is_present_with_the_ids_of_gongkai_read(year: int) -> None:
    result = tables(year)
    assert list(result.cells) == table_cells()
    assert set(result.cells) == set(FORMAT_2021.table(T3.table).cell_ids()) | set(
        FORMAT_2021.table(T4.table).cell_ids()
    )
    data = result.to_json()
    assert data["cells"][T3.cell(T3.new)]["value"] == result.value(T3.cell(T3.new)) > 0  # type: ignore[index]


@pytest.mark.parametrize("year", YEARS)
def test_the_checker_finds_no_arithmetic_or_cross_year_fault(year: int) -> None:
    report = tables(year).report()
    previous = tables(year - 1).report() if year > YEARS[0] else None
    faults = [f for f in check(report, previous) if f.rule in TABLE_RULES]
    assert not faults, [f.message for f in faults]
    assert {"balance", "row-total", "column-total", "appeal-total"} <= TABLE_RULES


@pytest.mark.parametrize("year", YEARS)
def test_tables_equal_a_direct_count_from_each_applications_state(year: int) -> None:
    result = tables(year)
    new: Counter[str] = Counter()
    carried: Counter[str] = Counter()
    forward: Counter[str] = Counter()
    closed: Counter[tuple[str, str]] = Counter()
    for app in demo():
        before = state(app, date(year - 1, 12, 31), CAL, known=EVERYTHING)
        end = state(app, date(year, 12, 31), CAL, known=EVERYTHING)
        col = app.applicant.column
        if end.receipt is not None and end.receipt.year == year:
            new[col] += 1
        if before.open:
            carried[col] += 1
        if end.open:
            forward[col] += 1
        if end.outcome is not None and end.closed is not None and end.closed.year == year and end.receipt:
            closed[(end.outcome, col)] += 1
    for col in T3.applicants:
        assert result.value(T3.cell(T3.new, col)) == new[col.id]
        assert result.value(T3.cell(T3.carried, col)) == carried[col.id]
        assert result.value(T3.cell(T3.carry_forward, col)) == forward[col.id]
        for row in T3.outcomes:
            assert result.value(T3.cell(row, col)) == closed[(row.id, col.id)]
    assert result.value(T3.cell(T3.new)) == sum(new.values())


def test_each_years_carried_equals_the_previous_years_carry_forward() -> None:
    assert tables(2024).value(T3.cell(T3.carried)) == 0  # the register starts on 1 January 2024
    for year in YEARS[1:]:
        for col in T3.columns:
            assert tables(year).value(T3.cell(T3.carried, col)) == tables(year - 1).value(
                T3.cell(T3.carry_forward, col)
            )
            assert (
                tables(year).cells[T3.cell(T3.carried, col)] == tables(year - 1).cells[T3.cell(T3.carry_forward, col)]
            )


@pytest.mark.parametrize("year", YEARS)
def test_every_closed_application_is_in_exactly_one_outcome_row(year: int) -> None:
    result = tables(year)
    seen = Counter(app for row in T3.outcomes for app in result.cells[T3.cell(row)])
    assert seen and set(seen.values()) == {1}
    assert sorted(seen) == result.cells[T3.cell(T3.total)]


def test_table_four_counts_appeals_by_the_year_filed_with_results_as_of_31_december() -> None:
    filed_2026 = [(a.id, e) for a in demo() for e in a.events if e.kind is EventKind.APPEAL_FILED and e.on.year == 2026]
    result = tables(2026)
    assert sum(result.value(T4.cell(g)) for g in T4.groups) == len(filed_2026) > 0
    assert sum(result.value(T4.cell(g, T4.results[3])) for g in T4.groups) > 0  # some still pending at year end


def test_a_drilled_cell_names_the_applications_behind_it() -> None:
    apps = [
        case(  # carried into 2026, answered in January
            date(2025, 12, 30), (EventKind.DECIDED, date(2026, 1, 12), {"outcome": T3.granted.id}), number="2025-00001"
        ),
        case(
            date(2026, 3, 2),
            (EventKind.DECIDED, date(2026, 3, 20), {"outcome": CLOSING.partial.id}),
            number="2026-00001",
        ),
        case(date(2026, 12, 28), number="2026-00002", column=T3.organisations[0].id),  # carried forward
        case(date(2026, 5, 6), (EventKind.WITHDRAWN, date(2026, 5, 7)), number="2026-00003"),
        case(date(2026, 9, 15), channel=Channel.POST_UNSIGNED, number="2026-00004"),  # never confirmed: no receipt
    ]
    result = year_tables(apps, 2026, AGENCY)
    assert result.cells[T3.cell(T3.carried)] == ["2025-00001"]
    assert result.cells[T3.cell(T3.new)] == ["2026-00001", "2026-00002", "2026-00003"]
    assert result.cells[T3.cell(CLOSING.partial)] == ["2026-00001"]
    assert result.cells[T3.cell(CLOSING.other)] == ["2026-00003"]
    assert result.cells[T3.cell(T3.granted)] == ["2025-00001"]
    assert result.cells[T3.cell(T3.carry_forward, T3.organisations[0])] == ["2026-00002"]
    assert result.value(T3.cell(T3.total)) == 3
    previous = year_tables(apps, 2025, AGENCY)
    assert previous.cells[T3.cell(T3.carry_forward)] == ["2025-00001"]


def test_appeals_counted_by_the_active_policy() -> None:
    app = case(
        date(2025, 10, 9),
        (EventKind.DECIDED, date(2025, 10, 20), {"outcome": T3.granted.id}),
        (EventKind.APPEAL_FILED, date(2025, 12, 1), {"route": T4.review.id}),
        (EventKind.APPEAL_DECIDED, date(2026, 2, 1), {"result": T4.corrected.id, "refers": "2"}),
    )
    filed = Policy(appeals=AppealCounting.FILED)
    active = Policy(appeals=AppealCounting.ACTIVE)
    pending = T4.results[3]
    assert year_tables([app], 2025, AGENCY, filed).value(T4.cell(T4.review, pending)) == 1
    assert year_tables([app], 2026, AGENCY, filed).value(T4.cell(T4.review)) == 0
    assert year_tables([app], 2025, AGENCY, active).value(T4.cell(T4.review, pending)) == 1
    assert year_tables([app], 2026, AGENCY, active).value(T4.cell(T4.review, T4.corrected)) == 1


def test_the_policies_are_stated_in_the_notes() -> None:
    notes = tables(2025).notes
    assert any("起算日" in n for n in notes) and any("收费" in n for n in notes) and any("复议" in n for n in notes)


def test_a_register_across_2026_and_2027_balances_and_never_fails() -> None:
    apps = demo_register(DemoSpec(applications=1500, years=(2026, 2027), seed=27))
    t26, t27 = year_tables(apps, 2026, AGENCY), year_tables(apps, 2027, AGENCY)
    assert t27.value(T3.cell(T3.carried)) == t26.value(T3.cell(T3.carry_forward)) > 0
    faults = [f for f in check(t27.report(), t26.report()) if f.rule in TABLE_RULES]
    assert not faults, [f.message for f in faults]
    # the clock of every application computes on any day of the two years; those touching 2027 are provisional
    for day in (date(2026, 12, 31), date(2027, 6, 30), date(2027, 12, 31)):
        states = [state(a, day, CAL) for a in apps]
        running = [s for s in states if s.open and s.due is not None]
        assert running and all(s.provisional == (s.due.year >= 2027 or s.start.year >= 2027) for s in running)  # type: ignore[union-attr]
