"""The compact stored form of a cell's place, raw text and state (store/places.py) gives back what it took.

Property tests over every place kind the readers make (text lines and offsets, HTML,
DOCX lines, PDF boxes, OCR boxes with confidence), with every placement and with
reviewers' corrections, and over the places the real seeds/dev reports carry.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.document import SourcePlace
from gongkai.model import CellState, PlacedBy
from gongkai.store.places import (
    BY_CODES,
    STATE_CODES,
    STATES,
    decode_place,
    decode_place_flag,
    encode_place,
    pack_cell,
    unpack_cell,
)
from gongkai.store.records import Record

offsets = st.integers(min_value=0, max_value=2_000_000)
lines = st.integers(min_value=1, max_value=100_000)
pages = st.integers(min_value=1, max_value=2_000)
points = st.one_of(
    st.floats(min_value=-5000, max_value=5000, allow_nan=False, allow_infinity=False),
    st.floats(min_value=0, max_value=900).map(lambda v: round(v, 2)),
    st.integers(min_value=0, max_value=900),
)
confidences = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def text_places(draw: st.DrawFn) -> SourcePlace:
    """txt/md/html: a line and the value's character offsets (HTML may give only the line)."""
    start = draw(offsets)
    line = draw(lines)
    if draw(st.booleans()):
        return SourcePlace(line=line)  # docx paragraphs, an HTML cell without text positions
    return SourcePlace(line=line, start=start, end=start + draw(st.integers(min_value=0, max_value=40)))


@st.composite
def paged_places(draw: st.DrawFn) -> SourcePlace:
    """PDF text layer: page and box; OCR adds the lowest character confidence."""
    bbox = tuple(draw(points) for _ in range(4))
    confidence = draw(st.none() | confidences)
    return SourcePlace(page=draw(pages), bbox=bbox, confidence=confidence)  # type: ignore[arg-type]


@st.composite
def placements(draw: st.DrawFn) -> dict[str, object]:
    by = draw(st.sampled_from(list(PlacedBy)))
    out: dict[str, object] = {"by": by.value, "certain": by.certain}
    if draw(st.booleans()):
        out["score"] = round(draw(st.floats(min_value=0, max_value=100)), 1)
    if draw(st.booleans()):
        out["evidence"] = draw(st.text(min_size=1, max_size=30))
    return out


corrections = st.fixed_dictionaries(
    {"read": st.none() | st.sampled_from(["0", "12", "3.5"]), "reason": st.text(max_size=20)},
    optional={"read_state": st.sampled_from([s.value for s in CellState]), "author": st.text(max_size=8)},
)


@st.composite
def place_dicts(draw: st.DrawFn) -> dict[str, Any]:
    """A place dict as ``records.cell_row`` makes it (``SourcePlace.to_json`` plus placement/correction)."""
    place = draw(st.none() | text_places() | paged_places())
    out: dict[str, Any] = place.to_json() if place else {}
    if draw(st.booleans()):
        out["placement"] = draw(placements())
    if draw(st.booleans()):
        out["correction"] = draw(corrections)
    return out


# the machine is shared: slow generation is the load, not the strategies
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=8,
)


@given(place_dicts())
@settings(relaxed, max_examples=300)
def test_every_place_kind_comes_back_equal(place: dict[str, Any]) -> None:
    text = encode_place(place)
    assert decode_place(text) == (place or None)
    if place:
        assert text is not None and len(text) < len(json.dumps(place, ensure_ascii=False)) + 1


@relaxed
@given(st.dictionaries(st.sampled_from(["line", "start", "page", "bbox", "confidence", "placement", "x"]), json_values))
def test_anything_else_in_a_place_falls_back_to_json_and_comes_back(place: dict[str, Any]) -> None:
    """Odd types (a string line, a bool, a three-number box, a placement with another certain) stay exact."""
    assert decode_place(encode_place(place)) == (place or None)


