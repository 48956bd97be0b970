"""Upload jobs: uploaded files are read in the background while the page polls their progress.

Each job saves the uploaded files to a private temporary folder, keeps every
source's original bytes (so the report page can show where a value came from),
then runs the store's ingest pipeline, the same ``gongkai.batch.ingest`` that
``gongkai ingest`` runs. The job itself (progress, summary, per-file results) is a
row in the database (``store/jobs.py``), so a poll answered by any server process
sees it. The process that received the upload runs it on a background thread;
``ingest_lock`` gives one ingest at a time its turn across all processes.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from contextlib import suppress
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from ..batch import IngestOptions, ingest
from ..batch.executors import HealingPool, InlineExecutor
from ..batch.sources import Skipped, discover, load
from ..store.db import Database
from ..store.jobs import (
    Job,
    create_job,
    fail_job,
    fetch_job,
    finish_job,
    ingest_lock,
    keep_alive,
    mark_reading,
    recent_jobs,
    update_progress,
)
from ..store.originals import Originals
from ..store.repository import Repository
from ..store.views import VERSION_POLICIES
from .upload_results import file_results

PROGRESS_EVERY = 0.5  # seconds between progress writes to the database


class Jobs:
    """Starts upload jobs in this process; reads any process's jobs from the database."""

    def __init__(self, repo: Repository, originals: Originals, processes: int, on_write: Callable[[], None]) -> None:
        self.repo = repo
        self.originals = originals
        self.processes = processes
        self.on_write = on_write
        self._executor: Executor | None = None
        self._executor_lock = threading.Lock()

    @property
    def database(self) -> Database:
        return self.repo.database

    def get(self, job_id: str) -> Job | None:
        return fetch_job(self.database, job_id)

    def recent(self, limit: int = 20) -> list[Job]:
        """The newest upload jobs of every process, newest first (the upload history)."""
        return recent_jobs(self.database, limit)

    def start(
        self,
        folder: Path,
        names: list[str],
        replace: bool,
        *,
        versions: str = "supersede",
        accept_unrecognised: bool = False,
        skipped: list[tuple[str, str]] | None = None,
    ) -> Job:
        """Read the files saved in ``folder`` (the job owns the folder and removes it).

        ``versions`` is what a new source of a stored agency-year does (``VERSION_POLICIES``);
        ``accept_unrecognised`` stores a source not recognised as a report as one anyway;
        ``skipped`` are the uploaded files not saved, with why (shown in the job's results).
        """
        if versions not in VERSION_POLICIES:
            raise ValueError(f"versions 须为 {'、'.join(VERSION_POLICIES)} 之一")
        options = IngestOptions(
            replace=replace,
            # a source held out before is read again when the user now forces it in
            retry_failed=accept_unrecognised,
            accept_unrecognised=accept_unrecognised,
            versions=versions,
        )
        job = create_job(self.database, names + [name for name, _ in skipped or []], replace=replace)
        threading.Thread(
            target=self._run,
            args=(job.id, folder, options, list(skipped or [])),
            name=f"upload-{job.id[:8]}",
            daemon=True,
        ).start()
        return job

    def _executor_for_run(self) -> Executor:
        if self.processes <= 0:
            return InlineExecutor()
        with self._executor_lock:
            if self._executor is None:
                # spawn, not fork: forking a threaded server can copy a held lock into the child
                self._executor = HealingPool(self.processes, mp_context=multiprocessing.get_context("spawn"))
            return self._executor

    def _run(self, job_id: str, folder: Path, options: IngestOptions, skipped: list[tuple[str, str]]) -> None:
        database = self.database
        try:
            with keep_alive(database, job_id), ingest_lock(database):
                mark_reading(database, job_id)
                hashes = self._keep_originals(job_id, folder)
                known = self.repo.known_sources(sha for _, sha in hashes)
                if options.replace:
                    known = {}  # read again: each is stored anew
                elif options.retry_failed:
                    known = {sha: failed for sha, failed in known.items() if not failed}
                progress = _Progress(database, job_id, len(hashes))
                summary = ingest([folder], self.repo, self._executor_for_run(), options, progress)
                self.repo.rename_sources({sha: name for name, sha in hashes})
                shown = without_folder(summary.to_json(), folder)
                shown["options"] = {"versions": options.versions, "accept_unrecognised": options.accept_unrecognised}
                results = file_results(self.repo, hashes, shown, known, skipped)
                shutil.rmtree(folder, ignore_errors=True)  # gone before the job says it is done
                finish_job(database, job_id, shown, results)
        except Exception as exc:  # shown on the job's page; the server goes on
            with suppress(Exception):  # the database itself is gone: the job is marked failed once it stops beating
                fail_job(database, job_id, without_folder(f"{type(exc).__name__}: {exc}", folder))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            self.on_write()

    def _keep_originals(self, job_id: str, folder: Path) -> list[tuple[str, str]]:
        """Keep each source's bytes (zip members one by one); (shown name, sha256) of each."""
        out = []
        refs = [r for r in discover([folder]) if not isinstance(r, Skipped)]
        update_progress(self.database, job_id, 0, len(refs))
        for ref in refs:
            loaded = load(ref)
            if isinstance(loaded, Skipped):
                continue
            self.originals.put(loaded.data)
            out.append((without_folder(loaded.name, folder), loaded.sha256))
        return out

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)


class _Progress:
    """The ingest's progress callback: counts in memory, writes to the database at most every PROGRESS_EVERY."""

    def __init__(self, database: Database, job_id: str, total: int) -> None:
        self.database = database
        self.job_id = job_id
        self.done = 0
        self.total = total
        self._written = 0.0

    def __call__(self, done: int, total: int) -> None:
        self.done += done
        self.total = max(self.total, total)
        now = time.monotonic()
        if now - self._written >= PROGRESS_EVERY or self.done >= self.total:
            self._written = now
            with suppress(SQLAlchemyError):  # a busy database: progress is only shown, the next write catches up
                update_progress(self.database, self.job_id, self.done, self.total)


def without_folder(value: Any, folder: Path) -> Any:
    """``value`` (a string, or JSON made of them) with the upload folder's path taken out of every string.

    Names and messages then read ``seed.txt`` or ``two.zip!a/seed.txt``, never a server temp path.
    """
    if isinstance(value, str):
        prefix = str(folder)
        return value.replace(prefix + os.sep, "").replace(prefix, "")
    if isinstance(value, dict):
        return {key: without_folder(item, folder) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [without_folder(item, folder) for item in value]
    return value


def new_upload_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="gongkai-upload-"))
