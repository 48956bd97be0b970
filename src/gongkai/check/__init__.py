"""Check a Report against the national format and the law; return Findings.

The checker never changes a reported number: a broken total is reported,
not repaired.
"""

from __future__ import annotations

from ..model import Report
from . import rules as _rules  # noqa: F401  (registers every rule)
from .finding import Finding, Severity
from .registry import RULES, Rule
from .rules.arithmetic import identities_worked_out_once

__all__ = ["RULES", "Finding", "Rule", "Severity", "check", "cross_year_findings"]


def check(report: Report, previous: Report | None = None) -> list[Finding]:
    """All findings for ``report``; cross-year rules run only when ``previous`` is given."""
    findings: list[Finding] = []
    with identities_worked_out_once():
        for rule in RULES.values():
            if rule.cross_year and previous is None:
                continue
            findings.extend(rule.function(report, previous))
    findings.sort(key=lambda f: (f.severity.rank, f.rule))
    return findings


def cross_year_findings(report: Report, previous: Report) -> list[Finding]:
    """The findings of the rules that compare a report with its agency's previous year.

    This is the check the store is handed when it links a report to the year before
    (``Repository.write(records, cross_year=cross_year_findings)``).
    """
    return [f for rule in RULES.values() if rule.cross_year for f in rule.function(report, previous)]
