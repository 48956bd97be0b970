"""Report metadata: title, agency, year covered, publication date, entity type."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ..formats import FORMATS
from ..law.agencies import ORGAN, ORGAN_SUFFIX, PLAIN_REGION, ZONE_SUFFIXES, entity_type, has_place_name
from ..model import EntityType
from .linear import LinearText, fold
from .settings import ReaderSettings

_FIRST_HEADING = re.compile(
    "^[一二三四五六七八九十]+,(?:"
    + "|".join(sorted({re.escape(s.heading) for f in FORMATS.values() for s in f.sections if s.number == 1}))
    + ")"
)
_TITLE = re.compile(r"^(?P<agency>.*?)(?P<year>(?:19|20)\d{2})年度?(?P<rest>.{0,30}?(?:年度报告|年报))")
_TITLE_PREFIX = re.compile(r"^(?:标题|题目|title)[:：]", re.I)
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[年\-./]\s*(?P<m>\d{1,2})\s*[月\-./]\s*(?P<d>\d{1,2})\s*日?")
_PAGE_DATE = re.compile(r"(?:发布日期|发布时间|公开日期|发文日期|成文日期|时间)[:：]\s*" + _DATE.pattern)
_PERIOD = re.compile(r"((?:19|20)\d{2})年1月1日(?:起)?(?:至|到|-|—|~)")


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str | None
    agency: str | None
    year: int | None
    published: date | None
    entity_type: EntityType


def _lines(text: str, limit: int) -> Iterator[str]:
    """The first 40 non-empty lines, normalised, without a crawler's "标题:" prefix."""
    count = 0
    for line in text[:limit].split("\n"):
        if line.strip():
            compact = fold(line)
            if compact:
                yield _TITLE_PREFIX.sub("", compact)
                count += 1
                if count >= 40:
                    return


def _strip_edges(raw: str) -> str:
    """Punctuation off both ends; a bracket only when it is unmatched (示例局(演示) keeps its aside)."""
    while True:
        before = raw
        raw = raw.strip(",.:[]《》<>-—_ ")
        if raw.endswith(")") and raw.count(")") > raw.count("("):
            raw = raw[:-1]
        if raw.startswith("(") and raw.count("(") > raw.count(")"):
            raw = raw[1:]
        if raw.startswith("(") and raw.endswith(")") and raw.count("(") == 1:
            raw = raw[1:-1]  # the whole name in brackets
        if raw == before:
            return raw


def _clean_agency(raw: str) -> str | None:
    raw = _strip_edges(raw)
    raw = _FIRST_HEADING.sub("", raw)
    raw = re.sub(r"关于$", "", raw)  # "某局关于2021年度…的报告"
    if not raw or len(raw) > 40:
        return None
    if re.fullmatch(r"[\u4e00-\u9fff()]+", raw) is None:
        return None
    if PLAIN_REGION.fullmatch(raw) and not raw.endswith(ZONE_SUFFIXES):
        return raw + "人民政府"  # "成安县2021年度…报告" is the county government's report
    return raw


def find_title(lt: LinearText, settings: ReaderSettings) -> tuple[str | None, str | None, int | None]:
    """The title line, the agency it names and the year it covers."""
    previous = ""
    for line in _lines(lt.text, settings.title_window * 2):
        m = _TITLE.search(line)
        if m and len(line) > settings.report_title_max:
            # a paragraph or a listing that mentions a report is no title line; its opening words may be
            line = m.group(0)
        if not m or len(line) > settings.report_title_max:
            previous = line
            continue
        agency = _clean_agency(m["agency"])
        if agency is None and m["agency"] == "":
            # "2021年度某县人民政府政府信息公开工作年度报告": the organ follows the year
            after = re.match(r"(.{2,30}?)(?:政府信息公开|信息公开|政务公开)", m["rest"])
            named = after.group(1) if after else ""
            if ORGAN.fullmatch(named) or PLAIN_REGION.fullmatch(named):
                agency = _clean_agency(named)
        printed_above = previous and len(previous) <= 30 and not re.search(r"[,。:]", previous)
        if agency is None and m["agency"] == "" and printed_above:
            agency = _clean_agency(previous)
            line = previous + line  # the title printed over two lines
        return line, agency, int(m["year"])
    return None, None, None


