"""Tables 三 and 四 of a year, counted from the register: balanced by construction, every cell drillable.

Table 三 (year Y): 一 new = legal receipt date in Y; 二 carried = received before Y and open on
1 January; 三 outcome rows = closed in Y, each application in exactly one row; 四 carried
forward = received by 31 December and open then. Since an application is closed on or after its
receipt, 一 + 二 = 三（七） + 四 in every column. Table 四 counts the reviews and lawsuits linked
to the applications, by the agency's counting policy, with their results as of 31 December.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ..formats import FORMAT_2021, CellId
from ..model import Cell, CellState, EntityType, Report
from .clock import appeals, closure, receipt_date
from .events import T3, T4, Application, Event, effective
from .policy import DEFAULT_POLICY, AppealCounting, Policy

_PENDING = next(c for c in T4.results if c not in T4.decided)


@dataclass(slots=True)
class YearTables:
    """The year's tables 三 and 四: for each cell the applications behind it."""

    agency: str
    year: int
    cells: dict[CellId, list[str]]
    notes: list[str] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)  # application → why it is in no cell

    def value(self, cid: str) -> int:
        return len(self.cells.get(CellId(cid), ()))

    def to_json(self) -> dict[str, object]:
        return {
            "agency": self.agency,
            "year": self.year,
            "format": FORMAT_2021.id,
            "cells": {cid: {"value": len(ids), "applications": ids} for cid, ids in self.cells.items()},
            "notes": self.notes,
            "left_out": self.left_out,
        }

    def report(self, entity_type: EntityType = EntityType.OTHER) -> Report:
        """The tables as a report of the 2021 format, for the checker (a self-test) and the renderers."""
        cells: dict[str, Cell] = {
            cid: Cell(cid, len(ids), str(len(ids)), CellState.READ) for cid, ids in self.cells.items()
        }
        return Report(
            source=f"register:{self.agency}:{self.year}",
            format=FORMAT_2021,
            cells=cells,
            agency=self.agency,
            entity_type=entity_type,
            year=self.year,
            notes=list(self.notes),
        )


def table_cells() -> list[CellId]:
    """Every cell of tables 三 and 四 in print order."""
    return [*FORMAT_2021.table(T3.table).cell_ids(), *FORMAT_2021.table(T4.table).cell_ids()]


def year_tables(
    applications: Iterable[Application], year: int, agency: str, policy: Policy = DEFAULT_POLICY
) -> YearTables:
    """Tables 三 and 四 of ``year`` from every event entered so far."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    cells: dict[CellId, list[str]] = {cid: [] for cid in table_cells()}
    out = YearTables(agency, year, cells, notes=policy.notes())

    def count(row: str, column: str, app_id: str) -> None:
        cells[T3.cell(row, column)].append(app_id)
        cells[T3.cell(row)].append(app_id)

    for app in applications:
        events = effective(app.events)
        receipt = receipt_date(app, events, policy)
        closed = closure(events)
        if receipt is None:
            if closed is not None:
                out.left_out[app.id] = "未确认收到申请即已办结"
            continue
        closed_on = closed[0].on if closed else None
        if closed is not None and closed_on is not None and closed_on < receipt:
            out.left_out[app.id] = "办结日早于收到申请之日"
            continue
        column = app.applicant.column
        if first <= receipt <= last:
            count(T3.new.id, column, app.id)
        if receipt < first and (closed_on is None or closed_on >= first):
            count(T3.carried.id, column, app.id)
        if closed is not None and closed_on is not None and first <= closed_on <= last:
            count(closed[1], column, app.id)
            count(T3.total.id, column, app.id)
        if receipt <= last and (closed_on is None or closed_on > last):
            count(T3.carry_forward.id, column, app.id)
        _appeals(cells, app, events, year, policy)
    for cid in cells:
        cells[cid].sort()
    return out


def _appeals(cells: dict[CellId, list[str]], app: Application, events: list[Event], year: int, policy: Policy) -> None:
    last = date(year, 12, 31)
    for a in appeals(events):
        if a.filed > last:
            continue
        result = a.result if a.decided is not None and a.decided <= last else None
        if policy.appeals is AppealCounting.FILED:
            counted = a.filed.year == year
        else:
            counted = (a.decided is not None and a.decided.year == year) or result is None
        if not counted:
            continue
        column = result if result is not None else _PENDING.id
        cells[T4.cell(a.route, column)].append(app.id)
        cells[T4.cell(a.route)].append(app.id)
