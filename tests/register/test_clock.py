"""Real cases walked through every path of the law, each due date worked out by hand.

2026 (State Council notice, via chinese-calendar): 春节 02-15…02-23 off with make-up Saturdays 02-14
and 02-28; 清明 04-04…04-06; 劳动节 05-01…05-05 with make-up Saturday 05-09; 中秋 09-25…09-27 with
make-up Sunday 09-20; 国庆 10-01…10-07 with make-up Saturday 10-10. 2027: provisional (rule-based).
"""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.register.clock import Status, state
from gongkai.register.events import CLOSING, T3, T4, Channel, EventKind
from gongkai.register.policy import Policy

from .walk import CAL, case

K = EventKind
D = date


def test_a_plain_email_application_is_due_20_working_days_after_receipt() -> None:
    # 2026-09-15 + 20 = 2026-10-19 (domain vector)
    app = case(D(2026, 9, 15))
    st = state(app, D(2026, 9, 15), CAL)
    assert st.status is Status.RUNNING and st.receipt == D(2026, 9, 15)
    assert st.due == st.due_earlier == D(2026, 10, 19) and not st.provisional
    assert st.days_left == 20 and not st.warnings
    # on Friday 10-16 one working day is left: Monday 10-19
    assert state(app, D(2026, 10, 16), CAL).days_left == 1
    late = state(app, D(2026, 10, 20), CAL)
    assert late.overdue and late.days_left == -1 and any("已逾期" in w for w in late.warnings)


def test_answered_in_time_and_late() -> None:
    on_time = case(
        D(2026, 9, 15),
        (K.DECIDED, D(2026, 10, 16), {"outcome": T3.granted.id}),
        (K.DELIVERED, D(2026, 10, 19), {"method": "post"}),
    )
    st = state(on_time, D(2026, 12, 31), CAL)
    assert st.status is Status.CLOSED and st.outcome == T3.granted.id and st.answered == D(2026, 10, 19)
    assert not st.late and not st.warnings
    late = case(
        D(2026, 9, 15),
        (K.DECIDED, D(2026, 10, 19), {"outcome": T3.granted.id}),
        (K.DELIVERED, D(2026, 10, 20), {"method": "post"}),  # handed to the post office a day late
    )
    st = state(late, D(2026, 12, 31), CAL)
    assert st.late and any("逾期答复" in w for w in st.warnings)


def test_same_day_answer_in_person() -> None:
    app = case(D(2026, 9, 15), (K.DECIDED, D(2026, 9, 15), {"outcome": T3.granted.id}), channel=Channel.IN_PERSON)
    st = state(app, D(2026, 9, 15), CAL)
    assert st.status is Status.CLOSED and st.closed == st.answered == D(2026, 9, 15) and not st.late


def test_unsigned_post_has_no_clock_until_confirmed() -> None:
    app = case(
        D(2026, 9, 15),
        (K.CONTACT_ATTEMPT, D(2026, 9, 15), {"note": "电话未接通"}),
        (K.CONFIRMED, D(2026, 9, 17)),
        channel=Channel.POST_UNSIGNED,
    )
    before = state(app, D(2026, 9, 16), CAL)
    assert before.status is Status.AWAITING_RECEIPT and before.receipt is None and before.due is None
    assert "已联系 1 次" in before.pending[0].what
    # from 09-17: 09-18 (1), Sunday 09-20 make-up (2), 09-21…24 (6), 09-28…30 (9), 10-08/09, Saturday 10-10 (12),
    # 10-12…16 (17), 10-19/20/21 (20)
    after = state(app, D(2026, 9, 17), CAL)
    assert after.receipt == D(2026, 9, 17) and after.due == D(2026, 10, 21)


@pytest.mark.parametrize("channel", [Channel.IN_PERSON, Channel.POST_SIGNED, Channel.EMAIL])
def test_channels_whose_receipt_is_the_arrival(channel: Channel) -> None:
    assert state(case(D(2026, 9, 15), channel=channel), D(2026, 9, 15), CAL).receipt == D(2026, 9, 15)


@pytest.mark.parametrize("channel", [Channel.FAX, Channel.OTHER_UNIT, Channel.ONLINE])
def test_channels_that_wait_for_confirmation(channel: Channel) -> None:
    assert state(case(D(2026, 9, 15), channel=channel), D(2026, 9, 20), CAL).receipt is None


def test_online_by_the_agencys_published_rule() -> None:
    policy = Policy(online_needs_confirmation=False)
    st = state(case(D(2026, 9, 15), channel=Channel.ONLINE), D(2026, 9, 15), CAL, policy)
    assert st.receipt == D(2026, 9, 15) and st.due == D(2026, 10, 19)


