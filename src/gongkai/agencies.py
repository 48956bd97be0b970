"""What an agency's name tells: whether it names a place, and what kind of organ it is."""

from __future__ import annotations

import re

from .model import EntityType

ORGAN_SUFFIX = (
    "人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府办公厅|管理委员会|委员会|办公室|办公厅|"
    "管委会|总局|总署|局|厅|委|办|署|院|中心|所|站|队|部|会|处"
)
ORGAN = re.compile(rf"[\u4e00-\u9fff]{{1,24}}?(?:{ORGAN_SUFFIX})")
PLACE = re.compile(r"[\u4e00-\u9fff]{1,12}?(?:自治区|自治州|自治县|特别行政区|省|市|县|区|州|旗|盟|乡|镇)")
ZONE_SUFFIXES = ("实验区", "开发区", "高新区", "新区", "园区", "示范区", "合作区", "试验区", "管理区", "保税区")
PLAIN_REGION = re.compile(r"[\u4e00-\u9fff]{1,12}(?:省|市|县|区|州|旗|盟|自治区|自治州|自治县)$")

def has_place_name(agency: str) -> bool:
    if agency.startswith(("国家", "国务院", "中国", "中华人民共和国", "全国")):
        return True
    if agency.endswith(("部", "总局", "总署")) and len(agency) <= 12:
        return True
    return bool(PLACE.match(agency)) or agency.endswith(ZONE_SUFFIXES)



def entity_type(agency: str | None) -> EntityType:
    if not agency:
        return EntityType.OTHER
    if re.search(r"(乡|镇|街道办事处|街道)(人民政府)?$", agency):
        return EntityType.TOWNSHIP
    if agency.endswith("人民政府") or agency.endswith(ZONE_SUFFIXES) or PLAIN_REGION.fullmatch(agency):
        return EntityType.GOVERNMENT
    if re.search(rf"(?:{ORGAN_SUFFIX})$", agency):
        return EntityType.DEPARTMENT
    return EntityType.OTHER
