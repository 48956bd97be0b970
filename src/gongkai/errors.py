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
    """A source file could not be read; the message names the file and the problem (in Chinese).

    ``detail`` keeps what the library that failed said (often English), for logs and
    bug reports; it is never the message itself.
    """

    def __init__(self, path: str | Path, problem: str, *, detail: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.detail = detail
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self) -> tuple[object, ...]:  # picklable, so errors can cross process boundaries
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _restore(cls: type[SourceError], args: tuple[object, ...], state: dict[str, object]) -> SourceError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class UnsupportedSource(SourceError):
    pass


class DecodeError(SourceError):
    pass


class ConverterMissing(SourceError):
    pass


class LimitExceeded(SourceError):
    """The source goes over a ``gongkai.limits.Limits`` budget; ``limit`` names the field."""

    def __init__(self, path: str | Path, problem: str, *, limit: str, detail: str | None = None) -> None:
        self.limit = limit
        super().__init__(path, problem, detail=detail)


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
