"""An application's state and statutory clock on any date, derived from its events.

- receipt (收到申请之日) by the channel's rule; a channel that needs confirmation has no clock
  until the confirmation event (条例 第三十一条, 207号);
- the answer is due 20 working days after the clock's start (第三十三条), the start day not
  counted; a 补正 notice stops the clock and the corrected application restarts it from zero
  (第三十条); consultations (第三十二、三十四条) and, by policy, an unpaid fee notice are not
  counted; one extension of at most 20 working days, notified before the original due date;
  an Art. 35 deadline set by the agency replaces the computed one;
- both readings of a start day that is not a working day: the earlier date raises the warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import Enum

from .calendar import StartReading, WorkCalendar
from .events import CLOSING, T4, Application, Channel, Event, EventKind, effective
from .policy import DEFAULT_POLICY, Policy

ANSWER_DAYS = 20  # 第三十三条第二款
EXTENSION_DAYS = 20  # at most, once
CORRECTION_NOTICE_DAYS = 7  # 第三十条: the 补正 notice within 7 working days of receipt
CONSULTATION_DAYS = 15  # 第三十二条, 第三十四条
FEE_DAYS = 20  # 国办函〔2020〕109号: pay within 20 working days
REVIEW_FIRST = date(2024, 1, 1)  # 行政复议法（2023）第二十三条: 不予公开 goes to review before a suit


class Status(Enum):
    NOT_ARRIVED = "not_arrived"  # asked about a day before it arrived
    AWAITING_RECEIPT = "awaiting_receipt"  # the channel needs confirmation: no clock yet
    RUNNING = "running"
    CORRECTING = "correcting"  # waiting for the 补正: the clock stands
    PAUSED = "paused"  # a consultation or a fee notice outstanding
    CLOSED = "closed"

    @property
    def zh(self) -> str:
        return {
            "not_arrived": "尚未收到",
            "awaiting_receipt": "待确认收到",
            "running": "办理中",
            "correcting": "待补正",
            "paused": "暂停计时",
            "closed": "已办结",
        }[self.value]


@dataclass(frozen=True, slots=True)
class Pending:
    """Something the handling waits for, with the day it lapses."""

    what: str
    until: date | None
    provisional: bool = False


@dataclass(frozen=True, slots=True)
class Appeal:
    """A review or lawsuit about the application, as of a date."""

    id: int
    route: str  # a table 四 group
    filed: date
    result: str | None  # a table 四 decided column, None while pending
    decided: date | None
    case: str | None = None


@dataclass(slots=True)
class State:
    """What the register shows for an application on ``as_of``."""

    application: str
    as_of: date
    status: Status
    receipt: date | None  # the legal receipt date
    start: date | None = None  # the day the answer clock counts from (receipt, or the corrected application)
    due: date | None = None  # the agency's reading
    due_earlier: date | None = None  # the earlier reading: warnings go by it
    provisional: bool = False
    days_left: int | None = None  # working days after as_of through the due date (negative: overdue)
    extended: bool = False
    custom_deadline: bool = False
    pending: list[Pending] = field(default_factory=list)
    outcome: str | None = None  # a table 三 outcome row
    ground: str | None = None
    closed: date | None = None
    answered: date | None = None  # delivered (235号), else decided
    appeals: list[Appeal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.status not in (Status.CLOSED, Status.NOT_ARRIVED) and self.receipt is not None

    @property
    def overdue(self) -> bool:
        """Past the due date shown, not yet answered."""
        return self.open and self.due is not None and self.as_of > self.due

    @property
    def late(self) -> bool:
        """Answered after the due date."""
        return self.answered is not None and self.due is not None and self.answered > self.due


def receipt_date(app: Application, events: list[Event], policy: Policy = DEFAULT_POLICY) -> date | None:
    """The legal receipt date by the channel's rule, or None while a needed confirmation is missing."""
    confirmed = next((e.on for e in events if e.kind is EventKind.CONFIRMED), None)
    needs = app.channel in (Channel.POST_UNSIGNED, Channel.OTHER_UNIT, Channel.FAX) or (
        app.channel is Channel.ONLINE and policy.online_needs_confirmation
    )
    return confirmed if needs else app.arrived


