"""Building applications for the tests: a case is a channel, an arrival day and its events in order."""

from __future__ import annotations

from datetime import date

from gongkai.register.calendar import standard_calendar
from gongkai.register.events import T3, Applicant, Application, Channel, Event, EventKind

CAL = standard_calendar()
AGENCY = "测试市自然资源和规划局"


def case(
    arrived: date,
    *steps: tuple[EventKind, date] | tuple[EventKind, date, dict[str, str]],
    channel: Channel = Channel.EMAIL,
    column: str | None = None,
    number: str = "2026-00001",
) -> Application:
    """An application with ``steps`` as events 1, 2, … each entered on the day it happened."""
    app = Application(number, AGENCY, channel, arrived, Applicant(column or T3.person.id, "张三"))
    for step in steps:
        kind, on = step[0], step[1]
        data = dict(step[2]) if len(step) > 2 else {}  # type: ignore[misc]
        refers = int(data.pop("refers")) if "refers" in data else None
        corrects = int(data.pop("corrects")) if "corrects" in data else None
        recorded = date.fromisoformat(data.pop("recorded")) if "recorded" in data else on
        app = app.with_event(Event(app.next_event_id(), kind, on, recorded, data, corrects, refers))
    return app
