"""The web load test: many concurrent clients against ``gongkai serve`` on loopback.

    python -m gongkai.measure.load --reports 10000 --clients 50 --seconds 60 --db load-10k.sqlite
    python -m gongkai.measure.load --workers 2 --mix pages --json
    python -m gongkai.measure.load --mix report-page          (one kind alone: its server CPU a request)

Builds the corpus with ``gongkai bench-ingest`` (synthetic reports: four years of each agency),
or reuses the database at ``--db`` when it already holds ``--reports`` reports; starts
``gongkai serve --workers N`` on it in a subprocess (127.0.0.1, a free port); asks once for every
dashboard filter and the statistics (what the first visitor pays is the ``dashboard`` row of
``gongkai.measure.bench``, not this one); then ``--clients`` clients, each one request after another
for ``--seconds``, ask for a mix of pages:

- ``realistic`` (default): what a reviewer's browser asks for: the dashboard, the report list with
  filters and pages, report pages, comparisons of two years and of an agency's series, the
  statistics API and exports of a small filter (one agency, CSV and XLSX);
- ``pages``: half dashboards (a few filters), half report pages;
- the name of one kind of the realistic mix: that kind alone.

Every answer that is not a 200, and every request that fails or times out, is an error.
Printed: requests, errors, requests a second, p50/p95/p99 latency (overall and per kind), the
server's CPU time a request (read from /proc for the server's process tree: the supervisor and
its workers), this process's CPU time (the clients share the machine) and the load average (the
machine may be shared: the load says how much else ran). With C clients each waiting for its
answer, p95 is about C divided by the requests a second, and the requests a second are bounded
by the cores the server gets divided by its CPU time a request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import aiohttp
import httpx

from ..store import open_database
from ..store.db import database_url, shown_url
from .bench import process_tree_cpu

HOST = "127.0.0.1"  # loopback only, on purpose
START_SECONDS = 120
DASHBOARD_QUERIES = ("", "?year=2022", "?year=2024", "?level=government", "?errors=1", "?format=2021")

# (kind, weight): about what a reviewer's session asks for, most of it reading reports and lists
MIX = (
    ("dashboard", 8),
    ("report-list", 20),
    ("report-list-api", 8),
    ("report-page", 25),
    ("report-api", 7),
    ("compare", 10),
    ("compare-years", 5),
    ("stats-api", 10),
    ("export-csv", 4),
    ("export-xlsx", 3),
)
PAGES_MIX = (("dashboard", 1), ("report-page", 1))


def mix_named(name: str) -> tuple[tuple[str, int], ...]:
    """The (kind, weight) pairs of ``realistic``, ``pages`` or one kind of the realistic mix alone."""
    if name == "realistic":
        return MIX
    if name == "pages":
        return PAGES_MIX
    if name in dict(MIX):
        return ((name, 1),)
    raise ValueError(f"不认识的请求组合 {name}（可选 realistic、pages 或 {'、'.join(k for k, _ in MIX)}）")


@dataclass(frozen=True, slots=True)
class Sample:
    """What the requests are made of: stored report ids, pairs of one agency's years, agency names, years."""

    ids: list[int]
    pairs: list[tuple[int, int]]
    agencies: list[str]
    years: list[int]


