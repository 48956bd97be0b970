"""The per-file budget: each source read in a child process under a time and a memory limit, killed past them."""

from __future__ import annotations

import ctypes
import faulthandler
import hashlib
import os
import signal
import time
from pathlib import Path

import pytest

from gongkai.batch import budget, work
from gongkai.batch.budget import can_isolate, run_budgeted
from gongkai.batch.work import INTERNAL_ERROR, read_batch, read_budgeted
from gongkai.limits import MIB, Limits

from ..conftest import CORPUS, shared_or_skip

TXT = CORPUS / "dev" / "011_pingtan-zhqsyq-2022.txt"
QUICK = Limits(max_seconds=2, max_memory=256 * MIB)

pytestmark = pytest.mark.skipif(not can_isolate(), reason="needs fork and a single-threaded test process")


def _double(x: int) -> int:
    return 2 * x


def _hold(size: int) -> int:
    return len(b"x" * size)


def _spin() -> None:
    while True:
        pass


def _sleep_in_c() -> None:
    time.sleep(3600)  # a wait no signal handler in the child interrupts: only a kill ends it


def _eat_memory() -> int:
    return len(bytearray(1024 * MIB))


def _raise() -> None:
    raise ValueError("坏了")


def _kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _segfault() -> None:
    faulthandler.disable()  # pytest's dump of the stack would only be noise here
    ctypes.string_at(0)


def _exit_oddly() -> None:
    os._exit(5)


def test_a_call_within_budget_returns_its_value_and_its_peak_memory() -> None:
    outcome = run_budgeted(_double, (21,), QUICK)
    assert outcome.ok and outcome.value == 42
    assert outcome.failure is None and outcome.limit is None
    grown = run_budgeted(_hold, (64 * MIB,), QUICK)
    # what the child took beyond the pages it shares with this process (which may be large after other tests)
    assert grown.ok and grown.value == 64 * MIB
    assert 60 * MIB < grown.peak_memory < 200 * MIB


@pytest.mark.parametrize("hang", [_spin, _sleep_in_c], ids=["python-loop", "blocking-call"])
def test_a_call_over_time_is_killed_at_the_budget(hang: object) -> None:
    started = time.perf_counter()
    outcome = run_budgeted(hang, (), Limits(max_seconds=1))  # type: ignore[arg-type]
    assert 1 <= time.perf_counter() - started < 5
    assert outcome.limit == "max_seconds" and not outcome.ok
    assert outcome.failure == "读取超时：上限 1 秒（Limits.max_seconds），已终止"


def test_a_call_over_memory_fails_with_the_limit_named() -> None:
    outcome = run_budgeted(_eat_memory, (), Limits(max_memory=200 * MIB))
    assert outcome.limit == "max_memory"
    assert outcome.failure == "读取所需内存超过上限 200.0 MiB（Limits.max_memory），已终止"
    assert outcome.peak_memory < 1024 * MIB  # refused, never held


def test_an_exception_comes_back_with_the_childs_traceback() -> None:
    outcome = run_budgeted(_raise, (), QUICK)
    assert isinstance(outcome.error, ValueError) and str(outcome.error) == "坏了"
    assert outcome.trace is not None and "_raise" in outcome.trace and outcome.failure is None


def test_a_child_killed_from_outside_reads_as_a_memory_failure() -> None:
    outcome = run_budgeted(_kill_self, (), QUICK)  # what the OOM killer does
    assert outcome.limit == "max_memory"
    assert outcome.failure is not None and outcome.failure.startswith("读取进程被强行终止（SIGKILL）")


@pytest.mark.parametrize(("fn", "how"), [(_segfault, "信号 11"), (_exit_oddly, "退出码 5")])
def test_a_child_that_crashes_is_a_failure_not_a_crash_of_the_caller(fn: object, how: str) -> None:
    outcome = run_budgeted(fn, (), QUICK)  # type: ignore[arg-type]
    assert outcome.failure == f"读取进程异常终止（{how}），未读出结果" and outcome.limit is None


