"""What the register pages draw: the clock's stretches and marks from real cases, the timeline's corrections,
the fields each kind of event asks for, tables 三 and 四 with their non-zero cells as links."""

from __future__ import annotations

from datetime import date

from gongkai.register.calendar import standard_calendar
from gongkai.register.events import T3, Applicant, Application, Channel, Event, EventKind
from gongkai.register.tables import year_tables
from gongkai.web.register_view import (
    KIND_FIELDS,
    LEFT,
    RIGHT,
    clock_bar,
    fields_for,
    linked_table_html,
    register_tables,
    state_of,
    timeline,
)

WHO = Applicant(T3.person.id)


def _app(*events: Event, arrived: date = date(2026, 6, 1), channel: Channel = Channel.IN_PERSON) -> Application:
    return Application("2026-00001", "某局", channel, arrived, WHO, events=events)


def _e(n: int, kind: EventKind, on: date, data: dict[str, str] | None = None, **kw: object) -> Event:
    return Event(n, kind, on, kw.pop("recorded", on), data or {}, **kw)  # type: ignore[arg-type]


def test_a_plain_clock_runs_from_receipt_to_the_due_date() -> None:
    cal = standard_calendar()
    app = _app()
    st = state_of(app, date(2026, 6, 10), cal)
    bar = clock_bar(app, st, cal)
    assert bar is not None and bar.first == date(2026, 6, 1) and bar.last == st.due
    assert [(s.css, s.x) for s in bar.spans] == [("counting", LEFT)]
    assert bar.spans[0].x + bar.spans[0].width == RIGHT
    marks = {m.css: m for m in bar.marks}
    assert set(marks) == {"receipt", "due", "today"}
    assert marks["receipt"].x == LEFT and marks["due"].x == RIGHT and LEFT < marks["today"].x < RIGHT
    assert marks["due"].label == f"答复期限 {st.due}"


def test_a_consultation_is_drawn_as_a_pause_and_a_late_case_in_red() -> None:
    cal = standard_calendar()
    sent = _e(1, EventKind.CONSULTATION_SENT, date(2026, 6, 3), {"party": "agency"})
    answered = _e(2, EventKind.CONSULTATION_ANSWERED, date(2026, 6, 12), refers=1)
    app = _app(sent, answered)
    st = state_of(app, date(2026, 8, 3), cal)
    assert st.overdue
    bar = clock_bar(app, st, cal)
    assert bar is not None
    pause = next(s for s in bar.spans if s.css == "pause")
    assert pause.label == "待其他机关答复征求意见：2026-06-03 至 2026-06-12，不计入答复期限"
    late = next(s for s in bar.spans if s.css == "overdue")
    assert late.x + late.width == RIGHT and bar.last == date(2026, 8, 3) and "已逾期" in bar.summary


def test_a_correction_restarts_the_drawn_clock() -> None:
    cal = standard_calendar()
    asked = _e(1, EventKind.CORRECTION_REQUESTED, date(2026, 6, 2), {"reply_by": "2026-06-16"})
    got = _e(2, EventKind.CORRECTION_RECEIVED, date(2026, 6, 8))
    app = _app(asked, got)
    waiting = state_of(app, date(2026, 6, 5), cal)
    assert clock_bar(app, waiting, cal) is None  # no clock while the 补正 is awaited
    st = state_of(app, date(2026, 6, 9), cal)
    bar = clock_bar(app, st, cal)
    assert bar is not None
    assert [s.css for s in bar.spans] == ["reset", "counting"]
    assert [m.css for m in bar.marks][:2] == ["receipt", "restart"]
    assert bar.spans[0].label == "2026-06-01 至 2026-06-08：待补正，补正后重新计算"


def test_no_clock_before_a_needed_confirmation_and_labels_do_not_overlap() -> None:
    cal = standard_calendar()
    app = _app(channel=Channel.FAX)
    assert clock_bar(app, state_of(app, date(2026, 6, 2), cal), cal) is None
    sat = _app(arrived=date(2026, 6, 6))  # a Saturday: two readings, marks a day apart
    st = state_of(sat, date(2026, 6, 8), cal)
    bar = clock_bar(sat, st, cal)
    assert bar is not None and st.due_earlier != st.due
    earlier, due = (next(m for m in bar.marks if m.css == c) for c in ("earlier", "due"))
    assert earlier.row != due.row  # close dates go on different lines


def test_the_timeline_shows_what_was_entered_by_the_day_with_corrections_linked() -> None:
    wrong = _e(1, EventKind.EXTENSION, date(2026, 6, 20), {"days": "15"}, recorded=date(2026, 6, 22))
    right = _e(2, EventKind.EXTENSION, date(2026, 6, 20), {"days": "20"}, corrects=1, recorded=date(2026, 6, 23))
    app = _app(wrong, right)
    entries = timeline(app, date(2026, 6, 30))
    assert [(t.event.id, t.superseded_by, t.late) for t in entries] == [(1, 2, True), (2, None, True)]
    assert entries[0].details == [("延长工作日数", "15")]
    assert [t.event.id for t in timeline(app, date(2026, 6, 22))] == [1]
    assert timeline(app, date(2026, 6, 21)) == []


def test_each_kind_asks_for_what_the_register_requires() -> None:
    from gongkai.register.events import _REQUIRED

    for kind, keys in _REQUIRED.items():
        asked = {f.key for f in fields_for(kind) if f.required}
        assert set(keys) <= asked, kind
    assert {f.key for f in KIND_FIELDS[EventKind.CONSULTATION_ANSWERED]} == {"refers", "opinion"}
    assert fields_for(EventKind.CONFIRMED) == ()


def test_the_tables_link_their_non_zero_cells() -> None:
    apps = [
        _app(),
        Application("2026-00002", "某局", Channel.EMAIL, date(2026, 2, 2), Applicant(T3.organisations[0].id)),
    ]
    result = year_tables(apps, 2026, "某局")
    shown = register_tables(result)
    assert len(shown) == 2
    markup = str(linked_table_html(shown[0], lambda cid: f"/x?cell={cid}&a=<b>"))
    new_total = T3.cell(T3.new.id, T3.total_column.id)
    assert f'data-cell="{new_total}"' in markup and f'href="/x?cell={new_total}&amp;a=&lt;b&gt;">2</a>' in markup
    assert markup.count("<a ") == len([c for c, ids in result.cells.items() if ids and c.startswith(T3.table)])
