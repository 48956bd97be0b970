"""The registry's words: a kind as a user writes it, and a region joined from a parent's and a name's places."""

from __future__ import annotations

import pytest

from gongkai.law.kinds import kind_of
from gongkai.law.regions import join_region, within
from gongkai.model import EntityType


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("部门", EntityType.DEPARTMENT),
        ("政府部门", EntityType.DEPARTMENT),
        ("department", EntityType.DEPARTMENT),
        (" Department ", EntityType.DEPARTMENT),
        ("人民政府", EntityType.GOVERNMENT),
        ("政府", EntityType.GOVERNMENT),
        ("乡镇", EntityType.TOWNSHIP),
        ("街道", EntityType.TOWNSHIP),
        ("乡镇/街道", EntityType.TOWNSHIP),
        ("其他", EntityType.OTHER),
        ("other", EntityType.OTHER),
    ],
)
def test_a_kind_is_known_by_its_code_and_its_chinese_words(word: str, kind: EntityType) -> None:
    assert kind_of(word) is kind


@pytest.mark.parametrize("word", ["", "局", "county", None])
def test_a_word_that_names_no_kind_is_none(word: str | None) -> None:
    assert kind_of(word) is None


@pytest.mark.parametrize(
    ("outer", "own", "joined"),
    [
        ("江苏省淮安市", "洪泽区", "江苏省淮安市洪泽区"),
        ("江苏省淮安市", "淮安市洪泽区", "江苏省淮安市洪泽区"),  # overlapping places counted once
        ("江苏省淮安市洪泽区", "洪泽区", "江苏省淮安市洪泽区"),  # a department of the district adds nothing
        ("江苏省淮安市洪泽区", "淮安市洪泽区", "江苏省淮安市洪泽区"),
        ("江苏省", "江苏省淮安市", "江苏省淮安市"),
        ("江苏省淮安市", "江苏省", "江苏省淮安市"),
        (None, "洪泽区", "洪泽区"),
        ("江苏省淮安市", None, "江苏省淮安市"),
        (None, None, None),
    ],
)
def test_a_region_is_joined_from_the_parent_and_the_name(outer: str | None, own: str | None, joined: str) -> None:
    assert join_region(outer, own) == joined


def test_a_region_lies_within_its_prefixes() -> None:
    assert within("江苏省淮安市洪泽区", "江苏省淮安市")
    assert within("江苏省淮安市", "江苏省淮安市")
    assert not within("江苏省宿迁市", "江苏省淮安市")
    assert not within(None, "江苏省")
