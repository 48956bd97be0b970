"""Two ingests of the same sources at once: both end well, each report is stored once, one says 已在库中.

Run on SQLite always and on PostgreSQL when GONGKAI_TEST_PG names a server (the ``db_url`` fixture).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gongkai.store import open_database
from gongkai.store import writes as writes_module
from gongkai.store.models import Source, StoredReport
from gongkai.store.records import Record
from gongkai.store.repository import Repository

from ..conftest import CORPUS, shared_or_skip
from ..store.conftest import no_cross_year

SRC = Path(__file__).resolve().parents[2] / "src"
ENV = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "300"}


def _counts(url: str) -> tuple[int, int, int]:
    """(sources, reports, distinct source hashes) stored at ``url``."""
    database = open_database(url)
    try:
        with database.sessions() as session:
            sources = session.scalar(select(func.count()).select_from(Source))
            reports = session.scalar(select(func.count()).select_from(StoredReport))
            hashes = session.scalar(select(func.count(func.distinct(Source.sha256))))
            return int(sources or 0), int(reports or 0), int(hashes or 0)
    finally:
        database.close()


def _ingest(url: str, folder: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "gongkai.cli", "ingest", str(folder), "--db", url, "--workers", "0", *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)


def test_two_ingests_of_one_folder_at_once_store_each_report_once(db_url: str) -> None:
    seeds = shared_or_skip(CORPUS / "seeds")
    count = len([p for p in seeds.iterdir() if p.is_file()])
    open_database(db_url).close()  # the schema made once, before the race (as `gongkai ingest` would)
    first, second = _ingest(db_url, seeds, "--json"), _ingest(db_url, seeds, "--json")
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    for _, err in outputs:
        assert "Traceback" not in err and "IntegrityError" not in err, err
    summaries = sorted((json.loads(out) for out, _ in outputs), key=lambda s: s["already_stored"])
    assert summaries[0]["already_stored"] == 0 and summaries[0]["sources"] == count
    assert summaries[1]["already_stored"] == count and summaries[1]["failed"] == 0
    sources, reports, hashes = _counts(db_url)
    assert sources == hashes == count and reports == summaries[0]["read"] == count


def test_the_second_ingests_table_says_already_stored(db_url: str) -> None:
    seeds = shared_or_skip(CORPUS / "seeds")
    open_database(db_url).close()
    first, second = _ingest(db_url, seeds), _ingest(db_url, seeds)
    outputs = [process.communicate(timeout=600) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    said = [out for out, _ in outputs if "没有新内容：所有来源均已入库" in out]
    assert len(said) == 1 and "已在库中" in said[0]
    assert "Traceback" not in "".join(err for _, err in outputs)


def test_a_writer_that_loses_the_race_counts_the_content_as_already_stored(
    repository: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the ingest lock: the content is stored by another writer between look-up and insert."""
    from ..store.conftest import record_of

    records: list[Record] = [record_of(p) for p in sorted(shared_or_skip(CORPUS / "seeds").iterdir())[:2]]
    other = Repository(open_database(repository.database.url))
    real = writes_module._stored_ids
    raced = threading.Event()

    def look_up_then_lose(session, hashes):  # type: ignore[no-untyped-def]
        found = real(session, hashes)
        if not raced.is_set():  # the other writer commits right after our look-up saw nothing
            raced.set()
            assert other.write(records, cross_year=no_cross_year).reports == 2
        return found

    monkeypatch.setattr(writes_module, "_stored_ids", look_up_then_lose)
    try:
        result = repository.write(records, cross_year=no_cross_year)
    finally:
        other.database.close()
    assert raced.is_set()
    assert (result.reports, result.already) == (0, 2)
    assert _counts(repository.database.url)[:2] == (2, 2)
