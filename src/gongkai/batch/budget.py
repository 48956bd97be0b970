"""One source read under a time and a memory budget, in a child process that can be killed.

``run_budgeted(fn, args, limits)`` forks the calling process (so the child starts with every
module the worker already imported, in a few milliseconds), caps the child's address space at
what the worker holds plus ``Limits.max_memory`` (``RLIMIT_AS``: an allocation past it raises
``MemoryError`` in the child), and waits at most ``Limits.max_seconds`` for its answer, then
kills it. Whatever the child does (hang in C code, exhaust memory, be killed by the OOM
killer, crash), the caller gets an ``Outcome``, never a hang; the worker itself is untouched,
so the pool it belongs to stays whole.

A process with other threads running is not forked (a lock held by another thread at fork time
would be held forever in the child): ``can_isolate()`` says whether this process may fork, and the
batch reads in place when it cannot (budgets other than time and memory still hold there).
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import threading
import time
import traceback
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from ..limits import Limits

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one budgeted call ended: its ``value``, or an ``error`` it raised, or a ``failure`` of the budget."""

    value: Any = None
    error: BaseException | None = None  # what ``fn`` raised (re-created in this process)
    trace: str | None = None  # the child's traceback of ``error``
    failure: str | None = None  # Chinese problem: over time, over memory, the child died
    limit: str | None = None  # "max_seconds" or "max_memory" when a budget was hit
    seconds: float = 0.0
    peak_memory: int = 0  # bytes: the child's peak resident set beyond what it started with (``resident``)
    after_others: bool = False  # read by a process that had read other inputs before (``budget_pool``)

    @property
    def ok(self) -> bool:
        return self.error is None and self.failure is None


def can_isolate() -> bool:
    """True when this process may fork a child per source: a POSIX system and no other Python thread running."""
    return hasattr(os, "fork") and threading.active_count() == 1


def address_space() -> int:
    """Bytes of address space this process holds now (``/proc/self/statm``; 0 where unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * PAGE
    except (OSError, ValueError, IndexError):
        return 0


def resident(*, anonymous: bool = False) -> int:
    """Bytes of this process in memory now (``/proc/self/statm``; 0 where unknown); with
    ``anonymous``, only the pages not backed by a file.

    A forked child starts with its parent's anonymous pages counted as its own (file-backed ones
    count once it touches them), so a child's peak (``ru_maxrss``) less that share is what its work
    took: the share the memory budget bounds (``address_space`` at the start plus ``max_memory``)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            fields = statm.read().split()
        pages = int(fields[1]) - (int(fields[2]) if anonymous else 0)
    except (OSError, ValueError, IndexError):
        return 0
    return pages * PAGE


def run_budgeted(fn: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> Outcome:
    """Call ``fn(*args)`` in a forked child under ``limits.max_seconds`` and ``limits.max_memory``.

    ``fn``'s return value must be picklable. Only POSIX; call it where ``can_isolate()`` holds.
    """
    started = time.perf_counter()
    ceiling = address_space() + limits.max_memory
    inherited = resident(anonymous=True)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(fn, args, ceiling, write_end)
    os.close(write_end)
    reaped = False
    try:
        payload, timed_out = _receive(read_end, started + limits.max_seconds)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status, usage = os.wait4(pid, 0)
        reaped = True
    finally:
        os.close(read_end)
        if not reaped:  # interrupted (Ctrl-C): take the child down with us
            with suppress(ProcessLookupError, ChildProcessError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    seconds = time.perf_counter() - started
    peak = max(0, usage.ru_maxrss * 1024 - inherited)  # ru_maxrss: KiB on Linux
    if timed_out:
        return Outcome(
            failure=f"读取超时：{limits.allowed('max_seconds')}，已终止",
            limit="max_seconds",
            seconds=seconds,
            peak_memory=peak,
        )
    if payload:
        try:
            kind, value, trace = pickle.loads(payload)
        except Exception:  # a torn answer: the child died while writing it
            kind, value, trace = "died", None, None
        if kind == "value":
            return Outcome(value=value, seconds=seconds, peak_memory=peak)
        if kind == "error":
            return Outcome(error=value, trace=trace, seconds=seconds, peak_memory=peak)
        if kind == "memory":
            return Outcome(failure=_over_memory(limits), limit="max_memory", seconds=seconds, peak_memory=peak)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:  # the OOM killer, or someone's kill -9
        return Outcome(
            failure=f"读取进程被强行终止（SIGKILL），可能超过内存上限：{limits.allowed('max_memory')}",
            limit="max_memory",
            seconds=seconds,
            peak_memory=peak,
        )
    how = f"信号 {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"退出码 {os.waitstatus_to_exitcode(status)}"
    return Outcome(failure=f"读取进程异常终止（{how}），未读出结果", seconds=seconds, peak_memory=peak)


def _over_memory(limits: Limits) -> str:
    return f"读取所需内存超过{limits.allowed('max_memory')}，已终止"


def _child(fn: Callable[..., Any], args: tuple[Any, ...], ceiling: int, out: int) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it kills us
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if ceiling > 0:
            soft = ceiling if hard == resource.RLIM_INFINITY else min(ceiling, hard)
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        try:
            answer: tuple[str, Any, str | None] = ("value", fn(*args), None)
        except MemoryError:
            answer = ("memory", None, None)
        except BaseException as exc:
            answer = ("error", exc, traceback.format_exc())
        try:
            payload = pickle.dumps(answer)
        except MemoryError:
            payload = pickle.dumps(("memory", None, None))
        except Exception as exc:  # an exception or a value that does not pickle
            payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), answer[2]))
        view = memoryview(payload)
        while view:
            view = view[os.write(out, view) :]
    except BaseException:
        code = 70
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _receive(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything the child writes until it closes the pipe; (bytes, True) when the deadline passed first."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.perf_counter()
        if left <= 0:
            return b"".join(chunks), True
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, CHUNK)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
