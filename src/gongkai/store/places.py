"""How a stored cell keeps its state, raw text and place compactly (migration 0011).

A place was a JSON object with its key names in every row (≈ 86 bytes a cell,
most of a report's bytes). It is now a short text: uppercase tags, each followed
by its value, and a JSON object only for what has no tag (free text such as an
inference's evidence or a reviewer's correction)::

    L12S271E272Y              line 12, characters 271–272, placed by its label
    P2B231.3,540.13,338.6,573.43Y      page 2, that box (PDF points)
    P1B10,20.5,30,40.25C0.93Yf         an OCR box with its confidence, placed fuzzily
    L10S4628E4629Yg{"placement":{"evidence":"本行合计…"}}

    L line  S start  E end  P page  B bbox (four numbers)  C confidence
    Y placement (its ``by`` as one letter, ``BY_CODES``; ``certain`` follows from it)
    Q the placement's score   N the raw text is None although the cell has a value

Numbers are written as Python writes them (``str`` of an int, ``repr`` of a float),
so an int comes back an int and a float the same float. Whatever does not fit a tag
(another key, an unexpected type, a ``certain`` that disagrees with ``by``) goes into
the JSON object, so every place dict comes back equal to the one stored.

``raw`` is stored only when it differs from ``value_text`` (NULL: the same text);
``state`` is a small integer (``STATE_CODES``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ..model import PlacedBy

Place = dict[str, Any]

STATE_CODES = {"read": 0, "blank": 1, "absent": 2, "inferred": 3}
STATES = {code: state for state, code in STATE_CODES.items()}

BY_CODES = {
    "label": "",
    "variant": "v",
    "fuzzy": "f",
    "prefix": "p",
    "fallback": "k",
    "position": "o",
    "order": "r",
    "glued": "g",
    "sparse": "s",
}
_BY = {code: by for by, code in BY_CODES.items()}
_CERTAIN = {member.value: member.certain for member in PlacedBy}

_INTS = (("line", "L"), ("start", "S"), ("end", "E"), ("page", "P"))
_TAGS = {tag: name for name, tag in _INTS}
_TOKEN = re.compile(r"([A-Z])([^A-Z]*)")
_INT = re.compile(r"-?\d+")
_RAW_NONE = "N"


def _number(value: object) -> str | None:
    """A number's exact text, or None when the value is no plain finite number."""
    if type(value) is int:
        return str(value)
    if type(value) is float and math.isfinite(value):
        return repr(value)
    return None


def _parse(text: str) -> int | float:
    return int(text) if _INT.fullmatch(text) else float(text)


def _placement(data: object, rest: Place) -> str:
    """The placement's tags; what has none goes into ``rest["placement"]``."""
    if not isinstance(data, dict):
        rest["placement"] = data
        return ""
    by, certain = data.get("by"), data.get("certain")
    if not isinstance(by, str) or by not in BY_CODES or certain is not _CERTAIN.get(by):
        rest["placement"] = data
        return ""
    out = "Y" + BY_CODES[by]
    left = {k: v for k, v in data.items() if k not in ("by", "certain")}
    if "score" in left and (score := _number(left["score"])) is not None:
        out += "Q" + score
        del left["score"]
    if left:
        rest["placement"] = left
    return out


def encode_place(place: Place | None, *, raw_none: bool = False) -> str | None:
    """A place dict (``SourcePlace.to_json`` with ``placement``/``correction``) as its stored text.

    ``raw_none`` marks a cell that has a value but no raw text (a reviewer's value for a cell
    the reader did not find). None when there is nothing to keep.
    """
    if not place and not raw_none:
        return None
    out: list[str] = []
    rest: Place = {}
    for name, value in (place or {}).items():
        tag = next((t for n, t in _INTS if n == name), None)
        if tag is not None and type(value) is int:
            out.append(tag + str(value))
        elif name == "bbox" and isinstance(value, list) and len(value) == 4:
            numbers = [_number(v) for v in value]
            if all(n is not None for n in numbers):
                out.append("B" + ",".join(numbers))  # type: ignore[arg-type]
            else:
                rest[name] = value
        elif name == "confidence" and (number := _number(value)) is not None:
            out.append("C" + number)
        elif name == "placement":
            out.append(_placement(value, rest))
        else:
            rest[name] = value
    if raw_none:
        out.append(_RAW_NONE)
    text = "".join(out)
    if rest:
        text += json.dumps(rest, ensure_ascii=False, separators=(",", ":"))
    return text


def decode_place_flag(text: str | None) -> tuple[Place | None, bool]:
    """The place dict of a stored text, and whether it marks the raw text as None."""
    if not text:
        return None, False
    brace = text.find("{")
    core, tail = (text, None) if brace < 0 else (text[:brace], text[brace:])
    place: Place = {}
    raw_none = False
    for tag, value in _TOKEN.findall(core):
        if tag in _TAGS:
            place[_TAGS[tag]] = int(value)
        elif tag == "B":
            place["bbox"] = [_parse(v) for v in value.split(",")]
        elif tag == "C":
            place["confidence"] = _parse(value)
        elif tag == "Y":
            by = _BY[value]
            place["placement"] = {"by": by, "certain": _CERTAIN[by]}
        elif tag == "Q":
            place["placement"]["score"] = _parse(value)
        elif tag == _RAW_NONE:
            raw_none = True
        else:
            raise ValueError(f"存储的单元格位置无法解读：{text!r}")
    if tail is not None:
        for name, value in json.loads(tail).items():
            if name == "placement" and isinstance(place.get("placement"), dict):
                place["placement"].update(value)
            else:
                place[name] = value
    return place or None, raw_none


def decode_place(text: str | None) -> Place | None:
    """The place dict of a stored text (None when none was kept)."""
    return decode_place_flag(text)[0]


def pack_cell(value_text: str | None, raw: str | None, place: Place | None) -> tuple[str | None, str | None]:
    """(raw column, place column) of a cell: raw only where it differs from the value's text."""
    raw_none = raw is None and value_text is not None
    return (None if raw == value_text else raw), encode_place(place, raw_none=raw_none)


def unpack_cell(value_text: str | None, raw: str | None, place: str | None) -> tuple[str | None, Place | None]:
    """(raw text, place dict) of a stored cell: ``pack_cell`` undone."""
    decoded, raw_none = decode_place_flag(place)
    if raw is None and not raw_none:
        raw = value_text
    return raw, decoded
