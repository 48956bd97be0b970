"""The working-day calendar: the domain file's test vectors, make-up days, the 2026→2027 boundary, overrides.

Dates worked out by hand (../shared/domain/register-and-report.md §2): a start day is not counted; a
make-up Saturday (调休上班) is a working day; 2027 has no State Council notice yet, so its days are
provisional (statutory holidays by rule, no make-up days).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from gongkai.register.calendar import (
    CalendarError,
    DayKind,
    DayStatus,
    ExceptionDay,
    StartReading,
    WorkCalendar,
    package_days,
    read_overrides,
    standard_calendar,
)

CAL = standard_calendar()


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 9, 15), 20, date(2026, 10, 19)),  # across 国庆+中秋, with the make-up Saturday 10-10
        (date(2026, 2, 10), 20, date(2026, 3, 16)),  # across 春节, make-up Saturdays 02-14 and 02-28
        (date(2026, 2, 10), 40, date(2026, 4, 14)),  # an extended answer across 春节 and 清明
        (date(2026, 4, 30), 7, date(2026, 5, 13)),  # a 补正 notice across 劳动节 and make-up Saturday 05-09
        (date(2025, 12, 31), 20, date(2026, 1, 29)),  # across 元旦 and the year boundary
    ],
)
def test_the_domain_files_vectors_agree_in_both_readings(start: date, days: int, due: date) -> None:
    result = CAL.deadline(start, days)
    assert result.stepped == result.moved == result.due == due
    assert not result.readings_differ and not result.provisional


def test_a_start_on_a_holiday_has_two_readings_and_warns_on_the_earlier() -> None:
    # 2026-09-25 is 中秋: stepping gives 10-29, moving to Monday 09-28 first gives 10-30
    result = CAL.deadline(date(2026, 9, 25), 20)
    assert (result.stepped, result.moved) == (date(2026, 10, 29), date(2026, 10, 30))
    assert result.due == date(2026, 10, 30) and result.earlier == date(2026, 10, 29)
    assert CAL.deadline(date(2026, 9, 25), 20, reading=StartReading.STEPPED).due == date(2026, 10, 29)
    data = result.to_json()
    assert data["due"] == "2026-10-30" and data["provisional"] is False
    assert data["readings"] == {"stepped": "2026-10-29", "moved": "2026-10-30"}


def test_a_start_on_a_plain_saturday_also_has_two_readings() -> None:
    # Saturday 2026-03-07: stepping counts Mon 03-09 as day 1 → 04-03 (清明 04-06 lies after it) ...
    result = CAL.deadline(date(2026, 3, 7), 20)
    assert result.stepped == date(2026, 4, 3)
    # ... moving to Monday 03-09 first makes Tuesday day 1: 20 days end after 清明 (04-04…04-06 off) on 04-07
    assert result.moved == date(2026, 4, 7)


def test_make_up_days_of_2026_are_working_days() -> None:
    for day in (
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ):
        assert day.weekday() >= 5 and CAL.is_workday(day), day
        found = CAL.exception(day)
        assert found is not None and found.kind is DayKind.WORK and found.status is DayStatus.OFFICIAL
    assert not CAL.is_workday(date(2026, 2, 17))  # 春节
    assert not CAL.is_workday(date(2026, 10, 7))  # 国庆节 ends on the 7th
    assert CAL.is_workday(date(2026, 10, 8))


def test_official_years_are_the_packages_and_nothing_is_called_for_2027() -> None:
    years = {d.day.year for d in package_days()}
    assert min(years) == 2004 and max(years) == 2026
    assert CAL.official(2026) and not CAL.official(2027)
    # chinese-calendar itself raises for 2027; the register never asks it
    import chinese_calendar

    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))
    assert CAL.is_workday(date(2027, 1, 4)) and not CAL.is_workday(date(2027, 1, 1))


def test_2027_days_are_provisional_statutory_holidays_without_make_up_days() -> None:
    days = CAL.days_of(2027)
    assert days and all(d.status is DayStatus.PROVISIONAL and d.kind is DayKind.OFF for d in days)
    names = {d.name for d in days}
    assert {"元旦", "春节", "劳动节", "国庆节"} <= names
    assert not CAL.is_workday(date(2027, 10, 1)) and not CAL.is_workday(date(2027, 2, 6))


def test_a_deadline_across_the_2026_2027_boundary_is_provisional_and_never_fails() -> None:
    # Mon 2026-12-21: 12-22…12-25 (4), 12-28…12-31 (8), 2027-01-01 元旦 off, 01-04…01-08 (13),
    # 01-11…01-15 (18), 01-18 (19), 01-19 (20)
    result = CAL.deadline(date(2026, 12, 21), 20)
    assert result.due == date(2027, 1, 19) and result.provisional and result.provisional_years == (2027,)
    assert result.to_json()["provisional_years"] == [2027]
    # every start day of late December into 2027 computes
    for i in range(45):
        start = date(2026, 12, 1) + timedelta(days=i)
        assert CAL.deadline(start, 20).due > start
    # a deadline wholly inside 2026 is not provisional
    assert not CAL.deadline(date(2026, 11, 2), 20).provisional


def test_entering_the_notice_for_2027_makes_the_year_official_and_recomputes() -> None:
    cal = standard_calendar()
    before = cal.deadline(date(2026, 12, 21), 20)
    # a hypothetical notice: 元旦 01-01 off and a make-up Saturday 2027-01-09 (only to show the recomputation)
    notice = [
        ExceptionDay(date(2027, 1, 1), DayKind.OFF, "元旦", DayStatus.OFFICIAL, "国务院办公厅通知（测试）"),
        ExceptionDay(date(2027, 1, 9), DayKind.WORK, "调休上班", DayStatus.OFFICIAL, "国务院办公厅通知（测试）"),
    ]
    for day in notice:
        cal.put(day)
    after = cal.deadline(date(2026, 12, 21), 20)
    assert cal.official(2027) and not after.provisional
    assert after.due == before.due - timedelta(days=1)  # the make-up Saturday counts: 01-18
    # the rule-based days of 2027 are gone once the year is official: 春节 by rule is no longer off
    assert cal.is_workday(date(2027, 2, 8))


def test_overrides_from_csv_and_json(tmp_path: Path) -> None:
    csv_file = tmp_path / "local.csv"
    csv_file.write_text(
        "date,kind,source,name,region\n"
        "2026-11-16,off,州政府通知（测试）,民族节日,某自治州\n"
        "2026-11-17,放假,市政府临时闭馆通知（测试）,临时闭馆,\n",
        encoding="utf-8",
    )
    days = read_overrides(csv_file)
    assert [d.status for d in days] == [DayStatus.OVERRIDE, DayStatus.OVERRIDE]
    national = standard_calendar(days)
    assert national.is_workday(date(2026, 11, 16))  # a region's holiday is not the nation's
    assert not national.is_workday(date(2026, 11, 17))
    regional = standard_calendar(days, region="某自治州")
    assert not regional.is_workday(date(2026, 11, 16))
    assert regional.deadline(date(2026, 11, 13), 1).due == date(2026, 11, 18)

    json_file = tmp_path / "notice.json"
    json_file.write_text(
        json.dumps([{"date": "2027-02-20", "kind": "work", "source": "通知（测试）", "status": "official"}]),
        encoding="utf-8",
    )
    entered = standard_calendar(read_overrides(json_file))
    assert entered.official(2027) and entered.is_workday(date(2027, 2, 20))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2026-13-01,off,x", "日期无法识别"),
        ("2026-11-01,maybe,x", "类型应为"),
        ("2026-11-01,off,", "缺少来源"),
    ],
)
def test_a_bad_override_row_is_refused_with_its_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("date,kind,source\n" + line + "\n", encoding="utf-8")
    with pytest.raises(CalendarError, match=message) as caught:
        read_overrides(path)
    assert "第 1 行" in str(caught.value)


def test_an_override_outranks_an_official_day() -> None:
    cal = standard_calendar([ExceptionDay(date(2026, 10, 7), DayKind.WORK, "值班", DayStatus.OVERRIDE, "测试")])
    assert cal.is_workday(date(2026, 10, 7))
    cal.put(ExceptionDay(date(2026, 10, 7), DayKind.OFF, "国庆节", DayStatus.OFFICIAL, "包"))
    assert cal.is_workday(date(2026, 10, 7))


def test_weekends_only_without_any_table() -> None:
    bare = WorkCalendar(provisional=False)
    assert bare.deadline(date(2026, 9, 25), 20).due == date(2026, 10, 23)
    assert bare.working_days(date(2026, 9, 25), date(2026, 10, 2)) == 5
    assert bare.working_days(date(2026, 10, 2), date(2026, 9, 25)) == -5
