"""Long-lived budgeted workers: many inputs read in a row by one process, each under the per-input budget.

Forking a child per input (``batch.budget.run_budgeted``) costs the fork, and every lazy import,
warm-up cache and copy-on-write page again in each child (≈ 14 ms CPU a source for text reports,
four times the reading). The ingest reads each task's sources through one such worker
(``work.read_batch``), the fuzz harness its inputs through ``jobs`` of them. A ``WorkerPool`` forks ``jobs``
workers once; each warms up, caps its own address space at what it then holds plus
``Limits.max_memory`` (``RLIMIT_AS``: an allocation past it raises ``MemoryError``), and reads
the inputs the parent sends it one after another. The parent is the watchdog: an input still
unanswered after ``Limits.max_seconds`` is a hang, and its worker is killed and replaced; a
worker that dies (the OOM killer, a crash in C code) is replaced too, and the input it held is
the one recorded. A worker that ran out of memory exits after answering, so the next input
starts in a fresh process; so does a worker that has served ``max_tasks`` inputs, so what a long
run leaves behind in one process stays bounded. Every ending is an ``Outcome``, exactly as
``run_budgeted`` gives, with ``after_others`` set when its worker had read other inputs before it
(a caller may read such an input again alone when memory ran short). Each worker freezes what it
holds after its warm-up (``gc.freeze``): the collector never walks, and so never copies, the pages
it shares with the process that forked it.

Messages on the pipes are pickles behind an 8-byte length.
"""

from __future__ import annotations

import gc
import os
import pickle
import resource
import select
import signal
import struct
import time
import traceback
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from ..limits import Limits
from .budget import Outcome, address_space, resident

Task = tuple[Any, ...]  # the arguments ``fn`` is called with
_LENGTH = struct.Struct(">Q")


@dataclass(slots=True)
class _Worker:
    pid: int
    inbox: int  # the parent writes tasks here
    outbox: int  # and reads answers here
    token: Any = None  # what the parent called the task in flight
    started: float = 0.0
    busy: bool = False
    served: int = 0  # inputs answered so far


class WorkerPool:
    """``jobs`` forked workers calling ``fn`` on the tasks submitted, under ``limits`` per task.

    ``warm_up`` runs once in each new worker before its memory ceiling is taken (imports, caches).
    ``max_tasks``: a worker is replaced after answering that many inputs (None: never).
    Use from a process with no other thread running (it forks).
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        limits: Limits,
        jobs: int = 1,
        warm_up: Callable[[], None] | None = None,
        max_tasks: int | None = None,
    ) -> None:
        if jobs < 1:
            raise ValueError("jobs 须至少为 1")
        self.fn = fn
        self.limits = limits
        self.warm_up = warm_up
        self.max_tasks = max_tasks
        self.workers: list[_Worker] = []
        for _ in range(jobs):  # one by one: each new worker closes the pipes of those before it
            self.workers.append(self._spawn())
        self.restarts = 0
        self.peak_memory = 0  # bytes: the largest peak resident set a worker reported

    # --- the parent's side -----------------------------------------------------------------------

    def idle(self) -> list[_Worker]:
        return [w for w in self.workers if not w.busy]

    def busy(self) -> int:
        return sum(w.busy for w in self.workers)

    def submit(self, worker: _Worker, token: Any, task: Task) -> None:
        """Hand ``task`` to an idle ``worker``; its outcome comes back from ``wait`` with ``token``."""
        worker.token, worker.busy, worker.started = token, True, time.perf_counter()
        with suppress(OSError):  # the worker is gone already: ``wait`` finds it dead and reports the task
            _send(worker.inbox, pickle.dumps(task))

    def wait(self, timeout: float | None = None) -> list[tuple[Any, Outcome]]:
        """The outcomes of the tasks that ended within ``timeout`` seconds (hangs and deaths included)."""
        busy = [w for w in self.workers if w.busy]
        if not busy:
            return []
        now = time.perf_counter()
        first_deadline = min(w.started for w in busy) + self.limits.max_seconds
        left = max(0.0, first_deadline - now)
        ready, _, _ = select.select([w.outbox for w in busy], [], [], left if timeout is None else min(left, timeout))
        done: list[tuple[Any, Outcome]] = []
        for worker in busy:
            if worker.outbox in ready:
                done.append(self._answer(worker))
            elif time.perf_counter() - worker.started >= self.limits.max_seconds:
                done.append(self._hang(worker))
        return done

    def run_each(self, tasks: list[Task]) -> list[Outcome]:
        """Each task's outcome, in order, run one after another (on the first worker)."""
        outcomes: list[Outcome] = []
        for index, task in enumerate(tasks):
            self.submit(self.workers[0], index, task)
            done: list[tuple[Any, Outcome]] = []
            while not done:
                done = self.wait()
            outcomes.append(done[0][1])
        return outcomes

    def close(self) -> None:
        for worker in self.workers:
            self._stop(worker)
        self.workers = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _answer(self, worker: _Worker) -> tuple[Any, Outcome]:
        token, seconds = worker.token, time.perf_counter() - worker.started
        after = worker.served > 0
        worker.busy = False
        worker.served += 1
        payload = _receive(worker.outbox)
        answer = None
        if payload is not None:
            with suppress(Exception):
                answer = pickle.loads(payload)
        if answer is None:  # the worker died before answering, or while writing
            status = self._replace(worker)
            return token, self._death(status, seconds, after)
        kind, value, trace, peak = answer
        self.peak_memory = max(self.peak_memory, peak)
        if kind != "memory" and self.max_tasks is not None and worker.served >= self.max_tasks:
            self._replace(worker)  # it has served its share: the next input starts in a fresh process
        if kind == "value":
            return token, Outcome(value=value, seconds=seconds, peak_memory=peak, after_others=after)
        if kind == "error":
            return token, Outcome(error=value, trace=trace, seconds=seconds, peak_memory=peak, after_others=after)
        self._replace(worker)  # "memory": the worker exits; the next task gets a fresh one
        failure = f"读取所需内存超过{self.limits.allowed('max_memory')}，已终止"
        return token, Outcome(
            failure=failure, limit="max_memory", seconds=seconds, peak_memory=peak, after_others=after
        )

    def _hang(self, worker: _Worker) -> tuple[Any, Outcome]:
        token, seconds = worker.token, time.perf_counter() - worker.started
        after = worker.served > 0
        self._replace(worker)
        failure = f"读取超时：{self.limits.allowed('max_seconds')}，已终止"
        return token, Outcome(failure=failure, limit="max_seconds", seconds=seconds, after_others=after)

    def _death(self, status: int, seconds: float, after: bool) -> Outcome:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            failure = f"读取进程被强行终止（SIGKILL），可能超过内存上限：{self.limits.allowed('max_memory')}"
            return Outcome(failure=failure, limit="max_memory", seconds=seconds, after_others=after)
        how = f"信号 {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"退出码 {os.waitstatus_to_exitcode(status)}"
        return Outcome(failure=f"读取进程异常终止（{how}），未读出结果", seconds=seconds, after_others=after)

    def _replace(self, worker: _Worker) -> int:
        """Start a worker in ``worker``'s place, then stop the old one; the old one's wait status.

        The new one is forked first, while the old one's pipes are still open: it closes them as
        it closes every sibling's, and none of their numbers can have been reused for its own.
        """
        fresh = self._spawn()
        status = self._stop(worker)
        worker.pid, worker.inbox, worker.outbox = fresh.pid, fresh.inbox, fresh.outbox
        worker.busy, worker.token, worker.served = False, None, 0
        self.restarts += 1
        return status

    def _stop(self, worker: _Worker) -> int:
        """Kill the worker (idle, hung or already dead: a dead one keeps the status it ended with) and reap it."""
        for fd in (worker.inbox, worker.outbox):
            with suppress(OSError):
                os.close(fd)
        with suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        try:
            _, status = os.waitpid(worker.pid, 0)
        except ChildProcessError:
            status = 0
        return status

    def _spawn(self) -> _Worker:
        to_worker_read, to_worker_write = os.pipe()
        from_worker_read, from_worker_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            os.close(to_worker_write)
            os.close(from_worker_read)
            for other in self.workers:  # siblings' pipes are not ours to hold open
                for fd in (other.inbox, other.outbox):
                    with suppress(OSError):
                        os.close(fd)
            _serve(self.fn, self.limits, self.warm_up, to_worker_read, from_worker_write)
        os.close(to_worker_read)
        os.close(from_worker_write)
        return _Worker(pid, to_worker_write, from_worker_read)


