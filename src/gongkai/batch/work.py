"""The worker's job: read and check a batch of sources, hand back plain records.

Runs in another process (``ProcessPoolExecutor``) or on another machine (Dask), so
it takes bytes, not paths, and returns only plain dicts (see ``store.records``): each
report already turned into the rows the database takes (``store.records.prepare``),
so the one process that writes spends nothing on them but the insert.
The bytes go straight to the library's front door (``read_and_check_bytes``);
nothing is written to disk. A source that cannot be read becomes a record with its
``error`` (the Chinese problem of the ``SourceError``); the batch goes on.

Each source is read under the time and memory budgets of ``Limits`` (``max_seconds``,
``max_memory``) in a child process the worker kills when it overruns (``budget_pool.WorkerPool``;
a source that ran out of memory there, or whose reader died, after other sources were read in the
same child is read again alone, ``budget.run_budgeted``); a source over budget is a record whose
``error`` names the limit. The child prepares each record itself (``store.records.prepare``), so
what comes back through the pipes is the compact rows. A pool worker started with ``keep_reader``
(``executors.open_executor``'s processes) keeps one such child for all its tasks, replaced after
``READER_TASKS`` sources or when it dies or runs short of memory; elsewhere one is forked for each
task. A task whose worker died anyway (``kill -9``) comes back from ``submit_batch`` as failed
records, never as an exception.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, Future, InvalidStateError
from contextlib import suppress
from functools import cache

from ..api import read_and_check_bytes
from ..check import check
from ..errors import GongkaiError, SourceError
from ..ingest import source_kind
from ..limits import DEFAULT_LIMITS, Limits
from ..store.corrections import apply_corrections
from ..store.records import Record, finding_record, prepare, report_prepared, report_record
from ..store.views import CorrectionRow
from .budget import Outcome, can_isolate, run_budgeted
from .budget_pool import WorkerPool

Task = list[tuple[str, bytes, str]]  # (name shown to users, content, sha256)

NOT_A_REPORT = "未识别为政府信息公开工作年度报告，未作为报告入库（确为年度报告的，可用 --accept-unrecognised 强制入库）"
"""The ``error`` of a source that was read but is not an annual report (a notice, a manifest)."""

INTERNAL_ERROR = "内部错误：读取时 gongkai 自身出错，请报告此问题"
"""The start of a record's ``error`` when the reader itself failed (a bug), not the source."""

LOST = "读取进程意外终止（worker process died），该来源未读取；可用 --retry-failed 重新读取"
"""The ``error`` of each source of a task whose worker process died twice (the pool was replaced)."""

READER_TASKS = 2000
"""Sources one kept budgeted child reads before a fresh one takes its place (what it accumulates stays bounded)."""

log = logging.getLogger(__name__)


class _Kept:
    """This process's kept reader (``keep_reader``): on, and the pool once started."""

    on = False
    reader: WorkerPool | None = None


def read_one(
    name: str,
    data: bytes,
    sha256: str,
    limits: Limits | None = None,
    accept_unrecognised: bool = False,
    corrections: Sequence[CorrectionRow] = (),
) -> Record:
    """Read and check one source into a record; a source that cannot be read gets its ``error``.

    A source that reads but is not recognised as an annual report is held out the same way
    (``NOT_A_REPORT``), so no statistic counts it, unless ``accept_unrecognised``. Reviewers'
    ``corrections`` in force for this content are put in before the report is checked.
    """
    return _read(name, data, sha256, limits, accept_unrecognised, corrections, prepared=False)