def _body_agency(lt: LinearText) -> str | None:
    """An organ named in the opening lines ("由宜阳县人民政府办公室编制", "2021年，县政府办公室…")."""
    head = lt.norm[:3000]
    m = re.search(r"由([\u4e00-\u9fff]{2,30}?)(?:负责)?编制", head)
    if m:
        organ = ORGAN.search(m.group(1))
        if organ:
            return organ.group()
    m = re.search(r"(?:19|20)\d{2}年(?:度)?,((?:[\u4e00-\u9fff]{1,24}?)(?:" + ORGAN_SUFFIX + "))", head)
    if m:
        return m.group(1)
    return None


def find_agency(lt: LinearText, title_agency: str | None) -> str | None:
    if title_agency and has_place_name(title_agency):
        return title_agency
    body = _body_agency(lt)
    if body and (title_agency is None or has_place_name(body) or len(body) > len(title_agency)):
        return body
    return title_agency


def find_year(lt: LinearText, title_year: int | None) -> int | None:
    if title_year:
        return title_year
    m = _PERIOD.search(lt.norm)
    if m:
        return int(m.group(1))
    return None


_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "Ｏ": 0, "O": 0, "○": 0}
_CN_DATE = re.compile(
    r"(?P<y>[〇零○ＯO一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日"
)


def _cn_number(text: str) -> int:
    """ "二十三" → 23, "〇二二" digits read one by one for years."""
    if "十" not in text:
        return int("".join(str(_CN_DIGIT[c]) for c in text))
    tens, _, units = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[units] if units else 0)


def _to_arabic(text: str) -> str:
    """Rewrite full-width digits and 公文-style Chinese-numeral dates as ASCII digits."""
    text = unicodedata.normalize("NFKC", text)
    return _CN_DATE.sub(lambda m: f"{_cn_number(m['y'])}年{_cn_number(m['m'])}月{_cn_number(m['d'])}日", text)


def _valid_date(m: re.Match[str], year: int | None) -> date | None:
    try:
        d = date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
    if year is not None and not (year < d.year <= year + 2):
        return None
    return d


def _is_signature(rest: str) -> bool:
    """Is a line, once its date is taken out, a signature (nothing, or the organ's name)?

    A date inside a sentence ("将于2023年6月30日前完成") is a plan, not the publication date.
    """
    rest = fold(rest).strip("()[]:,.。")
    return not rest or ORGAN.fullmatch(rest) is not None or rest in ("日期", "发布日期", "落款")


def find_published(lt: LinearText, year: int | None, settings: ReaderSettings) -> date | None:
    """The date printed on the report: signature, date under the title, or page metadata."""
    text = lt.text
    for line in reversed(_to_arabic(text[-settings.signature_window :]).split("\n")):
        m = _DATE.search(line)
        if m and _is_signature(line[: m.start()] + line[m.end() :]) and (d := _valid_date(m, year)):
            return d
    head_lines = text[: settings.title_window].split("\n")[:15]
    for line in head_lines:
        stripped = _to_arabic(line.strip(" \t\u3000()（）"))
        m = _DATE.fullmatch(stripped)
        if m and (d := _valid_date(m, year)):
            return d
    head = _to_arabic(text[: settings.title_window * 2])
    for m in _PAGE_DATE.finditer(head):
        if d := _valid_date(m, year):
            return d
    return None


def read_metadata(lt: LinearText, settings: ReaderSettings) -> Metadata:
    title, title_agency, title_year = find_title(lt, settings)
    agency = find_agency(lt, title_agency)
    year = find_year(lt, title_year)
    published = find_published(lt, year, settings)
    return Metadata(title, agency, year, published, entity_type(agency))


def strip_signature(text: str, agency: str | None) -> str:
    """Drop a closing signature (the agency's name, a date) from the end of the last section."""
    lines = text.rstrip().split("\n")
    while lines:
        last = fold(lines[-1])
        is_date = _DATE.fullmatch(last.strip("()")) is not None
        is_name = bool(last) and (last == agency or (len(last) <= 30 and ORGAN.fullmatch(last) is not None))
        if not last or is_date or is_name:
            lines.pop()
            continue
        break
    return "\n".join(lines)
