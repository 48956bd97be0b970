"""Corpus statistics: applications per year, the outcome mix, 纠错率 of reviews and suits, defects per rule.

The cells summed are named by the formats' views (``fmt.applications.new``,
``.outcomes``, ``fmt.appeals.review``, ``.suits``, ``.decided``, ``.corrected``)
over every format that has them (``figures.py``). Their sums are kept per report at
ingest (``report_figures``), so the statistics read one row per report, not its cells.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select

from .base import ANY, Part, filtered
from .figures import (
    CELLS,
    FIGURE_CELLS,
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
from .views import REVIEW_STATUSES, AgencyErrors, CorpusStats, Ratio, ReportFilter

RANKED_AGENCIES = 15  # agencies_with_most_errors


__all__ = ["CELLS", "Corrections", "StatCells", "Statistics"]  # the cell sets moved to figures.py


def _by_year(counts: dict[int | None, Any]) -> dict[int | None, Any]:
    return dict(sorted(counts.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))


class Statistics(Part):
    """Figures over the whole corpus, or over any filter of it."""

    def stats(self, flt: ReportFilter = ANY) -> CorpusStats:
        """Outcome mix, 纠错率 of reviews and suits, applications per year, defects per rule, agencies ranked."""
        with self.database.sessions() as session:
            # filters apply to the joined reports directly: an IN (subquery) over two million cells is slow
            reports_by_year: dict[int | None, int] = dict(
                session.execute(
                    filtered(select(StoredReport.year, func.count(StoredReport.id)), flt).group_by(StoredReport.year)
                ).all()
            )
            kept = ReportFigures.__table__.c
            columns = list(FIGURE_CELLS)
            sums = session.execute(
                filtered(
                    select(
                        StoredReport.year,
                        *(func.sum(kept[name]) for name in columns),
                        *(func.count(kept[name]) for name in columns),
                    )
                    .select_from(StoredReport)
                    .join(ReportFigures, kept.report_id == StoredReport.id),
                    flt,
                ).group_by(StoredReport.year)
            ).all()
            by_rule = session.execute(
                filtered(
                    select(
                        StoredFinding.rule, StoredFinding.severity, StoredFinding.status, func.count(StoredFinding.id)
                    )
                    .select_from(StoredFinding)
                    .join(StoredReport, StoredReport.id == StoredFinding.report_id),
                    flt,
                ).group_by(StoredFinding.rule, StoredFinding.severity, StoredFinding.status)
            ).all()
            failed = session.execute(select(func.count(Source.id)).where(Source.error.is_not(None))).scalar_one()
        total: defaultdict[str, float] = defaultdict(float)  # figure column → its sum, where any report holds it
        applications: dict[int | None, float] = {}
        for year, *figures in sums:
            for name, value, held in zip(columns, figures[: len(columns)], figures[len(columns) :], strict=True):
                if held:
                    total[name] += value or 0
                    if name == NEW:
                        applications[year] = applications.get(year, 0) + (value or 0)
        rules: dict[str, dict[str, Any]] = {}
        for rule_id, severity, status, count in by_rule:
            entry = rules.setdefault(rule_id, {"severity": severity, **dict.fromkeys(REVIEW_STATUSES, 0)})
            entry[status] = entry.get(status, 0) + count
        outcomes = {
            row: total[OUTCOME + row] for row in dict.fromkeys(CELLS.outcomes.values()) if OUTCOME + row in total
        }
        return CorpusStats(
            reports=sum(reports_by_year.values()),
            failed_sources=failed,
            reports_by_year=_by_year(reports_by_year),
            applications_by_year=_by_year(applications),
            outcomes=outcomes,
            review_correction=Ratio(total.get(REVIEW_CORRECTED, 0), total.get(REVIEW_DECIDED, 0)),
            suit_correction=Ratio(total.get(SUIT_CORRECTED, 0), total.get(SUIT_DECIDED, 0)),
            findings_by_rule=dict(sorted(rules.items())),
            agencies_with_most_errors=tuple(self.agencies_with_most_errors(flt)),
        )

    def agencies_with_most_errors(self, flt: ReportFilter = ANY, limit: int = RANKED_AGENCIES) -> list[AgencyErrors]:
        """Agencies ranked by their reports' error-level findings (dismissed ones not counted)."""
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
