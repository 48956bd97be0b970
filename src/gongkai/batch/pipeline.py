"""The ingest pipeline, written once against ``concurrent.futures.Executor``.

    iter_sources ─▶ unchanged stat signature? (known, not read) ─▶ load + sha256 (driver)
        ─▶ skip what the store holds ─▶ tasks of N files ─▶ executor.submit(read_batch)
        ─▶ prepared records (rows ready for the database) ─▶ repository.write (one transaction per batch)

The pipeline hands the store the cross-year check (``check.cross_year_findings``);
the store pairs each new report with its agency's previous year and runs it.
Reviewers' corrections in force for a source's content (a re-read, or the same file
stored again after its report was deleted) go with its task and are put in before
the report is checked.

Sources are found one at a time and looked up in groups: a file whose stat signature
is the one remembered when it was last hashed is known by that hash without being read
(``store.signatures``; ``rehash`` reads every file). The coordinator holds nothing per
source of the corpus but the 16-byte prefix of each content hash met (to count duplicates)
and what went wrong (``failed``, ``skipped``). The workers hand back each report as the
rows the database takes (``store.records.prepare``), so this one writing process spends
its time on the inserts and the cross-year check, not on building rows.

The driver reads the bytes (it must hash them to skip known content anyway) and
ships them with the task, so workers on other machines need no shared disk. At
most ``in_flight`` tasks are outstanding, which bounds memory. A ``ProcessPoolExecutor``
runs it on one machine, a Dask ``Client.get_executor()`` on a cluster.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path

from ..check import cross_year_findings
from ..store.records import Record
from ..store.repository import Repository
from ..store.signatures import Signature, signature_key
from ..store.signatures import settled as signatures_settled
from .sources import Limits, Loaded, Skipped, SourceRef, count_sources, iter_sources, load
from .trim import release_freed_memory
from .work import Task, submit_batch

Progress = Callable[[int, int], None]  # (sources done since the last call, sources in all)


@dataclass(slots=True)
class IngestSummary:
    sources: int = 0  # found under the paths
    read: int = 0  # new reports stored
    failed: list[tuple[str, str]] = field(default_factory=list)  # (name, error), stored with the error
    already: int = 0  # content already in the store
    duplicates: int = 0  # same content twice in this run
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason), not stored
    findings: Counter[str] = field(default_factory=Counter)  # by severity
    seconds: float = 0.0
    write_cpu: float = 0.0  # CPU seconds of this process spent writing to the store (the benchmark splits by it)

    @property
    def stored_nothing_new(self) -> bool:
        return self.read == 0 and not self.failed

    def to_json(self) -> dict[str, object]:
        return {
            "sources": self.sources,
            "read": self.read,
            "failed": len(self.failed),
            "already_stored": self.already,
            "duplicates": self.duplicates,
            "skipped": len(self.skipped),
            "findings": dict(self.findings),
            "seconds": round(self.seconds, 2),
            "reports_per_second": round(self.read / self.seconds, 1) if self.seconds else None,
            "failures": [{"source": n, "error": e} for n, e in self.failed],
            "skips": [{"source": n, "reason": r} for n, r in self.skipped],
        }


@dataclass(frozen=True, slots=True)
class IngestOptions:
    files_per_task: int = 8
    write_every: int = 200  # records per database transaction
    in_flight: int = 8  # tasks outstanding at once
    replace: bool = False  # read known sources again and replace their reports
    retry_failed: bool = False  # read again sources stored with an error
    accept_unrecognised: bool = False  # store a source not recognised as an annual report as a report anyway
    versions: str = "supersede"  # a new source of a stored agency-year: "supersede" the current one, or "keep-both"
    rehash: bool = False  # hash every file, not trusting the remembered stat signatures (store/signatures.py)
    limits: Limits = field(default_factory=Limits)


LOOK_UP = 256  # sources whose remembered signatures are asked for at once


def ingest(
    paths: list[Path],
    repository: Repository,
    executor: Executor,
    options: IngestOptions | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Read, check and store every report under ``paths``; see the module docstring."""
    options = options or IngestOptions()
    started = time.perf_counter()
    summary = IngestSummary()
    # the sources are found one at a time; a count without stat comes first only to show done of all
    total = count_sources(paths, options.limits) if progress is not None else 0

    def tick(done: int) -> None:
        if progress is not None:
            progress(done, total)

    tick(0)
    pending: set[Future[list[Record]]] = set()
    buffer: list[Record] = []
    seen = _Seen()
    signed: list[tuple[str, Signature, str]] = []  # signatures to remember, with their content's hash

    def remember() -> None:
        if signed:
            spent = time.thread_time()
            repository.remember_signatures(signed)
            summary.write_cpu += time.thread_time() - spent
            signed.clear()

    def flush() -> None:
        remember()
        if not buffer:
            return
        spent = time.thread_time()  # this thread only: the pool's own threads take in the results
        result = repository.write(
            buffer,
            cross_year=cross_year_findings,
            replace=options.replace or options.retry_failed,
            versions=options.versions,
        )
        summary.write_cpu += time.thread_time() - spent
        summary.read += result.reports
        summary.already += result.already
        summary.findings.update(result.findings)
        summary.failed += [(r["name"], r["error"]) for r in buffer if r.get("error")]
        buffer.clear()
        release_freed_memory()  # the batch's rows are gone: their pages go back (memory flat in corpus size)

    def collect(done: set[Future[list[Record]]]) -> None:
        for future in done:
            records = future.result()
            buffer.extend(records)
            tick(len(records))
        if len(buffer) >= options.write_every:
            flush()

    def stored_already(sha: str, failed: bool) -> bool:
        return not options.replace and not (options.retry_failed and failed)

    def submit(task: Task) -> None:
        known = repository.known_sources(sha for _, _, sha in task)
        todo = []
        for name, data, sha in task:
            if sha in known and stored_already(sha, known[sha]):
                summary.already += 1
            else:
                todo.append((name, data, sha))
        tick(len(task) - len(todo))
        if not todo:
            return
        while len(pending) >= options.in_flight:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            pending.difference_update(done)
            collect(done)
        in_force = repository.corrections_in_force(sha for _, _, sha in todo)
        fixes = {sha: tuple(rows.values()) for sha, rows in in_force.items()}
        pending.add(submit_batch(executor, todo, options.limits, options.accept_unrecognised, fixes))

    task: Task = []

    def take(ref: SourceRef) -> None:
        nonlocal task
        read_at = time.time_ns()
        loaded = load(ref, options.limits)
        if isinstance(loaded, Skipped):
            summary.skipped.append((loaded.name, loaded.reason))
            tick(1)
            return
        if ref.signature is not None and signatures_settled(ref.signature, read_at):
            signed.append((signature_key(ref.path, ref.member), ref.signature, loaded.sha256))
            if len(signed) >= LOOK_UP:
                remember()
        if seen.has(loaded.sha256):
            summary.duplicates += 1
            tick(1)
            return
        seen.add(loaded.sha256)
        task.append(_task_item(loaded))
        if len(task) >= options.files_per_task:
            submit(task)
            task = []

    def look_up(refs: list[SourceRef]) -> None:
        """Sources whose stat signature says their stored content is unchanged are done without reading."""
        keys = [signature_key(r.path, r.member) if r.signature is not None else "" for r in refs]
        wanted = [(k, r.signature) for k, r in zip(keys, refs, strict=True) if r.signature is not None]
        known = {} if options.rehash or options.replace else repository.signed_hashes(wanted)
        for key, ref in zip(keys, refs, strict=True):
            hit = known.get(key)
            if hit is None or not stored_already(*hit):
                take(ref)
            elif seen.has(hit[0]):
                summary.duplicates += 1
                tick(1)
            else:
                seen.add(hit[0])
                summary.already += 1
                tick(1)

    waiting: list[SourceRef] = []
    try:
        for ref in iter_sources(paths, options.limits):
            if isinstance(ref, Skipped):
                summary.skipped.append((ref.name, ref.reason))
                continue
            summary.sources += 1
            waiting.append(ref)
            if len(waiting) >= LOOK_UP:
                look_up(waiting)
                waiting = []
        look_up(waiting)
        if task:
            submit(task)
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            pending.difference_update(done)
            collect(done)
        flush()
    finally:
        for future in pending:
            future.cancel()
    summary.seconds = time.perf_counter() - started
    return summary


class _Seen:
    """The contents met in this run, each by the first 16 bytes of its sha256 (a set of them stays small).

    Two different contents share those 128 bits with odds of one in 2^100 at a million files.
    """

    def __init__(self) -> None:
        self._prefixes: set[bytes] = set()

    def has(self, sha: str) -> bool:
        return bytes.fromhex(sha[:32]) in self._prefixes

    def add(self, sha: str) -> None:
        self._prefixes.add(bytes.fromhex(sha[:32]))


def _task_item(loaded: Loaded) -> tuple[str, bytes, str]:
    return (loaded.name, loaded.data, loaded.sha256)
