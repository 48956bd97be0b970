"""Store fixtures: the real seeds/dev reports as the worker records the store writes.

A record is built the way the worker builds it (``gongkai.read_file``, then the
checks, then ``store.records``), without the batch pipeline, so a store test
writes exactly what it chose and hands the store the cross-year check it chose.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

import gongkai
from gongkai.check import Finding
from gongkai.check import check as run_checks
from gongkai.model import Report
from gongkai.store.records import Record, finding_record, report_record
from gongkai.store.repository import Repository

from ..conftest import CORPUS, shared_or_skip

HONGZE_2023 = "dev/001_huaian-hongze-qu-2023.pdf"  # states 洪泽区人民政府
HONGZE_2024 = "dev/002_huaian-hongze-qu-2024.pdf"  # states 淮安市洪泽区人民政府


def corpus_files() -> list[Path]:
    """Every report file of ../shared/corpus seeds and dev."""
    root = shared_or_skip(CORPUS)
    return sorted(p for folder in ("seeds", "dev") for p in (root / folder).iterdir() if p.suffix != ".tsv")


def record_of(path: Path, data: bytes | None = None) -> Record:
    """The worker record of one file (``data`` replaces its bytes, for a second version of a report)."""
    report = gongkai.read_file(path) if data is None else _read_bytes(path, data)
    data = path.read_bytes() if data is None else data
    return {
        "name": str(path),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "kind": path.suffix.lstrip("."),
        "error": None,
        "report": report_record(report),
        "findings": [finding_record(f) for f in run_checks(report)],
    }


def _read_bytes(path: Path, data: bytes) -> Report:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(data)
        report = gongkai.read_file(copy)
    report.source = str(path)
    return report


def failed_record(name: str, data: bytes, error: str) -> Record:
    return {
        "name": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "kind": None,
        "error": error,
        "report": None,
        "findings": [],
    }


CrossYear = Callable[[Report, Report], Iterable[Finding]]


def no_cross_year(report: Report, previous: Report) -> list[Finding]:
    return []


class Recorder:
    """A cross-year check that records every pair it is handed and returns what it is told to."""

    def __init__(self, answer: Callable[[Report, Report], list[Finding]] = no_cross_year) -> None:
        self.pairs: list[tuple[tuple[str | None, int | None], tuple[str | None, int | None]]] = []
        self.answer = answer

    def __call__(self, report: Report, previous: Report) -> list[Finding]:
        self.pairs.append(((report.agency, report.year), (previous.agency, previous.year)))
        return self.answer(report, previous)


@pytest.fixture(scope="session")
def corpus_records() -> dict[str, Record]:
    """``folder/file name`` → the worker record, for every seeds/dev report."""
    return {f"{p.parent.name}/{p.name}": record_of(p) for p in corpus_files()}


@pytest.fixture
def stored(repository: Repository, corpus_records: dict[str, Record]) -> Repository:
    """A repository holding every seeds/dev report (no cross-year check run)."""
    repository.write(list(corpus_records.values()), cross_year=no_cross_year)
    return repository