def test_the_memory_budget_is_on_top_of_what_the_caller_holds() -> None:
    held = budget.address_space()
    assert held > 10 * MIB  # an interpreter with gongkai loaded
    assert run_budgeted(_double, (1,), Limits(max_memory=64 * MIB)).value == 2  # 64 MiB more is plenty


def test_cannot_isolate_while_another_thread_runs() -> None:
    import threading

    before = threading.active_count()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_isolate()
    finally:
        stop.set()
        thread.join()
    assert can_isolate() == (before == 1)  # earlier tests of a whole suite may leave threads of their own


def _task(*named: tuple[str, bytes]) -> list[tuple[str, bytes, str]]:
    return [(name, data, hashlib.sha256(data).hexdigest()) for name, data in named]


def test_a_source_read_under_budget_is_the_same_record_as_read_in_place() -> None:
    data = shared_or_skip(TXT).read_bytes()
    [(name, _, sha)] = _task(("平潭.txt", data))
    inside = work.read_one(name, data, sha)
    budgeted = read_budgeted(name, data, sha)
    assert budgeted == inside and budgeted["error"] is None and len(budgeted["report"]["cells"]) == 200


def test_a_source_over_time_is_recorded_failed_and_the_batch_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    data = shared_or_skip(TXT).read_bytes()
    real = work.read_and_check_bytes

    def slow_for_one(data: bytes, name: str, limits: Limits | None = None) -> object:
        if name == "slow.txt":
            _spin()
        return real(data, name, limits)

    monkeypatch.setattr(work, "read_and_check_bytes", slow_for_one)  # the forked child sees it too
    monkeypatch.setattr(work, "can_isolate", lambda: True)  # as in a pool worker, whatever threads the suite left
    started = time.perf_counter()
    slow, fine = read_batch(_task(("slow.txt", data + b"\n"), ("fine.txt", data)), Limits(max_seconds=1))
    print(f"one file over budget, one fine: {time.perf_counter() - started:.1f} s")
    assert slow["error"] == "读取超时：上限 1 秒（Limits.max_seconds），已终止"
    assert slow["report"] is None and slow["kind"] == "txt"
    assert fine["error"] is None and fine["report"] is not None


def test_a_source_over_memory_is_recorded_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    def greedy(data: bytes, name: str, limits: Limits | None = None) -> object:
        return _eat_memory()

    monkeypatch.setattr(work, "read_and_check_bytes", greedy)
    [record] = read_batch(_task(("greedy.txt", "一、总体情况".encode())), Limits(max_memory=300 * MIB))
    assert record["error"] == "读取所需内存超过上限 300.0 MiB（Limits.max_memory），已终止"


def test_a_reader_that_kills_its_process_fails_only_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    def fatal(data: bytes, name: str, limits: Limits | None = None) -> object:
        _segfault()
        return None

    monkeypatch.setattr(work, "read_and_check_bytes", fatal)
    [record] = read_batch(_task(("fatal.txt", "一、总体情况".encode())))
    assert record["error"] == "读取进程异常终止（信号 11），未读出结果"
    assert os.getpid() > 0  # and this process lives on


def test_a_task_is_read_by_one_forked_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    data = shared_or_skip(TXT).read_bytes()
    forks: list[int] = []
    real_fork = os.fork

    def counted() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    monkeypatch.setattr(work, "can_isolate", lambda: True)
    records = read_batch(_task(("a.txt", data), ("b.txt", data + b"\n"), ("c.txt", data + b"\n\n")))
    assert [r["error"] for r in records] == [None, None, None] and len(forks) == 1
    assert records[0]["rows"]["cells"] == records[2]["rows"]["cells"]


_READ_BEFORE = {"any": False}


