"""The State Council's holiday notice read from its text: the published 2025 and 2026 notices give
exactly chinese-calendar's days for those years, and a bad text is a Chinese sentence."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.register.calendar import CalendarError, DayKind, DayStatus, package_days
from gongkai.register.notice import looks_like_notice, parse_notice

from .notices import NOTICE_2025, NOTICE_2026, NOTICE_2027


def _package(year: int) -> set[tuple[date, DayKind]]:
    return {(d.day, d.kind) for d in package_days() if d.day.year == year}


@pytest.mark.parametrize(("text", "year"), [(NOTICE_2025, 2025), (NOTICE_2026, 2026)])
def test_the_published_notice_agrees_exactly_with_chinese_calendar(text: str, year: int) -> None:
    notice = parse_notice(text)
    assert notice.year == year
    assert {(d.day, d.kind) for d in notice.days} == _package(year)
    assert all(d.status is DayStatus.PROVISIONAL for d in notice.days)
    assert all("国务院办公厅关于" in d.source for d in notice.days)


def test_the_2026_notice_item_by_item() -> None:
    notice = parse_notice(NOTICE_2026)
    assert notice.items == ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
    assert notice.workdays == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    spring = [d.day for d in notice.days if d.name == "春节" and d.kind is DayKind.OFF]
    assert spring[0] == date(2026, 2, 15) and spring[-1] == date(2026, 2, 23) and len(spring) == 9
    assert len(notice.holidays) == 33


def test_a_single_day_and_a_range_across_months_in_2025() -> None:
    notice = parse_notice(NOTICE_2025)
    by_name = {n: [d.day for d in notice.days if d.name == n and d.kind is DayKind.OFF] for n in notice.items}
    assert by_name["元旦"] == [date(2025, 1, 1)]
    assert by_name["端午节"] == [date(2025, 5, 31), date(2025, 6, 1), date(2025, 6, 2)]
    assert by_name["春节"][0] == date(2025, 1, 28) and by_name["春节"][-1] == date(2025, 2, 4)
    assert by_name["国庆节、中秋节"] == [date(2025, 10, d) for d in range(1, 9)]


def test_a_pasted_notice_glued_on_one_line_reads_the_same() -> None:
    glued = NOTICE_2026.replace("\n", "")
    assert parse_notice(glued).days == parse_notice(NOTICE_2026).days


def test_the_made_up_2027_notice() -> None:
    notice = parse_notice(NOTICE_2027, region=None)
    assert notice.year == 2027
    assert date(2027, 2, 5) in notice.holidays and date(2027, 2, 13) in notice.holidays
    assert notice.workdays == [
        date(2027, 2, 14),
        date(2027, 4, 25),
        date(2027, 5, 8),
        date(2027, 9, 26),
        date(2027, 10, 9),
    ]
    assert [d.day for d in notice.days if d.name == "端午节"] == [date(2027, 6, 9)]


def test_a_region_is_kept_on_every_day() -> None:
    assert {d.region for d in parse_notice(NOTICE_2026, region="新疆").days} == {"新疆"}


def test_looks_like_notice() -> None:
    assert looks_like_notice(NOTICE_2025)
    assert not looks_like_notice("date,kind,source\n2026-10-16,off,闭馆\n")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("一、元旦：1月1日放假1天。", "找不到通知标题"),
        ("国务院办公厅关于2028年部分节假日安排的通知\n各部门：\n现通知如下。", "没有找到"),
        ("国务院办公厅关于2028年部分节假日安排的通知\n一、春节：2月1日至3日放假调休，共8天。", "共8天"),
        ("国务院办公厅关于2028年部分节假日安排的通知\n一、春节：2月30日放假1天。", "日期无效"),
        ("国务院办公厅关于2028年部分节假日安排的通知\n一、春节：2月1日至3日放假，共3天。2月2日上班。", "既放假又上班"),
    ],
)
def test_a_text_that_cannot_be_read_is_a_chinese_sentence(text: str, words: str) -> None:
    with pytest.raises(CalendarError, match=words):
        parse_notice(text)
