"""Events are appended, checked, and corrected only by new events that point at the old ones."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.register.events import (
    T3,
    T4,
    Applicant,
    Application,
    Channel,
    Event,
    EventKind,
    RegisterError,
    effective,
    validate_application,
)

from .walk import case

D = date(2026, 9, 15)


def _add(app: Application, kind: EventKind, on: date, data: dict[str, str] | None = None, **kw: object) -> Application:
    return app.with_event(Event(app.next_event_id(), kind, on, kw.pop("recorded", on), data or {}, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (EventKind.DECIDED, {}, "缺少：outcome"),
        (EventKind.DECIDED, {"outcome": "granted_maybe"}, "不是表三的办理结果行"),
        (EventKind.CONSULTATION_SENT, {"party": "neighbour"}, "征求意见对象"),
        (EventKind.DELIVERED, {"method": "pigeon"}, "送达方式"),
        (EventKind.APPEAL_FILED, {"route": "petition"}, "表四"),
        (EventKind.EXTENSION, {"days": "twenty"}, "整数"),
        (EventKind.CORRECTION_REQUESTED, {"reply_by": "soon"}, "不是日期"),
        (EventKind.CUSTOM_DEADLINE, {"due": "2026-12-01"}, "reason"),
    ],
)
def test_an_event_without_what_it_needs_is_refused(kind: EventKind, data: dict[str, str], message: str) -> None:
    with pytest.raises(RegisterError, match=message):
        _add(case(D), kind, date(2026, 9, 20), data)


def test_dates_and_references_are_checked() -> None:
    app = case(D)
    with pytest.raises(RegisterError, match="早于申请到达日"):
        _add(app, EventKind.CONFIRMED, date(2026, 9, 14))
    with pytest.raises(RegisterError, match="登记日"):
        _add(app, EventKind.CONFIRMED, date(2026, 9, 20), recorded=date(2026, 9, 19))
    with pytest.raises(RegisterError, match="对应的事件"):
        _add(app, EventKind.CONSULTATION_ANSWERED, date(2026, 9, 20))
    with pytest.raises(RegisterError, match="不存在"):
        _add(app, EventKind.DECIDED, date(2026, 9, 20), {"outcome": T3.granted.id}, corrects=7)
    with pytest.raises(RegisterError, match="作废须指明"):
        _add(app, EventKind.VOIDED, date(2026, 9, 20))
    once = _add(app, EventKind.ARCHIVED, date(2026, 9, 20))
    with pytest.raises(RegisterError, match="只能追加"):
        once.with_event(Event(1, EventKind.ARCHIVED, date(2026, 9, 21), date(2026, 9, 21)))


def test_the_applicant_column_is_one_of_table_three() -> None:
    validate_application(case(D, column=T3.organisations[-1].id))
    with pytest.raises(RegisterError, match="申请人列"):
        validate_application(Application("x", "a", Channel.EMAIL, D, Applicant("agent")))


def test_a_correction_stands_in_its_targets_place_and_chains() -> None:
    app = case(
        D,
        (EventKind.APPEAL_FILED, date(2026, 10, 1), {"route": T4.review.id}),
        (
            EventKind.APPEAL_FILED,
            date(2026, 10, 2),
            {"route": T4.suits[1].id, "corrects": "1", "recorded": "2026-10-05"},
        ),
        (
            EventKind.APPEAL_FILED,
            date(2026, 10, 3),
            {"route": T4.suits[0].id, "corrects": "2", "recorded": "2026-10-08"},
        ),
    )
    assert [e.data["route"] for e in effective(app.events, known=date(2026, 10, 4))] == [T4.review.id]
    assert [(e.id, e.data["route"]) for e in effective(app.events, known=date(2026, 10, 6))] == [(1, T4.suits[1].id)]
    assert [(e.id, e.on) for e in effective(app.events)] == [(1, date(2026, 10, 3))]
    # the original entries are all still there
    assert len(app.events) == 3
    voided = _add(app, EventKind.VOIDED, date(2026, 10, 9), corrects=3)
    assert effective(voided.events) == []
    assert effective(voided.events, on=date(2026, 10, 2)) == []  # the standing version happened on 10-03
