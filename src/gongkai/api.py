"""The library's front door: read a source (bytes, a file, a text) into a Report, and check it.

``read_bytes`` is the one entry every other reads through: ``read_file`` reads the
file and hands over its bytes, the batch workers and the web hand over the bytes
they hold. Only gongkai's own errors escape (``SourceError`` and below, see
``gongkai.errors``); a source over a ``gongkai.limits.Limits`` budget raises
``LimitExceeded``.
"""

from __future__ import annotations

from pathlib import Path

from .check import Finding, check
from .document import Document
from .ingest import load_bytes, load_document
from .ingest.text import text_document
from .limits import DEFAULT_LIMITS, Limits
from .model import Report
from .read import read_document


def read_bytes(data: bytes, name: str, limits: Limits | None = None) -> Report:
    """Read the bytes of a source (any supported form) into a Report.

    ``name`` is what error messages show and what the Report's ``source`` is
    taken from (its last part); its suffix breaks ties between forms. Raises
    ``SourceError`` naming ``name``. Example::

        report = read_bytes(upload.read(), "2023年度报告.pdf")
    """
    limits = limits or DEFAULT_LIMITS
    return read_document(load_bytes(data, name, limits), limits=limits)


def read_file(path: str | Path, limits: Limits | None = None) -> Report:
    """Read any supported source file into a Report. Raises ``SourceError`` naming the file."""
    limits = limits or DEFAULT_LIMITS
    return read_document(load_document(path, limits), limits=limits)


def read_text(text: str, name: str = "<text>") -> Report:
    """Read a report given as a string (plain text or Markdown)."""
    return read_document(text_document(text, name, "md" if "|" in text else "txt"))


def read_and_check(path: str | Path, limits: Limits | None = None) -> tuple[Report, list[Finding]]:
    """Read a file and check it: the Report and its Findings."""
    report = read_file(path, limits)
    return report, check(report)


def read_and_check_bytes(data: bytes, name: str, limits: Limits | None = None) -> tuple[Report, list[Finding]]:
    """Read the bytes of a source and check them: the Report and its Findings (see ``read_bytes``)."""
    report = read_bytes(data, name, limits)
    return report, check(report)


__all__ = ["Document", "read_and_check", "read_and_check_bytes", "read_bytes", "read_file", "read_text"]
