"""The application register as an XLSX workbook, and a register workbook (台账) imported all or nothing.

The workbook has two sheets under Chinese headers: 申请 (one row per application, its state on
``as_of``: receipt date, due date, outcome, delivery, fees …) and 事件 (every event as entered).
Numbers are written as numbers and dates as dates; every text is a text cell (``WORKBOOK_OPTIONS``:
nothing typed into a request becomes a formula, a number or a link). Applicants' names, contacts
and agents are left out unless ``personal=True``; ID numbers are never kept in clear, so never
exported. Importing the workbook gives back the same register (the events come from 事件).
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

from ..register.calendar import WorkCalendar, standard_calendar
from ..register.clock import Status, closure, state
from ..register.events import DELIVERY, PARTIES, Application, Event, EventKind, effective
from ..register.policy import DEFAULT_POLICY, Policy
from ..register.workbook import (
    APPLICANT_LABEL,
    APPLICATIONS_SHEET,
    EVENT_COLUMNS,
    EVENTS_SHEET,
    FIELD,
    WITHDRAWAL_WORD,
    RowProblem,
    outcome_text,
    read_register_workbook,
)
from ..store.register import Register
from .writers import WORKBOOK_OPTIONS

PERSONAL_KEYS = ("name", "contact", "agent")

# The 申请 sheet: (key, header, kind) — kinds: text, date, int. Keys of FIELDS keep the import's headers.
_HEADS: tuple[tuple[str, str, str], ...] = (
    ("agency", FIELD["agency"].header, "text"),
    ("number", FIELD["number"].header, "text"),
    ("channel", FIELD["channel"].header, "text"),
    ("arrived", FIELD["arrived"].header, "date"),
    ("receipt", FIELD["receipt"].header, "date"),
    ("applicant_type", FIELD["applicant_type"].header, "text"),
    ("name", FIELD["name"].header, "text"),
    ("contact", FIELD["contact"].header, "text"),
    ("agent", FIELD["agent"].header, "text"),
    ("request", FIELD["request"].header, "text"),
    ("form", FIELD["form"].header, "text"),
    ("status", "状态", "text"),
    ("due", "答复期限", "date"),
    ("days_left", "剩余工作日", "int"),
    ("overdue", "是否逾期", "text"),
    ("correction_requested", FIELD["correction_requested"].header, "date"),
    ("correction_reply_by", FIELD["correction_reply_by"].header, "date"),
    ("correction_received", FIELD["correction_received"].header, "date"),
    ("consultation_sent", FIELD["consultation_sent"].header, "date"),
    ("consultation_party", FIELD["consultation_party"].header, "text"),
    ("consultation_answered", FIELD["consultation_answered"].header, "date"),
    ("extension", FIELD["extension"].header, "date"),
    ("extension_days", FIELD["extension_days"].header, "int"),
    ("fee_notice", FIELD["fee_notice"].header, "date"),
    ("fee_amount", FIELD["fee_amount"].header + "（元）", "int"),
    ("fee_pages", FIELD["fee_pages"].header, "int"),
    ("fee_paid", FIELD["fee_paid"].header, "date"),
    ("decided", FIELD["decided"].header, "date"),
    ("outcome", FIELD["outcome"].header, "text"),
    ("ground", FIELD["ground"].header, "text"),
    ("delivery_method", FIELD["delivery_method"].header, "text"),
    ("delivered", FIELD["delivered"].header, "date"),
    ("archived", FIELD["archived"].header, "date"),
)


def _first(events: list[Event], kind: EventKind) -> Event | None:
    return next((e for e in events if e.kind is kind), None)


def _on(event: Event | None) -> date | None:
    return event.on if event is not None else None


def application_values(
    app: Application, as_of: date, calendar: WorkCalendar, policy: Policy = DEFAULT_POLICY
) -> dict[str, object]:
    """One application's row of the 申请 sheet (personal data included: the caller drops them)."""
    st = state(app, as_of, calendar, policy)
    events = effective(app.events, known=as_of, on=as_of)
    correction = _first(events, EventKind.CORRECTION_REQUESTED)
    consultation = _first(events, EventKind.CONSULTATION_SENT)
    answer = (
        next((e for e in events if e.refers == consultation.id and e.kind is EventKind.CONSULTATION_ANSWERED), None)
        if consultation
        else None
    )
    extension = _first(events, EventKind.EXTENSION)
    fee = _first(events, EventKind.FEE_NOTICE)
    closed = closure(events)
    delivered = _first(events, EventKind.DELIVERED)
    who = app.applicant
    outcome = None
    if closed is not None:
        outcome = WITHDRAWAL_WORD if closed[0].kind is EventKind.WITHDRAWN else outcome_text(closed[1])
    return {
        "agency": app.agency,
        "number": app.id,
        "channel": app.channel.zh,
        "arrived": app.arrived,
        "receipt": st.receipt,
        "applicant_type": APPLICANT_LABEL[who.column],
        "name": who.name,
        "contact": who.contact,
        "agent": who.agent,
        "request": app.request or None,
        "form": app.form or None,
        "status": st.status.zh,
        "due": st.due,
        "days_left": st.days_left if st.status is not Status.CLOSED else None,
        "overdue": ("是" if st.overdue or st.late else "否") if st.due else None,
        "correction_requested": _on(correction),
        "correction_reply_by": correction.date_of("reply_by") if correction else None,
        "correction_received": _on(_first(events, EventKind.CORRECTION_RECEIVED)),
        "consultation_sent": _on(consultation),
        "consultation_party": PARTIES.get(consultation.data["party"]) if consultation else None,
        "consultation_answered": _on(answer),
        "extension": _on(extension),
        "extension_days": int(extension.data["days"]) if extension else None,
        "fee_notice": _on(fee),
        "fee_amount": int(fee.data["amount"]) if fee else None,
        "fee_pages": int(fee.data["pages"]) if fee and (fee.get("pages") or "").isdigit() else None,
        "fee_paid": _on(_first(events, EventKind.FEE_PAID)),
        "decided": closed[0].on if closed else None,
        "outcome": outcome,
        "ground": (closed[0].get("ground") if closed else None) or None,
        "delivery_method": DELIVERY.get(delivered.data["method"]) if delivered else None,
        "delivered": _on(delivered),
        "archived": _on(_first(events, EventKind.ARCHIVED)),
    }


