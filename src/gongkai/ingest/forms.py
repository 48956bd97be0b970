"""Dispatch to the readers of non-text forms (HTML, Word, PDF, images)."""

from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..errors import UnsupportedSource


def load(path: Path, data: bytes, kind: str) -> Document:
    raise UnsupportedSource(path, f"{kind} files are not supported yet")
