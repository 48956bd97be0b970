"""gongkai: read, check, store and compare 政府信息公开工作年度报告.

The public API::

    from gongkai import read_file, check
    report = read_file("report.pdf")          # a Report: cells, metadata, sections
    for finding in check(report):             # Findings: rule, severity, cells, message (Chinese)
        print(finding.rule, finding.message)
"""

from __future__ import annotations

from ._version import __version__
from .api import read_and_check, read_file, read_text
from .check import RULES, Finding, Severity, check
from .document import Document, SourcePlace
from .errors import GongkaiError, SourceError
from .formats import FORMATS, Format
from .model import Cell, CellState, EntityType, Report
from .serialize import report_to_json

__all__ = [
    "FORMATS",
    "RULES",
    "Cell",
    "CellState",
    "Document",
    "EntityType",
    "Finding",
    "Format",
    "GongkaiError",
    "Report",
    "Severity",
    "SourceError",
    "SourcePlace",
    "__version__",
    "check",
    "read_and_check",
    "read_file",
    "read_text",
    "report_to_json",
]
