"""Corpus statistics: applications per year, the outcome mix, 纠错率 of reviews and suits, defects per rule.

The cells summed are named by the formats' views (``fmt.applications.new``,
``.outcomes``, ``fmt.appeals.review``, ``.suits``, ``.decided``, ``.corrected``)
over every format that has them (``figures.py``). Their sums are kept per report at
ingest (``report_figures``), so the statistics read one row per report, not its cells.

Without a filter, or filtered by years only, they read the totals kept at write instead
(``totals.py``): a row per year and per rule, the ranking by an index, whatever the corpus
size. Any other filter (agency, format, level, region, errors, rule, severity, review status,
ids, superseded versions included) scans the reports it selects, as ``scan_stats`` does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from .base import ANY, Part, filtered
from .figures import (
    CELLS,
    NEW,
    OUTCOME,
    REVIEW_CORRECTED,
    REVIEW_DECIDED,
    SUIT_CORRECTED,
    SUIT_DECIDED,
    Corrections,
    StatCells,
)
from .models import ReportFigures, Source, StoredFinding, StoredReport
from .totals import FIGURES, NO_YEAR, agencies_table, agency_years_table, findings_table, held, years_table
from .views import REVIEW_STATUSES, AgencyErrors, CorpusStats, Ratio, ReportFilter

RANKED_AGENCIES = 15  # agencies_with_most_errors


__all__ = ["CELLS", "Corrections", "StatCells", "Statistics"]  # the cell sets moved to figures.py


def answered_by_totals(flt: ReportFilter) -> bool:
    """Whether the kept totals answer ``flt``: no filter but years, current versions only."""
    return replace(flt, years=None) == ANY


def _by_year(counts: dict[int | None, Any]) -> dict[int | None, Any]:
    return dict(sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))


class Statistics(Part):
    """Figures over the whole corpus, or over any filter of it."""

    def stats(self, flt: ReportFilter = ANY) -> CorpusStats:
        """Outcome mix, 纠错率 of reviews and suits, applications per year, defects per rule, agencies ranked."""
        if not answered_by_totals(flt):
            return self.scan_stats(flt)
        years = list(flt.years or ())
        with self.database.sessions() as session:
            c = years_table.c
            query = select(c.year_key, c.reports, *(c[n] for n in FIGURES), *(c[held(n)] for n in FIGURES))
            if years:
                query = query.where(c.year_key.in_(years))
            kept = session.execute(query.where(c.reports > 0).order_by(c.year_key)).all()
            reports_by_year = {(None if k == NO_YEAR else k): n for k, n, *_ in kept}
            sums = [[None if k == NO_YEAR else k, *figures] for k, _, *figures in kept]
            f = findings_table.c
            count = func.sum(f.findings)
            rules = select(f.rule, f.severity, f.status, count)
            if years:
                rules = rules.where(f.year_key.in_(years))
            by_rule = session.execute(
                rules.group_by(f.rule, f.severity, f.status).having(count > 0).order_by(f.rule, f.severity, f.status)
            ).all()
            failed = _failed(session)
            ranked = _ranked_from_totals(session, flt.years or ())
        return _assemble(reports_by_year, sums, by_rule, failed, ranked)

    def scan_stats(self, flt: ReportFilter = ANY) -> CorpusStats:
        """The statistics summed from the reports ``flt`` selects (their kept figures and findings)."""
        with self.database.sessions() as session:
            # filters apply to the joined reports directly: an IN (subquery) over two million cells is slow
            reports_by_year: dict[int | None, int] = dict(
                session.execute(
                    filtered(select(StoredReport.year, func.count(StoredReport.id)), flt).group_by(StoredReport.year)
                ).all()
            )
            kept = ReportFigures.__table__.c
            sums = session.execute(
                filtered(
                    select(
                        StoredReport.year,
                        *(func.sum(kept[name]) for name in FIGURES),
                        *(func.count(kept[name]) for name in FIGURES),
                    )
                    .select_from(StoredReport)
                    .join(ReportFigures, kept.report_id == StoredReport.id),
                    flt,
                )
                .group_by(StoredReport.year)
                .order_by(StoredReport.year)
            ).all()
            # an alias: a filter by rule, severity or status is an EXISTS over findings, correlated to the report
            found = aliased(StoredFinding)
            by_rule = session.execute(
                filtered(
                    select(found.rule, found.severity, found.status, func.count(found.id))
                    .select_from(found)
                    .join(StoredReport, StoredReport.id == found.report_id),
                    flt,
                )
                .group_by(found.rule, found.severity, found.status)
                .order_by(found.rule, found.severity, found.status)
            ).all()
            failed = _failed(session)
        return _assemble(reports_by_year, sums, by_rule, failed, self.scan_ranking(flt))

    def agencies_with_most_errors(self, flt: ReportFilter = ANY, limit: int = RANKED_AGENCIES) -> list[AgencyErrors]:
        """Agencies ranked by their reports' error-level findings (dismissed ones not counted)."""
        if not answered_by_totals(flt):
            return self.scan_ranking(flt, limit)
        with self.database.sessions() as session:
            return _ranked_from_totals(session, flt.years or (), limit)

    def scan_ranking(self, flt: ReportFilter = ANY, limit: int = RANKED_AGENCIES) -> list[AgencyErrors]:
        """``agencies_with_most_errors`` summed from the reports ``flt`` selects."""
        ids = filtered(select(StoredReport.id), flt).subquery()
        name = func.max(StoredReport.agency)
        errors = func.sum(StoredReport.errors)
        with self.database.sessions() as session:
            ranked = session.execute(
                select(StoredReport.agency_key, name, func.count(StoredReport.id), errors)
                .where(StoredReport.id.in_(select(ids.c.id)), StoredReport.agency_key.is_not(None))
                .group_by(StoredReport.agency_key)
                .having(errors > 0)
                .order_by(errors.desc(), StoredReport.agency_key)
                .limit(limit)
            ).all()
            keys = [key for key, *_ in ranked]
            warnings = dict(
                session.execute(
                    select(StoredReport.agency_key, func.count(StoredFinding.id))
                    .join(StoredFinding, StoredFinding.report_id == StoredReport.id)
                    .where(
                        StoredReport.agency_key.in_(keys),
                        StoredReport.id.in_(select(ids.c.id)),
                        StoredFinding.severity == "warning",
                        StoredFinding.status != "dismissed",
                    )
                    .group_by(StoredReport.agency_key)
                ).all()
            )
        return [AgencyErrors(agency or key or "", n, int(e or 0), warnings.get(key, 0)) for key, agency, n, e in ranked]


