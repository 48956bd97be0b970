"""The executors the pipeline runs on: this process, a pool of processes that heals itself, or a Dask cluster."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, InvalidStateError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from multiprocessing.context import BaseContext
from typing import Any

log = logging.getLogger(__name__)


class InlineExecutor(Executor):
    """Runs each task at once in this process (``--workers 0``: debugging, tests, tiny corpora)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class HealingPool(Executor):
    """A pool of processes that heals itself: a broken pool is replaced, a task it lost is run once more.

    A ``ProcessPoolExecutor`` whose worker dies (the OOM killer, ``kill -9``) is broken for good: every
    task in it fails with ``BrokenProcessPool`` and so does every later ``submit``. This pool replaces
    it with a fresh one on the next ``submit`` and sends each task the broken pool lost to the new pool
    once (``retries``); a task lost again fails with ``BrokenProcessPool`` (``work.submit_batch`` turns
    that into failed records). ``replaced`` counts the pools thrown away. ``initializer`` runs in each
    new process first.
    """

    def __init__(
        self,
        workers: int,
        mp_context: BaseContext | None = None,
        retries: int = 1,
        initializer: Callable[[], object] | None = None,
    ) -> None:
        self.workers = workers
        self.mp_context = mp_context
        self.retries = retries
        self.initializer = initializer
        self.replaced = 0
        self._lock = threading.Lock()
        self._closed = False
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=self.mp_context, initializer=self.initializer)

    def _healed(self, broken: ProcessPoolExecutor | None = None) -> ProcessPoolExecutor:
        """The current pool; a new one when ``broken`` is still the current one."""
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            if broken is not None and broken is self._pool:
                log.warning("a worker process died; the pool is replaced")
                broken.shutdown(wait=False, cancel_futures=True)
                self._pool = self._new_pool()
                self.replaced += 1
            return self._pool

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        outer: Future[Any] = Future()
        self._send(outer, self.retries, fn, args, kwargs)
        return outer

    def _send(
        self, outer: Future[Any], retries: int, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        pool = self._healed()
        try:
            inner = pool.submit(fn, *args, **kwargs)
        except BrokenProcessPool:
            pool = self._healed(pool)
            inner = pool.submit(fn, *args, **kwargs)

        def settle(done: Future[Any]) -> None:
            if outer.done():  # cancelled by the caller meanwhile
                return
            if done.cancelled():
                outer.cancel()
                return
            error = done.exception()
            if isinstance(error, BrokenProcessPool) and retries > 0 and not self._closed:
                try:
                    self._healed(pool)
                    self._send(outer, retries - 1, fn, args, kwargs)
                    return
                except Exception as again:  # shut down meanwhile: the task stays lost
                    error = again
            with suppress(InvalidStateError):
                if error is None:
                    outer.set_result(done.result())
                else:
                    outer.set_exception(error)

        inner.add_done_callback(settle)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            pool = self._pool
        pool.shutdown(wait=wait, cancel_futures=cancel_futures)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextmanager
def open_executor(workers: int | None = None, cluster: str | None = None) -> Iterator[Executor]:
    """A ``concurrent.futures.Executor``: Dask at ``cluster`` (tcp://host:8786), else local processes.

    Each local process keeps one budgeted reader for all the tasks it runs (``work.keep_reader``)."""
    if cluster:
        from distributed import Client

        client = Client(cluster)
        try:
            yield client.get_executor()
        finally:
            client.close()
        return
    count = default_workers() if workers is None else workers
    if count <= 0:
        yield InlineExecutor()
        return
    from .work import keep_reader

    with HealingPool(count, initializer=keep_reader) as pool:
        yield pool
