"""When an annual report is due (条例 第四十九条; the 2008 条例 第三十一条 before 2019)."""

from __future__ import annotations

from datetime import date

from ..model import EntityType

REGULATION_2019_FIRST_YEAR = 2019  # the revised 条例 governs the reports on 2019 and later


def publication_deadline(year: int | None, entity_type: EntityType) -> tuple[date, str] | None:
    """The last lawful publication date of a report on ``year`` and its legal basis, or None if unfixed.

    A department reports by 31 January, a people's government by 31 March; a township's date is
    set by local rules. An organ whose kind cannot be told is held to the later date, so no
    report is called late wrongly.
    """
    if year is None:
        return None
    following = year + 1
    if year < REGULATION_2019_FIRST_YEAR:
        return date(following, 3, 31), "2008年条例第三十一条：各级行政机关于每年3月31日前公布"
    if entity_type is EntityType.DEPARTMENT:
        return date(following, 1, 31), "条例第四十九条：县级以上人民政府部门于每年1月31日前公布"
    if entity_type is EntityType.TOWNSHIP:
        return None
    return date(following, 3, 31), "条例第四十九条：县级以上人民政府年度报告于每年3月31日前公布"
