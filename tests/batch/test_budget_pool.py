"""Long-lived budgeted workers (the ingest's per-task reader, the fuzz harness's pool): many tasks in a row, and every
hang, crash and memory overrun still an outcome."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from gongkai.batch.budget import can_isolate
from gongkai.batch.budget_pool import WorkerPool
from gongkai.limits import MIB, Limits
from gongkai.measure import fuzz
from gongkai.measure.fuzz import FORMS, corpus_seeds, run_fuzz

from ..conftest import CORPUS, shared_or_skip

pytestmark = pytest.mark.skipif(not can_isolate(), reason="the pool forks its workers")


def _task(kind: str, value: int = 0) -> object:
    if kind == "pid":
        return os.getpid()
    if kind == "square":
        return value * value
    if kind == "hang":
        while True:
            pass
    if kind == "memory":
        return bytearray(value)
    if kind == "touch":  # holds ``value`` bytes for a moment, hands back only their count
        return len(b"x" * value)
    if kind == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    if kind == "exit":
        os._exit(3)
    raise IndexError(f"a bug: {kind}")


def _all(pool: WorkerPool, tasks: list[tuple[object, ...]]) -> dict[object, object]:
    """Run ``tasks`` (token first) through the pool; token → Outcome."""
    pending = list(tasks)
    done: dict[object, object] = {}
    while pending or pool.busy():
        for worker in pool.idle():
            if pending:
                token, *args = pending.pop(0)
                pool.submit(worker, token, tuple(args))
        for token, outcome in pool.wait(timeout=1.0):
            done[token] = outcome
    return done


def test_one_worker_reads_many_tasks_in_a_row() -> None:
    with WorkerPool(_task, Limits(max_seconds=10), jobs=1) as pool:
        done = _all(pool, [(n, "square", n) for n in range(50)] + [("a", "pid"), ("b", "pid")])
        assert {n: done[n].value for n in range(50)} == {n: n * n for n in range(50)}  # type: ignore[attr-defined]
        assert done["a"].value == done["b"].value != os.getpid()  # type: ignore[attr-defined]
        touched = _all(pool, [("t", "touch", 64 * MIB)])["t"]
        assert touched.value == 64 * MIB  # type: ignore[attr-defined]
        # the peak counts what the worker took beyond what it was forked with: the 64 MiB, not the test process
        assert 60 * MIB < touched.peak_memory < 200 * MIB  # type: ignore[attr-defined]
        assert pool.restarts == 0 and pool.peak_memory == touched.peak_memory  # type: ignore[attr-defined]


def test_a_hang_is_killed_at_the_budget_and_the_worker_replaced() -> None:
    with WorkerPool(_task, Limits(max_seconds=1), jobs=1) as pool:
        first = _all(pool, [("pid", "pid")])["pid"].value  # type: ignore[attr-defined]
        started = time.monotonic()
        done = _all(pool, [("hang", "hang"), ("after", "pid")])
        assert 0.9 < time.monotonic() - started < 8
        hang = done["hang"]
        assert hang.limit == "max_seconds" and "读取超时" in (hang.failure or "")  # type: ignore[attr-defined]
        assert done["after"].value != first and pool.restarts == 1  # type: ignore[attr-defined]
        with pytest.raises(ProcessLookupError):
            os.kill(first, 0)  # the hung worker is gone, not left spinning


def test_crashes_deaths_and_memory_overruns_are_outcomes() -> None:
    limits = Limits(max_seconds=20, max_memory=256 * MIB)
    with WorkerPool(_task, limits, jobs=2) as pool:
        done = _all(
            pool,
            [
                ("bug", "bug"),
                ("memory", "memory", 2048 * MIB),
                ("killed", "die"),
                ("exit", "exit"),
                ("small", "memory", MIB),
                ("last", "square", 7),
            ],
        )
    bug = done["bug"]
    assert isinstance(bug.error, IndexError) and "a bug: bug" in (bug.trace or "")  # type: ignore[attr-defined]
    assert done["memory"].limit == "max_memory" and "内存" in done["memory"].failure  # type: ignore[attr-defined]
    assert done["killed"].limit == "max_memory" and "SIGKILL" in done["killed"].failure  # type: ignore[attr-defined]
    assert done["exit"].limit is None and "退出码 3" in done["exit"].failure  # type: ignore[attr-defined]
    assert len(done["small"].value) == MIB and done["last"].value == 49  # type: ignore[attr-defined]
    assert pool.restarts == 3  # after the memory overrun, the kill and the exit


def test_a_worker_is_replaced_after_its_share_of_tasks_and_says_who_read_after_others() -> None:
    with WorkerPool(_task, Limits(max_seconds=10), jobs=1, max_tasks=3) as pool:
        outcomes = pool.run_each([("pid",)] * 7)
    pids = [o.value for o in outcomes]
    assert pids[0] == pids[1] == pids[2] != pids[3] == pids[4] == pids[5] != pids[6]
    assert [o.after_others for o in outcomes] == [False, True, True, False, True, True, False]
    assert pool.restarts == 2  # after the third and the sixth


def test_a_death_after_other_tasks_says_so_and_the_next_task_starts_fresh() -> None:
    with WorkerPool(_task, Limits(max_seconds=10), jobs=1) as pool:
        first, died, after = pool.run_each([("pid",), ("die",), ("pid",)])
    assert not first.after_others and died.after_others and "SIGKILL" in (died.failure or "")
    assert not after.after_others and after.value != first.value


def test_a_pooled_run_reads_the_same_inputs_as_a_forked_one(tmp_path: Path) -> None:
    seeds = {"txt": corpus_seeds(shared_or_skip(CORPUS), ["txt"])["txt"]}
    limits = Limits(max_seconds=20, max_memory=1024 * MIB)
    forked = run_fuzz(seeds, limits, inputs=12, seconds=120, seed=4, out=tmp_path)
    pooled = run_fuzz(seeds, limits, inputs=12, seconds=120, seed=4, out=tmp_path, jobs=2)
    assert pooled.inputs == forked.inputs == 12
    assert pooled.outcomes == forked.outcomes and not pooled.crashes and not pooled.hangs
    assert 0 < pooled.peak_memory < 1024 * MIB


def test_a_short_pooled_run_of_every_form_finds_no_crash(tmp_path: Path) -> None:
    seeds = corpus_seeds(shared_or_skip(CORPUS), FORMS)
    summary = run_fuzz(seeds, Limits(max_seconds=20, max_memory=1024 * MIB), inputs=150, seconds=60, seed=2, jobs=1)
    assert summary.inputs >= 50, summary.to_json()
    assert not summary.crashes and not summary.hangs and not summary.memory, summary.lines()
    assert set(summary.by_form) == set(FORMS) and sum(summary.outcomes.values()) == summary.inputs


def test_pooled_crashes_and_hangs_are_written_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = {"txt": corpus_seeds(shared_or_skip(CORPUS), ["txt"])["txt"][:1]}
    calls = iter(range(100))

    def flaky(data: bytes, name: str, limits: Limits | None = None) -> object:
        if next(calls) % 2:
            while True:
                pass
        raise KeyError("a reader bug")

    monkeypatch.setattr(fuzz, "read_and_check_bytes", flaky)
    monkeypatch.setattr(fuzz, "_warm_up", lambda: None)
    summary = run_fuzz(seeds, Limits(max_seconds=1), inputs=4, seconds=60, seed=1, out=tmp_path, jobs=1)
    # each new worker starts its own count: crash, hang (replaced), crash, hang
    assert summary.outcomes == {"crash KeyError": 2, "hang": 2}, summary.outcomes
    assert len(list(tmp_path.glob("crash-*.why.txt"))) >= 1 and len(list(tmp_path.glob("hang-*.why.txt"))) >= 1
    assert "KeyError" in Path(summary.crashes[0] + ".why.txt").read_text(encoding="utf-8")


def test_the_command_takes_jobs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    corpus = str(shared_or_skip(CORPUS))
    args = ["--inputs", "6", "--forms", "txt", "--corpus", corpus, "--out", str(tmp_path), "--json", "--jobs", "2"]
    assert fuzz.main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["inputs"] == 6 and result["crashes"] == 0
    assert fuzz.main(["--jobs", "0", "--forms", "txt", "--corpus", corpus]) == 2
    assert "--jobs 须至少为 1" in capsys.readouterr().err
