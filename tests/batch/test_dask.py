"""The same pipeline on Dask.distributed: a local two-process cluster on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.batch import IngestOptions, ingest
from gongkai.batch.executors import open_executor
from gongkai.cli import app
from gongkai.store.repository import Repository

from ..conftest import write_series


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        processes=True, n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def test_ingest_on_a_dask_cluster(scheduler: str, repository: Repository, tmp_path: Path) -> None:
    written = write_series(tmp_path, 30, range(2022, 2024))
    with open_executor(cluster=scheduler) as executor:
        summary = ingest([tmp_path], repository, executor, IngestOptions(files_per_task=7))
    assert summary.read == len(written) == 60
    assert not summary.failed
    with open_executor(cluster=scheduler) as executor:
        again = ingest([tmp_path], repository, executor)
    assert again.read == 0 and again.already == 60


def test_cli_cluster_option(scheduler: str, db_url: str, tmp_path: Path) -> None:
    write_series(tmp_path / "c", 5, range(2023, 2024))
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "c"), "--db", db_url, "--cluster", scheduler, "--json"])
    assert result.exit_code == 0, result.output
    assert '"read": 5' in result.output
