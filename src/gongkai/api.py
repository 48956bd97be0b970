"""The library's front door: read a file or a text, check it."""

from __future__ import annotations

from pathlib import Path

from .check import Finding, check
from .document import Document
from .ingest import load_document
from .ingest.text import text_document
from .model import Report
from .read import read_document


def read_file(path: str | Path) -> Report:
    """Read any supported source file into a Report. Raises ``SourceError`` naming the file."""
    return read_document(load_document(path))


def read_text(text: str, name: str = "<text>") -> Report:
    """Read a report given as a string (plain text or Markdown)."""
    return read_document(text_document(text, name, "md" if "|" in text else "txt"))


def read_and_check(path: str | Path) -> tuple[Report, list[Finding]]:
    report = read_file(path)
    return report, check(report)


__all__ = ["Document", "read_and_check", "read_file", "read_text"]