def test_received_on_a_make_up_saturday() -> None:
    # Saturday 2026-10-10 is a working day: one reading; 10-12…16 (5), 10-19…23 (10), 10-26…30 (15), 11-02…06 (20)
    st = state(case(D(2026, 10, 10)), D(2026, 10, 10), CAL)
    assert st.due == st.due_earlier == D(2026, 11, 6) and not st.warnings


def test_received_on_a_holiday_shows_the_later_date_and_warns_by_the_earlier() -> None:
    app = case(D(2026, 9, 25))  # 中秋
    st = state(app, D(2026, 9, 25), CAL)
    assert st.due == D(2026, 10, 30) and st.due_earlier == D(2026, 10, 29)
    assert any("另一读法" in w for w in st.warnings)
    between = state(app, D(2026, 10, 30), CAL)
    assert not between.overdue and between.days_left == 0  # the later reading is the one shown …
    assert any("按较早读法已逾期" in w for w in between.warnings)  # … the earlier one warns


def test_correction_restarts_the_clock_from_zero() -> None:
    # received Thursday 2026-04-30; the notice is due within 7 working days: 2026-05-13 (domain vector)
    app = case(
        D(2026, 4, 30),
        (K.CORRECTION_REQUESTED, D(2026, 5, 13), {"reply_by": "2026-05-27"}),
        (K.CORRECTION_RECEIVED, D(2026, 5, 20)),
        channel=Channel.IN_PERSON,
    )
    waiting = state(app, D(2026, 5, 15), CAL)
    assert waiting.status is Status.CORRECTING and waiting.due is None
    assert waiting.pending[0].until == D(2026, 5, 27) and not waiting.warnings
    # restart on 05-20: 05-21/22 (2), 05-25…29 (7), 06-01…05 (12), 06-08…12 (17), 06-15/16/17 (20)
    restarted = state(app, D(2026, 5, 20), CAL)
    assert restarted.status is Status.RUNNING and restarted.start == D(2026, 5, 20)
    assert restarted.due == D(2026, 6, 17)


def test_a_late_or_second_correction_notice_warns() -> None:
    late = case(D(2026, 4, 30), (K.CORRECTION_REQUESTED, D(2026, 5, 14), {"reply_by": "2026-05-27"}))
    assert any("7 个工作日" in w and "2026-05-13" in w for w in state(late, D(2026, 5, 15), CAL).warnings)
    twice = case(
        D(2026, 4, 30),
        (K.CORRECTION_REQUESTED, D(2026, 5, 6), {"reply_by": "2026-05-20"}),
        (K.CORRECTION_REQUESTED, D(2026, 5, 8), {"reply_by": "2026-05-22"}),
    )
    assert any("只能告知一次" in w for w in state(twice, D(2026, 5, 15), CAL).warnings)


def test_correction_lapsed_closes_as_no_correction() -> None:
    app = case(
        D(2026, 4, 30),
        (K.CORRECTION_REQUESTED, D(2026, 5, 6), {"reply_by": "2026-05-20"}),
        (K.CORRECTION_LAPSED, D(2026, 5, 21)),
    )
    st = state(app, D(2026, 5, 21), CAL)
    assert st.status is Status.CLOSED and st.outcome == CLOSING.no_correction.id


def test_corrected_but_still_unclear() -> None:
    app = case(
        D(2026, 4, 30),
        (K.CORRECTION_REQUESTED, D(2026, 5, 6), {"reply_by": "2026-05-20"}),
        (K.CORRECTION_RECEIVED, D(2026, 5, 20)),
        (K.DECIDED, D(2026, 6, 1), {"outcome": CLOSING.unclear.id, "ground": "第三十条"}),
    )
    st = state(app, D(2026, 6, 2), CAL)
    assert st.outcome == CLOSING.unclear.id and st.due == D(2026, 6, 17) and not st.late


def test_third_party_consultation_answered_pauses_the_clock() -> None:
    # due 10-19 without pause; paused working days in (09-22, 09-29]: 09-23, 09-24, 09-28, 09-29 (09-25 中秋) = 4
    app = case(
        D(2026, 9, 15),
        (K.CONSULTATION_SENT, D(2026, 9, 22), {"party": "third_party"}),
        (K.CONSULTATION_ANSWERED, D(2026, 9, 29), {"refers": "1"}),
    )
    during = state(app, D(2026, 9, 24), CAL)
    assert during.status is Status.PAUSED and during.pending[0].until == D(2026, 10, 20)
    st = state(app, D(2026, 9, 30), CAL)
    assert st.status is Status.RUNNING and st.due == D(2026, 10, 23)


