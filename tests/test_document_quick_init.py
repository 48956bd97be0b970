"""``quick_init``: the frozen document types built through their slots are the same objects as before."""

from __future__ import annotations

import dataclasses

import pytest

from gongkai.document import GridCell, Paragraph, SourcePlace, quick_init
from gongkai.ingest.layout import Rule, Word
from gongkai.read.labels import LabelMatch


@dataclasses.dataclass(frozen=True, slots=True)
class _Plain:
    a: int
    b: str | None = None
    c: tuple[int, ...] = ()


_Quick = quick_init(
    dataclasses.make_dataclass(
        "_Quick", [("a", int), ("b", "str | None", None), ("c", tuple, ())], frozen=True, slots=True
    )
)


def test_quick_init_sets_every_field_positionally_by_keyword_and_by_default() -> None:
    for args, kwargs in (((1,), {}), ((1, "x"), {}), ((1,), {"c": (2,)}), ((), {"a": 3, "b": None, "c": (4, 5)})):
        plain, quick = _Plain(*args, **kwargs), _Quick(*args, **kwargs)
        assert [getattr(quick, f) for f in "abc"] == [getattr(plain, f) for f in "abc"]
        assert quick == _Quick(*args, **kwargs) and hash(quick) == hash(_Quick(*args, **kwargs))


def test_quick_init_refuses_what_the_generated_init_refuses() -> None:
    with pytest.raises(TypeError):
        _Quick()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _Quick(1, d=2)  # type: ignore[call-arg]


def test_the_document_types_stay_frozen_equal_and_hashed() -> None:
    place = SourcePlace(3, 10, 12)
    assert place == SourcePlace(line=3, start=10, end=12) and hash(place) == hash(SourcePlace(3, 10, 12))
    assert (place.page, place.bbox, place.confidence) == (None, None, None)
    assert repr(place) == "SourcePlace(line=3, start=10, end=12, page=None, bbox=None, confidence=None)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        place.line = 4  # type: ignore[misc]
    assert Paragraph("总计", place).place is place and GridCell("1", place).covered is False
    assert Word("一", (0.0, 1.0, 2.0, 3.0)).confidence is None and Rule((0.0, 0.0, 9.0, 1.0)).horizontal
    assert LabelMatch(1, 5, "exact") == LabelMatch(1, 5, "exact", 100.0, False)


def test_quick_init_wants_a_frozen_slotted_dataclass() -> None:
    @dataclasses.dataclass(slots=True)
    class Open:
        a: int

    with pytest.raises(AssertionError):
        quick_init(Open)