# --- the worker's side ---------------------------------------------------------------------------


def _serve(fn: Callable[..., Any], limits: Limits, warm_up: Callable[[], None] | None, inbox: int, outbox: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's; it kills us
        if warm_up is not None:
            warm_up()
        gc.freeze()  # what it holds now stays shared with the parent: no collection walks (and copies) it
        _cap_memory(address_space() + limits.max_memory)
        started_with = resident()
        while (payload := _receive(inbox)) is not None:
            out_of_memory = _one(fn, pickle.loads(payload), outbox, started_with)
            if out_of_memory:
                break
    except BaseException:
        code = 70
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _cap_memory(ceiling: int) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if ceiling > 0:
        soft = ceiling if hard == resource.RLIM_INFINITY else min(ceiling, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _one(fn: Callable[..., Any], task: Task, outbox: int, started_with: int) -> bool:
    """Run one task and send its answer with the worker's peak memory beyond ``started_with``;
    True when it ran out of memory (the worker then exits)."""
    try:
        answer: tuple[str, Any, str | None] = ("value", fn(*task), None)
    except MemoryError:
        answer = ("memory", None, None)
    except BaseException as exc:
        answer = ("error", exc, traceback.format_exc())
    peak = max(0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - started_with)  # KiB on Linux
    try:
        payload = pickle.dumps((*answer, peak))
    except MemoryError:
        payload, answer = pickle.dumps(("memory", None, None, peak)), ("memory", None, None)
    except Exception as exc:  # an exception or a value that does not pickle
        payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), answer[2], peak))
    _send(outbox, payload)
    return answer[0] == "memory"


# --- framing -------------------------------------------------------------------------------------


def _send(fd: int, payload: bytes) -> None:
    view = memoryview(_LENGTH.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> bytes | None:
    """One whole message from ``fd``; None at end of file (the other side closed or died)."""
    head = _exactly(fd, _LENGTH.size)
    if head is None:
        return None
    return _exactly(fd, _LENGTH.unpack(head)[0])


def _exactly(fd: int, size: int) -> bytes | None:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