def test_third_party_consultation_lapsed_after_15_working_days() -> None:
    # lapse: 09-22 + 15 = 10-20 (09-23/24, 09-28…30, 10-08/09/10, 10-12…16, 10-19/20);
    # 6 days counted before the pause (09-16…18, 09-20, 09-21, 09-22), 14 after: 10-21…23, 10-26…30, 11-02…06, 11-09
    app = case(
        D(2026, 9, 15),
        (K.CONSULTATION_SENT, D(2026, 9, 22), {"party": "third_party"}),
        (K.CONSULTATION_LAPSED, D(2026, 10, 20), {"refers": "1"}),
    )
    assert state(app, D(2026, 10, 1), CAL).due == D(2026, 11, 9)  # while open: to the lapse by law
    assert state(app, D(2026, 10, 21), CAL).due == D(2026, 11, 9)


def test_agency_consultation_across_the_spring_festival() -> None:
    # received 02-10: due 03-16; paused (02-12, 03-02]: 02-13, Sat 02-14, 02-24…27, Sat 02-28, 03-02 = 8 working days;
    # 03-16 + 8 = 03-26
    app = case(
        D(2026, 2, 10),
        (K.CONSULTATION_SENT, D(2026, 2, 12), {"party": "agency"}),
        (K.CONSULTATION_ANSWERED, D(2026, 3, 2), {"refers": "1", "opinion": "同意"}),
    )
    assert state(app, D(2026, 3, 3), CAL).due == D(2026, 3, 26)


def test_extension_notified_in_time() -> None:
    # 2026-02-10 + 40 = 2026-04-14 (domain vector)
    app = case(D(2026, 2, 10), (K.EXTENSION, D(2026, 3, 10), {"days": "20"}))
    st = state(app, D(2026, 3, 11), CAL)
    assert st.extended and st.due == D(2026, 4, 14) and not st.warnings


def test_extension_notified_late_is_not_effective() -> None:
    app = case(D(2026, 2, 10), (K.EXTENSION, D(2026, 3, 17), {"days": "20"}))
    st = state(app, D(2026, 3, 20), CAL)
    assert not st.extended and st.due == D(2026, 3, 16) and st.overdue
    assert any("延期告知 2026-03-17 晚于原答复期限 2026-03-16" in w for w in st.warnings)


def test_extension_over_20_days_or_twice() -> None:
    app = case(
        D(2026, 2, 10), (K.EXTENSION, D(2026, 3, 2), {"days": "30"}), (K.EXTENSION, D(2026, 3, 3), {"days": "5"})
    )
    st = state(app, D(2026, 3, 4), CAL)
    assert st.due == D(2026, 4, 14)
    assert any("不得超过 20" in w for w in st.warnings) and any("只能一次" in w for w in st.warnings)


def test_art_35_custom_deadline_replaces_the_computed_one() -> None:
    app = case(
        D(2026, 9, 15), (K.CUSTOM_DEADLINE, D(2026, 9, 18), {"due": "2026-12-15", "reason": "申请数量明显超过合理范围"})
    )
    st = state(app, D(2026, 10, 20), CAL)
    assert st.custom_deadline and st.due == D(2026, 12, 15) and not st.overdue


def test_art_35_not_handled() -> None:
    app = case(D(2026, 9, 15), (K.DECIDED, D(2026, 9, 30), {"outcome": CLOSING.mass.id, "ground": "第三十五条"}))
    assert state(app, D(2026, 10, 1), CAL).outcome == CLOSING.mass.id


def test_fee_paid_pauses_the_clock_by_policy() -> None:
    app = case(D(2026, 9, 15), (K.FEE_NOTICE, D(2026, 9, 22), {"amount": "700"}), (K.FEE_PAID, D(2026, 9, 29)))
    waiting = state(app, D(2026, 9, 24), CAL)
    # pay within 20 working days: 09-23/24, 09-28…30, 10-08/09/10, 10-12…16, 10-19…23, 10-26/27
    assert waiting.status is Status.PAUSED and waiting.pending[0].until == D(2026, 10, 27)
    assert state(app, D(2026, 9, 30), CAL).due == D(2026, 10, 23)
    assert state(app, D(2026, 9, 30), CAL, Policy(fee_pauses_clock=False)).due == D(2026, 10, 19)


def test_fee_unpaid_closes_as_no_fee() -> None:
    app = case(D(2026, 9, 15), (K.FEE_NOTICE, D(2026, 9, 22), {"amount": "700"}), (K.FEE_LAPSED, D(2026, 10, 28)))
    st = state(app, D(2026, 10, 28), CAL)
    assert st.status is Status.CLOSED and st.outcome == CLOSING.no_fee.id