def _read(
    name: str,
    data: bytes,
    sha256: str,
    limits: Limits | None,
    accept_unrecognised: bool,
    corrections: Sequence[CorrectionRow],
    *,
    prepared: bool,
) -> Record:
    """``read_one``; with ``prepared`` its report straight as the prepared record's (``records.report_prepared``)."""
    record = _blank(name, data, sha256)
    try:
        record["kind"] = source_kind(data, name)
        report, findings = read_and_check_bytes(data, name, limits)
    except SourceError as exc:
        record["error"] = exc.problem
        return record
    except GongkaiError as exc:
        record["error"] = str(exc)
        return record
    except MemoryError:
        record["error"] = _over_memory(limits or DEFAULT_LIMITS)
        return record
    except Exception:  # last guard: a reader bug must not stop the corpus; record it as ours
        log.exception("internal error while reading %s", name)
        record["error"] = INTERNAL_ERROR  # the user reads Chinese; the exception and its traceback are in the log
        return record
    if report.format is None and not accept_unrecognised:
        record["error"] = NOT_A_REPORT
        return record
    if corrections:
        findings = check(apply_corrections(report, corrections))
    report.source = name
    if prepared:
        record["report"], record["rows"] = report_prepared(report)
    else:
        record["report"] = report_record(report)
    record["findings"] = [finding_record(f) for f in findings]
    return record


def _blank(name: str, data: bytes, sha256: str) -> Record:
    return {
        "name": name,
        "sha256": sha256,
        "size": len(data),
        "kind": None,
        "error": None,
        "report": None,
        "findings": [],
    }


def _over_memory(limits: Limits) -> str:
    return f"读取所需内存超过{limits.allowed('max_memory')}，已终止"


def read_budgeted(
    name: str,
    data: bytes,
    sha256: str,
    limits: Limits | None = None,
    accept_unrecognised: bool = False,
    corrections: Sequence[CorrectionRow] = (),
) -> Record:
    """``read_one`` in a child process under the time and memory budgets; over budget, a record with its ``error``."""
    limits = limits or DEFAULT_LIMITS
    outcome = run_budgeted(read_one, (name, data, sha256, limits, accept_unrecognised, corrections), limits)
    return _budgeted_record(outcome, name, data, sha256)


def _budgeted_record(outcome: Outcome, name: str, data: bytes, sha256: str) -> Record:
    """The record of a budgeted read: its value, or a record whose ``error`` says which budget ended it."""
    if outcome.ok:
        record: Record = outcome.value
        return record
    record = _blank(name, data, sha256)
    if outcome.failure is not None:
        log.warning("%s: %s (%.1f s, peak %d MiB)", name, outcome.failure, outcome.seconds, outcome.peak_memory >> 20)
        record["error"] = outcome.failure
    else:
        log.error("internal error while reading %s:\n%s", name, outcome.trace)
        record["error"] = f"{INTERNAL_ERROR}: {type(outcome.error).__name__}: {outcome.error}"
    with suppress(Exception):
        record["kind"] = source_kind(data, name)
    return record


def read_prepared(
    name: str,
    data: bytes,
    sha256: str,
    limits: Limits | None = None,
    accept_unrecognised: bool = False,
    corrections: Sequence[CorrectionRow] = (),
) -> Record:
    """``read_one``'s record prepared for the database; what the budgeted child runs.

    A source ``read_one`` found short of memory raises ``MemoryError`` again here, so the child
    that ran short is replaced and the source counts as over memory (``budget_pool``)."""
    record = _read(name, data, sha256, limits, accept_unrecognised, corrections, prepared=True)
    if record["error"] is not None and record["error"] == _over_memory(limits or DEFAULT_LIMITS):
        raise MemoryError
    return record


def keep_reader() -> None:
    """Make this process keep one budgeted reader for all its tasks (a pool process's ``initializer``).

    The reader is stopped and waited for when the process exits (so its CPU time is counted as the
    pool's); a process that is killed takes it down too (its pipe closes)."""
    from multiprocessing.util import Finalize

    _Kept.on = True
    Finalize(None, _close_reader, exitpriority=10)


def _close_reader() -> None:
    pool, _Kept.reader = _Kept.reader, None
    if pool is not None:
        pool.close()


def _reader(limits: Limits) -> WorkerPool:
    pool = _Kept.reader
    if pool is None or pool.limits != limits:
        _close_reader()
        pool = _Kept.reader = WorkerPool(read_prepared, limits, jobs=1, max_tasks=READER_TASKS)
    return pool


