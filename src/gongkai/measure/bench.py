"""The speed table of issue 14, one row at a time: wall time and CPU time side by side.

    python -m gongkai.measure.bench [--reports 10000] [--rows stats,dashboard,...] [--json]

Rows (all by default, in this order):

    ingest     synthetic reports (``bench_ingest.generate``) into a new SQLite corpus, in a fresh
               process: CPU of the writer vs the readers, the coordinator's peak memory
    reingest   the same files again: nothing new to store (files known by their stat signatures)
    dbsize     bytes a report takes, per table and index (SQLite ``dbstat``)
    stats      ``Repository.stats()`` warm, in process, whole corpus and one year (kept totals),
               and the whole corpus scanned (``scan_stats``, what any other filter costs)
    dashboard  the first, uncached ``/dashboard`` of a fresh app (in process)
    web        ``gongkai serve --workers N`` on loopback, 50 clients asking for dashboards and report
               pages (``gongkai.measure.load --mix pages``): req/s, p50/p95/p99, server CPU a request
    text       read+check of the synthetic text reports, one process
    pdf        text-layer PDFs of the dev corpus: pages read+checked per CPU second
    ocr        a few dev PDF pages rendered and OCRed with one onnxruntime thread

Every row prints its wall time and the CPU time it used (this process, the
processes it waited for, and for ``web`` the server processes), so a figure taken
on a loaded machine can be told from the work itself: ``per_cpu_s`` rates are
per core. ``--db`` and ``--corpus`` keep the corpus and its files between runs
(a database holding reports is reused; ``ingest`` needs an empty one).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROWS = ("ingest", "reingest", "dbsize", "stats", "dashboard", "web", "text", "pdf", "ocr")
LABELS = {
    "ingest": "入库（ingest）",
    "reingest": "再次入库，无新文件（re-ingest）",
    "dbsize": "数据库大小（DB size）",
    "stats": "统计（stats, warm）",
    "dashboard": "首次未缓存的看板（first dashboard）",
    "web": "网页并发（web clients）",
    "text": "读取+核查，文本（read+check text）",
    "pdf": "读取+核查，文本 PDF（read+check PDF）",
    "ocr": "OCR，每页（OCR page）",
}
DEV_PDFS = Path("../shared/corpus/dev")


@dataclass
class Timing:
    wall: float = 0.0
    cpu: float = 0.0


@dataclass
class Row:
    row: str
    timing: Timing
    figures: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "wall_s": round(self.timing.wall, 4),
            "cpu_s": round(self.timing.cpu, 4),
            **self.figures,
        }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def timed() -> Iterator[Timing]:
    """Wall time, and CPU time of this process plus the children it waited for, of the block."""
    timing = Timing()
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    try:
        yield timing
    finally:
        timing.wall = time.perf_counter() - wall
        timing.cpu = time.process_time() - cpu + _children_cpu() - children


def process_tree_cpu(pid: int) -> float:
    """CPU seconds of a running process and its living children (Linux /proc), 0 where unreadable."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


