"""Information-processing fees by the 国办函〔2020〕109号 schedule: computed, never typed.

Charged only when volume or frequency is clearly beyond reason (条例 第四十二条), either per
application (按件: per applicant per calendar month) or per page (按量), never both for one
application; both progressive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum

from .events import Application, EventKind, effective

FREE_APPLICATIONS = 10  # per applicant per calendar month
FREE_PAGES = 30
PAGE_BANDS = ((100, 10), (200, 20))  # (last page of the band, 元 per page); beyond 200: 40
PAGE_TOP = 40


class FeeBasis(Enum):
    COUNT = "count"  # 按件
    PAGES = "pages"  # 按量

    @property
    def zh(self) -> str:
        return {"count": "按件计收", "pages": "按量计收"}[self.value]


def fee_for_nth_application(n: int) -> int:
    """The fee (元) of an applicant's ``n``-th application in a calendar month.

    1–10 free; 11–30 at 100 元; from 31, each further band of 10 costs 100 元 more (31–40 at
    200, 41–50 at 300 …).
    """
    if n <= FREE_APPLICATIONS:
        return 0
    if n <= 30:
        return 100
    return 100 * (2 + (n - 31) // 10)


def fee_by_count(applications_in_month: int) -> int:
    """The fees (元) of all of an applicant's applications in one month: 45 → 5 500."""
    return sum(fee_for_nth_application(n) for n in range(1, applications_in_month + 1))


def fee_by_pages(pages: int) -> int:
    """The fee (元) of one application by its pages: 1–30 free, 31–100 at 10, 101–200 at 20, then 40."""
    fee, low = 0, FREE_PAGES
    for top, price in PAGE_BANDS:
        if pages > low:
            fee += (min(pages, top) - low) * price
        low = top
    if pages > low:
        fee += (pages - low) * PAGE_TOP
    return fee


@dataclass(frozen=True, slots=True)
class Charged:
    application: str
    amount: int


def monthly_count_fees(applications: Iterable[tuple[str, str, date]]) -> list[Charged]:
    """For (application, applicant key, receipt date) in receipt order: each application's 按件 fee.

    The applicant key is the salted hash of the ID number (or the name where none), so the month
    window meets the same applicant across spellings of nothing but the hash.
    """
    seen: dict[tuple[str, int, int], int] = {}
    out = []
    for app_id, who, day in sorted(applications, key=lambda t: (t[2], t[0])):
        key = (who, day.year, day.month)
        seen[key] = seen.get(key, 0) + 1
        out.append(Charged(app_id, fee_for_nth_application(seen[key])))
    return out


@dataclass(frozen=True, slots=True)
class FeeSummary:
    """What section 六 states: how many applications were charged, and the amount."""

    year: int
    charged: int
    amount: int

    def sentence(self) -> str:
        if not self.charged:
            return f"{self.year}年度，本机关未收取信息处理费。"
        return (
            f"{self.year}年度，本机关依据国办函〔2020〕109号对 {self.charged} 件申请"
            f"收取信息处理费，共计 {self.amount} 元。"
        )


def fee_summary(applications: Iterable[Application], year: int) -> FeeSummary:
    """Section 六's figures: the applications whose fee was paid in ``year`` and the amounts noticed."""
    charged = amount = 0
    for app in applications:
        events = effective(app.events)
        notice = next((e for e in events if e.kind is EventKind.FEE_NOTICE), None)
        paid = next((e for e in events if e.kind is EventKind.FEE_PAID), None)
        if notice is not None and paid is not None and paid.on.year == year:
            charged += 1
            amount += int(notice.data["amount"])
    return FeeSummary(year, charged, amount)