def test_withdrawal_goes_to_other() -> None:
    app = case(D(2026, 9, 15), (K.WITHDRAWN, D(2026, 9, 21), {"reason": "书面撤回"}))
    st = state(app, D(2026, 9, 21), CAL)
    assert st.outcome == CLOSING.other.id and state(app, D(2026, 9, 20), CAL).status is Status.RUNNING


@pytest.mark.parametrize("row", [r.id for r in T3.outcomes])
def test_each_outcome_row_closes_the_application(row: str) -> None:
    app = case(D(2026, 9, 15), (K.DECIDED, D(2026, 10, 9), {"outcome": row}))
    st = state(app, D(2026, 10, 9), CAL)
    assert st.status is Status.CLOSED and st.outcome == row and not st.late


def test_a_second_closing_event_is_not_counted_twice() -> None:
    app = case(
        D(2026, 9, 15),
        (K.DECIDED, D(2026, 10, 9), {"outcome": T3.granted.id}),
        (K.WITHDRAWN, D(2026, 10, 12)),
    )
    st = state(app, D(2026, 10, 12), CAL)
    assert st.outcome == T3.granted.id and any("只计第一个结果" in w for w in st.warnings)


def test_across_the_2026_2027_boundary_is_provisional() -> None:
    # corrected on Monday 2026-12-28: 12-29…31 (3), 2027-01-01 元旦 (rule), 01-04…08 (8), 01-11…15 (13),
    # 01-18…22 (18), 01-25/26 (20)
    app = case(
        D(2026, 12, 10),
        (K.CORRECTION_REQUESTED, D(2026, 12, 15), {"reply_by": "2027-01-05"}),
        (K.CORRECTION_RECEIVED, D(2026, 12, 28)),
    )
    st = state(app, D(2026, 12, 29), CAL)
    assert st.due == D(2027, 1, 26) and st.provisional
    waiting = state(app, D(2026, 12, 20), CAL)
    assert waiting.pending[0].provisional  # the applicant's reply-by day lies in 2027
    plain = state(case(D(2026, 12, 21)), D(2027, 1, 5), CAL)
    assert plain.due == D(2027, 1, 19) and plain.provisional and plain.days_left == 10


def test_what_was_shown_on_a_past_date_stays_what_it_was() -> None:
    # decided 10-16 as granted; on 10-20 the clerk corrects the entry to partial
    app = case(
        D(2026, 9, 15),
        (K.DECIDED, D(2026, 10, 16), {"outcome": T3.granted.id}),
        (K.DECIDED, D(2026, 10, 16), {"outcome": CLOSING.partial.id, "corrects": "1", "recorded": "2026-10-20"}),
    )
    assert state(app, D(2026, 10, 18), CAL).outcome == T3.granted.id
    assert state(app, D(2026, 10, 21), CAL).outcome == CLOSING.partial.id
    # an extension entered in error and voided afterwards
    voided = case(
        D(2026, 2, 10),
        (K.EXTENSION, D(2026, 3, 10), {"days": "20"}),
        (K.VOIDED, D(2026, 3, 10), {"corrects": "1", "recorded": "2026-03-12"}),
    )
    assert state(voided, D(2026, 3, 11), CAL).due == D(2026, 4, 14)
    assert state(voided, D(2026, 3, 13), CAL).due == D(2026, 3, 16)


def test_a_direct_lawsuit_against_a_refusal_warns_review_first() -> None:
    refused = CLOSING.withheld[0].id
    app = case(
        D(2026, 9, 15),
        (K.DECIDED, D(2026, 10, 9), {"outcome": refused}),
        (K.APPEAL_FILED, D(2026, 11, 2), {"route": T4.suits[0].id, "case": "（2026）行初1号"}),
        (K.APPEAL_DECIDED, D(2026, 12, 20), {"route": "", "result": T4.decided[0].id, "refers": "2"}),
    )
    st = state(app, D(2026, 12, 1), CAL)
    assert [a.result for a in st.appeals] == [None] and any("复议前置" in w for w in st.warnings)
    assert state(app, D(2026, 12, 31), CAL).appeals[0].result == T4.decided[0].id
    granted = case(
        D(2026, 9, 15),
        (K.DECIDED, D(2026, 10, 9), {"outcome": T3.granted.id}),
        (K.APPEAL_FILED, D(2026, 11, 2), {"route": T4.suits[0].id}),
    )
    assert not state(granted, D(2026, 12, 1), CAL).warnings


def test_before_it_arrived_an_application_is_nothing_yet() -> None:
    st = state(case(D(2026, 9, 15)), D(2026, 9, 14), CAL)
    assert st.status is Status.NOT_ARRIVED and not st.open and st.receipt is None and st.due is None
