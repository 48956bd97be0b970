"""A kill -9 in the middle of an ingest leaves only whole reports; a rerun finishes the rest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from gongkai.store import open_database
from gongkai.store.models import Source, StoredCell, StoredFinding, StoredReport

from ..conftest import write_series

CELLS_2021 = 200


def _counts(url: str) -> tuple[int, list[int], int]:
    database = open_database(url)
    try:
        with database.sessions() as session:
            reports = session.execute(select(func.count(StoredReport.id))).scalar_one()
            per_report = (
                session.execute(
                    select(func.count(StoredCell.cell_id))
                    .select_from(StoredReport)
                    .outerjoin(StoredCell, StoredCell.report_id == StoredReport.id)
                    .group_by(StoredReport.id)
                )
                .scalars()
                .all()
            )
            orphans = session.execute(
                select(func.count(Source.id))
                .outerjoin(StoredReport, StoredReport.source_id == Source.id)
                .where(StoredReport.id.is_(None), Source.error.is_(None))
            ).scalar_one()
            assert session.execute(select(func.count(StoredFinding.id))).scalar_one() >= 0
        return reports, list(per_report), orphans
    finally:
        database.close()


def _ingest(folder: Path, url: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gongkai.cli", "ingest", str(folder), "--db", url, "--workers", "2", "--json"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def test_kill_9_mid_ingest_then_rerun(db_url: str, tmp_path: Path) -> None:
    files = write_series(tmp_path / "corpus", 300, range(2022, 2024))  # 600 reports
    open_database(db_url).close()  # create the schema before racing the subprocess
    process = _ingest(tmp_path / "corpus", db_url)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if _counts(db_url)[0] > 0:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the ingest finished before it could be killed; make the corpus bigger"
    os.killpg(process.pid, signal.SIGKILL)  # the CLI and its worker processes, all started by this test
    process.wait()
    reports, per_report, orphans = _counts(db_url)
    assert 0 < reports < len(files)
    assert set(per_report) == {CELLS_2021}, "a report was stored without all its cells"
    assert orphans == 0, "a source was stored without its report"
    rerun = _ingest(tmp_path / "corpus", db_url)
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err.decode()
    reports_after, per_report, orphans = _counts(db_url)
    assert reports_after == len(files)
    assert set(per_report) == {CELLS_2021} and orphans == 0
    assert b'"already_stored": ' + str(reports).encode() in out