@dataclass(slots=True)
class LoadResult:
    reports: int
    clients: int
    workers: int | None = None  # gongkai serve --workers (None: its default)
    mix: str = "realistic"
    seconds: float = 0.0
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # "kind status" or "kind ExceptionName"
    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind → seconds of each request
    server_cpu_seconds: float = 0.0
    client_cpu_seconds: float = 0.0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    cpus: int = 1

    @property
    def server_cpu_ms_per_request(self) -> float | None:
        return round(1000 * self.server_cpu_seconds / self.requests, 2) if self.requests else None

    def to_json(self) -> dict[str, object]:
        every = sorted(t for times in self.latencies.values() for t in times)
        return {
            "reports": self.reports,
            "clients": self.clients,
            "workers": self.workers,
            "mix": self.mix,
            "seconds": round(self.seconds, 1),
            "requests": self.requests,
            "errors": sum(self.errors.values()),
            "error_kinds": dict(self.errors),
            "requests_per_second": round(self.requests / self.seconds, 1) if self.seconds else None,
            "latency_ms": _percentiles(every),
            "by_kind": {
                kind: {"requests": len(times), **_percentiles(sorted(times))}
                for kind, times in sorted(self.latencies.items())
            },
            "server_cpu_seconds": round(self.server_cpu_seconds, 1),
            "server_cpu_ms_per_request": self.server_cpu_ms_per_request,
            "server_cpu_percent_of_one_core": round(100 * self.server_cpu_seconds / self.seconds)
            if self.seconds
            else 0,
            "client_cpu_seconds": round(self.client_cpu_seconds, 1),
            "cpus": self.cpus,
            "load_average_before": [round(x, 2) for x in self.load_before],
            "load_average_after": [round(x, 2) for x in self.load_after],
        }

    def lines(self) -> list[str]:
        data = self.to_json()
        overall = data["latency_ms"]
        out = [
            f"语料 corpus: {self.reports} 份报告；{self.clients} 个并发客户端，{data['seconds']} 秒；"
            f"组合 mix: {self.mix}；服务进程 workers: {self.workers if self.workers is not None else '默认'}",
            f"请求 requests: {self.requests}（{data['requests_per_second']} 个/秒）；错误 errors: {data['errors']}"
            + (f" {dict(self.errors)}" if self.errors else ""),
            f"延迟 latency: p50 {overall['p50']} ms，p95 {overall['p95']} ms，p99 {overall['p99']} ms，"  # type: ignore[index]
            f"最长 max {overall['max']} ms",  # type: ignore[index]
        ]
        for kind, figures in data["by_kind"].items():  # type: ignore[attr-defined]
            out.append(
                f"  {kind}: {figures['requests']} 个，p50 {figures['p50']} ms，p95 {figures['p95']} ms，"
                f"p99 {figures['p99']} ms"
            )
        out.append(
            f"服务器 CPU server: {data['server_cpu_seconds']} 秒，每个请求 {data['server_cpu_ms_per_request']} ms"
            f"（单核的 {data['server_cpu_percent_of_one_core']}%）；"
            f"客户端 CPU client: {data['client_cpu_seconds']} 秒；{self.cpus} 核"
        )
        out.append(f"负载 load average: 开始 {data['load_average_before']}，结束 {data['load_average_after']}")
        return out


def _percentiles(ordered: list[float]) -> dict[str, float | None]:
    def at(share: float) -> float | None:
        if not ordered:
            return None
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": at(1.0)}


# --- the corpus ----------------------------------------------------------------------------------


def stored_reports(url: str) -> int:
    """How many reports the database at ``url`` holds (0 when it does not exist or has no tables)."""
    from sqlalchemy import func, select

    from ..store.models import StoredReport

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return 0
    try:
        database = open_database(url)
    except Exception:
        return 0
    try:
        with database.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(StoredReport)) or 0)
    finally:
        database.close()


def this_gongkai() -> dict[str, str]:
    """The environment for a ``gongkai`` subprocess that runs this very package (wherever it is started)."""
    here = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)}


def build_corpus(url: str, reports: int) -> None:
    """``gongkai bench-ingest --reports N`` into ``url`` (tables dropped first), in a subprocess."""
    command = [sys.executable, "-m", "gongkai.cli", "bench-ingest", "--reports", str(reports), "--db", url]
    subprocess.run([*command, "--reset", "--json"], check=True, stdout=subprocess.DEVNULL, env=this_gongkai())


def sample(url: str, rng: random.Random, size: int = 400) -> Sample:
    """Report ids, year pairs of one agency, agency names and years drawn from the stored corpus."""
    from sqlalchemy import select

    from ..store.models import StoredReport

    database = open_database(url)
    try:
        with database.sessions() as session:
            rows = session.execute(
                select(StoredReport.id, StoredReport.agency, StoredReport.year).order_by(StoredReport.id)
            ).all()
    finally:
        database.close()
    if not rows:
        raise ValueError(f"数据库 {shown_url(url)} 中没有报告")
    by_agency: dict[str, list[tuple[int, int]]] = {}
    for rid, agency, year in rows:
        if agency and year:
            by_agency.setdefault(agency, []).append((year, rid))
    pairs = [
        (a[1], b[1]) for series in by_agency.values() for a, b in zip(sorted(series), sorted(series)[1:], strict=False)
    ]
    ids = [row[0] for row in rows]
    return Sample(
        ids=rng.sample(ids, min(size, len(ids))),
        pairs=rng.sample(pairs, min(size, len(pairs))) if pairs else [(ids[0], ids[-1])],
        agencies=rng.sample(sorted(by_agency), min(size, len(by_agency))) or ["人民政府"],
        years=sorted({row[2] for row in rows if row[2]}) or [2023],
    )