_CLOSERS = {
    EventKind.CORRECTION_LAPSED: CLOSING.no_correction.id,
    EventKind.FEE_LAPSED: CLOSING.no_fee.id,
    EventKind.WITHDRAWN: CLOSING.other.id,
}


def closure(events: list[Event]) -> tuple[Event, str] | None:
    """The event that closed the application and its one outcome row (the first closing event)."""
    for e in events:
        if e.kind is EventKind.DECIDED:
            return e, e.data["outcome"]
        if e.kind in _CLOSERS:
            return e, _CLOSERS[e.kind]
    return None


def state(
    app: Application,
    as_of: date,
    calendar: WorkCalendar,
    policy: Policy = DEFAULT_POLICY,
    *,
    known: date | None = None,
) -> State:
    """The application on ``as_of``, from the events entered by ``known`` (default: ``as_of``) and happened by then."""
    if as_of < app.arrived:
        return State(app.id, as_of, Status.NOT_ARRIVED, None)
    events = effective(app.events, known=as_of if known is None else known, on=as_of)
    receipt = receipt_date(app, events, policy)
    st = State(app.id, as_of, Status.AWAITING_RECEIPT, receipt)
    st.appeals = appeals(events)
    closed = closure(events)
    if closed is not None:
        event, outcome = closed
        st.outcome, st.ground, st.closed = outcome, event.get("ground"), event.on
        st.status = Status.CLOSED
        delivered = next((e.on for e in events if e.kind is EventKind.DELIVERED and e.on >= event.on), None)
        st.answered = delivered or event.on
        extra = [e for e in events if e.kind in _CLOSERS or e.kind is EventKind.DECIDED]
        if len(extra) > 1:
            st.warnings.append("办结后又登记了办理结果：表三只计第一个结果，请更正")
    if receipt is None:
        if closed is None:
            attempts = sum(1 for e in events if e.kind is EventKind.CONTACT_ATTEMPT)
            st.pending.append(Pending(f"待与申请人确认收到申请（已联系 {attempts} 次）", None))
        else:
            st.warnings.append("未确认收到申请即已办结：不计入表三")
        return st
    _clock(st, events, calendar, policy)
    _warn_appeals(st)
    return st


def _clock(st: State, events: list[Event], cal: WorkCalendar, policy: Policy) -> None:
    assert st.receipt is not None
    start = st.receipt
    skip: set[date] = set()
    correcting = False
    requests = [e for e in events if e.kind is EventKind.CORRECTION_REQUESTED]
    if requests:
        first = requests[0]
        limit = cal.step(st.receipt, CORRECTION_NOTICE_DAYS)
        if first.on > limit:
            st.warnings.append(f"补正告知晚于收到申请后 7 个工作日（应不晚于 {limit}）")
        if len(requests) > 1:
            st.warnings.append("补正只能告知一次（第三十条）：已多次告知")
        received = next((e for e in events if e.kind is EventKind.CORRECTION_RECEIVED and e.on >= first.on), None)
        if received is not None:
            start = received.on  # restarts from zero
        else:
            correcting = True
            until = first.date_of("reply_by")
            st.pending.append(Pending("待申请人补正", until, bool(until and not cal.official(until.year))))
    st.start = start
    if st.outcome is None:
        st.status = Status.CORRECTING if correcting else Status.RUNNING
    if correcting:
        return
    for what, pause_start, pause_end, open_until in pause_spans(events, start, cal, policy):
        end = pause_end or open_until
        day = pause_start
        while day < end:
            day += timedelta(days=1)
            skip.add(day)
        if pause_end is None and st.outcome is None:
            st.status = Status.PAUSED
            st.pending.append(Pending(what, open_until, not cal.official(open_until.year)))
    frozen = frozenset(skip)
    stepped = cal.step(start, ANSWER_DAYS, skip=frozen)
    moved = cal.step(cal.next_workday(start), ANSWER_DAYS, skip=frozen)
    due_stepped, due_moved = _extend(st, events, cal, frozen, stepped, moved, policy)
    custom = next((e for e in events if e.kind is EventKind.CUSTOM_DEADLINE), None)
    if custom is not None:
        due_stepped = due_moved = custom.date_of("due") or due_moved
        st.custom_deadline = True
    st.due = due_moved if policy.reading is StartReading.MOVED else due_stepped
    st.due_earlier = min(due_stepped, due_moved)
    st.provisional = bool(cal.provisional_years(start, max(due_stepped, due_moved)))
    if st.due_earlier != st.due:
        st.warnings.append(f"起算日 {start} 非工作日：另一读法的期限为 {st.due_earlier}，以较早者预警")
    if st.open:
        st.days_left = cal.working_days(st.as_of, st.due, skip=frozen)
        if st.as_of > st.due:
            st.warnings.append(f"已逾期：答复期限为 {st.due}")
        elif st.as_of > st.due_earlier:
            st.warnings.append(f"按较早读法已逾期（{st.due_earlier}）")
    elif st.late:
        st.warnings.append(f"逾期答复：期限 {st.due}，答复（送达）于 {st.answered}")


