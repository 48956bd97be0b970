"""Upload jobs: uploaded files are read in the background while the page polls their progress.

Each job saves the uploaded files to a private temporary folder, keeps every
source's original bytes (so the report page can show where a value came from),
then runs the store's ingest pipeline, the same ``gongkai.batch.ingest`` that
``gongkai ingest`` runs. Jobs live in memory; the last ``KEEP`` are remembered.
"""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..batch import IngestOptions, IngestSummary, ingest
from ..batch.executors import InlineExecutor
from ..batch.sources import Skipped, discover, load
from ..store.browse import rename_sources, report_ids_for
from ..store.originals import Originals
from ..store.repository import Repository

KEEP = 50


@dataclass(slots=True)
class Job:
    id: str
    files: list[str]
    replace: bool
    state: str = "queued"  # queued | reading | done | failed
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.time)
    finished: float | None = None
    summary: IngestSummary | None = None
    reports: list[tuple[str, int | None]] = field(default_factory=list)  # (source name, report id or None)
    error: str | None = None

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "state": self.state,
            "files": self.files,
            "done": self.done,
            "total": self.total,
            "percent": self.percent,
            "error": self.error,
            "summary": self.summary.to_json() if self.summary else None,
            "reports": [{"source": name, "report_id": rid} for name, rid in self.reports],
        }


class Jobs:
    """Runs upload jobs one after another on a background thread."""

    def __init__(self, repo: Repository, originals: Originals, processes: int, on_write: Callable[[], None]) -> None:
        self.repo = repo
        self.originals = originals
        self.processes = processes
        self.on_write = on_write
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()  # one ingest at a time: SQLite has a single writer anyway
        self._executor: Executor | None = None

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, folder: Path, names: list[str], replace: bool) -> Job:
        """Read the files saved in ``folder`` (the job owns the folder and removes it)."""
        job = Job(uuid.uuid4().hex, names, replace)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEEP:
                self._jobs.popitem(last=False)
        threading.Thread(target=self._run, args=(job, folder), name=f"upload-{job.id[:8]}", daemon=True).start()
        return job

    def _executor_for_run(self) -> Executor:
        if self.processes <= 0:
            return InlineExecutor()
        if self._executor is None:
            # spawn, not fork: forking a threaded server can copy a held lock into the child
            self._executor = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"))
        return self._executor

    def _run(self, job: Job, folder: Path) -> None:
        try:
            with self._run_lock:
                job.state = "reading"
                hashes = self._keep_originals(job, folder)
                job.done = 0

                def progress(done: int, total: int) -> None:
                    job.done += done
                    job.total = max(job.total, total)

                job.summary = ingest(
                    [folder], self.repo, self._executor_for_run(), IngestOptions(replace=job.replace), progress
                )
                rename_sources(self.repo, {sha: name for name, sha in hashes})
                ids = report_ids_for(self.repo, [sha for _, sha in hashes])
                job.reports = [(name, ids.get(sha)) for name, sha in hashes]
                job.state = "done"
        except Exception as exc:  # shown on the job's page; the server goes on
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished = time.time()
            shutil.rmtree(folder, ignore_errors=True)
            self.on_write()

    def _keep_originals(self, job: Job, folder: Path) -> list[tuple[str, str]]:
        """Keep each source's bytes (zip members one by one); (shown name, sha256) of each."""
        out = []
        refs = [r for r in discover([folder]) if not isinstance(r, Skipped)]
        job.total = len(refs)
        for ref in refs:
            loaded = load(ref)
            if isinstance(loaded, Skipped):
                continue
            self.originals.put(loaded.data)
            out.append((_shown_name(loaded.name, folder), loaded.sha256))
        return out

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)


def _shown_name(name: str, folder: Path) -> str:
    return name.replace(str(folder) + "/", "", 1)


def new_upload_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="gongkai-upload-"))