def request_path(kind: str, rng: random.Random, s: Sample) -> str:
    """The path of one request of ``kind`` (query strings made of stored values)."""
    agency = rng.choice(s.agencies)
    part = quote(agency[: rng.randint(2, max(2, len(agency) - 2))])
    year = rng.choice(s.years)
    if kind == "dashboard":
        return "/dashboard" + rng.choice(DASHBOARD_QUERIES)
    if kind == "report-list":
        return rng.choice(
            (
                "/reports",
                f"/reports?year={year}",
                f"/reports?agency={part}",
                f"/reports?year={year}&errors=1&sort=-year&page={rng.randint(1, 5)}",
                f"/reports?sort=year&page={rng.randint(1, 20)}",
            )
        )
    if kind == "report-list-api":
        return f"/api/reports?year={year}&sort=-errors&page={rng.randint(1, 5)}"
    if kind == "report-page":
        return f"/reports/{rng.choice(s.ids)}"
    if kind == "report-api":
        return f"/api/reports/{rng.choice(s.ids)}"
    if kind == "compare":
        a, b = rng.choice(s.pairs)
        return f"/compare?a={a}&b={b}"
    if kind == "compare-years":
        return f"/api/compare/years?agency={quote(agency)}"
    if kind == "stats-api":
        return rng.choice(("/api/stats", f"/api/stats?year={year}"))
    if kind == "export-csv":
        return f"/api/export?agency={quote(agency)}&fmt=csv"
    if kind == "export-xlsx":
        return f"/api/export?agency={quote(agency)}&fmt=xlsx"
    raise ValueError(f"不认识的请求类型 {kind}")


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, scratch: Path, workers: int | None = None) -> subprocess.Popen[bytes]:
    """``gongkai serve [--workers N]`` on ``url`` at 127.0.0.1:``port``; waits until it answers (two minutes)."""
    env = {
        **this_gongkai(),
        "GONGKAI_SECRET": os.environ.get("GONGKAI_SECRET", "load-test-" + os.urandom(8).hex()),
        "GONGKAI_SOURCES": str(scratch / "originals"),
        "GONGKAI_PAGE_CACHE": str(scratch / "pages"),
    }
    command = [sys.executable, "-m", "gongkai.cli", "serve", "--host", HOST, "--port", str(port), "--db", url]
    command += ["--read-workers", "0"] + (["--workers", str(workers)] if workers is not None else [])
    log = (scratch / "serve.log").open("wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=scratch)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gongkai serve 退出了（退出码 {server.returncode}），见 {scratch / 'serve.log'}")
        try:
            if httpx.get(f"http://{HOST}:{port}/api/csrf", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"gongkai serve {START_SECONDS} 秒内没有应答")


def warm_up(base: str, workers: int | None, report_id: int) -> None:
    """What is kept per corpus generation, once per server process (new connections land anywhere): every
    dashboard filter, the statistics, the report list's facets and order, the agency list, a review queue."""
    kept = ["/api/stats", "/reports", "/compare", f"/reports/{report_id}"]
    paths = ["/dashboard" + query for query in DASHBOARD_QUERIES] + kept
    rounds = 2 * (workers or os.cpu_count() or 1)
    with httpx.Client(base_url=base, timeout=300) as http:
        for path in paths:  # the first of each computes, then the others of this process hit the cache
            http.get(path, headers={"Connection": "close"}).raise_for_status()
    with ThreadPoolExecutor(max_workers=rounds) as pool:
        list(pool.map(lambda path: httpx.get(base + path, timeout=300).raise_for_status(), paths * rounds))


# --- the clients ---------------------------------------------------------------------------------


