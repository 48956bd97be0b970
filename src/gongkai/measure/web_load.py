"""Concurrent clients against ``gongkai serve`` on loopback: latency percentiles and server CPU per request.

Half the requests ask for the dashboard (a few filters, cached after the first), half
for a random report's page, as ``benchmarks/load_web.py`` does. The server's CPU time
is read from /proc for its processes (the supervisor and its workers) before and after
the load, so a loaded machine shows in wall times but not in CPU per request.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"  # loopback only
DASHBOARD_QUERIES = ("", "?year=2022", "?year=2024", "?level=government", "?errors=1", "?format=2021")
START_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _start(db: Path, port: int, workers: int | None, scratch: Path) -> subprocess.Popen[bytes]:
    import httpx

    command = [sys.executable, "-m", "gongkai.cli", "serve", "--host", HOST, "--port", str(port), "--db", str(db)]
    if workers is not None:
        command += ["--workers", str(workers)]
    env = {**os.environ, "GONGKAI_SOURCES": str(scratch / "originals"), "GONGKAI_PAGE_CACHE": str(scratch / "pages")}
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/api/me", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
        if server.poll() is not None:
            raise RuntimeError(f"server exited: {server.stderr.read().decode() if server.stderr else ''}")
    server.terminate()
    raise RuntimeError(f"server did not start within {START_SECONDS} s")


async def _clients(base: str, ids: list[int], clients: int, seconds: float) -> tuple[dict[str, list[float]], int]:
    import httpx

    latencies: dict[str, list[float]] = defaultdict(list)
    failures = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(number: int, http: httpx.AsyncClient) -> None:
        nonlocal failures
        rng = random.Random(number)
        while time.monotonic() < deadline:
            if rng.random() < 0.5:
                kind, path = "dashboard", "/dashboard" + rng.choice(DASHBOARD_QUERIES)
            else:
                kind, path = "report", f"/reports/{rng.choice(ids)}"
            started = time.perf_counter()
            try:
                ok = (await http.get(path)).status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies[kind].append(time.perf_counter() - started)
            else:
                failures += 1

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    return latencies, failures


def load(db: Path, clients: int, seconds: float, workers: int | None) -> dict[str, Any]:
    """Serve ``db``, warm each dashboard filter once, then run ``clients`` for ``seconds``; the figures."""
    import tempfile

    import httpx

    from ..store import open_database
    from ..store.repository import Repository
    from .bench import process_tree_cpu

    database = open_database(f"sqlite:///{db}")
    try:
        ids = [row.id for row in Repository(database).list_reports()]
    finally:
        database.close()
    port = _free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="gongkai-load-") as scratch:
        server = _start(db, port, workers, Path(scratch))
        try:
            for query in DASHBOARD_QUERIES:  # every process may still compute its own first one
                httpx.get(base + "/dashboard" + query, timeout=300).raise_for_status()
            cpu_before, wall_before = process_tree_cpu(server.pid), time.perf_counter()
            latencies, failures = asyncio.run(_clients(base, ids, clients, seconds))
            wall = time.perf_counter() - wall_before
            cpu = process_tree_cpu(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=60)
    everything = [v for values in latencies.values() for v in values]
    out: dict[str, Any] = {
        "wall_s": wall,
        "server_cpu_s": cpu,
        "clients": clients,
        "server_workers": workers if workers is not None else "default",
        "requests": len(everything),
        "failures": failures,
        "requests_per_s": round(len(everything) / wall, 1),
        "server_cpu_ms_per_request": round(1000 * cpu / max(len(everything), 1), 2),
    }
    for kind, values in sorted(latencies.items()) + [("all", everything)]:
        if values:
            out[f"{kind}_p50_ms"] = round(percentile(values, 50) * 1000, 1)
            out[f"{kind}_p95_ms"] = round(percentile(values, 95) * 1000, 1)
    return out
