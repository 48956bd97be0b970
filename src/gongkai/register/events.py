"""An application and its append-only history of events.

Nothing about an application is edited: each step is a new event, with the day it happened
(``on``) and the day it was entered (``recorded``). A mistaken entry is set right by a new event
that points at it (``corrects``); a ``voided`` event withdraws it without a replacement. The
state and the clock (``clock.py``) are derived from the events known on a date, so recomputing
them at a past date gives what was shown on that date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from enum import Enum

from ..errors import GongkaiError
from ..formats import FORMAT_2021, AppealsView, ApplicationsView, ClosingRows

T3: ApplicationsView = FORMAT_2021.applications  # type: ignore[assignment]
T4: AppealsView = FORMAT_2021.appeals  # type: ignore[assignment]
CLOSING: ClosingRows = T3.closing  # type: ignore[assignment]  # the outcome rows the law assigns
OUTCOME_IDS = frozenset(r.id for r in T3.outcomes)
APPLICANT_IDS = frozenset(c.id for c in T3.applicants)
ROUTE_IDS = frozenset(g.id for g in T4.groups)
RESULT_IDS = frozenset(c.id for c in T4.decided)


class RegisterError(GongkaiError, ValueError):
    """An application or event that the law or the register's rules do not allow."""


class Channel(Enum):
    """How the application arrived; decides its legal receipt date (条例 第三十一条, 207号)."""

    IN_PERSON = "in_person"
    POST_SIGNED = "post_signed"
    POST_UNSIGNED = "post_unsigned"
    OTHER_UNIT = "other_unit"
    EMAIL = "email"
    FAX = "fax"
    ONLINE = "online"

    @property
    def zh(self) -> str:
        return _CHANNEL_ZH[self]


_CHANNEL_ZH = {
    Channel.IN_PERSON: "当面提交",
    Channel.POST_SIGNED: "邮寄（挂号/EMS，签收）",
    Channel.POST_UNSIGNED: "邮寄（平信）",
    Channel.OTHER_UNIT: "寄至本机关其他单位",
    Channel.EMAIL: "电子邮件",
    Channel.FAX: "传真",
    Channel.ONLINE: "网上平台",
}


class EventKind(Enum):
    CONFIRMED = "confirmed"  # the office confirmed receipt with the applicant
    CONTACT_ATTEMPT = "contact_attempt"  # an attempt to reach the applicant to confirm
    CORRECTION_REQUESTED = "correction_requested"  # 补正告知 (data: reply_by)
    CORRECTION_RECEIVED = "correction_received"  # the corrected application arrived: the clock restarts
    CORRECTION_LAPSED = "correction_lapsed"  # no correction by the deadline: closed （六）1
    CONSULTATION_SENT = "consultation_sent"  # 征求意见 (data: party = third_party | agency)
    CONSULTATION_ANSWERED = "consultation_answered"  # refers: the consultation
    CONSULTATION_LAPSED = "consultation_lapsed"  # refers: the consultation; 15 working days passed
    EXTENSION = "extension"  # approved and notified on ``on`` (data: days ≤ 20)
    REASONS_REQUESTED = "reasons_requested"  # Art. 35: the applicant asked to explain (data: reply_by); no pause
    CUSTOM_DEADLINE = "custom_deadline"  # Art. 35 (data: due, reason)
    FEE_NOTICE = "fee_notice"  # data: amount (元), basis (count | pages)
    FEE_PAID = "fee_paid"
    FEE_LAPSED = "fee_lapsed"  # unpaid after 20 working days: closed （六）2
    WITHDRAWN = "withdrawn"  # closed （六）3
    TRANSFERRED = "transferred"  # handed to another unit (data: to)
    DECIDED = "decided"  # data: outcome (a table 三 outcome row), ground
    DELIVERED = "delivered"  # data: method; ``on`` by the 235号 rule
    ARCHIVED = "archived"
    APPEAL_FILED = "appeal_filed"  # data: route (a table 四 group), case
    APPEAL_DECIDED = "appeal_decided"  # refers: the filing; data: result (a table 四 decided column)
    VOIDED = "voided"  # corrects: an entry made in error, withdrawn without replacement

    @property
    def zh(self) -> str:
        return _KIND_ZH[self]


