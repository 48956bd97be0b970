"""The register's objects in words and as JSON: the one shape the web API and pages share.

Personal data (an applicant's name, contact, agent) appear only when the caller says the reader
may see them (``personal=True``); the ID number is never here at all (the store keeps its hash).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..formats import FORMAT_2021, cell_id
from .clock import State
from .events import DELIVERY, PARTIES, T3, T4, Application, Event

APPLICANT_LABELS = {c.id: c.label for c in T3.applicants}
ROUTE_LABELS = {g.id: g.label for g in T4.groups}
RESULT_LABELS = {c.id: c.label for c in T4.decided}
BASIS = {"count": "按件计收", "pages": "按页计收"}


def _outcome_labels() -> dict[str, str]:
    """Each outcome row with the group it stands in: ``（三）不予公开 1.属于国家秘密``."""
    groups = [g for block in FORMAT_2021.table(T3.table).blocks for g in block.groups]
    out = {}
    for row in T3.outcomes:
        around = [g for g in groups if row.id in g.rows and T3.total.id not in g.rows]
        inner = min(around, key=lambda g: len(g.rows)) if around else None
        out[row.id] = f"{inner.label} {row.numbered}" if inner else row.numbered
    return out


OUTCOME_LABELS = _outcome_labels()

DATA_LABELS = {
    "reply_by": "补正期限",
    "party": "征求意见对象",
    "opinion": "意见",
    "days": "延长工作日数",
    "approved_by": "批准人",
    "due": "答复期限",
    "reason": "理由",
    "amount": "金额（元）",
    "basis": "计收方式",
    "pages": "页数",
    "to": "转至",
    "outcome": "办理结果",
    "ground": "依据",
    "method": "送达方式",
    "route": "救济途径",
    "case": "案号",
    "result": "结果",
    "note": "备注",
}
_VALUE_WORDS: dict[str, Mapping[str, str]] = {
    "party": PARTIES,
    "method": DELIVERY,
    "outcome": OUTCOME_LABELS,
    "route": ROUTE_LABELS,
    "result": RESULT_LABELS,
    "basis": BASIS,
}


def data_words(data: Mapping[str, str]) -> list[tuple[str, str]]:
    """An event's details as (Chinese name, value in words); an unknown key is named as “其他（key）”."""
    out = []
    for key, value in data.items():
        name = DATA_LABELS.get(key, f"其他（{key}）")
        out.append((name, _VALUE_WORDS.get(key, {}).get(value, value)))
    return out


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def state_json(st: State) -> dict[str, Any]:
    """An application's state and clock on a day (the shape of ``gongkai register show --json``)."""
    return {
        "application": st.application,
        "as_of": st.as_of.isoformat(),
        "status": st.status.value,
        "status_zh": st.status.zh,
        "receipt": _day(st.receipt),
        "start": _day(st.start),
        "due": _day(st.due),
        "due_earlier": _day(st.due_earlier),
        "provisional": st.provisional,
        "days_left": st.days_left,
        "overdue": st.overdue,
        "extended": st.extended,
        "custom_deadline": st.custom_deadline,
        "pending": [{"what": p.what, "until": _day(p.until), "provisional": p.provisional} for p in st.pending],
        "outcome": st.outcome,
        "outcome_zh": OUTCOME_LABELS.get(st.outcome or ""),
        "outcome_cell": cell_id(T3.table, st.outcome, T3.total_column.id) if st.outcome else None,
        "closed": _day(st.closed),
        "answered": _day(st.answered),
        "appeals": [
            {"route": a.route, "filed": a.filed.isoformat(), "result": a.result, "decided": _day(a.decided)}
            for a in st.appeals
        ],
        "warnings": list(st.warnings),
    }


def event_json(e: Event) -> dict[str, Any]:
    return {
        "id": e.id,
        "kind": e.kind.value,
        "kind_zh": e.kind.zh,
        "on": e.on.isoformat(),
        "recorded": e.recorded.isoformat(),
        "data": dict(e.data),
        "corrects": e.corrects,
        "refers": e.refers,
        "by": e.by,
    }


def applicant_json(app: Application, *, personal: bool) -> dict[str, Any]:
    """The applicant's table column; name, contact and agent only when ``personal``."""
    who = app.applicant
    out: dict[str, Any] = {"column": who.column, "column_zh": APPLICANT_LABELS.get(who.column, who.column)}
    if personal:
        out.update(name=who.name, contact=who.contact, agent=who.agent)
    return out


def application_json(
    app: Application, st: State, *, personal: bool, events: Iterable[Event] | None = None
) -> dict[str, Any]:
    """An application's facts and state; with ``events`` its history too."""
    out: dict[str, Any] = {
        "agency": app.agency,
        "number": app.id,
        "channel": app.channel.value,
        "channel_zh": app.channel.zh,
        "arrived": app.arrived.isoformat(),
        "applicant": applicant_json(app, personal=personal),
        "request": app.request,
        "form": app.form,
        "state": state_json(st),
    }
    if events is not None:
        out["events"] = [event_json(e) for e in events]
    return out
