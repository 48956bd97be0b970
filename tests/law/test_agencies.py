"""Who an organ is, from its name: the key its years meet under, its kind, whether it names a place, its region.

Real names come from the gold files and the dev corpus's MANIFEST (the publisher's own spelling); the
variants are the ways the same organs are printed in other years' titles.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from gongkai import read_text
from gongkai.law.agencies import (
    agency_region,
    clean_agency_name,
    entity_type,
    has_place_name,
    normalise_agency_key,
)
from gongkai.model import EntityType

from ..conftest import CORPUS, GOLD, shared_or_skip


def _gold() -> dict[str, dict[str, Any]]:
    """Every gold file by its source's name (empty when the shared folder is absent)."""
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*/*.json"))}


GOLD_FILES = _gold()
GOLD_AGENCIES = sorted({str(g["agency"]) for g in GOLD_FILES.values() if g.get("agency")})


def _manifest() -> list[dict[str, str]]:
    path = shared_or_skip(CORPUS / "dev" / "MANIFEST.tsv")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _gold_for(source: str) -> dict[str, Any]:
    return json.loads((shared_or_skip(GOLD / "dev") / f"{Path(source).stem}.json").read_text(encoding="utf-8"))


# --- normalise_agency_key ------------------------------------------------------------------------------


def test_the_gold_hongze_names_of_two_years_share_one_key() -> None:
    """The dev corpus's two Hongze reports name their organ differently; the key is what pairs them."""
    names = {str(_gold_for(f)["agency"]) for f in ("001_huaian-hongze-qu-2023.pdf", "002_huaian-hongze-qu-2024.pdf")}
    assert names == {"洪泽区人民政府", "淮安市洪泽区人民政府"}
    assert {normalise_agency_key(n) for n in names} == {"洪泽区人民政府"}


@pytest.mark.parametrize(
    "variant",
    [
        "洪泽区人民政府",
        "淮安市洪泽区人民政府",
        "江苏省淮安市洪泽区人民政府",
        "淮安市 洪泽区 人民政府",
        "淮安市洪泽区\u3000人民政府",
        "淮安市洪泽区政府",
        "洪泽区政府",
        "淮安市洪泽区人民政府（本级）",
        "淮安市洪泽区人民政府(本级)",
    ],
)
def test_printed_variants_of_one_organ_meet_under_its_key(variant: str) -> None:
    assert normalise_agency_key(variant) == "洪泽区人民政府"


def test_the_manifests_spelling_and_the_gold_agency_share_a_key() -> None:
    """The publisher's own spelling (MANIFEST) and the name a careful reader wrote down (gold) meet.

    004 is left out: the gold keeps the source's OCR error 沐阳 (the MANIFEST says 沭阳), a different name.
    """
    compared = 0
    for row in _manifest():
        gold = _gold_for(row["file"])
        if row["file"].startswith("004_"):
            assert gold["agency"] == "沐阳县人民政府" and row["agency"] == "沭阳县人民政府"
            continue
        assert normalise_agency_key(row["agency"]) == normalise_agency_key(str(gold["agency"])), row["file"]
        compared += 1
    assert compared == 6


def test_the_key_of_a_key_is_itself() -> None:
    names = [*GOLD_AGENCIES, "江苏省淮安市洪泽区人民政府", "平潭综合实验区（管委会）", "淮安市洪泽区政府"]
    if not GOLD_AGENCIES:
        pytest.skip("shared/gold is not beside the repository")
    for name in names:
        key = normalise_agency_key(name)
        assert normalise_agency_key(key) == key, name


def test_a_gold_name_without_higher_places_is_its_own_key() -> None:
    """Of the gold agencies only 淮安市洪泽区人民政府 prints a place above its own; the others are keys already."""
    if not GOLD_AGENCIES:
        pytest.skip("shared/gold is not beside the repository")
    changed = {n: normalise_agency_key(n) for n in GOLD_AGENCIES if normalise_agency_key(n) != n}
    assert changed == {"淮安市洪泽区人民政府": "洪泽区人民政府"}


@pytest.mark.parametrize(
    "name, key",
    [
        ("山西省阳泉市人民政府", "阳泉市人民政府"),
        ("河北省邯郸市成安县人民政府", "成安县人民政府"),
        ("河南省安阳市安阳县人民政府", "安阳县人民政府"),
        ("福建省平潭综合实验区", "平潭综合实验区"),
        ("江苏省宿迁市沭阳县发展和改革局", "沭阳县发展和改革局"),
        ("北京市朝阳区发展和改革委员会", "朝阳区发展和改革委员会"),
        ("内蒙古自治区呼和浩特市人民政府", "呼和浩特市人民政府"),
        ("福建省福州市人民政府", "福州市人民政府"),  # 福州 is not a place of its own before 市
        ("湖北省荆州市沙市区人民政府", "沙市区人民政府"),  # nor 沙市 before 区
        ("江苏省淮安市洪泽区老子山镇人民政府", "老子山镇人民政府"),
    ],
)
def test_only_the_innermost_place_stays_in_the_key(name: str, key: str) -> None:
    assert normalise_agency_key(name) == key


def test_different_organs_of_one_place_keep_different_keys() -> None:
    organs = [
        "沭阳县人民政府",
        "沭阳县发展和改革局",
        "沭阳县人民政府办公室",
        "平潭综合实验区",
        "平潭综合实验区地方税务局",
    ]
    assert len({normalise_agency_key(o) for o in organs}) == len(organs)


def test_same_named_districts_of_different_cities_share_a_key_as_documented() -> None:
    """The key alone cannot tell them apart; the store uses their regions (see agency_region)."""
    assert normalise_agency_key("北京市朝阳区人民政府") == normalise_agency_key("长春市朝阳区人民政府")
    assert agency_region("北京市朝阳区人民政府") != agency_region("长春市朝阳区人民政府")


# --- clean_agency_name ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("淮安市 洪泽区\t人民政府", "淮安市洪泽区人民政府"),
        ("平潭综合实验区（管委会）", "平潭综合实验区"),
        ("平潭综合实验区(管委会)", "平潭综合实验区"),
        ("洪泽区政府", "洪泽区人民政府"),
        ("洪泽区人民政府", "洪泽区人民政府"),  # never 人民人民政府
        ("县政府办公室", "县政府办公室"),  # 政府 inside a name is left alone
    ],
)
def test_clean_agency_name(raw: str, cleaned: str) -> None:
    assert clean_agency_name(raw) == cleaned


# --- entity_type ---------------------------------------------------------------------------------------------


GOLD_KINDS = {
    "安阳县人民政府": EntityType.GOVERNMENT,
    "宜阳县人民政府": EntityType.GOVERNMENT,
    "成安县人民政府": EntityType.GOVERNMENT,
    "阳泉市人民政府": EntityType.GOVERNMENT,
    "洪泽区人民政府": EntityType.GOVERNMENT,
    "淮安市洪泽区人民政府": EntityType.GOVERNMENT,
    "沐阳县人民政府": EntityType.GOVERNMENT,
    "平潭综合实验区": EntityType.GOVERNMENT,  # a zone's administration reports as its government
    "县政府办公室": EntityType.DEPARTMENT,  # the office reports on its own work
    "沭阳县发展和改革局": EntityType.DEPARTMENT,
    "平潭综合实验区地方税务局": EntityType.DEPARTMENT,
}


def test_every_gold_agency_has_its_kind() -> None:
    if not GOLD_AGENCIES:
        pytest.skip("shared/gold is not beside the repository")
    assert {n: entity_type(n) for n in GOLD_AGENCIES} == GOLD_KINDS


@pytest.mark.parametrize(
    "name, kind",
    [
        ("淮安市洪泽区老子山镇人民政府", EntityType.TOWNSHIP),
        ("老子山镇", EntityType.TOWNSHIP),
        ("洪泽区高良涧街道办事处", EntityType.TOWNSHIP),
        ("高良涧街道", EntityType.TOWNSHIP),
        ("宜阳县莲庄乡人民政府", EntityType.TOWNSHIP),
        ("新乡市人民政府", EntityType.GOVERNMENT),  # 乡 inside a city's name is no township
        ("上海市", EntityType.GOVERNMENT),
        ("内蒙古自治区人民政府", EntityType.GOVERNMENT),
        ("延边朝鲜族自治州人民政府", EntityType.GOVERNMENT),
        ("淮安经济技术开发区", EntityType.GOVERNMENT),
        ("苏州工业园区", EntityType.GOVERNMENT),
        ("阳泉市人民政府办公室", EntityType.DEPARTMENT),
        ("淮安市洪泽区发展和改革委员会", EntityType.DEPARTMENT),
        ("国家税务总局", EntityType.DEPARTMENT),
        ("国务院办公厅", EntityType.DEPARTMENT),
        ("教育部", EntityType.DEPARTMENT),
        ("某某有限公司", EntityType.OTHER),
        ("示例市自然资源和规划局（演示）", EntityType.DEPARTMENT),  # an aside after the organ is read past
        ("示例市自然资源和规划局(演示)", EntityType.DEPARTMENT),
        ("", EntityType.OTHER),
        (None, EntityType.OTHER),
    ],
)
def test_entity_type(name: str | None, kind: EntityType) -> None:
    assert entity_type(name) is kind


# --- has_place_name ---------------------------------------------------------------------------------------


def test_only_the_gold_agency_flagged_unidentified_names_no_place() -> None:
    """Gold lists agency-unidentified exactly where the agency does not say which place it belongs to."""
    if not GOLD_FILES:
        pytest.skip("shared/gold is not beside the repository")
    for name, gold in GOLD_FILES.items():
        flagged = any(f["rule"] == "agency-unidentified" for f in gold["findings"])
        assert has_place_name(str(gold["agency"])) is not flagged, name


@pytest.mark.parametrize(
    "name",
    [
        "国务院办公厅",
        "国家税务总局",
        "中国证券监督管理委员会",
        "中华人民共和国海关总署",
        "全国人大常委会办公厅",
        "教育部",
        "海关总署",
        "苏州工业园区",
        "淮安经济技术开发区",
        "内蒙古自治区人民政府",
        "香港特别行政区政府",
        "老子山镇人民政府",
    ],
)
def test_names_that_place_their_organ(name: str) -> None:
    assert has_place_name(name)


@pytest.mark.parametrize("name", ["政府办", "县政府办公室", "县人民政府", "市人民政府办公室", "县教育局", "区财政局"])
def test_names_that_leave_the_place_out(name: str) -> None:
    assert not has_place_name(name)


@pytest.mark.parametrize("name", ["县市场监督管理局", "县住房和城乡建设局", "区城市管理局", "县乡村振兴局"])
def test_level_characters_inside_an_organs_words_name_no_place(name: str) -> None:
    assert agency_region(name) is None
    assert not has_place_name(name)


def test_seed_002_retitled_to_a_placeless_bureau_still_names_no_place() -> None:
    """Seed 002 names only 政府办 / 县政府办公室 (gold: agency-unidentified); a bureau's name is no better."""
    seed = shared_or_skip(CORPUS / "seeds" / "002_6e005d299800cb62.txt").read_text(encoding="utf-8")
    assert not has_place_name(read_text(seed).agency or "")
    retitled = seed.replace("政府办2021", "县市场监督管理局2021").replace("县政府办公室", "县市场监督管理局")
    report = read_text(retitled)
    assert report.agency == "县市场监督管理局"
    assert agency_region(report.agency) is None
    assert not has_place_name(report.agency)


# --- agency_region ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, region",
    [
        ("淮安市洪泽区人民政府", "淮安市洪泽区"),
        ("洪泽区人民政府", "洪泽区"),
        ("淮安市 洪泽区 政府", "淮安市洪泽区"),
        ("平潭综合实验区（管委会）", "平潭综合实验区"),
        ("平潭综合实验区地方税务局", "平潭综合实验区"),
        ("沭阳县发展和改革局", "沭阳县"),
        ("福建省福州市人民政府", "福建省福州市"),
        ("湖北省荆州市沙市区人民政府", "湖北省荆州市沙市区"),
        ("内蒙古自治区呼和浩特市人民政府", "内蒙古自治区呼和浩特市"),
        ("县政府办公室", None),
        ("国家税务总局", None),
        ("", None),
        (None, None),
    ],
)
def test_agency_region(name: str | None, region: str | None) -> None:
    assert agency_region(name) == region


def test_the_region_of_a_full_name_ends_with_the_region_of_its_key() -> None:
    """What links.regions_agree relies on: a longer spelling's region extends the shorter one's."""
    names = [*GOLD_AGENCIES, "江苏省淮安市洪泽区人民政府", "福建省平潭综合实验区", "山西省阳泉市人民政府"]
    if not GOLD_AGENCIES:
        pytest.skip("shared/gold is not beside the repository")
    for name in names:
        full, short = agency_region(name), agency_region(normalise_agency_key(name))
        assert (full is None) is (short is None), name
        assert full is None or short is None or full.endswith(short), name


@pytest.mark.parametrize(
    "name, region",
    [
        ("淮安市市场监督管理局", "淮安市"),
        ("江苏省淮安市市场监督管理局", "江苏省淮安市"),
        ("福建省市场监督管理局", "福建省"),
    ],
)
def test_the_region_of_a_market_regulation_bureau(name: str, region: str | None) -> None:
    assert agency_region(name) == region
