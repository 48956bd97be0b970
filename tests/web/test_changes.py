"""The difference and per-cent change shown between two values."""

from __future__ import annotations

from decimal import Decimal

from gongkai.web.changes import change, number


def test_numbers_from_value_texts() -> None:
    assert number("36") == 36 and number("2.50") == Decimal("2.50") and number("1,234") == 1234
    assert number(None) is None and number("") is None and number("空") is None and number("NaN") is None


def test_a_rise_a_fall_and_no_change() -> None:
    up = change("40", "50")
    assert (up.difference_text, up.percent_text, up.direction) == ("+10", "+25.0%", "up")
    down = change("3", "2")
    assert (down.difference_text, down.percent_text, down.direction) == ("-1", "-33.3%", "down")
    same = change("7", "7")
    assert (same.difference_text, same.percent_text, same.direction) == ("0", "0.0%", "same")
    decimal = change("1.5", "2.25")
    assert (decimal.difference_text, decimal.percent_text) == ("+0.75", "+50.0%")


def test_from_zero_or_from_nothing() -> None:
    from_zero = change("0", "4")
    assert (from_zero.difference_text, from_zero.percent_text) == ("+4", "—")
    missing = change(None, "4")
    assert (missing.difference_text, missing.percent_text, missing.direction) == ("—", "—", "")
    assert change("空", "3").difference is None