@dataclass
class Bench:
    reports: int
    db: Path
    corpus: Path
    workers: int | None = None  # ingest processes (None: one per core)
    server_workers: int | None = None  # web row (None: gongkai serve's default)
    clients: int = 50
    seconds: float = 20.0
    repeats: int = 5
    ocr_pages: int = 3

    @property
    def url(self) -> str:
        return f"sqlite:///{self.db}"

    def files(self) -> Path:
        from .bench_ingest import generate

        if not self.corpus.exists() or not any(self.corpus.iterdir()):
            generate(self.corpus, self.reports)
        return self.corpus

    def _ingest(self) -> tuple[Timing, Any]:
        from ..batch.executors import open_executor
        from ..batch.pipeline import IngestOptions, ingest
        from ..store import open_database
        from ..store.repository import Repository

        folder = self.files()
        database = open_database(self.url)
        try:
            with timed() as timing, open_executor(self.workers) as executor:
                summary = ingest([folder], Repository(database), executor, IngestOptions())
        finally:
            database.close()
        return timing, summary

    def ensure_corpus(self) -> None:
        from ..store import open_database
        from ..store.repository import Repository

        database = open_database(self.url)
        try:
            held = Repository(database).count_reports()
        finally:
            database.close()
        if held == 0:
            self._ingest()

    def row_ingest(self) -> Row:
        from ..store import open_database
        from ..store.repository import Repository
        from .bench_ingest import ingest_in_child

        self.files()  # generating the files is not ingest time
        database = open_database(self.url)
        try:
            if Repository(database).count_reports():
                raise SystemExit(f"{self.db} already holds reports: the ingest row needs a new --db")
        finally:
            database.close()
        figures = ingest_in_child(self.url, self.corpus, self.workers)
        return self._ingest_row("ingest", figures)

    def row_reingest(self) -> Row:
        from .bench_ingest import ingest_in_child

        self.ensure_corpus()
        figures = ingest_in_child(self.url, self.corpus, self.workers)
        row = self._ingest_row("reingest", figures)
        row.figures = {"sources": figures["sources"], "stored": figures["reports"], **row.figures}
        for name in ("reports", "reports_per_s", "reports_per_cpu_s", "cpu_ms_per_report"):
            row.figures.pop(name, None)
        for name in ("writer_ms_per_report", "coordinator_ms_per_report", "readers_ms_per_report"):
            row.figures.pop(name, None)  # nothing stored: per source instead
        row.figures["cpu_us_per_source"] = round(1e6 * row.timing.cpu / max(figures["sources"], 1), 1)
        return row

    @staticmethod
    def _ingest_row(name: str, figures: dict[str, Any]) -> Row:
        timing = Timing(figures.pop("wall_s"), figures.pop("cpu_s"))
        reports = figures["reports"]
        return Row(
            name,
            timing,
            {
                "reports": reports,
                "reports_per_s": round(reports / timing.wall, 1) if timing.wall else None,
                "reports_per_cpu_s": round(reports / timing.cpu, 1) if timing.cpu else None,
                "cpu_ms_per_report": round(1000 * timing.cpu / max(reports, 1), 2),
                **{k: v for k, v in figures.items() if k not in ("reports", "sources", "already")},
            },
        )

    def row_dbsize(self) -> Row:
        import sqlite3

        self.ensure_corpus()
        with timed() as timing:
            conn = sqlite3.connect(self.db)
            try:
                reports = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
                sizes = dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
                pages = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute("PRAGMA page_size").fetchone()[0]
            finally:
                conn.close()
        per_report = {
            name: round(size / max(reports, 1)) for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])
        }
        return Row(
            "dbsize",
            timing,
            {
                "reports": reports,
                "bytes": pages,
                "kb_per_report": round(pages / max(reports, 1) / 1024, 1),
                "bytes_per_report": {k: v for k, v in per_report.items() if v},
            },
        )

    def _warm(self, run: Callable[[], object]) -> tuple[Timing, list[float]]:
        run()  # warm: imports, statement caches, the file in the page cache
        walls: list[float] = []
        cpus: list[float] = []
        for _ in range(self.repeats):
            with timed() as timing:
                run()
            walls.append(timing.wall)
            cpus.append(timing.cpu)
        return Timing(statistics.median(walls), statistics.median(cpus)), walls

    def row_stats(self) -> Row:
        from ..store import open_database
        from ..store.repository import Repository
        from ..store.views import ReportFilter

        self.ensure_corpus()
        database = open_database(self.url)
        try:
            repo = Repository(database)
            timing, _ = self._warm(repo.stats)
            year, _ = self._warm(lambda: repo.stats(ReportFilter(years=(2023,))))
            scan, _ = self._warm(repo.scan_stats)  # the same figures summed from the reports (other filters)
            reports = repo.count_reports()
        finally:
            database.close()
        return Row(
            "stats",
            timing,
            {
                "reports": reports,
                "one_year_wall_s": round(year.wall, 4),
                "one_year_cpu_s": round(year.cpu, 4),
                "scan_wall_s": round(scan.wall, 4),
                "scan_cpu_s": round(scan.cpu, 4),
                "median_of": self.repeats,
            },
        )

    def row_dashboard(self) -> Row:
        import warnings

        from ..web import WebSettings, create_app

        with warnings.catch_warnings():  # starlette's note on its httpx dependency
            warnings.simplefilter("ignore")
            from starlette.testclient import TestClient

        self.ensure_corpus()
        with tempfile.TemporaryDirectory(prefix="gongkai-bench-web-") as scratch:
            settings = WebSettings(
                database_url=self.url,
                originals_root=Path(scratch) / "originals",
                page_cache_dir=Path(scratch) / "pages",
                ingest_processes=0,
            )
            with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
                client.get("/api/csrf")  # the app's own warm-up (imports, templates), not the figures
                with timed() as timing:
                    first = client.get("/dashboard")
                with timed() as cached:
                    client.get("/dashboard")
        first.raise_for_status()
        return Row("dashboard", timing, {"cached_wall_s": round(cached.wall, 4), "cached_cpu_s": round(cached.cpu, 4)})

    def row_web(self) -> Row:
        from .load import run_load

        self.ensure_corpus()
        # the issue's row: dashboards and report pages, half each (``--mix realistic`` of the load command for the rest)
        result = run_load(self.url, self.clients, self.seconds, workers=self.server_workers, mix="pages").to_json()
        wall, cpu = result.pop("seconds"), result.pop("server_cpu_seconds")
        return Row("web", Timing(float(wall), float(cpu)), result)  # type: ignore[arg-type]

    def row_text(self) -> Row:
        from ..api import read_and_check

        files = sorted(self.files().iterdir())[:400]
        read_and_check(files[0])  # warm-up
        with timed() as timing:
            for path in files:
                read_and_check(path)
        return Row(
            "text",
            timing,
            {
                "reports": len(files),
                "reports_per_cpu_s": round(len(files) / timing.cpu, 1),
                "cpu_ms_per_report": round(1000 * timing.cpu / len(files), 2),
            },
        )

    def row_pdf(self) -> Row:
        from ..api import read_and_check
        from .bench_forms import _pages

        paths = sorted(DEV_PDFS.glob("*.pdf"))
        if not paths:
            return Row("pdf", Timing(), {"skipped": f"no PDF in {DEV_PDFS}"})
        rounds = 10  # the dev corpus holds only ten text pages: enough rounds for a steady figure
        for path in paths:  # warm-up: imports, the reader's caches
            read_and_check(path)
        with timed() as timing:
            for _ in range(rounds):
                for path in paths:
                    read_and_check(path)
        pages = _pages(paths) * rounds
        return Row(
            "pdf",
            timing,
            {
                "files": len(paths),
                "pages": pages,
                "pages_per_cpu_s": round(pages / timing.cpu, 1),
                "cpu_ms_per_page": round(1000 * timing.cpu / pages, 2),
            },
        )

    def row_ocr(self) -> Row:
        from dataclasses import replace

        import pypdfium2 as pdfium

        from ..ingest.layout import document_blocks
        from ..ingest.ocr import DEFAULT_OCR, engine_key, ocr_engine, scanned_page_layout

        paths = sorted(DEV_PDFS.glob("*.pdf"))
        if not paths:
            return Row("ocr", Timing(), {"skipped": f"no PDF in {DEV_PDFS}"})
        import cv2

        cv2.setNumThreads(1)
        settings = replace(DEFAULT_OCR, threads=1)  # the shipped settings, on one core
        ocr_engine(*engine_key(settings))  # loading the models is not page time
        pdf = pdfium.PdfDocument(paths[0])
        try:
            scanned_page_layout(pdf[0], 1, settings)  # the first inference warms onnxruntime up
            count = min(self.ocr_pages, len(pdf))
            with timed() as timing:
                document_blocks([scanned_page_layout(pdf[i], i + 1, settings) for i in range(count)])
        finally:
            pdf.close()
        return Row(
            "ocr",
            timing,
            {
                "pages": count,
                "dpi": settings.dpi,
                "pages_per_s": round(count / timing.wall, 2),
                "pages_per_cpu_s": round(count / timing.cpu, 2),
            },
        )


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "，".join(f"{k} {v}" for k, v in list(value.items())[:6])
    return str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gongkai.measure.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--reports", type=int, default=10_000, help="synthetic reports (10000; 100000 for the issue)")
    parser.add_argument("--rows", default=",".join(ROWS), help="comma separated, from: " + ",".join(ROWS))
    parser.add_argument("--db", type=Path, help="SQLite corpus to build or reuse (default: a temporary file)")
    parser.add_argument("--corpus", type=Path, help="folder of the synthetic files to build or reuse")
    parser.add_argument("--workers", type=int, help="ingest processes (default: one per core)")
    parser.add_argument("--server-workers", type=int, help="web row: gongkai serve --workers (default: its own)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0, help="web row: how long the clients run")
    parser.add_argument("--repeats", type=int, default=5, help="stats row: runs after the warm one (median)")
    parser.add_argument("--ocr-pages", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    unknown = [r for r in rows if r not in ROWS]
    if unknown:
        parser.error(f"unknown rows: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-") as scratch:
        bench = Bench(
            reports=args.reports,
            db=args.db or Path(scratch) / "bench.sqlite",
            corpus=args.corpus or Path(scratch) / "corpus",
            workers=args.workers,
            server_workers=args.server_workers,
            clients=args.clients,
            seconds=args.seconds,
            repeats=args.repeats,
            ocr_pages=args.ocr_pages,
        )
        results = []
        for name in sorted(rows, key=ROWS.index):
            row: Row = getattr(bench, "row_" + name)()
            results.append(row.to_json())
            if not args.json:
                t = row.timing
                extra = "；".join(f"{k} {_shown(v)}" for k, v in row.figures.items())
                print(f"{LABELS[name]}：墙钟 {t.wall:.3f} 秒，CPU {t.cpu:.3f} 秒；{extra}", flush=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    meta = {"cores": os.cpu_count(), "load_average_1min": load, "python": sys.version.split()[0]}
    if args.json:
        print(json.dumps({"machine": meta, "rows": results}, ensure_ascii=False, indent=2))
    else:
        print(f"机器：{meta['cores']} 核，1 分钟平均负载 {load}（负载高时墙钟时间偏长，CPU 时间较可信）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
