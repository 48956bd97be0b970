"""Corpus totals kept at write, so the statistics read a handful of rows, not one per report (migration 0012).

What the unfiltered statistics (or those of some years) sum is kept per year and per agency:

- ``totals_years``: per year (``year_key``, 0 for reports with no year read) the current
  reports, and for each figure of ``FIGURE_CELLS`` its sum and how many reports hold it;
- ``totals_findings``: per year, rule, severity and review status, the findings of current reports;
- ``totals_agencies`` / ``totals_agency_years``: per agency key (and per agency-year) the current
  reports, their error-level findings not dismissed (``reports.errors``), their warnings not
  dismissed and the agency's name (the greatest, as ``MAX`` gives it), each ranked by an index;
- ``totals_counted``: what each current report contributes to the year tables (its year, agency
  key, figures and finding counts), so a change is applied as the difference between what a
  report counted for and what it counts for now.

Every transaction that changes what a report counts for calls ``refresh_totals(session, ids)``
after its writes (SQLite then already holds the write lock; PostgreSQL takes a transaction-level
advisory lock, so two writing processes apply their differences one after the other, each seeing
what the other committed). The ids it is given widen to every report of the same agency in the
same year and the year after, since superseding versions, deleting a version and linking years
(``links.link_years``) change those reports too; the agencies touched are recomputed whole.

Sums of figures are added and subtracted: exact while the figures are whole numbers, as
application counts are.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    case,
    delete,
    desc,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from .figures import FIGURE_CELLS
from .models import Base, ReportFigures, StoredFinding, StoredReport

NO_YEAR = 0  # year_key of reports with no year read (no report is of year 0)
CHUNK = 500
LOCK_KEY = 7_141_412  # PostgreSQL advisory lock held by the transaction refreshing the totals

FIGURES = tuple(FIGURE_CELLS)


def held(name: str) -> str:
    """The column counting the reports that hold figure ``name``."""
    return name + "_held"


HELD = {name: held(name) for name in FIGURES}

years_table = Table(
    "totals_years",
    Base.metadata,
    Column("year_key", Integer, primary_key=True, autoincrement=False),
    Column("reports", Integer, nullable=False, default=0),
    *(Column(name, Float, nullable=False, default=0.0) for name in FIGURES),
    *(Column(held(name), Integer, nullable=False, default=0) for name in FIGURES),
)
findings_table = Table(
    "totals_findings",
    Base.metadata,
    Column("year_key", Integer, primary_key=True, autoincrement=False),
    Column("rule", String(64), primary_key=True),
    Column("severity", String(8), primary_key=True),
    Column("status", String(16), primary_key=True),
    Column("findings", Integer, nullable=False, default=0),
)
agencies_table = Table(
    "totals_agencies",
    Base.metadata,
    Column("agency_key", String(80), primary_key=True),
    Column("agency", Text),
    Column("reports", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Index("ix_totals_agencies_rank", desc("errors"), "agency_key"),
)
agency_years_table = Table(
    "totals_agency_years",
    Base.metadata,
    Column("agency_key", String(80), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("agency", Text),
    Column("reports", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
    Index("ix_totals_agency_years_rank", "year", desc("errors"), "agency_key"),
)
counted_table = Table(
    "totals_counted",
    Base.metadata,
    Column("report_id", Integer, primary_key=True, autoincrement=False),  # no FK: kept past a delete
    Column("year_key", Integer, nullable=False),
    Column("agency_key", String(80)),
    Column("figures", Text, nullable=False),  # JSON [value or null, ...] in FIGURES order
    Column("findings", Text, nullable=False),  # JSON [[rule, severity, status, n], ...]
)
TABLES = (years_table, findings_table, agencies_table, agency_years_table, counted_table)

Bind = Session | Connection
Delta = defaultdict[str, float]


def _delta() -> Delta:
    return defaultdict(float)


Contribution = tuple[int, str | None, dict[str, float], dict[tuple[str, str, str], int]]
"""(year key, agency key, figures held, finding counts by (rule, severity, status))."""


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def year_key(year: int | None) -> int:
    return NO_YEAR if year is None else year


def _lock(bind: Bind) -> None:
    if _dialect(bind) == "postgresql":
        bind.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})


def _dialect(bind: Bind) -> str:
    return bind.get_bind().dialect.name if isinstance(bind, Session) else bind.dialect.name


def _contributions(bind: Bind, ids: Sequence[int]) -> dict[int, Contribution]:
    """What each of these reports counts for now (current reports only)."""
    kept = ReportFigures.__table__.c
    out: dict[int, Contribution] = {}
    for part in _chunks(sorted(set(ids))):
        for row in bind.execute(
            select(StoredReport.id, StoredReport.year, StoredReport.agency_key, *(kept[name] for name in FIGURES))
            .select_from(StoredReport)
            .outerjoin(ReportFigures, kept.report_id == StoredReport.id)
            .where(StoredReport.id.in_(part), StoredReport.superseded_by.is_(None))
        ):
            rid, year, key, *values = row
            figures = {name: value for name, value in zip(FIGURES, values, strict=True) if value is not None}
            out[rid] = (year_key(year), key, figures, {})
        current = [rid for rid in part if rid in out]
        if current:
            for rid, rule, severity, status, n in bind.execute(
                select(
                    StoredFinding.report_id,
                    StoredFinding.rule,
                    StoredFinding.severity,
                    StoredFinding.status,
                    func.count(StoredFinding.id),
                )
                .where(StoredFinding.report_id.in_(current))
                .group_by(StoredFinding.report_id, StoredFinding.rule, StoredFinding.severity, StoredFinding.status)
            ):
                out[rid][3][(rule, severity, status)] = n
    return out


def _counted(bind: Bind, ids: Sequence[int]) -> dict[int, Contribution]:
    """What each of these reports was last counted for (the ledger)."""
    c = counted_table.c
    out: dict[int, Contribution] = {}
    for part in _chunks(sorted(set(ids))):
        for rid, ykey, key, figures, findings in bind.execute(
            select(c.report_id, c.year_key, c.agency_key, c.figures, c.findings).where(c.report_id.in_(part))
        ):
            held_figures = {n: float(v) for n, v in zip(FIGURES, json.loads(figures), strict=False) if v is not None}
            out[rid] = (ykey, key, held_figures, {(r, s, st): n for r, s, st, n in json.loads(findings)})
    return out


def _compact(value: float | None) -> float | int | None:
    """A whole number written without its ``.0`` (read back as the same float)."""
    return int(value) if value is not None and value.is_integer() else value


def _ledger_row(rid: int, contribution: Contribution) -> dict[str, Any]:
    ykey, key, figures, findings = contribution
    return {
        "report_id": rid,
        "year_key": ykey,
        "agency_key": key,
        "figures": json.dumps([_compact(figures.get(name)) for name in FIGURES], separators=(",", ":")),
        "findings": json.dumps(sorted([*k, n] for k, n in findings.items()), separators=(",", ":")),
    }


def _widened(bind: Bind, ids: Sequence[int], counted: dict[int, Contribution]) -> list[int]:
    """``ids`` and every report of their agencies in their years and the years after."""
    pairs: set[tuple[Any, Any]] = {(key, y) for y, key, _, _ in counted.values() if key is not None and y != NO_YEAR}
    for part in _chunks(sorted(set(ids))):
        pairs.update(
            bind.execute(
                select(StoredReport.agency_key, StoredReport.year).where(
                    StoredReport.id.in_(part), StoredReport.agency_key.is_not(None), StoredReport.year.is_not(None)
                )
            ).all()
        )
    years_of: defaultdict[Any, set[int]] = defaultdict(set)
    for key, y in pairs:
        years_of[key].update((y, y + 1))
    out = set(ids)
    for part in _chunks(sorted(years_of)):
        for rid, key, y in bind.execute(
            select(StoredReport.id, StoredReport.agency_key, StoredReport.year).where(
                StoredReport.agency_key.in_(part), StoredReport.year.is_not(None)
            )
        ):
            if y in years_of[key]:
                out.add(rid)
    return sorted(out)


def refresh_totals(bind: Bind, ids: Iterable[int | None]) -> None:
    """Bring the totals up to date with these reports (stored, changed, superseded, deleted).

    Runs in the caller's transaction, after its writes. Reports of the same agency in the same
    year and the year after are refreshed with them.
    """
    given = [i for i in ids if i is not None]
    if not given:
        return
    _lock(bind)
    counted = _counted(bind, given)
    every = _widened(bind, given, counted)
    counted.update(_counted(bind, [i for i in every if i not in counted]))
    now = _contributions(bind, every)
    year_delta: defaultdict[int, Delta] = defaultdict(_delta)
    finding_delta: Counter[tuple[int, str, str, str]] = Counter()
    changed = [rid for rid in every if counted.get(rid) != now.get(rid)]
    for rid in changed:
        for sign, contribution in ((-1, counted.get(rid)), (1, now.get(rid))):
            if contribution is not None:
                _add(year_delta, finding_delta, contribution, sign)
    _apply_years(bind, year_delta)
    _apply_findings(bind, finding_delta)
    c = counted_table.c
    for part in _chunks(changed):
        bind.execute(delete(counted_table).where(c.report_id.in_(part)))
    rows = [_ledger_row(rid, now[rid]) for rid in changed if rid in now]
    if rows:
        bind.execute(insert(counted_table), rows)
    keys = {key for _, key, _, _ in counted.values()} | {key for _, key, _, _ in now.values()}
    refresh_agencies(bind, sorted(k for k in keys if k is not None))


def _add(
    year_delta: defaultdict[int, Delta],
    finding_delta: Counter[tuple[int, str, str, str]],
    contribution: Contribution,
    sign: int,
) -> None:
    """Add (``sign`` 1) or take away (-1) one report's contribution."""
    ykey, _, figures, findings = contribution
    delta = year_delta[ykey]
    delta["reports"] += sign
    for name, value in figures.items():
        delta[name] += sign * value
        delta[HELD[name]] += sign
    for (rule, severity, status), n in findings.items():
        finding_delta[(ykey, rule, severity, status)] += sign * n


