"""Corpus statistics: applications per year, the outcome mix, 纠错率 of reviews and suits, defects per rule.

The cells summed are named by the formats' views (``fmt.applications.new``,
``.outcomes``, ``fmt.appeals.review``, ``.suits``, ``.decided``, ``.corrected``)
over every format that has them, so a new format or a revised table changes
the figures without an edit here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from ..formats import FORMATS, AppealsView, ApplicationsView, Row
from .base import ANY, Part, filtered
from .models import Source, StoredCell, StoredFinding, StoredReport
from .views import REVIEW_STATUSES, AgencyErrors, CorpusStats, Ratio, ReportFilter

RANKED_AGENCIES = 15  # agencies_with_most_errors


@dataclass(frozen=True, slots=True)
class _Corrections:
    """The cells of one 纠错率: 结果纠正, and every closed result (维持, 纠正, 其他)."""

    corrected: frozenset[str]
    decided: frozenset[str]

    def ratio(self, total: dict[str, float]) -> Ratio:
        return Ratio(sum(total.get(c, 0) for c in self.corrected), sum(total.get(c, 0) for c in self.decided))


@dataclass(frozen=True, slots=True)
class StatCells:
    """Which stored cells each figure sums, gathered from the formats' views."""

    new: frozenset[str]  # 本年新收 总计
    outcomes: dict[str, str]  # outcome cell (总计 column) → outcome row id, in declaration order
    review: _Corrections
    suits: _Corrections

    @classmethod
    def of(cls, applications: list[ApplicationsView], appeals: list[AppealsView]) -> StatCells:
        outcomes: dict[str, str] = {}
        for view in applications:
            for row in view.outcomes:
                outcomes.setdefault(view.cell(row), row.id)

        def corrections(groups: list[tuple[AppealsView, Row]]) -> _Corrections:
            return _Corrections(
                frozenset(a.cell(g, a.corrected) for a, g in groups),
                frozenset(a.cell(g, c) for a, g in groups for c in a.decided),
            )

        return cls(
            new=frozenset(view.cell(view.new) for view in applications),
            outcomes=outcomes,
            review=corrections([(a, a.review) for a in appeals]),
            suits=corrections([(a, g) for a in appeals for g in a.suits]),
        )

    @property
    def wanted(self) -> list[str]:
        """Every cell any figure reads, for one ``IN (...)``."""
        cells = {*self.new, *self.outcomes, *self.review.decided, *self.suits.decided}
        return sorted(cells)


CELLS = StatCells.of(
    [f.applications for f in FORMATS.values() if f.applications is not None],
    [f.appeals for f in FORMATS.values() if f.appeals is not None],
)


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
            sums = session.execute(
                filtered(
                    select(StoredReport.year, StoredCell.cell_id, func.sum(StoredCell.number))
                    .select_from(StoredCell)
                    .join(StoredReport, StoredReport.id == StoredCell.report_id)
                    .where(StoredCell.cell_id.in_(CELLS.wanted)),
                    flt,
                ).group_by(StoredReport.year, StoredCell.cell_id)
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
        total: defaultdict[str, float] = defaultdict(float)
        applications: dict[int | None, float] = {}
        for year, cell_id, value in sums:
            total[cell_id] += value or 0
            if cell_id in CELLS.new:
                applications[year] = applications.get(year, 0) + (value or 0)
        rules: dict[str, dict[str, Any]] = {}
        for rule_id, severity, status, count in by_rule:
            entry = rules.setdefault(rule_id, {"severity": severity, **dict.fromkeys(REVIEW_STATUSES, 0)})
            entry[status] = entry.get(status, 0) + count
        outcomes: dict[str, float] = {}
        for cell, row in CELLS.outcomes.items():
            if cell in total:
                outcomes[row] = outcomes.get(row, 0) + total[cell]
        return CorpusStats(
            reports=sum(reports_by_year.values()),
            failed_sources=failed,
            reports_by_year=_by_year(reports_by_year),
            applications_by_year=_by_year(applications),
            outcomes=outcomes,
            review_correction=CELLS.review.ratio(total),
            suit_correction=CELLS.suits.ratio(total),
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
