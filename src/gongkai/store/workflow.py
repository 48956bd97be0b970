"""The review workflow of a finding: its statuses, the steps allowed between them, and a step as a row.

    open 待审 ─┬─▶ confirmed 确认问题 ──▶ sent 已发送机关 ──▶ rectified 已整改 ──▶ closed 已关闭
               └─▶ dismissed 不是问题（误报）
    (any status but open ──▶ open: reopened; confirmed ⇄ dismissed: the reviewer changed their mind)

This module is the one place the steps are declared; ``reviews.Reviews`` refuses any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..errors import StoreError

REVIEW_STATUSES = ("open", "confirmed", "dismissed", "sent", "rectified", "closed")
REVIEW_STATUS_ZH = {
    "open": "待审",
    "confirmed": "确认问题",
    "dismissed": "不是问题（误报）",
    "sent": "已发送机关",
    "rectified": "已整改",
    "closed": "已关闭",
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("confirmed", "dismissed"),
    "confirmed": ("sent", "dismissed", "open"),
    "dismissed": ("confirmed", "open"),
    "sent": ("rectified", "confirmed", "open"),
    "rectified": ("closed", "sent", "open"),
    "closed": ("open",),
}
"""From each status, the statuses a reviewer may move a finding to (in the order the buttons show)."""

ACTION_ZH = {
    "open": "重新打开",
    "confirmed": "确认问题",
    "dismissed": "不是问题（误报）",
    "sent": "已发送机关",
    "rectified": "已整改",
    "closed": "关闭",
}
"""What the button that moves a finding *to* a status says."""

OPINION_STATUSES = ("confirmed", "sent")
"""Findings a 审核意见书 lists: problems confirmed and not yet rectified (sending one does not take it out)."""

STATUS_WORDS: dict[str, str] = (
    {s: s for s in REVIEW_STATUSES}
    | {zh: s for s, zh in REVIEW_STATUS_ZH.items()}
    | {"已确认": "confirmed", "确认": "confirmed", "不是问题": "dismissed", "误报": "dismissed", "驳回": "dismissed"}
    | {"已驳回": "dismissed", "已发送": "sent", "发送": "sent", "整改": "rectified", "关闭": "closed"}
    | {"重新打开": "open", "未审": "open"}
)
"""The words a user may type for a status (codes, the Chinese names, and the short forms people say)."""


def status_code(word: str) -> str | None:
    """The status a user's word names (``误报`` → ``dismissed``), or None."""
    return STATUS_WORDS.get(word.strip())


def status_choices() -> str:
    """Every review status as 中文（code）, for error messages."""
    return "、".join(f"{REVIEW_STATUS_ZH[s]}（{s}）" for s in REVIEW_STATUSES)


def check_transition(current: str, wanted: str) -> None:
    """Raise ``StoreError`` (in Chinese) unless a finding in ``current`` may move to ``wanted``."""
    if wanted not in REVIEW_STATUSES:
        raise StoreError(f"审核状态须为 {status_choices()} 之一，而不是“{wanted}”")
    if wanted not in TRANSITIONS.get(current, ()):
        allowed = "、".join(f"{REVIEW_STATUS_ZH[s]}（{s}）" for s in TRANSITIONS.get(current, ()))
        raise StoreError(
            f"问题当前为“{REVIEW_STATUS_ZH.get(current, current)}”，不能改为“{REVIEW_STATUS_ZH[wanted]}”；"
            f"可改为：{allowed or '无'}"
        )


@dataclass(frozen=True, slots=True)
class FindingEventRow:
    """One step of a finding's review, as the store hands it out."""

    fingerprint: str
    rule: str
    status_from: str
    status_to: str
    actor: str | None
    reason: str | None
    at: datetime

    def to_json(self) -> dict[str, object]:
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "from": self.status_from,
            "from_zh": REVIEW_STATUS_ZH.get(self.status_from, self.status_from),
            "to": self.status_to,
            "to_zh": REVIEW_STATUS_ZH.get(self.status_to, self.status_to),
            "actor": self.actor,
            "reason": self.reason,
            "at": self.at.isoformat(),
        }