_KIND_ZH = {
    EventKind.CONFIRMED: "确认收到申请",
    EventKind.CONTACT_ATTEMPT: "联系申请人确认",
    EventKind.CORRECTION_REQUESTED: "告知补正",
    EventKind.CORRECTION_RECEIVED: "收到补正材料",
    EventKind.CORRECTION_LAPSED: "逾期未补正",
    EventKind.CONSULTATION_SENT: "征求意见",
    EventKind.CONSULTATION_ANSWERED: "收到意见",
    EventKind.CONSULTATION_LAPSED: "征求意见期满",
    EventKind.EXTENSION: "延期答复（已批准并告知）",
    EventKind.REASONS_REQUESTED: "要求说明理由（第三十五条）",
    EventKind.CUSTOM_DEADLINE: "第三十五条另行确定答复期限",
    EventKind.FEE_NOTICE: "收费通知",
    EventKind.FEE_PAID: "已缴费",
    EventKind.FEE_LAPSED: "逾期未缴费",
    EventKind.WITHDRAWN: "申请人撤回申请",
    EventKind.TRANSFERRED: "转办",
    EventKind.DECIDED: "作出答复决定",
    EventKind.DELIVERED: "送达",
    EventKind.ARCHIVED: "归档",
    EventKind.APPEAL_FILED: "申请行政复议/提起行政诉讼",
    EventKind.APPEAL_DECIDED: "复议/诉讼结果",
    EventKind.VOIDED: "作废误登记",
}

# what an event of each kind must carry in ``data``
_REQUIRED: dict[EventKind, tuple[str, ...]] = {
    EventKind.CORRECTION_REQUESTED: ("reply_by",),
    EventKind.CONSULTATION_SENT: ("party",),
    EventKind.EXTENSION: ("days",),
    EventKind.CUSTOM_DEADLINE: ("due", "reason"),
    EventKind.FEE_NOTICE: ("amount",),
    EventKind.DECIDED: ("outcome",),
    EventKind.DELIVERED: ("method",),
    EventKind.APPEAL_FILED: ("route",),
    EventKind.APPEAL_DECIDED: ("result",),
}
_REFERS = frozenset({EventKind.CONSULTATION_ANSWERED, EventKind.CONSULTATION_LAPSED, EventKind.APPEAL_DECIDED})
PARTIES = {"third_party": "第三方（第三十二条）", "agency": "其他机关（第三十四条）"}
DELIVERY = {
    "in_person": "当面领取（签收之日）",
    "entrusted": "委托他人领取（签收之日）",
    "post": "邮寄（交邮之日，仅限中国邮政）",
    "email": "电子邮件",
    "online": "网上平台",
}


@dataclass(frozen=True, slots=True)
class Event:
    """One step of an application's handling; never changed once entered."""

    id: int
    kind: EventKind
    on: date  # the day it happened (for a delivery: the day by the 235号 rule)
    recorded: date  # the day it was entered
    data: Mapping[str, str] = field(default_factory=dict)
    corrects: int | None = None  # the event this one replaces
    refers: int | None = None  # the event this one answers (a consultation, an appeal)
    by: str | None = None  # who entered it

    def get(self, key: str) -> str | None:
        return self.data.get(key)

    def date_of(self, key: str) -> date | None:
        value = self.data.get(key)
        return date.fromisoformat(value) if value else None

    @property
    def label(self) -> str:
        return self.kind.zh


@dataclass(frozen=True, slots=True)
class Applicant:
    """Who applies (the table column is the applicant's type, never an agent's); personal data apart."""

    column: str  # a table 三 applicant column (自然人, 商业企业 …)
    name: str | None = None
    id_number: str | None = None  # kept only as a salted hash by the store
    contact: str | None = None
    agent: str | None = None  # an agent acts for the applicant; never decides the column


