"""A demonstration register: one fictional agency's applications over given years, seeded.

Every path of the law is walked by some application: each channel (with confirmations and
contact attempts where the channel needs them), 当场答复, 补正 answered (the clock restarts) or
lapsed, third-party and agency consultations answered or lapsed, extensions notified in time or
late, Art. 35 deadlines, fees paid or unpaid, withdrawals, transfers, every outcome row, delivery
by each method, archiving, and reviews and lawsuits with their results. Events after ``today``
are not yet known, so the register ends with open applications to carry forward. The names and
ID numbers are made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import WorkCalendar, standard_calendar
from .clock import ANSWER_DAYS, CONSULTATION_DAYS, CORRECTION_NOTICE_DAYS, FEE_DAYS
from .events import CLOSING, DELIVERY, T3, T4, Applicant, Application, Channel, Event, EventKind
from .fees import fee_by_pages

DEMO_AGENCY = "示例市自然资源和规划局（演示）"

_CHANNELS = (
    (Channel.ONLINE, 38),
    (Channel.EMAIL, 14),
    (Channel.POST_SIGNED, 18),
    (Channel.POST_UNSIGNED, 6),
    (Channel.IN_PERSON, 14),
    (Channel.FAX, 4),
    (Channel.OTHER_UNIT, 6),
)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰文斌宇浩凯鹏飞婷雪晨欣悦"
_REQUESTS = (
    "某地块国有建设用地使用权出让合同",
    "某村集体土地征收补偿安置方案",
    "某项目建设工程规划许可证及附图",
    "本市国土空间总体规划批复文件",
    "某小区规划条件核实意见",
    "某宗地不动产登记簿记载信息",
    "某区域控制性详细规划调整论证报告",
    "某矿区采矿权出让收益评估报告",
)


@dataclass(frozen=True, slots=True)
class DemoSpec:
    applications: int = 3000
    years: tuple[int, ...] = (2024, 2025, 2026)
    seed: int = 2026
    agency: str = DEMO_AGENCY
    today: date | None = None  # events after it are not yet known; default: the last year's 31 December


def demo_register(spec: DemoSpec, calendar: WorkCalendar | None = None) -> list[Application]:
    """``spec.applications`` applications spread over ``spec.years``, in register-number order."""
    cal = calendar or standard_calendar()
    rng = random.Random(spec.seed)
    today = spec.today or date(max(spec.years), 12, 31)
    days = [
        date(y, 1, 1) + timedelta(days=i)
        for y in spec.years
        for i in range(366)
        if (date(y, 1, 1) + timedelta(days=i)).year == y
    ]
    days = [d for d in days if d <= today]
    arrivals = sorted(rng.choice(days) for _ in range(spec.applications))
    out: list[Application] = []
    numbers: dict[int, int] = {}
    for i, arrived in enumerate(arrivals):
        numbers[arrived.year] = numbers.get(arrived.year, 0) + 1
        app_id = f"{arrived.year}-{numbers[arrived.year]:05d}"
        path = _PATHS[i % len(_PATHS)] if i < len(_PATHS) else None  # every path at least once
        out.append(_application(rng, cal, app_id, spec.agency, arrived, today, path))
    return out


class _Builder:
    def __init__(self, app: Application, today: date) -> None:
        self.app = app
        self.today = today
        self.events: list[Event] = []

    def add(
        self,
        kind: EventKind,
        on: date,
        data: dict[str, str] | None = None,
        *,
        refers: int | None = None,
        corrects: int | None = None,
        late_entry: int = 0,
    ) -> int | None:
        recorded = on + timedelta(days=late_entry)
        if on > self.today:
            return None
        event = Event(len(self.events) + 1, kind, on, min(recorded, max(self.today, on)), data or {}, corrects, refers)
        self.events.append(event)
        return event.id

    def build(self) -> Application:
        app = self.app
        for e in self.events:
            app = app.with_event(e)
        return app


_PATHS = (
    "same_day",
    "correction",
    "correction_lapsed",
    "correction_unclear",
    "consult_third",
    "consult_agency",
    "consult_lapsed",
    "extension",
    "extension_late",
    "art35_deadline",
    "art35_reject",
    "fee_paid",
    "fee_unpaid",
    "withdrawn",
    "transferred",
    "late",
    "corrected_entry",
    "appeal",
    "plain",
)
_WEIGHTS = (3, 7, 3, 1, 4, 2, 1, 7, 1, 1, 1, 1, 1, 3, 2, 2, 1, 0, 58)


def _application(
    rng: random.Random, cal: WorkCalendar, app_id: str, agency: str, arrived: date, today: date, path: str | None
) -> Application:
    channel = rng.choices([c for c, _ in _CHANNELS], [w for _, w in _CHANNELS])[0]
    if path == "same_day":
        channel = Channel.IN_PERSON
    column = T3.person.id if rng.random() < 0.82 else rng.choice(T3.organisations).id
    name = rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.choice((1, 2))))
    applicant = Applicant(
        column,
        name if column == T3.person.id else f"示例{rng.choice(('置业', '建设', '律师事务所', '研究院'))}有限公司",
        "".join(rng.choices("0123456789", k=17)) + rng.choice("0123456789X") if column == T3.person.id else None,
        f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}",
        agent=f"{rng.choice(_SURNAMES)}律师" if rng.random() < 0.05 else None,
    )
    app = Application(app_id, agency, channel, arrived, applicant, rng.choice(_REQUESTS), rng.choice(("纸质", "电子")))
    b = _Builder(app, today)
    receipt = arrived
    if channel in (Channel.POST_UNSIGNED, Channel.OTHER_UNIT, Channel.FAX, Channel.ONLINE):
        for k in range(rng.choice((0, 0, 0, 1, 2))):
            b.add(EventKind.CONTACT_ATTEMPT, arrived + timedelta(days=k), {"note": "电话未接通"})
        receipt = cal.step(arrived, rng.choice((0, 1, 1, 2, 3))) if channel is not Channel.ONLINE else arrived
        if b.add(EventKind.CONFIRMED, receipt) is None:
            return b.build()
    chosen = path or rng.choices(_PATHS, _WEIGHTS)[0]
    _walk(rng, cal, b, chosen, receipt)
    return b.build()


def _walk(rng: random.Random, cal: WorkCalendar, b: _Builder, path: str, receipt: date) -> None:
    start = receipt
    budget = ANSWER_DAYS
    if path == "same_day":
        _decide(rng, b, receipt, cal)
        return
    if path.startswith("correction"):
        asked = cal.step(receipt, rng.randint(1, CORRECTION_NOTICE_DAYS))
        reply_by = cal.step(asked, 15)
        if b.add(EventKind.CORRECTION_REQUESTED, asked, {"reply_by": reply_by.isoformat()}) is None:
            return
        if path == "correction_lapsed":
            b.add(EventKind.CORRECTION_LAPSED, cal.step(reply_by, 1))
            return
        start = cal.step(asked, rng.randint(2, 14))
        if b.add(EventKind.CORRECTION_RECEIVED, start) is None:
            return
        if path == "correction_unclear":
            _decide(rng, b, cal.step(start, rng.randint(3, 15)), cal, CLOSING.unclear.id)
            return
    if path.startswith("consult"):
        sent = cal.step(start, rng.randint(2, 8))
        party = "agency" if path == "consult_agency" else "third_party"
        consult = b.add(EventKind.CONSULTATION_SENT, sent, {"party": party})
        if consult is None:
            return
        if path == "consult_lapsed":
            end = cal.step(sent, CONSULTATION_DAYS)
            b.add(EventKind.CONSULTATION_LAPSED, end, refers=consult)
        else:
            end = cal.step(sent, rng.randint(3, 14))
            b.add(
                EventKind.CONSULTATION_ANSWERED,
                end,
                {"opinion": rng.choice(("同意公开", "不同意公开"))},
                refers=consult,
            )
        budget += cal.working_days(sent, end)
    if path.startswith("extension"):
        due = cal.step(cal.next_workday(start), ANSWER_DAYS)
        notified = cal.step(due, 2) if path == "extension_late" else cal.step(start, rng.randint(12, 19))
        if b.add(EventKind.EXTENSION, notified, {"days": "20", "approved_by": "公开办负责人"}) is None:
            return
        budget += 20 if path == "extension" else 0
    if path.startswith("art35"):
        asked = cal.step(start, 2)  # Art. 35: the applicant is asked to explain first (no pause)
        if b.add(EventKind.REASONS_REQUESTED, asked, {"reply_by": cal.step(asked, 5).isoformat()}) is None:
            return
        if path == "art35_reject":
            _decide(rng, b, cal.step(start, rng.randint(5, 15)), cal, CLOSING.mass.id)
            return
        due = cal.step(start, 60)
        b.add(
            EventKind.CUSTOM_DEADLINE,
            cal.step(start, 5),
            {"due": due.isoformat(), "reason": "申请数量明显超过合理范围"},
        )
        budget = cal.working_days(start, due)
    if path.startswith("fee"):
        pages = rng.randint(120, 400)
        notice = cal.step(start, rng.randint(5, 12))
        amount = str(fee_by_pages(pages))
        if b.add(EventKind.FEE_NOTICE, notice, {"amount": amount, "basis": "pages", "pages": str(pages)}) is None:
            return
        if path == "fee_unpaid":
            b.add(EventKind.FEE_LAPSED, cal.step(notice, FEE_DAYS + 1))
            return
        paid = cal.step(notice, rng.randint(2, 15))
        b.add(EventKind.FEE_PAID, paid)
        budget += cal.working_days(notice, paid)
    if path == "withdrawn":
        b.add(EventKind.WITHDRAWN, cal.step(start, rng.randint(1, 15)), {"reason": "申请人书面撤回"})
        return
    if path == "transferred":
        b.add(EventKind.TRANSFERRED, cal.step(start, 1), {"to": "不动产登记中心"})
    answer_in = rng.randint(1, budget) if path != "late" else budget + rng.randint(1, 10)
    decided = _decide(rng, b, cal.step(cal.next_workday(start), answer_in), cal)
    if path == "corrected_entry" and decided is not None:
        entered = b.events[decided - 1]
        b.add(
            EventKind.DECIDED,
            entered.on,
            {**entered.data, "ground": "更正：答复依据登记有误"},
            corrects=decided,
            late_entry=3,
        )
    if decided is not None and (path == "appeal" or rng.random() < 0.05):
        _appeal(rng, cal, b, b.events[decided - 1].on)


_OUTCOME_WEIGHTS = {T3.granted.id: 45, CLOSING.partial.id: 12}  # the other rows 3 each


def _decide(rng: random.Random, b: _Builder, on: date, cal: WorkCalendar, outcome: str | None = None) -> int | None:
    if outcome is None:
        rows = [r.id for r in T3.outcomes if r.id not in (CLOSING.no_correction.id, CLOSING.no_fee.id)]
        outcome = rng.choices(rows, [_OUTCOME_WEIGHTS.get(r, 3) for r in rows])[0]
    decided = b.add(EventKind.DECIDED, on, {"outcome": outcome, "ground": "依据《政府信息公开条例》作出答复"})
    if decided is None:
        return None
    method = rng.choice(sorted(DELIVERY))
    if b.add(EventKind.DELIVERED, on + timedelta(days=rng.choice((0, 0, 1, 2))), {"method": method}) is not None:
        b.add(EventKind.ARCHIVED, cal.step(on, rng.randint(5, 30)))
    return decided


def _appeal(rng: random.Random, cal: WorkCalendar, b: _Builder, decided: date) -> None:
    route = rng.choices([g.id for g in T4.groups], [70, 20, 10])[0]
    filed = decided + timedelta(days=rng.randint(10, 55))
    case = f"案{filed.year}-{rng.randint(1, 999):03d}"
    appeal = b.add(EventKind.APPEAL_FILED, filed, {"route": route, "case": case})
    if appeal is None:
        return
    result = rng.choices([c.id for c in T4.decided], [60, 15, 25])[0]
    b.add(EventKind.APPEAL_DECIDED, filed + timedelta(days=rng.randint(30, 150)), {"result": result}, refers=appeal)
