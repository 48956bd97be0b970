"""When a report is due: 条例 第四十九条 from the reports on 2019, the 2008 条例 第三十一条 before."""

from __future__ import annotations

import json
from datetime import date

import pytest

from gongkai.law.agencies import entity_type
from gongkai.law.deadlines import REGULATION_2019_FIRST_YEAR, publication_deadline
from gongkai.model import EntityType

from ..conftest import GOLD, shared_or_skip

LATER = (EntityType.GOVERNMENT, EntityType.OTHER)  # held to 31 March


@pytest.mark.parametrize("year", [2019, 2020, 2021, 2023, 2025])
def test_a_department_reports_by_31_january(year: int) -> None:
    due = publication_deadline(year, EntityType.DEPARTMENT)
    assert due is not None
    limit, basis = due
    assert limit == date(year + 1, 1, 31)
    assert "第四十九条" in basis and "1月31日" in basis and "部门" in basis


@pytest.mark.parametrize("kind", LATER)
@pytest.mark.parametrize("year", [2019, 2021, 2024])
def test_a_government_and_an_organ_of_unknown_kind_report_by_31_march(year: int, kind: EntityType) -> None:
    """An organ whose kind cannot be told gets the later date, so no report is called late wrongly."""
    due = publication_deadline(year, kind)
    assert due is not None
    limit, basis = due
    assert limit == date(year + 1, 3, 31)
    assert "第四十九条" in basis and "3月31日" in basis


@pytest.mark.parametrize("year", [2019, 2022, 2030])
def test_a_townships_date_is_left_to_local_rules(year: int) -> None:
    assert publication_deadline(year, EntityType.TOWNSHIP) is None


@pytest.mark.parametrize("kind", list(EntityType))
def test_no_year_no_deadline(kind: EntityType) -> None:
    assert publication_deadline(None, kind) is None


@pytest.mark.parametrize("kind", list(EntityType))
@pytest.mark.parametrize("year", [2008, 2013, 2018])
def test_before_2019_every_organ_reports_by_31_march_under_the_2008_regulation(year: int, kind: EntityType) -> None:
    """Townships and departments too: the 2008 条例 fixed one date for all 行政机关."""
    due = publication_deadline(year, kind)
    assert due is not None
    limit, basis = due
    assert limit == date(year + 1, 3, 31)
    assert basis.startswith("2008年条例第三十一条")


def test_the_revised_regulation_starts_with_the_reports_on_2019() -> None:
    assert REGULATION_2019_FIRST_YEAR == 2019
    before = publication_deadline(2018, EntityType.DEPARTMENT)
    first = publication_deadline(2019, EntityType.DEPARTMENT)
    assert before is not None and first is not None
    assert before[0] == date(2019, 3, 31)  # the last report under the 2008 条例
    assert first[0] == date(2020, 1, 31)  # the first under the revised one: two months earlier
    assert publication_deadline(2018, EntityType.TOWNSHIP) is not None
    assert publication_deadline(2019, EntityType.TOWNSHIP) is None


@pytest.mark.parametrize("kind", [EntityType.DEPARTMENT, EntityType.GOVERNMENT, EntityType.OTHER])
def test_the_deadline_falls_in_the_following_year_and_the_basis_is_chinese(kind: EntityType) -> None:
    for year in range(2000, 2041):
        due = publication_deadline(year, kind)
        assert due is not None
        limit, basis = due
        assert limit.year == year + 1
        assert date(year, 12, 31) < limit <= date(year + 1, 3, 31)
        assert "条例" in basis and "公布" in basis


def test_gold_reports_are_late_exactly_where_the_gold_says_so() -> None:
    """Each gold report's printed date against its deadline: late iff the gold lists publication-late."""
    checked = 0
    for path in sorted(shared_or_skip(GOLD).glob("*/*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        due = publication_deadline(gold["year"], entity_type(gold["agency"]))
        flagged = any(f["rule"] == "publication-late" for f in gold["findings"])
        if gold["published"] is None or due is None:
            assert not flagged, path.name
            continue
        assert (date.fromisoformat(gold["published"]) > due[0]) is flagged, path.name
        checked += 1
    assert checked == 7  # the five undated reports (three seeds, the two Hongze PDFs) are not judged


def test_the_dated_department_report_of_the_dev_corpus_is_held_to_31_january() -> None:
    gold = json.loads((shared_or_skip(GOLD / "dev") / "015_shuyang-xian-fgj-2023.json").read_text(encoding="utf-8"))
    due = publication_deadline(gold["year"], entity_type(gold["agency"]))
    assert due is not None and due[0] == date(2024, 1, 31)
    assert date.fromisoformat(gold["published"]) == date(2024, 1, 17)  # in time, by two weeks