def _failed(session: Session) -> int:
    # the partial index ix_sources_failed (0012) holds the failed sources only
    return int(session.execute(select(func.count(Source.id)).where(Source.error.is_not(None))).scalar_one())


def _ranked_from_totals(session: Session, years: Sequence[int], limit: int = RANKED_AGENCIES) -> list[AgencyErrors]:
    """The ranking read from ``totals_agencies`` (whole corpus) or ``totals_agency_years`` (some years)."""
    if not years:
        a = agencies_table.c
        rows: Iterable[Any] = session.execute(
            select(a.agency_key, a.agency, a.reports, a.errors, a.warnings)
            .where(a.errors > 0)
            .order_by(a.errors.desc(), a.agency_key)
            .limit(limit)
        ).all()
    elif len(years) == 1:
        y = agency_years_table.c
        rows = session.execute(
            select(y.agency_key, y.agency, y.reports, y.errors, y.warnings)
            .where(y.year == years[0], y.errors > 0)
            .order_by(y.errors.desc(), y.agency_key)
            .limit(limit)
        ).all()
    else:
        y = agency_years_table.c
        errors = func.sum(y.errors)
        rows = session.execute(
            select(y.agency_key, func.max(y.agency), func.sum(y.reports), errors, func.sum(y.warnings))
            .where(y.year.in_(years))
            .group_by(y.agency_key)
            .having(errors > 0)
            .order_by(errors.desc(), y.agency_key)
            .limit(limit)
        ).all()
    return [AgencyErrors(agency or key or "", int(n), int(e), int(w)) for key, agency, n, e, w in rows]


def _assemble(
    reports_by_year: dict[int | None, int],
    sums: Sequence[Any],
    by_rule: Sequence[Any],
    failed: int,
    ranked: list[AgencyErrors],
) -> CorpusStats:
    """The statistics from per-year report counts, per-year figure sums and held-counts, and finding counts."""
    total: defaultdict[str, float] = defaultdict(float)  # figure column → its sum, where any report holds it
    applications: dict[int | None, float] = {}
    for year, *figures in sums:
        for name, value, count in zip(FIGURES, figures[: len(FIGURES)], figures[len(FIGURES) :], strict=True):
            if count:
                total[name] += value or 0
                if name == NEW:
                    applications[year] = applications.get(year, 0) + (value or 0)
    rules: dict[str, dict[str, Any]] = {}
    for rule_id, severity, status, count in by_rule:
        entry = rules.setdefault(rule_id, {"severity": severity, **dict.fromkeys(REVIEW_STATUSES, 0)})
        entry[status] = entry.get(status, 0) + int(count)
    outcomes = {row: total[OUTCOME + row] for row in dict.fromkeys(CELLS.outcomes.values()) if OUTCOME + row in total}
    return CorpusStats(
        reports=sum(reports_by_year.values()),
        failed_sources=failed,
        reports_by_year=_by_year(reports_by_year),
        applications_by_year=_by_year(applications),
        outcomes=outcomes,
        review_correction=Ratio(total.get(REVIEW_CORRECTED, 0), total.get(REVIEW_DECIDED, 0)),
        suit_correction=Ratio(total.get(SUIT_CORRECTED, 0), total.get(SUIT_DECIDED, 0)),
        findings_by_rule=dict(sorted(rules.items())),
        agencies_with_most_errors=tuple(ranked),
    )
