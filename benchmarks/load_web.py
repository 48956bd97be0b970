"""Load test of the web workbench on loopback: N concurrent clients for T seconds.

Builds (once) a corpus of synthetic reports with the same generator and ingest
pipeline as ``gongkai bench-ingest``, serves it with ``gongkai serve`` on
127.0.0.1 and a free port, then has ``--clients`` concurrent clients request the
dashboard (a few filters) and report pages (random reports) until ``--seconds``
have passed or ``--max-requests`` were made. Prints requests/second and latency
percentiles per page kind. Traffic goes to 127.0.0.1 only.

    .venv/bin/python benchmarks/load_web.py --reports 10000 --clients 50 --seconds 60
    .venv/bin/python benchmarks/load_web.py --db /tmp/load.sqlite      # reuse a built corpus
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import httpx

from gongkai.batch import IngestOptions, ingest
from gongkai.batch.executors import open_executor
from gongkai.measure.bench_ingest import generate
from gongkai.store import open_database
from gongkai.store.repository import Repository

HOST = "127.0.0.1"  # loopback only, on purpose
DASHBOARD_QUERIES = ("", "?year=2022", "?year=2024", "?level=government", "?errors=1", "?format=2021")


def build_corpus(db: Path, reports: int, workers: int | None) -> int:
    database = open_database(f"sqlite:///{db}")
    repo = Repository(database)
    try:
        have = repo.count_reports()
        if have >= reports:
            print(f"corpus: {db} already holds {have} reports")
            return have
        with tempfile.TemporaryDirectory(prefix="gongkai-load-") as scratch:
            started = time.perf_counter()
            generate(Path(scratch), reports)
            print(
                f"corpus: generated {reports} synthetic reports in {time.perf_counter() - started:.1f} s; ingesting …"
            )
            started = time.perf_counter()
            with open_executor(workers) as executor:
                summary = ingest([Path(scratch)], repo, executor, IngestOptions(files_per_task=50))
            print(f"corpus: stored {summary.read} reports in {time.perf_counter() - started:.1f} s")
        return repo.count_reports()
    finally:
        database.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gongkai.cli", "serve", "--host", HOST, "--port", str(port), "--db", str(db)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/api/me", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
        if server.poll() is not None:
            raise RuntimeError(f"server exited: {server.stderr.read().decode() if server.stderr else ''}")
    server.terminate()
    raise RuntimeError("server did not start within 60 s")


async def run_clients(
    base: str, report_ids: list[int], clients: int, seconds: float, max_requests: int
) -> tuple[dict[str, list[float]], int, float]:
    latencies: dict[str, list[float]] = defaultdict(list)
    failures = 0
    budget = max_requests
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(number: int, http: httpx.AsyncClient) -> None:
        nonlocal failures, budget
        rng = random.Random(number)
        while time.monotonic() < deadline and budget > 0:
            budget -= 1
            if rng.random() < 0.5:
                kind, path = "dashboard", "/dashboard" + rng.choice(DASHBOARD_QUERIES)
            else:
                kind, path = "report", f"/reports/{rng.choice(report_ids)}"
            started = time.perf_counter()
            try:
                response = await http.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies[kind].append(time.perf_counter() - started)
            else:
                failures += 1

    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    return latencies, failures, time.monotonic() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="SQLite corpus to build or reuse (default: a temporary file)")
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop after this many requests in all")
    parser.add_argument("--workers", type=int, default=None, help="ingest processes when building the corpus")
    args = parser.parse_args()
    if not 1 <= args.clients <= 500 or not 0 < args.seconds <= 600:
        parser.error("clients must be 1-500 and seconds 0-600")

    scratch = None
    db = args.db
    if db is None:
        scratch = tempfile.TemporaryDirectory(prefix="gongkai-load-db-")
        db = Path(scratch.name) / "load.sqlite"
    total = build_corpus(db, args.reports, args.workers)
    database = open_database(f"sqlite:///{db}")
    report_ids = [row.id for row in Repository(database).list_reports()]
    database.close()

    port = free_port()
    server = start_server(db, port)
    base = f"http://{HOST}:{port}"
    try:
        for query in DASHBOARD_QUERIES:  # what a first visitor pays, before the statistics are cached
            started = time.perf_counter()
            httpx.get(base + "/dashboard" + query, timeout=120).raise_for_status()
            print(f"first /dashboard{query or ''}: {(time.perf_counter() - started) * 1000:.0f} ms (uncached)")
        print(f"load: {args.clients} clients for {args.seconds:.0f} s against {base} ({total} reports) …")
        latencies, failures, elapsed = asyncio.run(
            run_clients(base, report_ids, args.clients, args.seconds, args.max_requests)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if scratch is not None:
            scratch.cleanup()

    everything = [v for values in latencies.values() for v in values]
    print(f"\n{'page':<10}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind, values in sorted(latencies.items()) + [("all", everything)]:
        if not values:
            continue
        print(
            f"{kind:<10}{len(values):>10}{len(values) / elapsed:>9.1f}{statistics.median(values) * 1000:>9.1f}"
            f"{percentile(values, 95) * 1000:>9.1f}{percentile(values, 99) * 1000:>9.1f}{max(values) * 1000:>9.1f}"
        )
    print(f"failures: {failures}; elapsed {elapsed:.1f} s; cpu cores: {os.cpu_count()}")
    p95 = percentile(everything, 95) * 1000 if everything else float("inf")
    print(f"p95 {p95:.0f} ms: {'meets' if p95 < 300 else 'MISSES'} the 300 ms aim")


if __name__ == "__main__":
    main()