def _read_isolated(
    task: Task, limits: Limits, accept_unrecognised: bool, fixes: Mapping[str, Sequence[CorrectionRow]]
) -> list[Record]:
    """The task's sources read one after another by one budgeted child (``budget_pool``): this process's
    kept reader, or one forked for the task.

    A source that ran out of memory or whose reader died after others were read in the same
    child is read again alone in a fresh one (``read_budgeted``): what earlier sources left
    behind must not be counted against it. A hang is not retried.
    """
    args = [(name, data, sha, limits, accept_unrecognised, fixes.get(sha, ())) for name, data, sha in task]
    if _Kept.on:
        outcomes = _reader(limits).run_each(args)
    else:
        with WorkerPool(read_prepared, limits, jobs=1) as pool:
            outcomes = pool.run_each(args)
    records = []
    for index, (outcome, (name, data, sha)) in enumerate(zip(outcomes, task, strict=True)):
        died = not outcome.ok and outcome.limit != "max_seconds" and outcome.error is None
        if outcome.after_others and died:
            records.append(read_budgeted(*args[index]))
        else:
            records.append(_budgeted_record(outcome, name, data, sha))
    return records


def read_batch(
    task: Task,
    limits: Limits | None = None,
    accept_unrecognised: bool = False,
    corrections: Mapping[str, Sequence[CorrectionRow]] | None = None,
) -> list[Record]:
    """Read and check every source of one task (the unit of work sent to a worker), as prepared records.

    ``corrections``: sha256 → the reviewers' corrections in force for that content.

    The sources are read by a child process forked for the task, one after another, each under the
    time and memory budgets, where this process may fork (a pool worker); elsewhere (a threaded
    server, a Dask worker) they are read in place.
    """
    fixes = corrections or {}
    if can_isolate():
        _warm()
        read = _read_isolated(task, limits or DEFAULT_LIMITS, accept_unrecognised, fixes)
    else:
        read = [read_one(name, data, sha, limits, accept_unrecognised, fixes.get(sha, ())) for name, data, sha in task]
    return [prepare(record) for record in read]


def lost_batch(task: Task) -> list[Record]:
    """A failed record (``LOST``) for every source of a task whose worker died."""
    records = []
    for name, data, sha in task:
        record = _blank(name, data, sha)
        record["error"] = LOST
        records.append(record)
    return records


def submit_batch(
    executor: Executor,
    task: Task,
    limits: Limits | None = None,
    accept_unrecognised: bool = False,
    corrections: Mapping[str, Sequence[CorrectionRow]] | None = None,
) -> Future[list[Record]]:
    """``executor.submit(read_batch, …)`` whose future always holds records: a lost task's sources fail with ``LOST``.

    Only a dead worker is turned into records (``BrokenExecutor`` and the errors of a process that
    vanished); any other exception is a bug of the pipeline and is passed on.
    """
    from concurrent.futures import BrokenExecutor

    outer: Future[list[Record]] = Future()
    inner = executor.submit(read_batch, task, limits, accept_unrecognised, corrections)

    def settle(done: Future[list[Record]]) -> None:
        with suppress(InvalidStateError):  # the caller cancelled the outer future meanwhile
            if done.cancelled():
                outer.cancel()
                return
            error = done.exception()
            if error is None:
                outer.set_result(done.result())
            elif isinstance(error, BrokenExecutor):
                log.error("a worker died with %d sources: %s", len(task), error)
                outer.set_result(lost_batch(task))
            else:
                outer.set_exception(error)

    inner.add_done_callback(settle)
    return outer


@cache
def _warm() -> None:
    """Load the readers once in this worker (imports, caches), so each forked child starts with them."""
    with suppress(Exception):
        read_and_check_bytes("2023年政府信息公开工作年度报告".encode(), "warm.txt")
    with suppress(Exception):
        from ..ingest import docx, html, pdf  # noqa: F401
