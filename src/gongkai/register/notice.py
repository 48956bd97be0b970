"""The State Council's yearly holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知), read from its text.

Each item of the notice names a festival and its days, e.g.
``二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、
2月28日（周六）上班。``: a sentence with 放假 gives the holidays (a range ``M月D日至[M月]D日`` or a single
day), a sentence with 上班 the make-up working days. The year comes from the title. The days read
are *provisional* until an admin confirms them (``gongkai register calendar confirm``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import CalendarError, DayKind, DayStatus, ExceptionDay

_TITLE = re.compile(r"关于\s*(\d{4})\s*年\s*部分节假日安排的通知")
_ITEM = re.compile(r"^\s*[一二三四五六七八九十]+[、.．]\s*([^：:]+)[：:](.*)$")
_ASIDE = re.compile(r"[（(][^）)]*[）)]")
_RANGE = re.compile(r"(\d{1,2})月(\d{1,2})日至(?:(\d{1,2})月)?(\d{1,2})日")
_DAY = re.compile(r"(\d{1,2})月(\d{1,2})日")
_TOTAL = re.compile(r"共\s*(\d+)\s*天|放假\s*(\d+)\s*天")


@dataclass(frozen=True, slots=True)
class Notice:
    """What a notice's text says: its year and its exception days (provisional)."""

    year: int
    days: tuple[ExceptionDay, ...]
    items: tuple[str, ...]  # the festivals, in the notice's order

    @property
    def holidays(self) -> list[date]:
        return [d.day for d in self.days if d.kind is DayKind.OFF]

    @property
    def workdays(self) -> list[date]:
        return [d.day for d in self.days if d.kind is DayKind.WORK]


def looks_like_notice(text: str) -> bool:
    """The text carries a notice's title."""
    return _TITLE.search(text) is not None


def parse_notice(text: str, *, source: str | None = None, region: str | None = None) -> Notice:
    """The exception days of a notice's text; raises ``CalendarError`` naming what cannot be read."""
    title = _TITLE.search(text)
    if title is None:
        raise CalendarError("找不到通知标题（国务院办公厅关于某年部分节假日安排的通知），无法确定年份")
    year = int(title.group(1))
    origin = source or f"国务院办公厅关于{year}年部分节假日安排的通知（导入文本）"
    days: dict[date, ExceptionDay] = {}
    items: list[str] = []
    for line in _items(text):
        match = _ITEM.match(line)
        if match is None:
            continue
        name, body = match.group(1).strip(), _ASIDE.sub("", match.group(2))
        items.append(name)
        for sentence in (s for s in re.split(r"[。；;]", body) if s.strip()):
            found = _sentence_days(sentence, year, name)
            for day, kind in found:
                if day in days and days[day].kind is not kind:
                    raise CalendarError(f"{name}：{day} 既放假又上班")
                days[day] = ExceptionDay(day, kind, name, DayStatus.PROVISIONAL, origin, region)
    if not items:
        raise CalendarError(f"通知（{year} 年）中没有找到“一、元旦：……”这样的节日条目")
    if not any(d.kind is DayKind.OFF for d in days.values()):
        raise CalendarError(f"通知（{year} 年）中没有读到放假日期")
    return Notice(year, tuple(sorted(days.values(), key=lambda d: d.day)), tuple(items))


def _items(text: str) -> list[str]:
    """One festival item per entry, however the text was broken into lines (a paste may glue them)."""
    glued = re.sub(r"\s*\n\s*", "\n", text.replace("\r", ""))
    glued = re.sub(r"([。])\s*(?=[一二三四五六七八九十]+、[^：:\n]{1,12}[：:])", "\\1\n", glued)
    return glued.split("\n")


def _sentence_days(sentence: str, year: int, name: str) -> list[tuple[date, DayKind]]:
    if "上班" in sentence:
        return [(_date(year, int(m), int(d), name), DayKind.WORK) for m, d in _DAY.findall(sentence)]
    if "放假" not in sentence and "休息" not in sentence:
        return []
    out: list[date] = []
    rest = sentence
    for match in _RANGE.finditer(sentence):
        first_month, first_day, last_month, last_day = match.groups()
        first = _date(year, int(first_month), int(first_day), name)
        end_month = int(last_month or first_month)
        last = _date(year + (1 if end_month < first.month else 0), end_month, int(last_day), name)
        if last < first:
            raise CalendarError(f"{name}：放假区间 {first} 至 {last} 倒置")
        day = first
        while day <= last:
            out.append(day)
            day += timedelta(days=1)
        rest = rest.replace(match.group(0), "")
    out.extend(_date(year, int(m), int(d), name) for m, d in _DAY.findall(rest))
    total = _TOTAL.search(sentence)
    if total is not None:
        stated = int(total.group(1) or total.group(2))
        if stated != len(out):
            raise CalendarError(f"{name}：通知写“共{stated}天”，但读出的放假日期有 {len(out)} 天")
    return [(d, DayKind.OFF) for d in out]


def _date(year: int, month: int, day: int, name: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CalendarError(f"{name}：日期无效：{year}年{month}月{day}日") from None