def _ensure(bind: Bind, table: Table, keys: list[dict[str, Any]]) -> None:
    """Insert the rows of these primary keys that are missing (other columns at their defaults)."""
    if not keys:
        return
    if _dialect(bind) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        bind.execute(pg_insert(table).on_conflict_do_nothing(), keys)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        bind.execute(sqlite_insert(table).on_conflict_do_nothing(), keys)


def _apply_years(bind: Bind, deltas: dict[int, Delta]) -> None:
    """Add each year's differences, in one statement run once per year."""
    c = years_table.c
    changed = sorted((k, d) for k, d in deltas.items() if any(d.values()))
    if not changed:
        return
    _ensure(bind, years_table, [{"year_key": k} for k, _ in changed])
    values: dict[str, Any] = {"reports": c.reports + bindparam("d_reports", type_=Integer)}
    for name in FIGURES:
        count = HELD[name]
        held_now = c[count] + bindparam("d_" + count, type_=Integer)
        values[count] = held_now
        # a figure no report holds any more sums nothing: no float remainder is carried on
        values[name] = case((held_now == 0, 0.0), else_=c[name] + bindparam("d_" + name, type_=Float))
    rows = [
        {
            "k_year": k,
            "d_reports": int(d["reports"]),
            **{"d_" + name: d[name] for name in FIGURES},
            **{"d_" + HELD[name]: int(d[HELD[name]]) for name in FIGURES},
        }
        for k, d in changed
    ]
    bind.execute(update(years_table).where(c.year_key == bindparam("k_year")).values(values), rows)


