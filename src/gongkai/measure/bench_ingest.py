"""Ingest benchmark: generate synthetic reports, ingest them, time the corpus statistics."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from ..batch.executors import open_executor
from ..batch.pipeline import IngestOptions, Progress, ingest
from ..store import open_database
from ..store.db import shown_url
from ..store.models import Base
from ..store.repository import Repository
from ..store.views import ReportFilter
from .synth import agency_name, synth_series

YEARS = range(2021, 2025)


@dataclass(frozen=True, slots=True)
class BenchResult:
    database: str
    reports: int
    workers: int
    seconds: float
    database_bytes: int | None
    stats_seconds: float  # repository.stats() over the whole corpus
    stats_filtered_seconds: float  # repository.stats() for one year
    stats_cli_seconds: float  # `gongkai stats --json` as a fresh process, imports included
    rerun_seconds: float  # a second ingest of the same files (stores nothing)

    @property
    def reports_per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, object]:
        return {
            "database": self.database,
            "reports": self.reports,
            "workers": self.workers,
            "seconds": round(self.seconds, 2),
            "reports_per_second": round(self.reports_per_second, 1),
            "database_mb": round(self.database_bytes / 2**20, 1) if self.database_bytes else None,
            "stats_seconds": round(self.stats_seconds, 3),
            "stats_one_year_seconds": round(self.stats_filtered_seconds, 3),
            "stats_cli_seconds": round(self.stats_cli_seconds, 3),
            "rerun_seconds": round(self.rerun_seconds, 2),
        }


def generate(folder: Path, count: int) -> int:
    """Write ``count`` synthetic text reports: series of four years (2021-2024) per agency."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    agency = 0
    while written < count:
        for report in synth_series(agency_name(agency), YEARS, agency):
            if written >= count:
                break
            (folder / f"{agency:06d}-{report.year}.txt").write_text(report.text, encoding="utf-8")
            written += 1
        agency += 1
    return written


def reset(url: str) -> None:
    """Drop every gongkai table (a benchmark starts from an empty database)."""
    database = open_database(url, upgrade=False)
    try:
        Base.metadata.drop_all(database.engine)
        with database.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        database.close()


def run_bench(
    url: str, count: int, workers: int | None, corpus: Path | None = None, progress: Progress | None = None
) -> BenchResult:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as scratch:
        folder = corpus or Path(scratch) / "corpus"
        if not folder.exists() or not any(folder.iterdir()):
            generate(folder, count)
        database = open_database(url)
        repository = Repository(database)
        if repository.count_reports():
            database.close()
            raise ValueError(f"{shown_url(database.url)} already holds reports; the benchmark needs an empty database")
        with open_executor(workers) as executor:
            summary = ingest([folder], repository, executor, IngestOptions(), progress)
            started = time.perf_counter()
            ingest([folder], repository, executor, IngestOptions())
            rerun = time.perf_counter() - started
        started = time.perf_counter()
        repository.stats()
        stats_seconds = time.perf_counter() - started
        started = time.perf_counter()
        repository.stats(ReportFilter(years=(2023,)))
        filtered = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "gongkai.cli", "stats", "--db", url, "--json"], check=True, capture_output=True
        )
        cli_seconds = time.perf_counter() - started
        size = database.size_bytes()
        database.close()
    from ..batch.executors import default_workers

    return BenchResult(
        database=shown_url(database.url),
        reports=summary.read,
        workers=default_workers() if workers is None else workers,
        seconds=summary.seconds,
        database_bytes=size,
        stats_seconds=stats_seconds,
        stats_filtered_seconds=filtered,
        stats_cli_seconds=cli_seconds,
        rerun_seconds=rerun,
    )


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def ingest_figures(url: str, folder: Path, workers: int | None, options: IngestOptions | None = None) -> dict[str, Any]:
    """Ingest ``folder`` into ``url`` in this process; wall and CPU split by who spent it, and peak memory.

    ``coordinator_cpu_s`` is this process (finding, hashing, handing out, writing), ``writer_cpu_s`` the
    part of it inside the store's writes, ``readers_cpu_s`` the reading processes. ``coordinator_peak_mib``
    is this process's peak resident memory: meaningful when the process did nothing before (``ingest_in_child``).
    """
    database = open_database(url)
    try:
        wall, cpu, children = time.perf_counter(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
        with open_executor(workers) as executor:
            summary = ingest([folder], Repository(database), executor, options or IngestOptions())
        wall = time.perf_counter() - wall
        cpu = _cpu(resource.RUSAGE_SELF) - cpu
        readers = _cpu(resource.RUSAGE_CHILDREN) - children  # the pool's processes, waited for at its shutdown
    finally:
        database.close()
    per = max(summary.read, 1)
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu + readers, 3),
        "sources": summary.sources,
        "reports": summary.read,
        "already": summary.already,
        "coordinator_cpu_s": round(cpu, 3),
        "writer_cpu_s": round(summary.write_cpu, 3),
        "readers_cpu_s": round(readers, 3),
        "writer_ms_per_report": round(1000 * summary.write_cpu / per, 2),
        "coordinator_ms_per_report": round(1000 * cpu / per, 2),
        "readers_ms_per_report": round(1000 * readers / per, 2),
        "coordinator_peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def ingest_in_child(url: str, folder: Path, workers: int | None, rehash: bool = False) -> dict[str, Any]:
    """``ingest_figures`` in a fresh Python process, so its peak memory is the ingest's alone."""
    code = "import json, sys; from gongkai.measure.bench_ingest import _child; print(json.dumps(_child(sys.argv[1:])))"
    args = [url, str(folder), "" if workers is None else str(workers), "1" if rehash else ""]
    done = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _child(args: list[str]) -> dict[str, Any]:
    url, folder, workers, rehash = args
    return ingest_figures(url, Path(folder), int(workers) if workers else None, IngestOptions(rehash=bool(rehash)))
