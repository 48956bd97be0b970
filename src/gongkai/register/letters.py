"""The standard notices (文书) of an application as Word files, filled from its events and its clock.

Templates are .docx files with Jinja tags (docxtpl), shipped in ``letter_templates/`` (rebuilt
by ``scripts/build_letter_templates.py``) and replaceable by an agency's own folder of files with
the same names. A letter is filled only from what the register holds: a notice whose event is
absent (a 补正告知书 without a 补正 request) is refused with a Chinese sentence, a fee is the
109号 amount computed from the notice's basis, and a fact the register does not keep (the
applicant's name when personal data are not asked for, the items to correct) is a blank line.

``VARIABLES`` lists what a template may use.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import Enum
from pathlib import Path

from .calendar import WorkCalendar, standard_calendar
from .clock import CONSULTATION_DAYS, EXTENSION_DAYS, FEE_DAYS, REVIEW_FIRST, State, closure, state
from .events import CLOSING, DELIVERY, PARTIES, T3, Application, Event, EventKind, RegisterError, effective
from .fees import FeeBasis, fee_by_pages, fee_for_nth_application
from .policy import DEFAULT_POLICY, Policy
from .workbook import APPLICANT_LABEL, OUTCOME_GROUP, OUTCOME_ROW

DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "letter_templates"
BLANK = "__________"


class LetterKind(Enum):
    RECEIPT = "receipt"
    CORRECTION = "correction"
    EXTENSION = "extension"
    CONSULTATION = "consultation"
    REASONS = "reasons"
    FEE = "fee"
    ANSWER = "answer"

    @property
    def zh(self) -> str:
        return _KIND_ZH[self]


_KIND_ZH = {
    LetterKind.RECEIPT: "登记回执",
    LetterKind.CORRECTION: "补正告知书",
    LetterKind.EXTENSION: "延期答复告知书",
    LetterKind.CONSULTATION: "征求意见书",
    LetterKind.REASONS: "说明理由告知书",
    LetterKind.FEE: "收费通知书",
    LetterKind.ANSWER: "答复告知书",
}

VARIABLES: dict[str, str] = {
    "agency": "机关名称",
    "number": "登记号",
    "applicant": "申请人姓名或名称（未调取个人信息时为空线）",
    "applicant_type": "申请人类型（表三的列）",
    "channel": "收到方式",
    "arrived": "申请到达之日",
    "receipt": "收到申请之日（法定）",
    "request": "所需信息的内容描述",
    "form": "获取信息的方式",
    "due": "答复期限（延期告知书中为延长后的期限）",
    "issued": "落款日期（该文书对应事件的日期）",
    "reply_by": "补正期限 / 征求意见的答复期限 / 说明理由的期限（登记了才有，否则为空线）",
    "reasons_note": "数量、频次明显超过合理范围的情形（登记了才有，否则为空线）",
    "correction_items": "需补正的事项（登记了才有，否则为空线）",
    "extension_days": "延长的工作日数",
    "extension_reason": "延期理由（登记了才有，否则为空线）",
    "original_due": "延期前的答复期限",
    "consulted": "被征求意见的第三方或机关（登记了才有，否则为空线）",
    "consultation_days": "征求意见的期限（15 个工作日）",
    "amount": "信息处理费金额（元，按国办函〔2020〕109号计算）",
    "fee_basis": "计收方式（按件/按量）",
    "fee_detail": "计费依据（页数或当月第几件）",
    "fee_days": "缴费期限（20 个工作日）",
    "outcome": "答复结果（表三的办理结果行）",
    "outcome_group": "办理结果所属的类别",
    "ground": "答复依据和理由",
    "review_first": "是否须先申请行政复议（不予公开的决定，2024年1月1日起）",
    "review_body": "行政复议机关（默认为待填写的占位）",
    "court": "人民法院（默认为待填写的占位）",
}


@dataclass(frozen=True, slots=True)
class Remedies:
    """The bodies the remedies sentence names; placeholders until the agency gives them."""

    review_body: str = "（行政复议机关名称）"
    court: str = "（人民法院名称）"


class LetterRefused(RegisterError):
    """A letter that the register's facts do not support."""


def chinese_date(day: date | None) -> str:
    """2025年3月5日 (a blank line when there is no date)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else BLANK


def _family(outcome: str) -> str:
    """The answer template of an outcome row: by the row's role or the group it belongs to."""
    if outcome == T3.granted.id:
        return "answer_granted"
    if outcome == CLOSING.partial.id:
        return "answer_partial"
    group = OUTCOME_GROUP.get(outcome)
    for role, name in (
        (CLOSING.withheld[0].id if CLOSING.withheld else None, "answer_withheld"),
        (CLOSING.unclear.id, "answer_unable"),
        (CLOSING.mass.id, "answer_rejected"),
    ):
        if role is not None and group == OUTCOME_GROUP.get(role):
            return name
    return "answer_other"


def outcome_words(outcome: str) -> str:
    """An outcome row as a letter says it: 予以公开, 部分公开, 不予公开（属于国家秘密） …"""
    row = OUTCOME_ROW[outcome]
    label = row.abbreviations[0] if row.abbreviations else row.label
    group = OUTCOME_GROUP.get(outcome)
    return f"{re.sub(r'^[（(][一二三四五六七八九十]+[)）]', '', group)}（{label}）" if group else label


