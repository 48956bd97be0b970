"""Re-ingest by stat signature: an unchanged file is known by its remembered hash, a changed one is hashed again.

``RACY_NS`` is set aside in most tests (files written a moment ago would not be remembered yet);
one test keeps it and shows a file written just now is hashed again next time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gongkai.batch import IngestOptions, ingest, pipeline
from gongkai.batch.executors import InlineExecutor
from gongkai.batch.sources import Skipped, discover, iter_sources
from gongkai.store import signatures
from gongkai.store.repository import Repository

from ..conftest import write_series


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the sources the ingest reads (loads and hashes)."""
    names: list[str] = []
    real = pipeline.load

    def load(ref, limits=None):  # type: ignore[no-untyped-def]
        names.append(ref.name)
        return real(ref, limits)

    monkeypatch.setattr(pipeline, "load", load)
    return names


@pytest.fixture
def settled_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signatures, "RACY_NS", -(10**15))


def _ingest(folder: Path, repository: Repository, **options: object) -> pipeline.IngestSummary:
    return ingest([folder], repository, InlineExecutor(), IngestOptions(**options))  # type: ignore[arg-type]


@pytest.mark.usefixtures("settled_now")
def test_a_reingest_with_nothing_new_reads_no_file(repository: Repository, tmp_path: Path, counted: list[str]) -> None:
    write_series(tmp_path / "c", 2, range(2022, 2024))
    first = _ingest(tmp_path / "c", repository)
    assert (first.sources, first.read) == (4, 4) and len(counted) == 4
    counted.clear()
    again = _ingest(tmp_path / "c", repository)
    assert (again.sources, again.read, again.already, again.duplicates) == (4, 0, 4, 0)
    assert counted == []


@pytest.mark.usefixtures("settled_now")
def test_rehash_reads_every_file(repository: Repository, tmp_path: Path, counted: list[str]) -> None:
    write_series(tmp_path / "c", 2, range(2022, 2024))
    _ingest(tmp_path / "c", repository)
    counted.clear()
    again = _ingest(tmp_path / "c", repository, rehash=True)
    assert (again.read, again.already) == (0, 4) and len(counted) == 4


@pytest.mark.usefixtures("settled_now")
def test_a_file_changed_to_the_same_size_and_time_is_hashed_again(
    repository: Repository, tmp_path: Path, counted: list[str]
) -> None:
    write_series(tmp_path / "c", 1, range(2022, 2024))
    _ingest(tmp_path / "c", repository)
    target = sorted((tmp_path / "c").iterdir())[0]
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    changed = text.replace("2022年", "2O22年", 1) if "2022年" in text else text[:-1] + "。"
    assert len(changed.encode()) == before.st_size and changed != text
    target.write_text(changed, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # the same size and modification time
    counted.clear()
    again = _ingest(tmp_path / "c", repository)
    assert counted == [str(target)]  # the change time told
    assert again.read + len(again.failed) == 1


@pytest.mark.usefixtures("settled_now")
def test_a_remembered_file_whose_report_was_deleted_is_read_and_stored_again(
    repository: Repository, tmp_path: Path, counted: list[str]
) -> None:
    write_series(tmp_path / "c", 1, range(2022, 2024))
    _ingest(tmp_path / "c", repository)
    gone = repository.list_reports()[0]
    assert repository.delete_report(gone.id)
    counted.clear()
    again = _ingest(tmp_path / "c", repository)
    assert (again.read, again.already) == (1, 1) and counted == [gone.source]


@pytest.mark.usefixtures("settled_now")
def test_duplicates_count_the_same_on_a_reingest(repository: Repository, tmp_path: Path, counted: list[str]) -> None:
    write_series(tmp_path / "c", 1, range(2022, 2024))
    first_file = sorted((tmp_path / "c").iterdir())[0]
    (tmp_path / "c" / "copy.txt").write_bytes(first_file.read_bytes())
    first = _ingest(tmp_path / "c", repository)
    counted.clear()
    again = _ingest(tmp_path / "c", repository)
    assert (first.read, first.duplicates) == (2, 1)
    assert (again.read, again.already, again.duplicates) == (0, 2, 1) and counted == []


def test_a_file_written_a_moment_ago_is_not_remembered(
    repository: Repository, tmp_path: Path, counted: list[str]
) -> None:
    write_series(tmp_path / "c", 1, range(2022, 2024))
    _ingest(tmp_path / "c", repository)
    counted.clear()
    again = _ingest(tmp_path / "c", repository)
    assert again.already == 2 and len(counted) == 2  # racily clean: hashed again, never trusted


def test_iter_sources_finds_what_sorted_rglob_found(tmp_path: Path) -> None:
    root = tmp_path / "root"
    names = ["a/x.txt", "a.txt", "a b/y.pdf", "A/z.txt", "a-b.txt", ".h/q.txt", "b/.c.txt", "b/c/d.md", "n.exe"]
    for rel in [*names, "b/c.txt", "é.txt", "a0/1.txt"]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    (tmp_path / "out.txt").write_text("x")
    os.symlink(tmp_path, root / "up")  # a link to a folder is not followed
    os.symlink(tmp_path / "out.txt", root / "lo.txt")  # leads out
    os.symlink(root / "a.txt", root / "li.txt")  # stays in
    expected = []
    for child in sorted(root.rglob("*")):  # the walk discover made before
        if child.is_file() and not any(p.startswith(".") for p in child.relative_to(root).parts):
            expected.append(child)
    found = discover([root])
    assert [Path(r.name) for r in found] == expected
    assert [r.name for r in found if isinstance(r, Skipped)] == [str(root / "lo.txt"), str(root / "n.exe")]
    sized = [r for r in iter_sources([root]) if not isinstance(r, Skipped)]
    assert all(r.signature is not None and r.size == r.signature[0] for r in sized)


@pytest.mark.usefixtures("settled_now")
def test_signatures_another_ingest_remembered_at_once_are_let_go(
    repository: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import IntegrityError

    def collide(session, rows):  # type: ignore[no-untyped-def]
        raise IntegrityError("INSERT INTO source_signatures", {}, Exception("duplicate key"))

    write_series(tmp_path / "c", 1, range(2022, 2024))
    monkeypatch.setattr(signatures, "remember", collide)
    assert _ingest(tmp_path / "c", repository).read == 2  # the reports are stored; the hint is not kept
    monkeypatch.undo()
    assert _ingest(tmp_path / "c", repository).already == 2


def test_migration_0013_makes_and_drops_the_signature_table(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    from gongkai.store import open_database
    from gongkai.store.db import alembic_config

    database = open_database(f"sqlite:///{tmp_path / 'm.sqlite'}")
    try:
        assert inspect(database.engine).has_table("source_signatures")
        from alembic import command

        with database.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0010")
            assert not inspect(conn).has_table("source_signatures")
            command.upgrade(alembic_config(conn), "head")
            assert inspect(conn).get_pk_constraint("source_signatures")["constrained_columns"] == ["path"]
    finally:
        database.close()
