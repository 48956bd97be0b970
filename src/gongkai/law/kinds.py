"""The words a user writes for an organ's kind (部门, 人民政府, department …) and the kind they mean."""

from __future__ import annotations

from ..model import EntityType

KIND_WORDS: dict[str, EntityType] = {
    **{e.value: e for e in EntityType},
    **{e.zh: e for e in EntityType},
    "政府": EntityType.GOVERNMENT,
    "部门": EntityType.DEPARTMENT,
    "乡镇": EntityType.TOWNSHIP,
    "街道": EntityType.TOWNSHIP,
    "乡镇人民政府": EntityType.TOWNSHIP,
    "其它": EntityType.OTHER,
}


def kind_of(word: str | None) -> EntityType | None:
    """The kind a word names (code or Chinese, any case and spacing), or None for a word that names none."""
    if word is None:
        return None
    cleaned = word.strip()
    return KIND_WORDS.get(cleaned) or KIND_WORDS.get(cleaned.lower())
