"""Where the written report's figures come from: the register, through one door each.

A year's frozen snapshot, when the register has one, is handed to ``compose_from_register`` by
the caller that holds the store (the CLI, the web page): this package does not import ``store``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ..register.calendar import standard_calendar
from ..register.clock import state
from ..register.events import T3, Application
from ..register.fees import FeeSummary, fee_summary
from ..register.tables import YearTables, year_tables


class RegisterSource(Protocol):
    """What the writer needs of the register: an agency's applications with their events."""

    def applications(self, agency: str | None = None) -> list[Application]: ...


def register_tables(repo: RegisterSource, agency: str, year: int) -> YearTables:
    """Tables 三 and 四 of ``agency``'s ``year``, counted from its register."""
    return year_tables(repo.applications(agency), year, agency)


def register_fees(repo: RegisterSource, agency: str, year: int) -> FeeSummary:
    """Section 六's fee figures (信息处理费) of ``agency``'s ``year``, from the register's fee records."""
    return fee_summary(repo.applications(agency), year)


@dataclass(frozen=True, slots=True)
class Timeliness:
    """Of the applications closed in the year: how many were answered within the legal time, how many late."""

    on_time: int
    late: int


def register_timeliness(repo: RegisterSource, agency: str, year: int, tables: YearTables) -> Timeliness:
    """On-time and late answers among the applications table 三 counts as closed in ``year`` (（七）总计)."""
    closed = set(tables.cells.get(T3.cell(T3.total), ()))
    calendar = standard_calendar()
    as_of = date(year, 12, 31)
    late = sum(
        1 for app in repo.applications(agency) if app.id in closed and state(app, as_of, calendar, known=date.max).late
    )
    return Timeliness(len(closed) - late, late)
