"""Upload jobs in the database, the corpus generation its triggers keep, and the cross-process ingest lock."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text, update

from gongkai.batch import ingest
from gongkai.batch.executors import InlineExecutor
from gongkai.store import jobs, open_database
from gongkai.store.db import Database
from gongkai.store.generation import corpus_generation
from gongkai.store.jobs import (
    ABANDONED,
    create_job,
    fail_abandoned,
    fail_job,
    fetch_job,
    finish_job,
    ingest_lock,
    keep_alive,
    lock_path,
    mark_reading,
    update_progress,
)
from gongkai.store.models import StoredJob
from gongkai.store.repository import Repository

from ..conftest import CORPUS, shared_or_skip

SEED = CORPUS / "seeds" / "004_e7d4e3b0369f5572.txt"
SRC = Path(__file__).resolve().parents[2] / "src"


def _set_row(database: Database, job_id: str, **values: object) -> None:
    with database.engine.begin() as conn:
        conn.execute(update(StoredJob).where(StoredJob.id == job_id).values(**values))


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_job_from_queued_to_done(database: Database) -> None:
    job = create_job(database, ["seed.txt", "two.zip"], replace=True)
    assert (job.state, job.files, job.replace, job.percent, job.running) == (
        "queued",
        ["seed.txt", "two.zip"],
        True,
        0,
        True,
    )
    mark_reading(database, job.id)
    update_progress(database, job.id, 3, 4)
    reading = fetch_job(database, job.id)
    assert reading is not None and (reading.state, reading.done, reading.total, reading.percent) == (
        "reading",
        3,
        4,
        75,
    )

    summary = {"read": 1, "failed": 0, "failures": [], "seconds": 0.5}
    finish_job(
        database, job.id, summary, [{"source": "seed.txt", "report_id": 7}, {"source": "x.pdf", "report_id": None}]
    )
    done = fetch_job(database, job.id)
    assert done is not None and done.state == "done" and done.percent == 100 and not done.running
    assert done.finished_at is not None and done.finished_at >= done.created_at
    assert done.reports == [("seed.txt", 7), ("x.pdf", None)]
    assert done.to_json() == {
        "id": job.id,
        "state": "done",
        "files": ["seed.txt", "two.zip"],
        "done": 3,
        "total": 4,
        "percent": 100,
        "error": None,
        "summary": summary,
        "reports": [{"source": "seed.txt", "report_id": 7}, {"source": "x.pdf", "report_id": None}],
        "results": [{"source": "seed.txt", "report_id": 7}, {"source": "x.pdf", "report_id": None}],
        "created_at": done.created_at.isoformat(),
        "finished_at": done.finished_at.isoformat(),
    }
    # progress after the end changes nothing
    update_progress(database, job.id, 0, 9)
    assert fetch_job(database, job.id) == done


def test_a_failed_job_keeps_its_error(database: Database) -> None:
    job = create_job(database, ["a.txt"])
    fail_job(database, job.id, "ValueError: 坏文件")
    failed = fetch_job(database, job.id)
    assert failed is not None and (failed.state, failed.error, failed.summary) == ("failed", "ValueError: 坏文件", None)
    assert fetch_job(database, "0" * 32) is None


def test_a_job_whose_process_has_exited_is_marked_failed(database: Database) -> None:
    job = create_job(database, ["a.txt"])
    _set_row(database, job.id, owner=f"{socket.gethostname()}:{_dead_pid()}", state="reading")
    failed = fetch_job(database, job.id)
    assert failed is not None and (failed.state, failed.error) == ("failed", ABANDONED)
    assert failed.finished_at is not None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="process start times are read from /proc")
def test_a_later_process_with_the_same_pid_is_not_the_owner(database: Database) -> None:
    mine = create_job(database, ["mine.txt"])
    assert mine.id and jobs.this_process().startswith(f"{socket.gethostname()}:{os.getpid()}:")
    reused = create_job(database, ["reused.txt"])
    _set_row(database, reused.id, owner=f"{socket.gethostname()}:{os.getpid()}:1")  # this pid, started long ago
    assert fetch_job(database, reused.id).state == "failed"  # type: ignore[union-attr]
    assert fetch_job(database, mine.id).state == "queued"  # type: ignore[union-attr]


def test_a_job_on_another_host_is_given_up_only_when_it_stops_beating(database: Database) -> None:
    live = create_job(database, ["a.txt"])
    quiet = create_job(database, ["b.txt"])
    mine = create_job(database, ["c.txt"])  # this process: alive
    long_ago = datetime.now(UTC) - timedelta(seconds=jobs.STALE_SECONDS + 60)
    _set_row(database, live.id, owner="elsewhere.example:1")
    _set_row(database, quiet.id, owner="elsewhere.example:2", beat_at=long_ago)
    assert fail_abandoned(database) == 1
    states = {j: fetch_job(database, j).state for j in (live.id, quiet.id, mine.id)}  # type: ignore[union-attr]
    assert states == {live.id: "queued", quiet.id: "failed", mine.id: "queued"}


def test_keep_alive_beats_while_the_block_runs(database: Database) -> None:
    job = create_job(database, ["a.txt"])
    old = datetime.now(UTC) - timedelta(seconds=jobs.STALE_SECONDS + 60)
    _set_row(database, job.id, owner="elsewhere.example:3", beat_at=old)
    with keep_alive(database, job.id, every=0.05):
        time.sleep(0.3)
        assert fetch_job(database, job.id).state == "queued"  # type: ignore[union-attr]
    _set_row(database, job.id, beat_at=old)
    assert fetch_job(database, job.id).state == "failed"  # type: ignore[union-attr]


def test_only_the_newest_finished_jobs_are_kept(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "KEEP", 3)
    now = datetime.now(UTC)
    running = create_job(database, ["running.txt"])
    _set_row(database, running.id, created_at=now - timedelta(days=1))
    made = []
    for n in range(5):
        job = create_job(database, [f"{n}.txt"])
        _set_row(database, job.id, created_at=now - timedelta(seconds=10 - n))
        finish_job(database, job.id, {}, [])
        made.append(job.id)
    create_job(database, ["last.txt"])
    kept = {j for j in made if fetch_job(database, j) is not None}
    assert kept == set(made[-2:])  # with the new job, the newest three
    assert fetch_job(database, running.id) is not None  # a running job is never forgotten


def test_every_corpus_write_bumps_the_generation(database: Database, tmp_path: Path) -> None:
    seed = shared_or_skip(SEED)
    repository = Repository(database)
    start = corpus_generation(database)
    job = create_job(database, ["seed.txt"])
    update_progress(database, job.id, 1, 1)
    assert corpus_generation(database) == start  # jobs are not corpus

    copy = tmp_path / "seed.txt"
    copy.write_bytes(seed.read_bytes())
    ingest([copy], repository, InlineExecutor())
    stored = corpus_generation(database)
    assert stored > start

    (row,) = repository.list_reports()
    fingerprint = repository.findings([row.id])[row.id][0].fingerprint
    repository.set_review(row.id, fingerprint, "dismissed", "审核员", None)
    reviewed = corpus_generation(database)
    assert reviewed > stored

    assert repository.delete_report(row.id)
    deleted = corpus_generation(database)
    assert deleted > reviewed

    ingest([copy], repository, InlineExecutor())
    with database.engine.begin() as conn:  # any writer at all, even one that bypasses the store
        conn.execute(text("UPDATE cells SET raw = raw"))
    assert corpus_generation(database) > deleted + 1


def test_every_corpus_table_carries_its_triggers(database: Database) -> None:
    with database.engine.connect() as conn:
        if database.is_sqlite:
            names = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
            expected = {
                f"gongkai_generation_{t}_{a}"
                for t in ("sources", "reports", "findings", "reviews", "agencies", "cell_corrections")
                for a in ("insert", "update", "delete")
            }
            expected |= {"gongkai_generation_cells_update", "gongkai_generation_sections_update"}
        else:
            names = set(conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars())
            expected = {
                f"gongkai_generation_{t}"
                for t in (
                    "sources",
                    "reports",
                    "findings",
                    "reviews",
                    "cells",
                    "sections",
                    "agencies",
                    "cell_corrections",
                )
            }
    assert expected <= names


def test_a_database_made_before_0003_gets_jobs_and_a_generation(tmp_path: Path) -> None:
    from alembic import command

    from gongkai.store.db import alembic_config, current_revision, head_revision

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = open_database(url, upgrade=False)
    with old.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
    old.close()
    database = open_database(url)
    try:
        assert current_revision(database.engine) == head_revision()
        assert corpus_generation(database) == 0
        assert fetch_job(database, create_job(database, ["a.txt"]).id) is not None
        with database.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0002")
            assert "jobs" not in set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
    finally:
        database.close()


_HOLDER = """
import sys, time
from gongkai.store import open_database
from gongkai.store.jobs import ingest_lock
database = open_database(sys.argv[1])
with ingest_lock(database):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
database.close()
"""


def test_the_ingest_lock_holds_across_processes(database: Database) -> None:
    if database.is_sqlite:
        assert lock_path(database) == Path(database.url.removeprefix("sqlite:///") + ".ingest.lock")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, database.url, "1.0"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with ingest_lock(database):
            waited = time.monotonic() - started
        assert waited > 0.5  # the other process had the turn
    finally:
        holder.wait(timeout=30)
    started = time.monotonic()
    with ingest_lock(database):  # free again, and taken at once
        assert time.monotonic() - started < 0.5