# what the keys of an event's details mean, for the 说明 column (the JSON column keeps the keys)
DATA_NAMES = {
    "reply_by": "补正期限",
    "items": "补正事项",
    "party": "征求意见对象",
    "days": "延期工作日",
    "approved_by": "批准人",
    "due": "答复期限",
    "reason": "理由",
    "amount": "金额（元）",
    "basis": "计收方式",
    "pages": "页数",
    "nth": "当月第几件",
    "ground": "依据",
    "method": "送达方式",
    "to": "转至",
    "route": "救济途径",
    "case": "案号",
    "result": "结果",
    "opinion": "意见",
    "note": "备注",
}


def _event_note(e: Event) -> str:
    if e.kind is EventKind.DECIDED:
        return outcome_text(e.data["outcome"]) + (f"；依据：{e.data['ground']}" if e.get("ground") else "")
    if e.kind is EventKind.DELIVERED:
        return DELIVERY.get(e.data["method"], e.data["method"])
    if e.kind is EventKind.CONSULTATION_SENT:
        return PARTIES.get(e.data["party"], e.data["party"])
    return "；".join(f"{DATA_NAMES.get(k, k)}：{v}" for k, v in sorted(e.data.items()))


def _event_values(app: Application, e: Event) -> tuple[object, ...]:
    data = json.dumps(dict(e.data), ensure_ascii=False, sort_keys=True) if e.data else None
    return (
        app.agency,
        app.id,
        e.id,
        e.kind.zh,
        e.kind.value,
        e.on,
        e.recorded,
        data,
        _event_note(e) or None,
        e.corrects,
        e.refers,
        e.by,
    )


