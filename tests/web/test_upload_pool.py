"""The upload pool heals itself: once its worker processes are killed, the next upload still reads."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from fastapi.testclient import TestClient

from gongkai.batch.executors import HealingPool
from gongkai.web import create_app

from .conftest import settings_for, upload


def _pid() -> int:
    return os.getpid()


def test_uploads_after_the_workers_were_killed_still_read(tmp_path: Path, seed: Path) -> None:
    data = seed.read_bytes()
    with TestClient(create_app(settings_for(tmp_path, ingest_processes=1))) as client:
        first = upload(client, ("seed.txt", data))
        assert first["state"] == "done" and first["reports"][0]["report_id"]
        pool = client.app.state.jobs._executor  # type: ignore[attr-defined]
        assert isinstance(pool, HealingPool)
        os.kill(pool.submit(_pid).result(timeout=60), signal.SIGKILL)  # what the OOM killer does
        second = upload(client, ("again.txt", data.replace("阳泉市".encode(), "晋中市".encode())), replace=True)
        assert second["state"] == "done", second
        assert second["reports"][0]["report_id"] and second["summary"]["failed"] == 0
        assert pool.replaced == 1
