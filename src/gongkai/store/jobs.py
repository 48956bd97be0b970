"""Upload (ingest) jobs kept in the database, so that every server process sees the same job.

    create_job ─▶ mark_reading ─▶ update_progress … ─▶ finish_job | fail_job
                  keep_alive: a beat every BEAT_SECONDS while the job runs

The process that runs a job (``owner``: its ``host:pid:start``) writes its progress; any
process fetches it. A job whose process is gone cannot finish, so it is marked
failed when it is looked at: at once when its process was on this host and has
exited, else when it has not beaten for STALE_SECONDS. ``ingest_lock`` lets one
ingest write at a time across processes (a file lock beside a SQLite file, an
advisory lock on PostgreSQL). Only the newest KEEP finished jobs are kept.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from .db import Database
from .models import StoredJob

RUNNING = ("queued", "reading")
KEEP = 200
BEAT_SECONDS = 30.0
STALE_SECONDS = 300.0
ABANDONED = "读取中断：运行这个任务的服务进程已退出，请重新上传"
_PG_LOCK_KEY = 0x676F6E676B6169  # "gongkai": one advisory lock for ingest writes


@dataclass(frozen=True, slots=True)
class Job:
    """A job as stored; ``summary`` is ``IngestSummary.to_json()`` and ``results`` one entry per file."""

    id: str
    kind: str
    state: str  # queued | reading | done | failed
    files: list[str]
    replace: bool
    done: int
    total: int
    created_at: datetime
    finished_at: datetime | None
    summary: dict[str, Any] | None
    results: list[dict[str, Any]]  # [{"source": shown name, "report_id": int | None}]
    error: str | None

    @property
    def running(self) -> bool:
        return self.state in RUNNING

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def reports(self) -> list[tuple[str, int | None]]:
        """(source name, report id or None) of each file read."""
        return [(str(r["source"]), r.get("report_id")) for r in self.results]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "state": self.state,
            "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "files": self.files,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "error": self.error,
            "summary": self.summary,
            "reports": [{"source": name, "report_id": rid} for name, rid in self.reports],
            "results": self.results,
        }


def _started(pid: int) -> str:
    """When process ``pid`` started (Linux clock ticks since boot), or "" where that cannot be told.

    A pid alone is reused: a container's server is pid 1 again after a restart.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    fields = stat.rsplit(")", 1)[-1].split()  # the command name in parentheses may hold spaces
    return fields[19] if len(fields) > 19 else ""  # field 22 of proc(5), counted after the name


def this_process() -> str:
    """The owner name of jobs run by this process: ``host:pid:start``."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_started(pid)}"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # SQLite drops the zone


def _job(row: StoredJob) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        state=row.state,
        files=list(row.files or []),
        replace=row.replace,
        done=row.done,
        total=row.total,
        created_at=_aware(row.created_at),
        finished_at=_aware(row.finished_at) if row.finished_at else None,
        summary=row.summary,
        results=list(row.results or []),
        error=row.error,
    )


def create_job(database: Database, files: list[str], *, replace: bool = False, kind: str = "upload") -> Job:
    """Record a new queued job run by this process (and forget finished jobs beyond the newest KEEP)."""
    now = _now()
    job_id = uuid.uuid4().hex
    with database.sessions.begin() as session:
        session.execute(
            insert(StoredJob).values(
                id=job_id,
                kind=kind,
                state="queued",
                owner=this_process(),
                files=list(files),
                replace=replace,
                done=0,
                total=0,
                created_at=now,
                beat_at=now,
                results=[],
            )
        )
        newest = select(StoredJob.id).order_by(StoredJob.created_at.desc()).limit(KEEP).scalar_subquery()
        session.execute(delete(StoredJob).where(StoredJob.state.not_in(RUNNING), StoredJob.id.not_in(newest)))
        row = session.get_one(StoredJob, job_id)
        return _job(row)


def _set(database: Database, job_id: str, *, only_running: bool = True, **values: object) -> None:
    query = update(StoredJob).where(StoredJob.id == job_id)
    if only_running:
        query = query.where(StoredJob.state.in_(RUNNING))
    with database.engine.begin() as conn:
        conn.execute(query.values(beat_at=_now(), **values))


def mark_reading(database: Database, job_id: str, total: int = 0) -> None:
    """The job has its turn and is reading ``total`` sources (0: not yet known)."""
    _set(database, job_id, state="reading", done=0, total=total)


def update_progress(database: Database, job_id: str, done: int, total: int) -> None:
    """``done`` of ``total`` sources handled; also a beat."""
    _set(database, job_id, done=done, total=total)


def beat(database: Database, job_id: str) -> None:
    """The job's process is alive (and still working on it)."""
    _set(database, job_id)