def _last(events: list[Event], kind: EventKind) -> Event | None:
    return next((e for e in reversed(events) if e.kind is kind), None)


@dataclass(frozen=True, slots=True)
class Letter:
    """What fills a template: its file name and the values."""

    kind: LetterKind
    template: str  # file name in the template folder
    context: dict[str, object]
    title: str


def letter_context(
    app: Application,
    kind: LetterKind,
    *,
    calendar: WorkCalendar | None = None,
    policy: Policy = DEFAULT_POLICY,
    remedies: Remedies = Remedies(),
) -> Letter:
    """The template and values of ``kind`` for ``app``; ``LetterRefused`` when a needed fact is absent."""
    cal = calendar or standard_calendar()
    events = effective(app.events)
    last = max((e.on for e in events), default=app.arrived)
    now = state(app, max(last, app.arrived), cal, policy, known=date.max)
    if now.receipt is None:
        raise LetterRefused(f"{app.id} 尚未确认收到申请（{app.channel.zh}须确认），没有收到申请之日，不能出具{kind.zh}")
    who = app.applicant
    base: dict[str, object] = {
        "agency": app.agency,
        "number": app.id,
        "applicant": who.name or BLANK,
        "applicant_type": APPLICANT_LABEL[who.column],
        "channel": app.channel.zh,
        "arrived": chinese_date(app.arrived),
        "receipt": chinese_date(now.receipt),
        "request": app.request or BLANK,
        "form": app.form or BLANK,
        "review_body": remedies.review_body,
        "court": remedies.court,
    }

    def at(day: date, of: Application = app) -> State:
        return state(of, day, cal, policy, known=date.max)

    if kind is LetterKind.RECEIPT:
        st = at(now.receipt)
        return Letter(kind, "receipt.docx", {**base, "due": chinese_date(st.due), "issued": base["receipt"]}, kind.zh)
    if kind is LetterKind.CORRECTION:
        asked = _last(events, EventKind.CORRECTION_REQUESTED)
        if asked is None:
            raise LetterRefused(f"{app.id} 没有登记“告知补正”事件，不能出具补正告知书")
        values: dict[str, object] = {
            "reply_by": chinese_date(asked.date_of("reply_by")),
            "correction_items": asked.get("items") or asked.get("reason") or BLANK,
            "issued": chinese_date(asked.on),
        }
        return Letter(kind, "correction.docx", {**base, **values}, kind.zh)
    if kind is LetterKind.EXTENSION:
        extension = next((e for e in events if e.kind is EventKind.EXTENSION), None)
        if extension is None:
            raise LetterRefused(f"{app.id} 没有登记“延期答复”事件，不能出具延期答复告知书")
        st = at(extension.on)
        if not st.extended:
            why = next((w for w in st.warnings if "延期" in w), "延期未生效")
            raise LetterRefused(f"{app.id} 的延期不能告知：{why}")
        before = at(extension.on, replace(app, events=tuple(e for e in app.events if e.id != extension.id)))
        extended: dict[str, object] = {
            "extension_days": min(int(extension.data["days"]), EXTENSION_DAYS),
            "extension_reason": extension.get("reason") or BLANK,
            "original_due": chinese_date(before.due),
            "due": chinese_date(st.due),
            "issued": chinese_date(extension.on),
        }
        return Letter(kind, "extension.docx", {**base, **extended}, kind.zh)
    if kind is LetterKind.CONSULTATION:
        sent = _last(events, EventKind.CONSULTATION_SENT)
        if sent is None:
            raise LetterRefused(f"{app.id} 没有登记“征求意见”事件，不能出具征求意见书")
        party = sent.data["party"]
        consulted: dict[str, object] = {
            "consulted": sent.get("to") or sent.get("name") or BLANK,
            "consultation_days": CONSULTATION_DAYS,
            "reply_by": chinese_date(cal.step(sent.on, CONSULTATION_DAYS)),
            "issued": chinese_date(sent.on),
            "party": PARTIES[party],
        }
        return Letter(kind, f"consultation_{party}.docx", {**base, **consulted}, kind.zh)
    if kind is LetterKind.REASONS:
        asked = _last(events, EventKind.REASONS_REQUESTED)
        if asked is None:
            raise LetterRefused(f"{app.id} 没有登记“要求说明理由”事件，不能出具说明理由告知书")
        reasons: dict[str, object] = {
            "reply_by": chinese_date(asked.date_of("reply_by")),
            "reasons_note": asked.get("note") or BLANK,
            "issued": chinese_date(asked.on),
        }
        return Letter(kind, "reasons.docx", {**base, **reasons}, kind.zh)
    if kind is LetterKind.FEE:
        return _fee(app, events, base)
    return _answer(app, events, base)