def test_memory_left_behind_by_earlier_sources_is_not_counted_against_a_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A source that runs out of memory in the task's worker after others is read again alone, in a fresh child."""
    data = shared_or_skip(TXT).read_bytes()
    real = work.read_and_check_bytes

    def short_after_the_first(data: bytes, name: str, limits: Limits | None = None) -> object:
        if _READ_BEFORE["any"]:  # only in the worker that read a source already; a fresh fork starts False
            raise MemoryError
        _READ_BEFORE["any"] = True
        return real(data, name, limits)

    monkeypatch.setattr(work, "read_and_check_bytes", short_after_the_first)
    monkeypatch.setattr(work, "can_isolate", lambda: True)
    first, second = read_batch(_task(("first.txt", data), ("second.txt", data + b"\n")))
    assert first["error"] is None and second["error"] is None and second["report"] is not None


def test_a_source_truly_over_memory_still_fails_after_its_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    data = shared_or_skip(TXT).read_bytes()
    real = work.read_and_check_bytes

    def greedy_for_one(data: bytes, name: str, limits: Limits | None = None) -> object:
        if name == "greedy.txt":
            _eat_memory()
        return real(data, name, limits)

    monkeypatch.setattr(work, "read_and_check_bytes", greedy_for_one)
    monkeypatch.setattr(work, "can_isolate", lambda: True)
    fine, greedy, after = read_batch(
        _task(("fine.txt", data), ("greedy.txt", data + b"\n"), ("after.txt", data + b"\n\n")),
        Limits(max_memory=300 * MIB),
    )
    assert greedy["error"] == "读取所需内存超过上限 300.0 MiB（Limits.max_memory），已终止"
    assert fine["error"] is None and after["error"] is None


def test_a_memory_error_read_in_place_names_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    def oom(data: bytes, name: str, limits: Limits | None = None) -> object:
        raise MemoryError

    monkeypatch.setattr(work, "read_and_check_bytes", oom)
    record = work.read_one("a.txt", b"x", "0" * 64, Limits(max_memory=MIB))
    assert record["error"] == "读取所需内存超过上限 1.0 MiB（Limits.max_memory），已终止"
    assert not record["error"].startswith(INTERNAL_ERROR)


def test_the_reproducible_source_of_a_failure_is_the_file(tmp_path: Path) -> None:
    # the record names the file (the batch shows "name: error"), the error names the limit
    [record] = read_batch(_task(("报告.txt", b"")), QUICK)
    assert record["name"] == "报告.txt" and record["error"] == "文件是空的（the file is empty）"


@pytest.fixture
def kept_reader(monkeypatch: pytest.MonkeyPatch) -> object:
    """This process keeps one budgeted reader across tasks, as a pool process does (``work.keep_reader``)."""
    monkeypatch.setattr(work._Kept, "on", True)
    monkeypatch.setattr(work, "can_isolate", lambda: True)
    yield
    work._close_reader()


def test_a_pool_process_keeps_one_reader_for_all_its_tasks(
    monkeypatch: pytest.MonkeyPatch, kept_reader: object
) -> None:
    data = shared_or_skip(TXT).read_bytes()
    forks: list[int] = []
    real_fork = os.fork

    def counted() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counted)
    first = read_batch(_task(("a.txt", data), ("b.txt", data + b"\n")))
    second = read_batch(_task(("c.txt", data + b"\n\n")))
    assert [r["error"] for r in first + second] == [None, None, None] and len(forks) == 1
    assert second[0] == work.read_prepared("c.txt", data + b"\n\n", second[0]["sha256"])  # as read in place


def test_a_kept_reader_short_of_memory_reads_the_source_again_alone(
    monkeypatch: pytest.MonkeyPatch, kept_reader: object
) -> None:
    """The first source of a task is read after the sources of earlier tasks: short of memory, it is read again."""
    data = shared_or_skip(TXT).read_bytes()
    real = work.read_and_check_bytes

    def short_after_the_first(data: bytes, name: str, limits: Limits | None = None) -> object:
        if _READ_BEFORE["any"]:
            raise MemoryError
        _READ_BEFORE["any"] = True
        return real(data, name, limits)

    monkeypatch.setattr(work, "read_and_check_bytes", short_after_the_first)
    [first] = read_batch(_task(("first.txt", data)))
    [second] = read_batch(_task(("second.txt", data + b"\n")))
    assert first["error"] is None and second["error"] is None and second["report"] is not None
