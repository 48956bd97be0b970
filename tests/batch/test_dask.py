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


def test_a_dask_cluster_stores_what_the_local_pool_stores(scheduler: str, db_url: str, tmp_path: Path) -> None:
    """Two Dask worker processes (standing in for hosts) and the local process pool: the same corpus, cell for cell."""
    from gongkai.store import open_database
    from gongkai.store.views import ReportFilter

    write_series(tmp_path / "series", 12, range(2022, 2025), seed=3)
    local_db = open_database(f"sqlite:///{tmp_path / 'local.sqlite'}")
    cluster_db = open_database(db_url)
    try:
        local, clustered = Repository(local_db), Repository(cluster_db)
        with open_executor(2) as executor:
            ingest([tmp_path / "series"], local, executor, IngestOptions(files_per_task=5))
        with open_executor(cluster=scheduler) as executor:
            summary = ingest([tmp_path / "series"], clustered, executor, IngestOptions(files_per_task=5))
        assert summary.read == 36 and not summary.failed
        assert clustered.stats(ReportFilter()) == local.stats(ReportFilter())

        def cells(repo: Repository) -> dict[tuple[str | None, int | None], dict[str, object]]:
            ids = [row.id for row in repo.list_reports(ReportFilter())]
            return {
                (r.agency, r.year): {cid: c.value for cid, c in r.cells.items()}
                for r in repo.load_reports(ids).values()
            }

        assert cells(clustered) == cells(local)
    finally:
        local_db.close()
        cluster_db.close()
