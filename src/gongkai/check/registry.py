"""The rule catalog: every rule is one declaration with stable metadata.

A rule id is never reused. Each rule's docstring has four parts separated
by blank lines: what it checks, why (legal or arithmetic basis), a failing
example, a passing example; ``gongkai rules`` and ``docs/rules/`` show them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..model import Report
from .finding import Finding, Severity

RuleFunction = Callable[[Report, "Report | None"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    severity: Severity
    zh: str
    en: str
    function: RuleFunction
    cross_year: bool = False  # needs the same agency's previous report

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.function.__doc__ or "")


RULES: dict[str, Rule] = {}


def rule(
    id: str, severity: Severity, zh: str, en: str, *, cross_year: bool = False
) -> Callable[[RuleFunction], RuleFunction]:
    def register(function: RuleFunction) -> RuleFunction:
        if id in RULES:
            raise ValueError(f"rule id {id!r} is registered twice")
        RULES[id] = Rule(id, severity, zh, en, function, cross_year)
        return function

    return register