def _apply_findings(bind: Bind, deltas: Counter[tuple[int, str, str, str]]) -> None:
    """Add each (year, rule, severity, status)'s difference, in one statement run once per row."""
    c = findings_table.c
    changed = sorted((k, n) for k, n in deltas.items() if n)
    if not changed:
        return
    names = ("year_key", "rule", "severity", "status")
    _ensure(bind, findings_table, [dict(zip(names, k, strict=True)) for k, _ in changed])
    bind.execute(
        update(findings_table)
        .where(*(c[name] == bindparam("k_" + name) for name in names))
        .values(findings=c.findings + bindparam("d_findings", type_=Integer)),
        [{**{"k_" + name: v for name, v in zip(names, k, strict=True)}, "d_findings": n} for k, n in changed],
    )


def refresh_agencies(bind: Bind, keys: Sequence[str]) -> None:
    """Recompute the ranking rows of these agency keys from their current reports."""
    for part in _chunks(list(keys)):
        current = (StoredReport.agency_key.in_(part), StoredReport.superseded_by.is_(None))
        whole = bind.execute(
            select(
                StoredReport.agency_key,
                func.max(StoredReport.agency),
                func.count(StoredReport.id),
                func.coalesce(func.sum(StoredReport.errors), 0),
            )
            .where(*current)
            .group_by(StoredReport.agency_key)
        ).all()
        by_year = bind.execute(
            select(
                StoredReport.agency_key,
                StoredReport.year,
                func.max(StoredReport.agency),
                func.count(StoredReport.id),
                func.coalesce(func.sum(StoredReport.errors), 0),
            )
            .where(*current, StoredReport.year.is_not(None))
            .group_by(StoredReport.agency_key, StoredReport.year)
        ).all()
        warned: Counter[tuple[Any, Any]] = Counter()
        for key, year, n in bind.execute(
            select(StoredReport.agency_key, StoredReport.year, func.count(StoredFinding.id))
            .join(StoredFinding, StoredFinding.report_id == StoredReport.id)
            .where(*current, StoredFinding.severity == "warning", StoredFinding.status != "dismissed")
            .group_by(StoredReport.agency_key, StoredReport.year)
        ):
            warned[(key, year)] += n
        warnings_of: Counter[Any] = Counter()
        for (key, _), n in warned.items():
            warnings_of[key] += n
        bind.execute(delete(agencies_table).where(agencies_table.c.agency_key.in_(part)))
        bind.execute(delete(agency_years_table).where(agency_years_table.c.agency_key.in_(part)))
        rows = [
            {"agency_key": k, "agency": name, "reports": n, "errors": int(e), "warnings": warnings_of[k]}
            for k, name, n, e in whole
        ]
        if rows:
            bind.execute(insert(agencies_table), rows)
        year_rows = [
            {"agency_key": k, "year": y, "agency": name, "reports": n, "errors": int(e), "warnings": warned[(k, y)]}
            for k, y, name, n, e in by_year
        ]
        if year_rows:
            bind.execute(insert(agency_years_table), year_rows)


def rebuild_totals(bind: Bind) -> None:
    """Fill every totals table from the stored reports (the migration, and a repair): what a scan gives."""
    _lock(bind)
    for table in TABLES:
        bind.execute(delete(table))
    ids = list(bind.scalars(select(StoredReport.id).where(StoredReport.superseded_by.is_(None))))
    year_delta: defaultdict[int, Delta] = defaultdict(_delta)
    finding_delta: Counter[tuple[int, str, str, str]] = Counter()
    for part in _chunks(ids):
        now = _contributions(bind, part)
        for contribution in now.values():
            _add(year_delta, finding_delta, contribution, 1)
        rows = [_ledger_row(rid, c) for rid, c in now.items()]
        if rows:
            bind.execute(insert(counted_table), rows)
    _apply_years(bind, year_delta)
    _apply_findings(bind, finding_delta)
    keys = list(
        bind.scalars(
            select(StoredReport.agency_key)
            .where(StoredReport.agency_key.is_not(None), StoredReport.superseded_by.is_(None))
            .distinct()
        )
    )
    refresh_agencies(bind, sorted(k for k in keys if k is not None))