@dataclass(frozen=True, slots=True)
class Application:
    """An application as registered, with the events known of it."""

    id: str  # the register number: <year>-<sequence>, per agency
    agency: str
    channel: Channel
    arrived: date
    applicant: Applicant
    request: str = ""
    form: str = ""  # the requested form of delivery
    events: tuple[Event, ...] = ()

    def with_event(self, event: Event) -> Application:
        """This application with one more event (checked); the register's only way to change one."""
        validate(event, self)
        return replace(self, events=(*self.events, event))

    def next_event_id(self) -> int:
        return max((e.id for e in self.events), default=0) + 1


def validate_application(app: Application) -> None:
    if app.applicant.column not in APPLICANT_IDS:
        raise RegisterError(f"申请人类型 {app.applicant.column!r} 不是表三的申请人列")


def validate(event: Event, app: Application) -> None:
    """Refuse an event the register cannot hold: missing details, unknown outcome, dangling reference."""
    missing = [k for k in _REQUIRED.get(event.kind, ()) if not event.data.get(k)]
    if missing:
        raise RegisterError(f"“{event.label}”缺少：{'、'.join(missing)}")
    known = {e.id: e for e in app.events}
    if event.id in known:
        raise RegisterError(f"事件编号 {event.id} 已存在：事件只能追加")
    if event.corrects is not None and event.corrects not in known:
        raise RegisterError(f"更正的事件 {event.corrects} 不存在")
    if event.kind is EventKind.VOIDED and event.corrects is None:
        raise RegisterError("作废须指明被作废的事件")
    if event.kind in _REFERS and (event.refers is None or event.refers not in known):
        raise RegisterError(f"“{event.label}”须指明对应的事件")
    if event.on < app.arrived:
        raise RegisterError(f"“{event.label}”的日期 {event.on} 早于申请到达日 {app.arrived}")
    if event.recorded < event.on:
        raise RegisterError(f"“{event.label}”的登记日 {event.recorded} 早于其发生日 {event.on}")
    _validate_data(event)


def _validate_data(event: Event) -> None:
    data = event.data
    if event.kind is EventKind.DECIDED and data["outcome"] not in OUTCOME_IDS:
        raise RegisterError(f"办理结果 {data['outcome']!r} 不是表三的办理结果行")
    if event.kind is EventKind.CONSULTATION_SENT and data["party"] not in PARTIES:
        raise RegisterError(f"征求意见对象应为 {'/'.join(PARTIES)}")
    if event.kind is EventKind.DELIVERED and data["method"] not in DELIVERY:
        raise RegisterError(f"送达方式应为 {'/'.join(DELIVERY)}")
    if event.kind is EventKind.APPEAL_FILED and data["route"] not in ROUTE_IDS:
        raise RegisterError(f"救济途径 {data['route']!r} 不是表四的一栏")
    if event.kind is EventKind.APPEAL_DECIDED and data["result"] not in RESULT_IDS:
        raise RegisterError(f"复议/诉讼结果 {data['result']!r} 不是表四的结果列")
    if event.kind is EventKind.EXTENSION and not data["days"].isdigit():
        raise RegisterError("延期天数应为整数个工作日")
    for key in ("reply_by", "due"):
        if key in data:
            try:
                date.fromisoformat(data[key])
            except ValueError as exc:
                raise RegisterError(f"{key} 不是日期：{data[key]!r}") from exc


def effective(events: Iterable[Event], *, known: date | None = None, on: date | None = None) -> list[Event]:
    """The events in force: entered by ``known`` and happened by ``on``, each correction in place of its target.

    A correction stands in its target's place and under its target's id (so what refers to the
    target finds it); a ``voided`` event removes its target. Corrections of corrections chain.
    """
    slot_of: dict[int, int] = {}
    standing: dict[int, Event] = {}
    for e in sorted(events, key=lambda e: e.id):
        if known is not None and e.recorded > known:
            continue
        if e.corrects is None or e.corrects not in slot_of:
            slot_of[e.id] = e.id
            standing[e.id] = e
            continue
        slot = slot_of[e.corrects]
        slot_of[e.id] = slot
        if e.kind is EventKind.VOIDED:
            standing.pop(slot, None)
        else:
            standing[slot] = replace(e, id=slot)
    out = [e for e in standing.values() if on is None or e.on <= on]
    return sorted(out, key=lambda e: (e.on, e.id))