def finish_job(database: Database, job_id: str, summary: dict[str, Any], results: list[dict[str, Any]]) -> None:
    """The job is done: its summary and per-file results (the real outcome even if it was given up on)."""
    _set(
        database,
        job_id,
        only_running=False,
        state="done",
        summary=summary,
        results=results,
        error=None,
        finished_at=_now(),
    )


def fail_job(database: Database, job_id: str, error: str) -> None:
    """The job failed with ``error`` (shown to the person who uploaded)."""
    _set(database, job_id, only_running=False, state="failed", error=error, finished_at=_now())


def _alive(pid: int, started: str) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C_EVENT there; rely on the beat
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        pass
    return not started or _started(pid) in ("", started)  # the same process, not a later one with its pid


def _abandoned(owner: str, beat_at: datetime, now: datetime) -> bool:
    host, pid, started = (owner.split(":") + ["", ""])[:3]
    if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid), started):
        return True
    return now - _aware(beat_at) > timedelta(seconds=STALE_SECONDS)


def _fail_if_abandoned(database: Database, rows: list[StoredJob]) -> list[str]:
    now = _now()
    gone = [row.id for row in rows if row.state in RUNNING and _abandoned(row.owner, row.beat_at, now)]
    if gone:
        with database.engine.begin() as conn:
            conn.execute(
                update(StoredJob)
                .where(StoredJob.id.in_(gone), StoredJob.state.in_(RUNNING))
                .values(state="failed", error=ABANDONED, finished_at=now)
            )
    return gone


def fetch_job(database: Database, job_id: str) -> Job | None:
    """The job with that id, or ``None``; a running job whose process is gone is marked failed first."""
    with database.sessions() as session:
        row = session.get(StoredJob, job_id)
    if row is None:
        return None
    if _fail_if_abandoned(database, [row]):
        with database.sessions() as session:
            row = session.get_one(StoredJob, job_id)
    return _job(row)


def recent_jobs(database: Database, limit: int = 20, kind: str | None = "upload") -> list[Job]:
    """The newest ``limit`` jobs (of ``kind``; any kind with ``None``), newest first; abandoned ones marked failed."""
    query = select(StoredJob).order_by(StoredJob.created_at.desc()).limit(limit)
    if kind is not None:
        query = query.where(StoredJob.kind == kind)
    with database.sessions() as session:
        rows = list(session.scalars(query))
    if _fail_if_abandoned(database, rows):
        with database.sessions() as session:
            rows = list(session.scalars(query))
    return [_job(row) for row in rows]


def fail_abandoned(database: Database) -> int:
    """Mark every running job whose process is gone as failed; how many were."""
    with database.sessions() as session:
        rows = list(session.scalars(select(StoredJob).where(StoredJob.state.in_(RUNNING))))
    return len(_fail_if_abandoned(database, rows))


@contextmanager
def keep_alive(database: Database, job_id: str, every: float = BEAT_SECONDS) -> Iterator[None]:
    """Beat for the job every ``every`` seconds while the block runs (also while it waits its turn)."""
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(every):
            with suppress(SQLAlchemyError):  # a busy database: the next beat will do
                beat(database, job_id)

    thread = threading.Thread(target=run, name=f"job-beat-{job_id[:8]}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


_local_locks: dict[str, threading.Lock] = {}
_local_locks_guard = threading.Lock()


def _local_lock(key: str) -> threading.Lock:
    with _local_locks_guard:
        return _local_locks.setdefault(key, threading.Lock())


def lock_path(database: Database) -> Path | None:
    """The lock file beside a SQLite database file (``None`` for other databases and in-memory SQLite)."""
    url = make_url(database.url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database + ".ingest.lock")


@contextmanager
def ingest_lock(database: Database) -> Iterator[None]:
    """Hold the corpus's one ingest turn, across processes; waits for it.

    SQLite has a single writer, and the store's write checks then inserts, so two
    ingests at once would only wait on each other or collide. On a SQLite file the
    turn is an ``flock`` on ``<file>.ingest.lock``; on PostgreSQL a session advisory
    lock; an in-memory database is one process, so a thread lock does.
    """
    if database.engine.dialect.name == "postgresql":
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
        return
    path = lock_path(database)
    try:
        import fcntl
    except ImportError:  # not POSIX: one process at a time is all we can promise
        fcntl = None  # type: ignore[assignment]
    if path is None or fcntl is None:
        with _local_lock(database.url):
            yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:  # flock locks belong to the open file, so threads exclude each other too
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
