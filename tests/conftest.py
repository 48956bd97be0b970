"""Shared test fixtures: where the real reports and gold files live (``../shared``), and the databases.

Store tests run on SQLite always, and on PostgreSQL too when GONGKAI_TEST_PG names a server.
GONGKAI_TEST_PG is a URL such as postgresql://postgres@127.0.0.1:55432/postgres (see
scripts/pg-test-server.sh); each test gets a fresh database created on that server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from gongkai.measure.synth import agency_name, synth_series
from gongkai.store import open_database
from gongkai.store.db import Database
from gongkai.store.repository import Repository

# CI draws the same examples every run (a red CI is then a real regression, reproducible); a local run
# draws new ones each time, so property tests keep hunting.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"


def shared_or_skip(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available (the shared corpus sits beside the repository)")
    return path


PG_ENV = "GONGKAI_TEST_PG"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) else [])


def _pg_database(base: str) -> Iterator[str]:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"gongkai_test_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'corpus.sqlite'}"
    else:
        yield from _pg_database(os.environ[PG_ENV])


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = open_database(db_url)
    yield db
    db.close()


@pytest.fixture
def repository(database: Database) -> Repository:
    return Repository(database)


def write_series(folder: Path, agencies: int, years: range, seed: int = 0) -> dict[str, object]:
    """Synthetic text reports, one file per agency and year; returns name → SynthReport."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, object] = {}
    for number in range(agencies):
        for report in synth_series(agency_name(number + seed * 1000), years, seed * 100000 + number):
            path = folder / f"{number:05d}-{report.year}.txt"
            path.write_text(report.text, encoding="utf-8")
            written[str(path)] = report
    return written
