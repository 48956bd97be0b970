"""The pool heals itself: a worker killed (kill -9, the OOM killer) costs no task and no later batch."""

from __future__ import annotations

import hashlib
import os
import signal
from concurrent.futures import BrokenExecutor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from gongkai.batch import IngestOptions, ingest
from gongkai.batch.executors import HealingPool, InlineExecutor, open_executor
from gongkai.batch.work import LOST, lost_batch, submit_batch
from gongkai.store.repository import Repository

from ..conftest import CORPUS, shared_or_skip

TXT = CORPUS / "dev" / "011_pingtan-zhqsyq-2022.txt"


def _pid() -> int:
    return os.getpid()


def _die_once(marker: str) -> str:
    """Kill this worker the first time (the marker file says whether it happened)."""
    if not os.path.exists(marker):
        Path(marker).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return "read"


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_task_lost_with_a_killed_worker_runs_again_on_a_new_pool(tmp_path: Path) -> None:
    with HealingPool(1) as pool:
        first = pool.submit(_pid).result()
        assert pool.submit(_die_once, str(tmp_path / "died")).result(timeout=60) == "read"
        assert pool.replaced == 1
        assert pool.submit(_pid).result() != first  # a fresh worker
        assert [pool.submit(pow, 2, n).result() for n in range(3)] == [1, 2, 4]


def test_a_task_that_kills_every_worker_fails_once_and_the_pool_still_works() -> None:
    with HealingPool(1) as pool:
        with pytest.raises(BrokenProcessPool):
            pool.submit(_die).result(timeout=60)
        assert pool.submit(pow, 3, 2).result(timeout=60) == 9
        assert pool.replaced == 2  # after the first loss, and (on this submit) after the retry's


def test_a_worker_killed_from_outside_between_batches_is_replaced() -> None:
    with HealingPool(2) as pool:
        pids = {pool.submit(_pid).result() for _ in range(8)}
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        results = [pool.submit(pow, 2, 10) for _ in range(4)]
        assert [f.result(timeout=60) for f in results] == [1024] * 4


def test_after_shutdown_nothing_is_scheduled() -> None:
    pool = HealingPool(1)
    pool.shutdown()
    with pytest.raises(RuntimeError):
        pool.submit(pow, 2, 2)


def test_open_executor_gives_a_healing_pool() -> None:
    with open_executor(1) as executor:
        assert isinstance(executor, HealingPool)
    with open_executor(0) as executor:
        assert isinstance(executor, InlineExecutor)


class _Broken(InlineExecutor):
    def submit(self, fn: object, /, *args: object, **kwargs: object) -> Future[object]:
        future: Future[object] = Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future


def _task(*named: tuple[str, bytes]) -> list[tuple[str, bytes, str]]:
    return [(name, data, hashlib.sha256(data).hexdigest()) for name, data in named]


def test_a_lost_task_comes_back_as_failed_records() -> None:
    task = _task(("a.txt", b"1"), ("b.txt", b"2"))
    records = submit_batch(_Broken(), task).result()
    assert [(r["name"], r["error"]) for r in records] == [("a.txt", LOST), ("b.txt", LOST)]
    assert records == lost_batch(task)
    assert all(r["report"] is None and r["sha256"] == sha for r, (_, _, sha) in zip(records, task, strict=True))


def test_other_errors_are_not_hidden_as_lost_records() -> None:
    class _Bug(InlineExecutor):
        def submit(self, fn: object, /, *args: object, **kwargs: object) -> Future[object]:
            future: Future[object] = Future()
            future.set_exception(TypeError("a bug of the pipeline"))
            return future

    with pytest.raises(TypeError):
        submit_batch(_Bug(), _task(("a.txt", b"1"))).result()
    assert issubclass(BrokenProcessPool, BrokenExecutor)


def test_an_ingest_whose_workers_all_died_records_the_sources_and_a_later_ingest_stores_them(
    tmp_path: Path, repository: Repository
) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "平潭.txt").write_bytes(shared_or_skip(TXT).read_bytes())
    summary = ingest([folder], repository, _Broken())
    assert summary.read == 0 and [e for _, e in summary.failed] == [LOST]
    with open_executor(1) as pool:
        again = ingest([folder], repository, pool, IngestOptions(retry_failed=True))
    assert again.read == 1 and not again.failed
