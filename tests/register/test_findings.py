"""Overdue and due-soon applications, and the 复议前置 warning, as the checker's findings on a date.

Due dates worked by hand on the 2026 calendar: received 15 September 2026 (Tuesday), 20 working
days with the make-up Sunday 20 September, 中秋 25 September and 国庆 1–7 October off and the
make-up Saturday 10 October worked → 19 October.
"""

from __future__ import annotations

from datetime import date

from gongkai.check.finding import Finding, Severity
from gongkai.register.clock import state
from gongkai.register.events import CLOSING, T3, T4, EventKind
from gongkai.register.findings import (
    DUE_SOON,
    OVERDUE,
    OVERDUE_EARLIER,
    REVIEW_FIRST_RULE,
    register_findings,
    state_findings,
)

from .walk import CAL, case

RECEIVED = date(2026, 9, 15)


def test_an_overdue_application_is_an_error_naming_it_its_due_date_and_days_overdue() -> None:
    app = case(RECEIVED)
    (found,) = register_findings([app], date(2026, 10, 22), CAL)
    assert isinstance(found, Finding)
    assert (found.rule, found.severity, found.cells) == (OVERDUE, Severity.ERROR, ("2026-00001",))
    assert "2026-00001" in found.message and "2026-10-19" in found.message
    assert "3 个工作日" in found.message and "（3 天）" in found.message
    assert found.evidence["working_days_overdue"] == 3 and found.evidence["due"] == "2026-10-19"


def test_due_soon_within_n_working_days() -> None:
    app = case(RECEIVED)
    (found,) = register_findings([app], date(2026, 10, 15), CAL)
    assert found.rule == DUE_SOON and found.severity is Severity.WARNING
    assert "剩余 2 个工作日" in found.message and "2026-10-19" in found.message
    assert register_findings([app], date(2026, 10, 15), CAL, within=1) == []
    assert register_findings([app], date(2026, 10, 19), CAL)[0].rule == DUE_SOON  # the due day itself: 0 left


def test_the_fingerprint_stays_while_the_application_stays_overdue() -> None:
    app = case(RECEIVED)
    first = register_findings([app], date(2026, 10, 20), CAL)[0]
    later = register_findings([app], date(2026, 11, 20), CAL)[0]
    assert first.fingerprint == later.fingerprint and first.message != later.message


def test_an_answered_application_is_no_finding_and_nor_is_one_answered_late() -> None:
    answered = case(RECEIVED, (EventKind.DECIDED, date(2026, 10, 16), {"outcome": T3.granted.id}))
    late = case(RECEIVED, (EventKind.DECIDED, date(2026, 10, 21), {"outcome": T3.granted.id}), number="2026-00002")
    assert register_findings([answered, late], date(2026, 11, 2), CAL) == []


def test_the_earlier_reading_of_a_holiday_start_day_warns_first() -> None:
    app = case(date(2026, 9, 25))  # 中秋: stepped 29 October, moved 30 October
    (found,) = register_findings([app], date(2026, 10, 30), CAL)
    assert found.rule == OVERDUE_EARLIER and "2026-10-29" in found.message and "2026-10-30" in found.message
    assert register_findings([app], date(2026, 11, 2), CAL)[0].rule == OVERDUE


def test_a_deadline_in_2027_is_marked_provisional_in_the_message() -> None:
    app = case(date(2026, 12, 21))  # due 19 January 2027 by rule
    (found,) = register_findings([app], date(2027, 1, 20), CAL)
    assert found.rule == OVERDUE and "暂定" in found.message and found.evidence["provisional"] is True


def test_a_refusal_taken_to_court_without_review_warns_of_the_review_first_rule() -> None:
    withheld = CLOSING.withheld[0].id
    direct = case(
        date(2026, 3, 2),
        (EventKind.DECIDED, date(2026, 3, 20), {"outcome": withheld}),
        (EventKind.APPEAL_FILED, date(2026, 4, 10), {"route": T4.suits[0].id}),
    )
    reviewed = case(
        date(2026, 3, 2),
        (EventKind.DECIDED, date(2026, 3, 20), {"outcome": withheld}),
        (EventKind.APPEAL_FILED, date(2026, 4, 10), {"route": T4.review.id}),
        number="2026-00002",
    )
    found = register_findings([direct, reviewed], date(2026, 5, 1), CAL)
    assert [(f.rule, f.cells) for f in found] == [(REVIEW_FIRST_RULE, ("2026-00001",))]
    assert "行政复议法第二十三条" in found[0].message and "2026-04-10" in found[0].message
    st = state(direct, date(2026, 5, 1), CAL)
    assert any("复议前置" in w for w in st.warnings)  # the clock says the same


def test_findings_are_sorted_errors_first() -> None:
    overdue = case(date(2026, 9, 1), number="2026-00002")
    soon = case(RECEIVED)
    found = register_findings([soon, overdue], date(2026, 10, 15), CAL)
    assert [f.rule for f in found] == [OVERDUE, DUE_SOON]


def test_events_entered_later_are_left_out_unless_asked_for() -> None:
    app = case(RECEIVED, (EventKind.DECIDED, date(2026, 10, 16), {"outcome": T3.granted.id, "recorded": "2026-10-26"}))
    assert [f.rule for f in register_findings([app], date(2026, 10, 22), CAL)] == [OVERDUE]
    assert register_findings([app], date(2026, 10, 22), CAL, known=date.max) == []
    assert state_findings(state(app, date(2026, 10, 22), CAL, known=date.max)) == []
