"""What the register pages show: list rows, an application's timeline, its clock drawn, the year's tables.

Everything here is computed from the applications and their events (``gongkai.register``); the
pages only lay it out. The clock is an SVG drawn on the server: positions as SVG attributes,
colours by class in ``static/css/register.css`` (the Content-Security-Policy allows no inline style).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from markupsafe import Markup, escape

from ..formats import FORMAT_2021
from ..register.calendar import WorkCalendar
from ..register.clock import State, Status, pause_spans, state
from ..register.events import DELIVERY, PARTIES, Application, Event, EventKind, effective
from ..register.policy import DEFAULT_POLICY
from ..register.shapes import APPLICANT_LABELS, OUTCOME_LABELS, RESULT_LABELS, ROUTE_LABELS, data_words
from ..register.tables import YearTables, table_cells
from ..store.repository import Repository
from .layout import ShownTable, Slot, tables

STATUS_FILTERS = {"open": "未办结", **{s.value: s.zh for s in Status if s is not Status.NOT_ARRIVED}}


def work_calendar(repo: Repository) -> WorkCalendar:
    """A fresh calendar for one request from the days the database keeps (``gongkai register calendar``).

    Fresh because a calendar fills years as asked: it is not shared between threads.
    """
    return repo.work_calendar()


def state_of(app: Application, as_of: date, cal: WorkCalendar) -> State:
    """The application as the register showed it on ``as_of`` (events entered by then)."""
    return state(app, as_of, cal, DEFAULT_POLICY)


def matches(st: State, status: str | None) -> bool:
    if not status:
        return True
    if status == "open":
        return st.open
    return st.status.value == status


# ---- the event form: the fields each kind of event needs ----


@dataclass(frozen=True, slots=True)
class EventField:
    key: str
    label: str
    kind: str = "text"  # text | date | number | select | event
    options: tuple[tuple[str, str], ...] = ()  # (value, words) of a select
    required: bool = False
    refers_to: tuple[EventKind, ...] = ()  # an ``event`` field: the kinds of event it may point at


def _options(words: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(words.items())


_CONSULTATION = (EventKind.CONSULTATION_SENT,)
KIND_FIELDS: dict[EventKind, tuple[EventField, ...]] = {
    EventKind.CONTACT_ATTEMPT: (EventField("note", "备注"),),
    EventKind.CORRECTION_REQUESTED: (
        EventField("reply_by", "补正期限", "date", required=True),
        EventField("note", "需补正的内容"),
    ),
    EventKind.CONSULTATION_SENT: (EventField("party", "征求意见对象", "select", _options(PARTIES), True),),
    EventKind.CONSULTATION_ANSWERED: (
        EventField("refers", "对应的征求意见", "event", required=True, refers_to=_CONSULTATION),
        EventField("opinion", "意见"),
    ),
    EventKind.CONSULTATION_LAPSED: (
        EventField("refers", "对应的征求意见", "event", required=True, refers_to=_CONSULTATION),
    ),
    EventKind.EXTENSION: (
        EventField("days", "延长工作日数（不超过20）", "number", required=True),
        EventField("approved_by", "批准人"),
    ),
    EventKind.REASONS_REQUESTED: (
        EventField("reply_by", "说明理由的期限", "date"),
        EventField("note", "数量、频次超出合理范围的情形"),
    ),
    EventKind.CUSTOM_DEADLINE: (
        EventField("due", "答复期限", "date", required=True),
        EventField("reason", "理由", required=True),
    ),
    EventKind.FEE_NOTICE: (
        EventField("amount", "金额（元）", "number", required=True),
        EventField("basis", "计收方式", "select", (("count", "按件计收"), ("pages", "按页计收"))),
        EventField("pages", "页数", "number"),
    ),
    EventKind.WITHDRAWN: (EventField("reason", "理由"),),
    EventKind.TRANSFERRED: (EventField("to", "转至"),),
    EventKind.DECIDED: (
        EventField("outcome", "办理结果", "select", _options(OUTCOME_LABELS), True),
        EventField("ground", "依据"),
    ),
    EventKind.DELIVERED: (EventField("method", "送达方式", "select", _options(DELIVERY), True),),
    EventKind.APPEAL_FILED: (
        EventField("route", "救济途径", "select", _options(ROUTE_LABELS), True),
        EventField("case", "案号"),
    ),
    EventKind.APPEAL_DECIDED: (
        EventField("refers", "对应的复议或诉讼", "event", required=True, refers_to=(EventKind.APPEAL_FILED,)),
        EventField("result", "结果", "select", _options(RESULT_LABELS), True),
    ),
    EventKind.VOIDED: (EventField("reason", "理由"),),
}
EVENT_KINDS = {k.value: k.zh for k in EventKind}
DATA_KEYS = frozenset(f.key for fields in KIND_FIELDS.values() for f in fields if f.key != "refers")


def fields_for(kind: EventKind) -> tuple[EventField, ...]:
    return KIND_FIELDS.get(kind, ())


# ---- the timeline ----


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    event: Event
    details: list[tuple[str, str]]
    superseded_by: int | None  # a later correction (or voiding) of this entry
    late: bool  # entered on a later day than it happened


def timeline(app: Application, as_of: date) -> list[TimelineEntry]:
    """The events entered by ``as_of`` in the order they happened, each correction beside what it corrects."""
    known = [e for e in app.events if e.recorded <= as_of]
    replaced = {e.corrects: e.id for e in sorted(known, key=lambda e: e.id) if e.corrects is not None}
    return [
        TimelineEntry(e, data_words(e.data), replaced.get(e.id), e.recorded > e.on)
        for e in sorted(known, key=lambda e: (e.on, e.id))
    ]


# ---- the clock drawn ----

WIDTH, LEFT, RIGHT = 1000, 20, 980


@dataclass(frozen=True, slots=True)
class Span:
    x: float
    width: float
    css: str
    label: str


@dataclass(frozen=True, slots=True)
class Mark:
    x: float
    css: str
    label: str
    day: date
    row: int  # which line of labels (0, 1, 2), so close dates do not overwrite each other

    @property
    def text_y(self) -> int:
        return 78 + 13 * self.row


@dataclass(slots=True)
class ClockBar:
    first: date
    last: date
    spans: list[Span] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    summary: str = ""


def clock_bar(app: Application, st: State, cal: WorkCalendar) -> ClockBar | None:
    """From the legal receipt date to the due date: the counted stretch, the pauses, the marks; None without a clock."""
    if st.receipt is None or st.due is None or st.start is None:
        return None
    events = effective(app.events, known=st.as_of, on=st.as_of)
    receipt, start = st.receipt, st.start
    ends = [st.due, st.due_earlier or st.due, st.answered or st.due]
    if st.open:
        ends.append(st.as_of)
    last = max(ends)
    span_days = max((last - receipt).days, 1)

    def x(day: date) -> float:
        return round(LEFT + (RIGHT - LEFT) * (day - receipt).days / span_days, 1)

    def stretch(a: date, b: date, css: str, label: str) -> Span:
        return Span(x(a), max(x(b) - x(a), 2.0), css, label)

    bar = ClockBar(receipt, last)
    if start > receipt:
        bar.spans.append(stretch(receipt, start, "reset", f"{receipt} 至 {start}：待补正，补正后重新计算"))
    bar.spans.append(stretch(start, st.due, "counting", f"{start} 起算，{st.due} 到期"))
    for what, begin, end, lapse in pause_spans(events, start, cal, DEFAULT_POLICY):
        stop = end or min(lapse, st.as_of)
        bar.spans.append(stretch(begin, stop, "pause", f"{what}：{begin} 至 {stop}，不计入答复期限"))
    if st.open and st.as_of > st.due:
        bar.spans.append(stretch(st.due, st.as_of, "overdue", f"已逾期：{st.due} 之后"))
    marks: list[tuple[date, str, str]] = [(receipt, "receipt", "收到申请")]
    if start != receipt:
        marks.append((start, "restart", "重新起算"))
    if st.due_earlier and st.due_earlier != st.due:
        marks.append((st.due_earlier, "earlier", "较早读法"))
    marks.append((st.due, "due", "答复期限" + ("（暂定）" if st.provisional else "")))
    if st.answered:
        marks.append((st.answered, "answered", "答复送达"))
    elif st.open:
        marks.append((st.as_of, "today", "查看日"))
    marks.sort(key=lambda m: m[0])
    rows: list[float] = []  # the right end of the last label on each line
    for day, css, label in marks:
        at = x(day)
        row = next((i for i, end in enumerate(rows) if at > end + 8), len(rows))
        if row == len(rows):
            rows.append(at)
        rows[row] = at + 7 * (len(label) + 6)
        bar.marks.append(Mark(at, css, f"{label} {day.isoformat()}", day, min(row, 2)))
    bar.summary = f"{receipt} 收到申请，{st.due} 答复期限" + ("，已逾期" if st.overdue else "")
    return bar


# ---- tables 三 and 四 with their cells as links ----


def register_tables(result: YearTables) -> list[ShownTable]:
    """Tables 三 and 四 of the year in the official layout, each slot holding its count."""
    wanted = set(table_cells())

    def make(cell_id: str) -> Slot:
        count = result.value(cell_id)
        label = FORMAT_2021.label_of(cell_id)
        return Slot(str(count), cell_id=cell_id, css="has" if count else "zero", title=label)

    shown = tables(FORMAT_2021.id, make)
    return [t for t in shown if any(s.cell_id in wanted for row in t.rows for s in row if s.cell_id)]


def linked_table_html(table: ShownTable, link: Callable[[str], str]) -> Markup:
    """One table as HTML; a non-zero cell is a link to the applications behind it (every text escaped)."""
    parts = ['<table class="official register-table">']
    for row in table.rows:
        parts.append("<tr>")
        for slot in row:
            spans = (f' rowspan="{slot.rowspan}"' if slot.rowspan > 1 else "") + (
                f' colspan="{slot.colspan}"' if slot.colspan > 1 else ""
            )
            if slot.cell_id is None:
                tag, css = ("th", "head") if slot.header else ("td", "label")
                parts.append(f'<{tag} class="{css}"{spans}>{escape(slot.text)}</{tag}>')
                continue
            text = escape(slot.text)
            if slot.css == "has":
                text = Markup(f'<a href="{escape(link(slot.cell_id))}">{text}</a>')
            parts.append(
                f'<td class="cell {slot.css}" data-cell="{escape(slot.cell_id)}" title="{escape(slot.title)}"'
                f"{spans}>{text}</td>"
            )
        parts.append("</tr>")
    parts.append("</table>")
    return Markup("".join(parts))


def applicant_words(column: str) -> str:
    return APPLICANT_LABELS.get(column, column)
