"""Whether an organ's report on a year is out, and in time (条例 第四十九条): one pure classification.

A township (乡镇/街道) has no national date: Art. 49 fixes 31 January for departments and
31 March for governments, and local rules set the township's (usually the county's January
date). So a township's published report is never called late here, and a missing one is
overdue only once the latest date Art. 49 sets for any organ (31 March) has passed: no
township is called overdue before every rule that could bind it has run out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from ..model import EntityType
from .deadlines import publication_deadline

LATEST_MONTH_DAY = (3, 31)  # the last date Art. 49 (and the 2008 条例 Art. 31) sets for any organ


class Publication(Enum):
    """Where an agency-year stands."""

    ON_TIME = "on-time"  # published on or before the deadline
    LATE = "late"  # published after it
    DATE_UNKNOWN = "date-unknown"  # published, but the report prints no date
    UNDATED_DEADLINE = "no-deadline"  # published; no national deadline to measure it by (township)
    OVERDUE = "overdue"  # no report, and the deadline has passed
    NOT_YET_DUE = "not-yet-due"  # no report, and the deadline has not passed

    @property
    def zh(self) -> str:
        return PUBLICATION_ZH[self]

    @property
    def published(self) -> bool:
        return self not in (Publication.OVERDUE, Publication.NOT_YET_DUE)


PUBLICATION_ZH = {
    Publication.ON_TIME: "按时发布",
    Publication.LATE: "逾期发布",
    Publication.DATE_UNKNOWN: "已发布（未注明日期）",
    Publication.UNDATED_DEADLINE: "已发布（无全国统一期限）",
    Publication.OVERDUE: "未发布（已逾期）",
    Publication.NOT_YET_DUE: "未发布（未到期）",
}


@dataclass(frozen=True, slots=True)
class Standing:
    """An agency-year's publication state with the dates it was judged by."""

    state: Publication
    deadline: date | None  # the statutory date a published report is measured by (None: none fixed)
    due: date  # after this day a missing report is overdue
    basis: str  # the rule, in Chinese


def due_dates(year: int, kind: EntityType) -> tuple[date | None, date, str]:
    """(the deadline a report is late after, the day after which a missing one is overdue, the basis)."""
    fixed = publication_deadline(year, kind)
    if fixed is not None:
        return fixed[0], fixed[0], fixed[1]
    latest = date(year + 1, *LATEST_MONTH_DAY)
    return None, latest, "乡镇年报期限由地方规定；未发布的，按条例最晚期限（3月31日）之后计为逾期"


def standing(year: int, kind: EntityType, *, published: bool, published_on: date | None, today: date) -> Standing:
    """Classify one agency-year: a report exists (``published``) with its printed date, or none does.

    On the deadline day itself a report is in time ("每年1月31日前" includes the 31st) and a
    missing one is not yet overdue; the day after, it is late or overdue.
    """
    deadline, due, basis = due_dates(year, kind)
    if published:
        if published_on is None:
            state = Publication.DATE_UNKNOWN
        elif deadline is None:
            state = Publication.UNDATED_DEADLINE
        elif published_on > deadline:
            state = Publication.LATE
        else:
            state = Publication.ON_TIME
    else:
        state = Publication.OVERDUE if today > due else Publication.NOT_YET_DUE
    return Standing(state, deadline, due, basis)
