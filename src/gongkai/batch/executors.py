"""The executors the pipeline runs on: this process, a pool of processes, or a Dask cluster."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any


class InlineExecutor(Executor):
    """Runs each task at once in this process (``--workers 0``: debugging, tests, tiny corpora)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextmanager
def open_executor(workers: int | None = None, cluster: str | None = None) -> Iterator[Executor]:
    """A ``concurrent.futures.Executor``: Dask at ``cluster`` (tcp://host:8786), else local processes."""
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
    with ProcessPoolExecutor(count) as pool:
        yield pool
