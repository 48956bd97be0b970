"""A Finding: one defect a rule found in one report."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum


class Severity(Enum):
    ERROR = "error"  # the report breaks the format or the law
    WARNING = "warning"  # very likely a defect; a reviewer should look
    INFO = "info"  # worth knowing, not a defect by itself

    @property
    def zh(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """``cells`` are cell ids, or parts of the report: ``title``, ``published``, ``section6``."""

    rule: str
    severity: Severity
    cells: tuple[str, ...]
    message: str  # plain Chinese, quoting the evidence
    evidence: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def fingerprint(self) -> str:
        """Stable across re-reads of the same report: the rule and the places, not the wording."""
        key = self.rule + "|" + ",".join(sorted(self.cells))
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "cells": list(self.cells),
            "message": self.message,
        }
