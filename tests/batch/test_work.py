"""The worker: bytes straight to ``read_and_check_bytes``, plain records back, no files written."""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import tempfile

import pytest

from gongkai.batch import work
from gongkai.batch.work import INTERNAL_ERROR, read_batch, read_one
from gongkai.limits import Limits

from ..conftest import CORPUS, shared_or_skip

TXT = CORPUS / "dev" / "011_pingtan-zhqsyq-2022.txt"
PDF = CORPUS / "dev" / "001_huaian-hongze-qu-2023.pdf"


def _task(*named: tuple[str, bytes]) -> list[tuple[str, bytes, str]]:
    return [(name, data, hashlib.sha256(data).hexdigest()) for name, data in named]


@pytest.fixture
def no_temp_files(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the worker must not write temporary files")

    for name in ("TemporaryDirectory", "NamedTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, refuse)


@pytest.mark.usefixtures("no_temp_files")
def test_a_batch_is_read_from_memory_into_plain_records() -> None:
    txt, pdf = shared_or_skip(TXT).read_bytes(), shared_or_skip(PDF).read_bytes()
    records = read_batch(_task(("reports.zip!2022/平潭.txt", txt), ("/corpus/洪泽.pdf", pdf)))
    assert [r["name"] for r in records] == ["reports.zip!2022/平潭.txt", "/corpus/洪泽.pdf"]
    assert [r["kind"] for r in records] == ["txt", "pdf"]
    assert all(r["error"] is None and r["report"] is not None for r in records)
    assert [r["size"] for r in records] == [len(txt), len(pdf)]
    assert len(records[0]["rows"]["cells"]) == 200  # prepared: the rows of ``cells``, ready for the database
    assert records[0]["report"]["agency_key"] and "cells" not in records[0]["report"]
    pickle.loads(pickle.dumps(records))  # crosses process boundaries
    json.dumps(records, ensure_ascii=False)  # and machine boundaries


def test_a_source_that_cannot_be_read_records_its_chinese_problem() -> None:
    empty, broken, binary = read_batch(
        _task(("empty.txt", b"  \n"), ("broken.pdf", b"%PDF-1.4 this is not a pdf"), ("x.bin", b"\x00\x01" * 99))
    )
    assert empty["error"] == "文件是空的（the file is empty）" and empty["kind"] == "txt"
    assert broken["error"].startswith("PDF 已损坏或无法读取") and broken["kind"] == "pdf"
    assert binary["error"].startswith("二进制内容") and binary["kind"] is None
    assert all(r["report"] is None and r["findings"] == [] for r in (empty, broken, binary))


def test_limits_reach_the_worker() -> None:
    [record] = read_batch(_task(("big.txt", "一、总体情况\n".encode() * 10)), Limits(max_file=50))
    assert "Limits.max_file" in record["error"]


def test_a_reader_bug_is_recorded_as_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def buggy(data: bytes, name: str, limits: Limits | None = None) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(work, "read_and_check_bytes", buggy)
    with caplog.at_level(logging.ERROR, logger="gongkai.batch.work"):
        record = read_one("a.txt", "一、总体情况".encode(), "sha")
    assert record["error"] == INTERNAL_ERROR  # what the user reads is Chinese; the exception goes to the log
    assert record["kind"] == "txt" and record["report"] is None
    logged = [r for r in caplog.records if "a.txt" in r.getMessage() and r.exc_info]
    assert logged and isinstance(logged[0].exc_info[1], ZeroDivisionError)  # the traceback is logged


def test_a_gongkai_error_outside_sources_is_recorded_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongkai.errors import GoldError

    def odd(data: bytes, name: str, limits: Limits | None = None) -> None:
        raise GoldError("金标准文件格式错误")

    monkeypatch.setattr(work, "read_and_check_bytes", odd)
    assert read_one("a.txt", b"x", "sha")["error"] == "金标准文件格式错误"