async def _client(
    http: aiohttp.ClientSession,
    rng: random.Random,
    s: Sample,
    mix: Sequence[tuple[str, int]],
    until: float,
    result: LoadResult,
) -> None:
    kinds = [kind for kind, _ in mix]
    weights = [weight for _, weight in mix]
    while time.monotonic() < until:
        kind = rng.choices(kinds, weights)[0]
        path = request_path(kind, rng, s)
        started = time.perf_counter()
        try:
            async with http.get(path) as response:
                await response.read()
                if response.status != 200:
                    result.errors[f"{kind} {response.status}"] += 1
        except (aiohttp.ClientError, TimeoutError) as exc:
            result.errors[f"{kind} {type(exc).__name__}"] += 1
        result.latencies.setdefault(kind, []).append(time.perf_counter() - started)
        result.requests += 1


async def drive(base: str, s: Sample, seed: int, result: LoadResult) -> None:
    """``result.clients`` clients asking one request after another of ``result.mix`` for ``seconds``.

    The clients are aiohttp's (its HTTP parser is C): ≈ 0.07 ms of client CPU a request here against
    ≈ 2.7 ms for httpx's, which on a 2-core machine took more of the cores than the server it measured.
    """
    mix = mix_named(result.mix)
    clients = result.clients
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as http:
        until = time.monotonic() + result.seconds
        started = time.perf_counter()
        await asyncio.gather(*(_client(http, random.Random(seed + n), s, mix, until, result) for n in range(clients)))
        result.seconds = time.perf_counter() - started


def run_load(
    url: str,
    clients: int,
    seconds: float,
    *,
    workers: int | None = None,
    mix: str = "realistic",
    seed: int = 0,
) -> LoadResult:
    """Serve the corpus at ``url`` with ``workers`` processes, warm it, drive ``clients`` clients for ``seconds``."""
    mix_named(mix)  # an unknown mix fails before the server starts
    s = sample(url, random.Random(seed))
    result = LoadResult(stored_reports(url), clients, workers, mix, seconds, cpus=os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="gongkai-load-") as scratch:
        port = free_port()
        base = f"http://{HOST}:{port}"
        server = start_server(url, port, Path(scratch), workers)
        try:
            warm_up(base, workers, s.ids[0])
            cpu_before = process_tree_cpu(server.pid)
            client_before = time.process_time()
            result.load_before = os.getloadavg()
            asyncio.run(drive(base, s, seed, result))
            result.load_after = os.getloadavg()
            result.client_cpu_seconds = time.process_time() - client_before
            result.server_cpu_seconds = process_tree_cpu(server.pid) - cpu_before
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gongkai.measure.load",
        description="负载测试：在大语料上启动 gongkai serve，并发客户端按真实比例请求各页面。Web load test.",
    )
    parser.add_argument("--reports", type=int, default=10_000, help="语料中的报告份数（不足时用 bench-ingest 生成）")
    parser.add_argument("--clients", type=int, default=50, help="并发客户端数")
    parser.add_argument("--seconds", type=float, default=60.0, help="持续多少秒")
    parser.add_argument("--db", default=None, help="数据库地址或文件（默认临时文件夹中的 gongkai-load-N.sqlite）")
    parser.add_argument("--workers", type=int, default=None, help="gongkai serve 的服务进程数（默认其自身的默认值）")
    parser.add_argument(
        "--mix",
        default="realistic",
        help="请求组合：realistic（默认，真实比例）、pages（看板与报告页各半）或单一请求类型："
        + "、".join(kind for kind, _ in MIX),
    )
    parser.add_argument("--seed", type=int, default=0, help="随机种子")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    args = parser.parse_args(argv)
    if args.reports < 1 or args.clients < 1 or args.seconds <= 0 or (args.workers is not None and args.workers < 1):
        print("错误：--reports、--clients、--workers 须至少为 1，--seconds 须大于 0", file=sys.stderr)
        return 2
    try:
        mix_named(args.mix)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    url = database_url(args.db or str(Path(tempfile.gettempdir()) / f"gongkai-load-{args.reports}.sqlite"))
    if stored_reports(url) < args.reports:
        print(f"正在用 gongkai bench-ingest 生成并入库 {args.reports} 份报告 …", file=sys.stderr)
        build_corpus(url, args.reports)
    result = run_load(url, args.clients, args.seconds, workers=args.workers, mix=args.mix, seed=args.seed)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(result.lines()))
    return 1 if result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
