"""The register's applications as findings on a date: overdue, due soon, and the 复议前置 warning.

The findings are the checker's ``Finding`` (rule, severity, places, a Chinese message); their
place (``cells``) is the application's register number, so a finding's fingerprint stays the same
from one day to the next while the application stays overdue.

- ``application-overdue`` (error): open, past the due date the agency's reading gives;
- ``application-overdue-earlier`` (warning): past the due date of the earlier reading of a start
  day that is not a working day, not yet past the agency's;
- ``application-due-soon`` (warning): due within ``within`` working days;
- ``application-review-first`` (warning): a 不予公开 decision taken to court without 行政复议
  (行政复议法 第二十三条, from 2024).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..check.finding import Finding, Severity
from .calendar import WorkCalendar
from .clock import REVIEW_FIRST, State, state
from .events import CLOSING, T4, Application
from .policy import DEFAULT_POLICY, Policy

OVERDUE = "application-overdue"
OVERDUE_EARLIER = "application-overdue-earlier"
DUE_SOON = "application-due-soon"
REVIEW_FIRST_RULE = "application-review-first"

_WITHHELD = frozenset(r.id for r in (CLOSING.partial, *CLOSING.withheld))
_DIRECT = T4.suits[0].id


def register_findings(
    applications: Iterable[Application],
    as_of: date,
    calendar: WorkCalendar,
    policy: Policy = DEFAULT_POLICY,
    *,
    within: int = 5,
    known: date | None = None,
) -> list[Finding]:
    """The findings of every application on ``as_of`` (events entered by ``known``, default ``as_of``)."""
    out: list[Finding] = []
    for app in applications:
        st = state(app, as_of, calendar, policy, known=known)
        out.extend(state_findings(st, within=within))
    out.sort(key=lambda f: (f.severity.rank, str(f.evidence.get("due", "")), f.cells))
    return out


def state_findings(st: State, *, within: int = 5) -> list[Finding]:
    """The findings of one application's state."""
    out: list[Finding] = []
    where = (st.application,)
    shown = "（暂定，所涉年度尚无正式放假安排）" if st.provisional else ""
    if st.open and st.due is not None:
        evidence: dict[str, object] = {
            "application": st.application,
            "due": st.due.isoformat(),
            "days_left": st.days_left,
            "provisional": st.provisional,
        }
        if st.as_of > st.due:
            late = -(st.days_left or 0)
            out.append(
                Finding(
                    OVERDUE,
                    Severity.ERROR,
                    where,
                    f"申请 {st.application} 已逾期：答复期限 {st.due}{shown}，截至 {st.as_of} 已超过 {late} 个工作日"
                    f"（{(st.as_of - st.due).days} 天）仍未答复",
                    {**evidence, "working_days_overdue": late, "days_overdue": (st.as_of - st.due).days},
                )
            )
        elif st.due_earlier is not None and st.as_of > st.due_earlier:
            out.append(
                Finding(
                    OVERDUE_EARLIER,
                    Severity.WARNING,
                    where,
                    f"申请 {st.application} 按起算日的较早读法已逾期（{st.due_earlier}）；"
                    f"按本机关读法期限为 {st.due}{shown}",
                    {**evidence, "due_earlier": st.due_earlier.isoformat()},
                )
            )
        elif st.days_left is not None and st.days_left <= within:
            out.append(
                Finding(
                    DUE_SOON,
                    Severity.WARNING,
                    where,
                    f"申请 {st.application} 将于 {st.due}{shown} 到期，剩余 {st.days_left} 个工作日",
                    evidence,
                )
            )
    if st.outcome in _WITHHELD:
        for a in st.appeals:
            if a.route == _DIRECT and a.filed >= REVIEW_FIRST:
                out.append(
                    Finding(
                        REVIEW_FIRST_RULE,
                        Severity.WARNING,
                        where,
                        f"申请 {st.application} 的不予公开决定未经行政复议直接起诉（{a.filed}）："
                        "行政复议法第二十三条要求先申请行政复议",
                        {"application": st.application, "filed": a.filed.isoformat()},
                    )
                )
    return out
