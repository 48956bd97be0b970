"""The agency's recorded policies: the points no national text settles, set once and shown in the report."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .calendar import StartReading


class AppealCounting(Enum):
    """Which year a review or lawsuit is counted in (table 四; the format does not say)."""

    FILED = "filed"  # the year it was filed, with its result as of 31 December
    ACTIVE = "active"  # the year it was concluded, or every year-end at which it is still pending

    @property
    def zh(self) -> str:
        return {"filed": "按受理（立案）年度统计", "active": "按审结年度统计，未审结的计入尚未审结"}[self.value]


@dataclass(frozen=True, slots=True)
class Policy:
    """What the agency follows where the law leaves a choice."""

    reading: StartReading = StartReading.MOVED  # a start day that is not a working day
    fee_pauses_clock: bool = True  # the answer clock waits while a fee notice is unpaid
    online_needs_confirmation: bool = True  # no published rule for the platform: both sides confirm
    appeals: AppealCounting = AppealCounting.FILED

    def notes(self) -> list[str]:
        """The policies in words, for the report's notes."""
        return [
            "起算日非工作日："
            + ("先顺延至工作日再计算（较晚的日期）" if self.reading is StartReading.MOVED else "直接数其后的工作日"),
            "收费期间" + ("不计入答复期限" if self.fee_pauses_clock else "计入答复期限"),
            "网上平台申请以"
            + ("双方确认之日为收到申请之日" if self.online_needs_confirmation else "提交之日为收到申请之日"),
            "复议、诉讼" + self.appeals.zh,
        ]


DEFAULT_POLICY = Policy()
