"""Turn the printed text of one cell into a value."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache

_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_PLACEHOLDERS = {"-", "—", "——", "－", "–", "/", "／", "无", "\\", "…", "空"}
# ASCII digits only (NFKC has made ５ and ² into 5 and 2 already). A token of more than MAX_TOKEN_DIGITS
# digits is text (no glued run is that long, and int() refuses 4,300 digits); a single cell value of
# more than MAX_CELL_DIGITS is no count a report prints and does not fit the store: it is left unread.
MAX_TOKEN_DIGITS = 300
MAX_CELL_DIGITS = 18
_NUMBER = re.compile(
    r"^(?P<sign>[+\-−])?"
    r"(?P<digits>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?P<frac>\.[0-9]+)?"
    r"(?P<unit>万元|元|件|个|项|条|次|起|家)?$"
)


class Kind(Enum):
    NUMBER = "number"
    BLANK = "blank"  # printed empty, only spaces, or a dash/"无" placeholder
    TEXT = "text"  # words, not a cell value


@dataclass(frozen=True, slots=True)
class Parsed:
    kind: Kind
    value: int | Decimal | None = None
    unit: str | None = None
    negative: bool = False
    decimal: bool = False


@lru_cache(maxsize=8192)  # a report repeats its few values (0, 1, 2 …) hundreds of times; Parsed is frozen
def parse_value(text: str) -> Parsed:
    """The value a cell's printed text holds: a number (with its unit), a blank placeholder, or text."""
    compact = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    if not compact or compact in _PLACEHOLDERS:
        return Parsed(Kind.BLANK)
    m = _NUMBER.match(compact)
    if not m:
        return Parsed(Kind.TEXT)
    digits = m["digits"].replace(",", "")
    if len(digits) + len(m["frac"] or "") > MAX_TOKEN_DIGITS:
        return Parsed(Kind.TEXT)
    negative = m["sign"] in ("-", "−")
    if m["frac"]:
        number: int | Decimal = Decimal(digits + m["frac"])
    else:
        number = int(digits)
    if negative:
        number = -number
    return Parsed(Kind.NUMBER, number, m["unit"], negative, bool(m["frac"]))


def is_digit_run(text: str) -> bool:
    compact = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    return bool(re.fullmatch(r"[0-9]+(?:\.[0-9]+)?(?:万元|元)?", compact))
