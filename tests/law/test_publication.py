"""A year's publication state of one organ: on time, late, published without a date, overdue, not yet due.

Around both statutory deadlines (条例 第四十九条: departments 31 January, governments 31 March of the
next year): the day before and the day itself are in time, the day after is late (or overdue).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gongkai.law.publication import PUBLICATION_ZH, Publication, due_dates, standing
from gongkai.model import EntityType

DAY = timedelta(days=1)
YEAR = 2023
DEADLINES = {EntityType.DEPARTMENT: date(2024, 1, 31), EntityType.GOVERNMENT: date(2024, 3, 31)}


def _published(kind: EntityType, on: date | None, year: int = YEAR) -> Publication:
    return standing(year, kind, published=True, published_on=on, today=date(2026, 1, 1)).state


def _missing(kind: EntityType, today: date, year: int = YEAR) -> Publication:
    return standing(year, kind, published=False, published_on=None, today=today).state


@pytest.mark.parametrize("kind", list(DEADLINES))
def test_a_report_is_late_only_after_the_deadline_day(kind: EntityType) -> None:
    deadline = DEADLINES[kind]
    assert _published(kind, deadline - DAY) is Publication.ON_TIME
    assert _published(kind, deadline) is Publication.ON_TIME
    assert _published(kind, deadline + DAY) is Publication.LATE


@pytest.mark.parametrize("kind", list(DEADLINES))
def test_a_missing_report_is_overdue_only_after_the_deadline_day(kind: EntityType) -> None:
    deadline = DEADLINES[kind]
    assert _missing(kind, deadline - DAY) is Publication.NOT_YET_DUE
    assert _missing(kind, deadline) is Publication.NOT_YET_DUE
    assert _missing(kind, deadline + DAY) is Publication.OVERDUE


def test_a_department_report_of_february_is_late_a_government_one_is_not() -> None:
    february = date(2024, 2, 15)
    assert _published(EntityType.DEPARTMENT, february) is Publication.LATE
    assert _published(EntityType.GOVERNMENT, february) is Publication.ON_TIME
    assert _missing(EntityType.DEPARTMENT, february) is Publication.OVERDUE
    assert _missing(EntityType.GOVERNMENT, february) is Publication.NOT_YET_DUE


@pytest.mark.parametrize("kind", list(EntityType))
def test_a_report_without_a_printed_date_is_published_never_late(kind: EntityType) -> None:
    state = _published(kind, None)
    assert state is Publication.DATE_UNKNOWN
    assert state.published and state.zh == "已发布（未注明日期）"


def test_a_township_is_never_late_and_overdue_after_31_march() -> None:
    assert _published(EntityType.TOWNSHIP, date(2024, 6, 30)) is Publication.UNDATED_DEADLINE
    assert _missing(EntityType.TOWNSHIP, date(2024, 3, 31)) is Publication.NOT_YET_DUE
    assert _missing(EntityType.TOWNSHIP, date(2024, 4, 1)) is Publication.OVERDUE
    deadline, due, basis = due_dates(YEAR, EntityType.TOWNSHIP)
    assert deadline is None and due == date(2024, 3, 31) and "地方" in basis


def test_an_organ_of_unknown_kind_is_held_to_the_later_date() -> None:
    assert _published(EntityType.OTHER, date(2024, 3, 31)) is Publication.ON_TIME
    assert _published(EntityType.OTHER, date(2024, 4, 1)) is Publication.LATE


def test_before_2019_every_organ_had_until_31_march() -> None:
    """The 2008 条例 第三十一条: a department's report on 2013 published in February 2014 was in time."""
    assert _published(EntityType.DEPARTMENT, date(2014, 2, 25), year=2013) is Publication.ON_TIME
    assert _published(EntityType.DEPARTMENT, date(2014, 4, 1), year=2013) is Publication.LATE
    assert _missing(EntityType.DEPARTMENT, date(2014, 3, 31), year=2013) is Publication.NOT_YET_DUE


def test_the_standing_carries_its_dates_and_basis() -> None:
    february, may = date(2024, 2, 1), date(2024, 5, 1)
    judged = standing(YEAR, EntityType.DEPARTMENT, published=True, published_on=february, today=may)
    assert judged.deadline == judged.due == date(2024, 1, 31)
    assert "第四十九条" in judged.basis


def test_every_state_has_a_chinese_name_and_says_whether_it_is_published() -> None:
    assert set(PUBLICATION_ZH) == set(Publication)
    assert {s for s in Publication if not s.published} == {Publication.OVERDUE, Publication.NOT_YET_DUE}
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in s.zh) for s in Publication)