def register_workbook(
    applications: Sequence[Application],
    *,
    personal: bool = False,
    as_of: date | None = None,
    calendar: WorkCalendar | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> bytes:
    """The register as XLSX bytes: 申请 (state on ``as_of``, default today) and 事件 (every event).

    Applicants' names, contacts and agents only with ``personal=True``, whatever the
    applications carry.
    """
    import xlsxwriter

    day = as_of or date.today()
    cal = calendar or standard_calendar()
    heads = [h for h in _HEADS if personal or h[0] not in PERSONAL_KEYS]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, **WORKBOOK_OPTIONS})
    header = book.add_format({"bold": True, "bg_color": "#EDEDED", "text_wrap": True})
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    try:
        sheet = book.add_worksheet(APPLICATIONS_SHEET)
        sheet.write_row(0, 0, [h for _k, h, _t in heads], header)
        sheet.freeze_panes(1, 2)
        for r, app in enumerate(applications, start=1):
            values = application_values(app, day, cal, policy)
            _write_row(sheet, r, [(values[k], t) for k, _h, t in heads], dated)
        _widths(sheet, [(h, t) for _k, h, t in heads], dated)
        sheet.autofilter(0, 0, max(len(applications), 1), len(heads) - 1)
        events = book.add_worksheet(EVENTS_SHEET)
        kinds = ("text", "text", "int", "text", "text", "date", "date", "text", "text", "int", "int", "text")
        events.write_row(0, 0, [f.header for f in EVENT_COLUMNS], header)
        events.freeze_panes(1, 0)
        r = 0
        for app in applications:
            for e in sorted(app.events, key=lambda e: e.id):
                r += 1
                _write_row(events, r, list(zip(_event_values(app, e), kinds)), dated)
        _widths(events, [(f.header, t) for f, t in zip(EVENT_COLUMNS, kinds)], dated)
        events.autofilter(0, 0, max(r, 1), len(EVENT_COLUMNS) - 1)
    finally:
        book.close()
    return out.getvalue()


def _write_row(sheet: object, r: int, cells: list[tuple[object, str]], dated: object) -> None:
    for c, (value, _kind) in enumerate(cells):
        if value is None or value == "":
            continue
        if isinstance(value, date):
            sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), dated)  # type: ignore[attr-defined]
        elif isinstance(value, int) and not isinstance(value, bool):
            sheet.write_number(r, c, value)  # type: ignore[attr-defined]
        else:
            sheet.write_string(r, c, str(value)[:32_767])  # type: ignore[attr-defined]


def _widths(sheet: object, heads: list[tuple[str, str]], dated: object) -> None:
    for i, (heading, kind) in enumerate(heads):
        wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in heading) + 2
        least = {"date": 11, "text": 12}.get(kind, 8)
        sheet.set_column(i, i, min(max(wide, least), 40), dated if kind == "date" else None)  # type: ignore[attr-defined]


@dataclass(slots=True)
class RegisterImport:
    """An import's outcome: how many applications were registered, or why none was."""

    imported: int
    agencies: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    events: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        return {
            "imported": self.imported,
            "events": self.events,
            "agencies": self.agencies,
            "problems": [p.to_json() | {"message": p.sentence()} for p in self.problems],
            "notes": self.notes,
        }


def import_register_workbook(
    register: Register,
    data: bytes | BinaryIO,
    *,
    agency: str | None = None,
    by: str | None = None,
    recorded: date | None = None,
) -> RegisterImport:
    """Read a register workbook and store its applications in one transaction, or none of them.

    Every bad row (and every 登记号 already in the register) is reported with its sheet, row
    and column; while there is one, nothing is stored. ``RegisterError`` for a file that is no
    register workbook; ``StoreError`` when the database refuses.
    """
    reading = read_register_workbook(data, agency=agency, recorded=recorded)
    if not reading.ok:
        return RegisterImport(0, problems=reading.problems, notes=reading.notes)
    agencies = sorted({a.agency for a in reading.applications})
    taken = {(name, a.id) for name in agencies for a in register.applications(name)}
    clashes = [
        RowProblem(reading.sheet, line, reading.headers["number"], f"登记号 {app.id} 已在登记簿中（{app.agency}）")
        for app, line in zip(reading.applications, reading.rows)
        if (app.agency, app.id) in taken
    ]
    if clashes:
        return RegisterImport(0, problems=clashes, notes=reading.notes)
    count = register.add_applications(reading.applications, by=by)
    return RegisterImport(count, agencies, notes=reading.notes, events=sum(len(a.events) for a in reading.applications))