@relaxed
@given(st.none() | st.sampled_from(["0", "12", "5367.3378", "-3"]), st.none() | st.text(max_size=6), place_dicts())
def test_raw_and_place_come_back_through_the_columns(
    value_text: str | None, raw: str | None, place: dict[str, Any]
) -> None:
    stored_raw, stored_place = pack_cell(value_text, raw, place)
    assert unpack_cell(value_text, stored_raw, stored_place) == (raw, place or None)
    if raw == value_text:
        assert stored_raw is None  # the value's text is not kept twice


@pytest.mark.parametrize(
    ("value_text", "raw"),
    [("5", "5"), ("5", None), ("5", ""), (None, None), (None, ""), (None, " "), ("3", "3件"), (None, "898989")],
)
def test_each_raw_case_without_a_place(value_text: str | None, raw: str | None) -> None:
    """A reviewer's value for a cell the reader did not find has no raw text and maybe no place."""
    stored_raw, stored_place = pack_cell(value_text, raw, None)
    assert unpack_cell(value_text, stored_raw, stored_place) == (raw, None)


def test_the_short_forms() -> None:
    label = {"by": "label", "certain": True}
    assert encode_place({"line": 12, "start": 271, "end": 272, "placement": label}) == "L12S271E272Y"
    assert encode_place({"page": 2, "bbox": [231.3, 540.13, 338.6, 573.43], "placement": label}) == (
        "P2B231.3,540.13,338.6,573.43Y"
    )
    ocr = {"page": 1, "bbox": [10, 20.5, 30, 40.25], "confidence": 0.93, "placement": {**label, "score": 87.5}}
    assert encode_place(ocr) == "P1B10,20.5,30,40.25C0.93YQ87.5"
    glued = {"by": "glued", "certain": False, "evidence": "本行合计只允许这一种读法"}
    tail = '{"placement":{"evidence":"本行合计只允许这一种读法"}}'
    assert encode_place({"line": 10, "placement": glued}) == "L10Yg" + tail
    assert encode_place(None) is None and encode_place({}) is None
    assert decode_place_flag(encode_place(None, raw_none=True)) == (None, True)


def test_ints_and_floats_keep_their_kind() -> None:
    place = decode_place(encode_place({"page": 3, "bbox": [72, 72.0, 1e-05, 1e16]}))
    assert place is not None
    assert [type(v) for v in place["bbox"]] == [int, float, float, float]
    assert place["bbox"] == [72, 72.0, 1e-05, 1e16]


def test_every_placement_and_state_has_a_code() -> None:
    assert set(BY_CODES) == {by.value for by in PlacedBy}
    assert len(set(BY_CODES.values())) == len(BY_CODES)
    assert all(code == code.lower() and len(code) <= 1 for code in BY_CODES.values())  # never a tag
    assert set(STATE_CODES) == {state.value for state in CellState}
    assert {STATES[code] for code in STATE_CODES.values()} == set(STATE_CODES)


def test_an_unknown_tag_is_refused() -> None:
    with pytest.raises(ValueError, match="无法解读"):
        decode_place("L1Z3")


def test_every_place_of_the_real_reports_comes_back(corpus_records: dict[str, Record]) -> None:
    """All the places, raws and values the readers made of seeds/dev (text, HTML, Markdown, PDF)."""
    kinds: set[str] = set()
    before = after = 0
    for record in corpus_records.values():
        for _cid, text, raw, _state, _unit, place in record["report"]["cells"]:
            stored_raw, stored_place = pack_cell(text, raw, place)
            assert unpack_cell(text, stored_raw, stored_place) == (raw, place)
            kinds |= {key for key in (place or {}) if key in ("line", "bbox", "confidence")}
            before += len(json.dumps(place)) if place else 0
            after += len(stored_place.encode()) if stored_place else 0
    assert {"line", "bbox"} <= kinds
    assert after * 3 < before  # a third of its JSON or less (free text such as evidence stays as it is)
