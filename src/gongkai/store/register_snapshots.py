"""Frozen year snapshots of the register's tables 三 and 四 (migration 0009).

A snapshot is never changed or removed (the database refuses it too); a new snapshot of the same
agency and year supersedes the earlier one, which stays listed. ``current_snapshot(agency, year)``
is what the annual-report writer reads.
"""

from __future__ import annotations

from sqlalchemy import select

from ..formats import FORMAT_2021
from ..register.snapshot import Frozen, YearSnapshot, tables_of
from .base import Part, now
from .models import RegisterSnapshot


class RegisterSnapshots(Part):
    """Take, list and read the register's frozen year snapshots."""

    def save_snapshot(self, frozen: Frozen, *, by: str | None = None, note: str | None = None) -> YearSnapshot:
        """Store ``frozen`` as the current snapshot of its agency and year; the earlier ones stay."""
        tables = frozen.tables
        row = RegisterSnapshot(
            agency=tables.agency,
            year=tables.year,
            format=FORMAT_2021.id,
            cells={str(c): list(ids) for c, ids in tables.cells.items()},
            policy=list(tables.notes),
            left_out=dict(tables.left_out),
            provisional=frozen.provisional,
            provisional_years=list(frozen.provisional_years),
            applications=frozen.applications,
            taken_by=by,
            note=note,
            taken_at=now(),
        )
        with self.database.sessions.begin() as session:
            session.add(row)
            session.flush()
            return _snapshot(row, current=True)

    def snapshots(self, agency: str | None = None, year: int | None = None) -> list[YearSnapshot]:
        """Every snapshot (of ``agency``, of ``year``), by agency, year and then newest first."""
        with self.database.sessions() as session:
            query = select(RegisterSnapshot).order_by(
                RegisterSnapshot.agency, RegisterSnapshot.year, RegisterSnapshot.id.desc()
            )
            if agency is not None:
                query = query.where(RegisterSnapshot.agency == agency)
            if year is not None:
                query = query.where(RegisterSnapshot.year == year)
            rows = list(session.scalars(query))
        seen: set[tuple[str, int]] = set()
        out = []
        for row in rows:
            key = (row.agency, row.year)
            out.append(_snapshot(row, current=key not in seen))
            seen.add(key)
        return out

    def snapshot(self, snapshot_id: int) -> YearSnapshot | None:
        """One snapshot by its id, or None."""
        with self.database.sessions() as session:
            row = session.get(RegisterSnapshot, snapshot_id)
            if row is None:
                return None
            latest = session.scalar(
                select(RegisterSnapshot.id)
                .where(RegisterSnapshot.agency == row.agency, RegisterSnapshot.year == row.year)
                .order_by(RegisterSnapshot.id.desc())
                .limit(1)
            )
            return _snapshot(row, current=latest == row.id)

    def current_snapshot(self, agency: str, year: int) -> YearSnapshot | None:
        """The current (latest) snapshot of ``agency``'s ``year``, or None when none was taken.

        ``.tables`` is a ``YearTables`` like ``year_tables`` gives (``.report()`` for a ``Report``).
        """
        with self.database.sessions() as session:
            row = session.scalar(
                select(RegisterSnapshot)
                .where(RegisterSnapshot.agency == agency, RegisterSnapshot.year == year)
                .order_by(RegisterSnapshot.id.desc())
                .limit(1)
            )
            return _snapshot(row, current=True) if row is not None else None


def _snapshot(row: RegisterSnapshot, *, current: bool) -> YearSnapshot:
    return YearSnapshot(
        row.id,
        tables_of(row.agency, row.year, dict(row.cells), list(row.policy), dict(row.left_out)),
        row.provisional,
        tuple(int(y) for y in row.provisional_years),
        row.applications,
        row.taken_at,
        row.taken_by,
        row.note,
        current,
    )