def pause_spans(
    events: list[Event], start: date, cal: WorkCalendar, policy: Policy
) -> list[tuple[str, date, date | None, date]]:
    """(what, pause start, pause end or None while open, the day it ends by law) after the clock's start."""
    out: list[tuple[str, date, date | None, date]] = []
    for e in events:
        if e.on < start:
            continue
        if e.kind is EventKind.CONSULTATION_SENT:
            lapse = cal.step(e.on, CONSULTATION_DAYS)
            answer = next(
                (
                    a.on
                    for a in events
                    if a.refers == e.id and a.kind in (EventKind.CONSULTATION_ANSWERED, EventKind.CONSULTATION_LAPSED)
                ),
                None,
            )
            end = min(answer, lapse) if answer is not None else None
            party = "第三方" if e.get("party") == "third_party" else "其他机关"
            out.append((f"待{party}答复征求意见", e.on, end, lapse))
        elif e.kind is EventKind.FEE_NOTICE and policy.fee_pauses_clock:
            lapse = cal.step(e.on, FEE_DAYS)
            paid = next((p.on for p in events if p.kind is EventKind.FEE_PAID and p.on >= e.on), None)
            out.append(("待申请人缴费", e.on, min(paid, lapse) if paid else None, lapse))
    return out


def _extend(
    st: State,
    events: list[Event],
    cal: WorkCalendar,
    skip: frozenset[date],
    stepped: date,
    moved: date,
    policy: Policy,
) -> tuple[date, date]:
    extensions = [e for e in events if e.kind is EventKind.EXTENSION]
    if not extensions:
        return stepped, moved
    first = extensions[0]
    if len(extensions) > 1:
        st.warnings.append("延期只能一次（第三十三条）：其后的延期不计")
    days = int(first.data["days"])
    if days > EXTENSION_DAYS:
        st.warnings.append(f"延期不得超过 20 个工作日：登记为 {days} 日，按 20 日计")
        days = EXTENSION_DAYS
    original = moved if policy.reading is StartReading.MOVED else stepped
    if first.on > original:
        st.warnings.append(f"延期告知 {first.on} 晚于原答复期限 {original}：延期无效")
        return stepped, moved
    st.extended = True
    return cal.step(stepped, days, skip=skip), cal.step(moved, days, skip=skip)


def appeals(events: list[Event]) -> list[Appeal]:
    """The reviews and lawsuits about the application, with their results as far as known."""
    out = []
    for e in events:
        if e.kind is EventKind.APPEAL_FILED:
            decided = next((d for d in events if d.kind is EventKind.APPEAL_DECIDED and d.refers == e.id), None)
            out.append(
                Appeal(
                    e.id,
                    e.data["route"],
                    e.on,
                    decided.data["result"] if decided else None,
                    decided.on if decided else None,
                    e.get("case"),
                )
            )
    return out


_DIRECT = T4.suits[0].id
_WITHHELD = frozenset(r.id for r in (CLOSING.partial, *CLOSING.withheld))


def _warn_appeals(st: State) -> None:
    if st.outcome not in _WITHHELD:
        return
    for a in st.appeals:
        if a.route == _DIRECT and a.filed >= REVIEW_FIRST:
            st.warnings.append(f"不予公开决定未经行政复议直接起诉（{a.filed}）：行政复议法第二十三条要求复议前置")