def fee_amount(notice: Event) -> tuple[int, str, str]:
    """(元, basis in words, detail) of a fee notice by the 109号 schedule; ``LetterRefused`` when it cannot be computed.

    按量 needs the page count (``pages``), 按件 the applicant's place in the month (``nth``); the amount
    the notice recorded must be the one the schedule gives.
    """
    basis = notice.get("basis")
    pages, nth = notice.get("pages"), notice.get("nth")
    if basis == FeeBasis.PAGES.value and pages and pages.isdigit():
        amount, detail = fee_by_pages(int(pages)), f"所需信息共{int(pages)}页"
    elif basis == FeeBasis.COUNT.value and nth and nth.isdigit():
        amount, detail = fee_for_nth_application(int(nth)), f"本申请为该申请人当月第{int(nth)}件申请"
    else:
        raise LetterRefused(
            "收费通知未登记计收方式及页数（按量）或当月第几件（按件），无法按国办函〔2020〕109号计算金额"
        )
    recorded = notice.get("amount")
    if recorded is not None and recorded != str(amount):
        raise LetterRefused(
            f"收费通知登记的金额 {recorded} 元与国办函〔2020〕109号标准计算的 {amount} 元不符，请先更正"
        )
    return amount, FeeBasis(basis).zh, detail


def _fee(app: Application, events: list[Event], base: dict[str, object]) -> Letter:
    notice = _last(events, EventKind.FEE_NOTICE)
    if notice is None:
        raise LetterRefused(f"{app.id} 没有登记“收费通知”事件，不能出具收费通知书")
    try:
        amount, basis, detail = fee_amount(notice)
    except LetterRefused as exc:
        raise LetterRefused(f"{app.id}：{exc}") from None
    values: dict[str, object] = {
        "amount": amount,
        "fee_basis": basis,
        "fee_detail": detail,
        "fee_days": FEE_DAYS,
        "issued": chinese_date(notice.on),
    }
    return Letter(LetterKind.FEE, "fee.docx", {**base, **values}, LetterKind.FEE.zh)


def _answer(app: Application, events: list[Event], base: dict[str, object]) -> Letter:
    closed = closure(events)
    if closed is None:
        raise LetterRefused(f"{app.id} 尚未作出答复决定（没有办结事件），不能出具答复告知书")
    event, outcome = closed
    if event.kind is EventKind.WITHDRAWN:
        raise LetterRefused(f"{app.id} 已由申请人撤回，无需答复告知书")
    family = _family(outcome)
    ground = event.get("ground")
    if family in ("answer_withheld", "answer_partial") and not ground:
        raise LetterRefused(f"{app.id} 的答复决定未登记依据：不予公开须说明理由（条例第三十六条），请先补登")
    delivered = next((e for e in events if e.kind is EventKind.DELIVERED and e.on >= event.on), None)
    values: dict[str, object] = {
        "outcome": outcome_words(outcome),
        "outcome_group": OUTCOME_GROUP.get(outcome, ""),
        "ground": ground or "",
        "review_first": family in ("answer_withheld", "answer_partial") and event.on >= REVIEW_FIRST,
        "delivery": DELIVERY.get(delivered.data["method"], "") if delivered else "",
        "issued": chinese_date(event.on),
    }
    return Letter(LetterKind.ANSWER, f"{family}.docx", {**base, **values}, LetterKind.ANSWER.zh)


def template_path(name: str, templates: Path | None = None) -> Path:
    """The template file ``name`` in the agency's folder when it has one, else the default."""
    if templates is not None:
        own = templates / name
        if own.is_file():
            return own
        if not templates.is_dir():
            raise LetterRefused(f"模板目录不存在：{templates}")
    return DEFAULT_TEMPLATES / name


def render_letter(
    app: Application,
    kind: LetterKind | str,
    *,
    templates: Path | None = None,
    calendar: WorkCalendar | None = None,
    policy: Policy = DEFAULT_POLICY,
    remedies: Remedies = Remedies(),
    extra: Mapping[str, object] | None = None,
) -> bytes:
    """The letter ``kind`` of ``app`` as DOCX bytes, from ``templates`` (an agency's folder) or the defaults.

    ``extra`` adds or overrides template values (e.g. a letter number the agency assigns).
    ``LetterRefused`` when the register lacks the fact the letter needs, or the template is broken.
    """
    from docxtpl import DocxTemplate
    from jinja2 import Environment, StrictUndefined, TemplateError

    chosen = kind if isinstance(kind, LetterKind) else _kind(kind)
    letter = letter_context(app, chosen, calendar=calendar, policy=policy, remedies=remedies)
    path = template_path(letter.template, templates)
    try:
        document = DocxTemplate(str(path))
        document.render({**letter.context, **(extra or {})}, Environment(undefined=StrictUndefined, autoescape=True))
    except TemplateError as exc:
        raise LetterRefused(f"模板 {path.name} 有误：{exc}") from None
    except Exception as exc:  # a file that is no Word document
        raise LetterRefused(f"无法读取模板 {path.name}（{type(exc).__name__}）") from None
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _kind(text: str) -> LetterKind:
    try:
        return LetterKind(text)
    except ValueError:
        raise LetterRefused(
            f"未知的文书类型 {text!r}，可选：{'、'.join(f'{k.zh}（{k.value}）' for k in LetterKind)}"
        ) from None
