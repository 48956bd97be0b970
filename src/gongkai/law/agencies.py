"""What an agency's name tells: whether it names a place, and what kind of organ it is."""

from __future__ import annotations

import re

from ..model import EntityType

ORGAN_SUFFIX = (
    "人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|管理委员会|委员会|办公室|办公厅|"
    "管委会|总局|总署|局|厅|委|办|署|院|中心|所|站|队|部|会|处"
)
ORGAN = re.compile(rf"[\u4e00-\u9fff]{{1,24}}?(?:{ORGAN_SUFFIX})")
# A place level, but not the same character inside an organ's words: 市场, 市政, 城市, 城乡, 乡村, 区域, 县域, 城镇.
_LEVEL = (
    r"(?:自治区|自治州|自治县|特别行政区|省|(?<!城)市(?![场政容民])|县(?!域)|区(?!域|划)|州|旗|盟"
    r"|(?<!城)乡(?![村建])|(?<!城)镇)"
)
PLACE = re.compile(rf"[\u4e00-\u9fff]{{1,12}}?{_LEVEL}")
ZONE_SUFFIXES = ("实验区", "开发区", "高新区", "新区", "园区", "示范区", "合作区", "试验区", "管理区", "保税区")
PLAIN_REGION = re.compile(r"[\u4e00-\u9fff]{1,12}(?:省|市|县|区|州|旗|盟|自治区|自治州|自治县)$")


def has_place_name(agency: str) -> bool:
    if agency.startswith(("国家", "国务院", "中国", "中华人民共和国", "全国")):
        return True
    if agency.endswith(("部", "总局", "总署")) and len(agency) <= 12:
        return True
    return bool(PLACE.match(agency)) or agency.endswith(ZONE_SUFFIXES)


def entity_type(agency: str | None) -> EntityType:
    """Who publishes, from the agency's name; a bracketed aside (某局（演示）) is read past when it hides the organ."""
    if not agency:
        return EntityType.OTHER
    found = _organ_type(agency)
    if found is EntityType.OTHER and (bare := _BRACKETED.sub("", agency)) and bare != agency:
        found = _organ_type(bare)
    return found


def _organ_type(agency: str) -> EntityType:
    if re.search(r"(乡|镇|街道办事处|街道)(人民政府)?$", agency):
        return EntityType.TOWNSHIP
    if agency.endswith("人民政府") or agency.endswith(ZONE_SUFFIXES) or PLAIN_REGION.fullmatch(agency):
        return EntityType.GOVERNMENT
    if re.search(rf"(?:{ORGAN_SUFFIX})$", agency):
        return EntityType.DEPARTMENT
    return EntityType.OTHER


_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
# PLACE, but a level suffix never ends a place right before another one: 福州|市 is 福州市.
_PLACE_PART = re.compile(rf"[\u4e00-\u9fff]{{1,12}}?{_LEVEL}(?![省县区州旗盟]|市(?![场政容民]))")
_SHORT_GOVERNMENT = re.compile(r"(?<!人民)政府$")


def _place_parts(name: str) -> list[str]:
    """The place names a name begins with, outermost first: 淮安市洪泽区人民政府 → [淮安市, 洪泽区]."""
    parts: list[str] = []
    rest = name
    while rest and (m := _PLACE_PART.match(rest)):
        parts.append(m.group())
        rest = rest[m.end() :]
    return parts


def clean_agency_name(name: str) -> str:
    """The name without spaces, bracketed asides (（管委会）) or the short 政府 for 人民政府."""
    name = re.sub(r"\s+", "", name)
    name = _BRACKETED.sub("", name)
    return _SHORT_GOVERNMENT.sub("人民政府", name)


def agency_region(name: str | None) -> str | None:
    """The place an agency's name begins with (淮安市洪泽区), or None when it names none."""
    if not name:
        return None
    parts = _place_parts(clean_agency_name(name))
    return "".join(parts) or None


def normalise_agency_key(name: str) -> str:
    """A key under which the same organ's reports of different years meet.

    Reports name their organ with or without the higher places: 淮安市洪泽区人民政府 in
    one year, 洪泽区人民政府 in the next. The key keeps only the innermost place and
    the organ (洪泽区人民政府). Two same-named districts of different cities share a
    key; the store tells them apart by their stated regions where both state one.
    """
    cleaned = clean_agency_name(name)
    parts = _place_parts(cleaned)
    if len(parts) > 1:
        cleaned = cleaned[sum(len(p) for p in parts[:-1]) :]
    return cleaned
