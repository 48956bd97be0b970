"""The order agencies are listed in: by the pinyin of their names (安 before 北 before 淮), as a reader expects.

One key for every list of agencies in the workbench, so that the compare suggestions, the
report list sorted by agency and any later list agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from pypinyin import Style, lazy_pinyin

T = TypeVar("T")


@lru_cache(maxsize=65536)
def pinyin_key(name: str | None) -> tuple[tuple[str, ...], str]:
    """The sort key of an agency name: its syllables without tones (letters and digits as they are), then the name.

    A missing name sorts last; two names that read alike fall back to the characters themselves.
    """
    if not name:
        return (("\uffff",), "")
    syllables = tuple(s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="default"))
    return (syllables, name)


def by_pinyin(items: Iterable[T], name: Callable[[T], str | None]) -> list[T]:
    """``items`` in the pinyin order of ``name(item)``."""
    return sorted(items, key=lambda item: pinyin_key(name(item)))
