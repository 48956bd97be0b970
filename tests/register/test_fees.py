"""The 109号 fee schedule, computed: the domain file's worked examples and the band edges."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.register.events import EventKind
from gongkai.register.fees import fee_by_count, fee_by_pages, fee_for_nth_application, fee_summary, monthly_count_fees

from .walk import case


def test_45_applications_in_a_month_cost_5500() -> None:
    # 11–30 at 100 (2 000), 31–40 at 200 (2 000), 41–45 at 300 (1 500)
    assert fee_by_count(45) == 5500


def test_250_pages_cost_4700() -> None:
    # 31–100 at 10 (700), 101–200 at 20 (2 000), 201–250 at 40 (2 000)
    assert fee_by_pages(250) == 4700


@pytest.mark.parametrize(
    ("n", "fee"), [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300), (51, 400)]
)
def test_band_edges_per_application(n: int, fee: int) -> None:
    assert fee_for_nth_application(n) == fee


@pytest.mark.parametrize(
    ("pages", "fee"), [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740)]
)
def test_band_edges_per_page(pages: int, fee: int) -> None:
    assert fee_by_pages(pages) == fee


def test_the_month_window_is_per_applicant_and_calendar_month() -> None:
    apps = [(f"a{i:02d}", "same-hash", date(2026, 3, 1 + i % 28)) for i in range(12)]
    apps += [("b01", "other-hash", date(2026, 3, 5)), ("a99", "same-hash", date(2026, 4, 1))]
    fees = {c.application: c.amount for c in monthly_count_fees(apps)}
    assert sum(fees.values()) == 200  # the 11th and 12th in March
    assert fees["b01"] == 0 and fees["a99"] == 0


def test_section_six_summary() -> None:
    paid = case(
        date(2026, 9, 15),
        (EventKind.FEE_NOTICE, date(2026, 9, 22), {"amount": "4700"}),
        (EventKind.FEE_PAID, date(2026, 9, 29)),
    )
    unpaid = case(date(2026, 9, 15), (EventKind.FEE_NOTICE, date(2026, 9, 22), {"amount": "700"}), number="2026-00002")
    summary = fee_summary([paid, unpaid], 2026)
    assert (summary.charged, summary.amount) == (1, 4700)
    assert "1 件" in summary.sentence() and "4700 元" in summary.sentence()
    assert fee_summary([unpaid], 2026).sentence() == "2026年度，本机关未收取信息处理费。"
