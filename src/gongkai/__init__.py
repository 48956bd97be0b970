"""gongkai: read, check, store and compare 政府信息公开工作年度报告.

The public API::

    from gongkai import read_bytes, read_file, check
    report = read_file("report.pdf")          # a Report: cells, metadata, sections
    report = read_bytes(data, "report.pdf")   # the same from bytes in memory (uploads, archives)
    for finding in check(report):             # Findings: rule, severity, cells, message (Chinese)
        print(finding.rule, finding.message)

Only gongkai's own errors escape the readers: ``GongkaiError`` and below
(``SourceError`` for a source that cannot be read, ``LimitExceeded`` for one over
a ``Limits`` budget).

Note on names: ``gongkai.check`` is the *function* ``check(report)``, which shadows
the subpackage of the same name as an attribute. The subpackage (rule registry,
rules) is imported by its dotted name: ``from gongkai.check import RULES`` or
``importlib.import_module("gongkai.check")``.
"""

from __future__ import annotations

from ._version import __version__
from .api import read_and_check, read_and_check_bytes, read_bytes, read_file, read_text
from .check import RULES, Finding, Severity, check
from .document import Document, SourcePlace
from .errors import GongkaiError, LimitExceeded, SourceError
from .formats import FORMATS, Format
from .limits import Limits
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
    "LimitExceeded",
    "Limits",
    "Report",
    "Severity",
    "SourceError",
    "SourcePlace",
    "__version__",
    "check",
    "read_and_check",
    "read_and_check_bytes",
    "read_bytes",
    "read_file",
    "read_text",
    "report_to_json",
]
