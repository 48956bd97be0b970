"""Load test: many concurrent web clients over a realistic mix of pages on a large corpus.

    python -m gongkai.measure.load --reports 10000 --clients 50 --seconds 60 --db load-10k.sqlite

Builds the corpus with ``gongkai bench-ingest`` (synthetic reports: four years of each agency),
or reuses the database at ``--db`` when it already holds ``--reports`` reports; starts
``gongkai serve`` on it in a subprocess; then ``--clients`` clients, each one request after another
for ``--seconds``, ask for what a reviewer's browser asks for: the dashboard, the report list with
filters and pages, report pages, comparisons of two years and of an agency's series, the
statistics API and exports of a small filter (one agency, CSV and XLSX). Every answer that is
not a 200, and every request that fails or times out, is an error. Printed: requests, errors,
requests a second, p50/p95/p99 latency (overall and per kind), the server's CPU time and the
machine's load average (the machine may be shared: the load says how much else ran).
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
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

from ..store import open_database
from ..store.db import database_url, shown_url
from .bench import process_tree_cpu

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
    seconds: float = 0.0
    requests: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # "kind status" or "kind ExceptionName"
    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind → seconds of each request
    server_cpu_seconds: float = 0.0
    client_cpu_seconds: float = 0.0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    cpus: int = 1

    def to_json(self) -> dict[str, object]:
        every = sorted(t for times in self.latencies.values() for t in times)
        return {
            "reports": self.reports,
            "clients": self.clients,
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
            f"语料 corpus: {self.reports} 份报告；{self.clients} 个并发客户端，{data['seconds']} 秒",
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
            f"服务器 CPU server: {data['server_cpu_seconds']} 秒（单核的 {data['server_cpu_percent_of_one_core']}%）；"
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
        return rng.choice(("/dashboard", f"/dashboard?year={year}"))
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
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, scratch: Path) -> subprocess.Popen[bytes]:
    """``gongkai serve`` on ``url`` at 127.0.0.1:``port``; waits until it answers (at most two minutes)."""
    env = {**this_gongkai(), "GONGKAI_SECRET": os.environ.get("GONGKAI_SECRET", "load-test-" + os.urandom(8).hex())}
    command = [sys.executable, "-m", "gongkai.cli", "serve", "--db", url, "--port", str(port), "--read-workers", "0"]
    log = (scratch / "serve.log").open("wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=scratch)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gongkai serve 退出了（退出码 {server.returncode}），见 {scratch / 'serve.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/csrf", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    server.kill()
    raise RuntimeError("gongkai serve 两分钟内没有应答")


# --- the clients ---------------------------------------------------------------------------------


async def _client(http: httpx.AsyncClient, rng: random.Random, s: Sample, until: float, result: LoadResult) -> None:
    kinds = [kind for kind, _ in MIX]
    weights = [weight for _, weight in MIX]
    while time.monotonic() < until:
        kind = rng.choices(kinds, weights)[0]
        path = request_path(kind, rng, s)
        started = time.perf_counter()
        try:
            response = await http.get(path)
            await response.aread()
            if response.status_code != 200:
                result.errors[f"{kind} {response.status_code}"] += 1
        except httpx.HTTPError as exc:
            result.errors[f"{kind} {type(exc).__name__}"] += 1
        result.latencies.setdefault(kind, []).append(time.perf_counter() - started)
        result.requests += 1


async def drive(base: str, clients: int, seconds: float, s: Sample, seed: int, result: LoadResult) -> None:
    """``clients`` clients asking one request after another for ``seconds``."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        until = time.monotonic() + seconds
        started = time.perf_counter()
        await asyncio.gather(*(_client(http, random.Random(seed + n), s, until, result) for n in range(clients)))
        result.seconds = time.perf_counter() - started


def run_load(url: str, reports: int, clients: int, seconds: float, seed: int = 0) -> LoadResult:
    """Build or reuse the corpus at ``url``, serve it, drive ``clients`` clients for ``seconds``."""
    if stored_reports(url) < reports:
        print(f"正在用 gongkai bench-ingest 生成并入库 {reports} 份报告 …", file=sys.stderr)
        build_corpus(url, reports)
    s = sample(url, random.Random(seed))
    result = LoadResult(reports=stored_reports(url), clients=clients, cpus=os.cpu_count() or 1)
    with tempfile.TemporaryDirectory(prefix="gongkai-load-") as scratch:
        port = free_port()
        server = start_server(url, port, Path(scratch))
        try:
            cpu_before = process_tree_cpu(server.pid)
            client_before = time.process_time()
            result.load_before = os.getloadavg()
            asyncio.run(drive(f"http://127.0.0.1:{port}", clients, seconds, s, seed, result))
            result.load_after = os.getloadavg()
            result.client_cpu_seconds = time.process_time() - client_before
            result.server_cpu_seconds = process_tree_cpu(server.pid) - cpu_before
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
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
    parser.add_argument("--seed", type=int, default=0, help="随机种子")
    parser.add_argument("--json", action="store_true", help="输出 JSON")
    args = parser.parse_args(argv)
    if args.reports < 1 or args.clients < 1 or args.seconds <= 0:
        print("错误：--reports、--clients 须至少为 1，--seconds 须大于 0", file=sys.stderr)
        return 2
    url = database_url(args.db or str(Path(tempfile.gettempdir()) / f"gongkai-load-{args.reports}.sqlite"))
    result = run_load(url, args.reports, args.clients, args.seconds, args.seed)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(result.lines()))
    return 1 if result.errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
