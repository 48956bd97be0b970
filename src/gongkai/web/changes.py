"""How much a value changed between two reports: the difference and the change in per cent, as shown.

Values arrive as the store's value texts ("36", "2.5"); anything that is not a number (a blank
cell, an absent one) has no difference, shown as "—". A change from 0 has no percentage.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NONE = "—"


def number(text: str | None) -> Decimal | None:
    """The number a value text states, or ``None``."""
    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return text


@dataclass(frozen=True, slots=True)
class Change:
    """The difference ``after - before`` and its ratio to ``before``; ``None`` where it cannot be told."""

    difference: Decimal | None
    percent: Decimal | None

    @property
    def difference_text(self) -> str:
        if self.difference is None:
            return NONE
        return ("+" if self.difference > 0 else "") + _plain(self.difference)

    @property
    def percent_text(self) -> str:
        if self.percent is None:
            return NONE
        rounded = self.percent.quantize(Decimal("0.1"))
        return ("+" if rounded > 0 else "") + f"{rounded}%"

    @property
    def direction(self) -> str:
        """``up``, ``down``, ``same`` or ``""`` (not comparable): a CSS class."""
        if self.difference is None:
            return ""
        return "up" if self.difference > 0 else "down" if self.difference < 0 else "same"


def change(before: str | None, after: str | None) -> Change:
    """The change from ``before`` to ``after`` (value texts)."""
    a, b = number(before), number(after)
    if a is None or b is None:
        return Change(None, None)
    difference = b - a
    percent = difference / a * 100 if a != 0 else None
    return Change(difference, percent)
