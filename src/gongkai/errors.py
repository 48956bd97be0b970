"""The exception tree.

    GongkaiError
    ├── SourceError          a file could not be turned into a Document
    │   ├── UnsupportedSource    not a form gongkai reads (or damaged beyond use)
    │   ├── DecodeError          text whose encoding cannot be determined
    │   ├── ConverterMissing     a needed external converter is not installed
    │   └── LimitExceeded        the source is bigger than a Limits budget allows
    ├── StoreError           the corpus database refused or lacks something
    │   └── NotFound             no stored report, finding or job with that id
    ├── ExportError          an export cannot be written as asked
    ├── SettingsError        a setting (an option, a GONGKAI_* variable) has a value that cannot work
    └── GoldError            a gold file is malformed

Defects in a report (a broken 勾稽关系, a late publication) are never
exceptions: they are Findings. Exceptions are for files gongkai cannot read.
"""

from __future__ import annotations

from pathlib import Path


class GongkaiError(Exception):
    """Base of every error gongkai raises on purpose."""


class SourceError(GongkaiError):
    """A source file could not be read; the message names the file."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class UnsupportedSource(SourceError):
    pass


class DecodeError(SourceError):
    pass


class ConverterMissing(SourceError):
    pass


class LimitExceeded(SourceError):
    pass


class StoreError(GongkaiError):
    """The corpus database refused an operation or lacks what was asked for."""


class NotFound(StoreError, KeyError):
    """No stored object with that id (also a KeyError, for callers that look things up)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ExportError(GongkaiError):
    pass


class SettingsError(GongkaiError, ValueError):
    """A setting has a value that cannot work; the message says which and why, in Chinese."""


class GoldError(GongkaiError):
    pass
