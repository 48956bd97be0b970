"""Ingest: idempotent by content, bad files recorded, zip archives read safely, decisions kept."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sqlalchemy import func, select

from gongkai.batch import IngestOptions, Limits, ingest
from gongkai.batch.executors import InlineExecutor, open_executor
from gongkai.store.models import Source, StoredCell, StoredReport
from gongkai.store.repository import Repository

from ..conftest import CORPUS, shared_or_skip, write_series


def _count(repository: Repository, column) -> int:  # type: ignore[no-untyped-def]
    with repository.database.sessions() as session:
        return session.execute(select(func.count(column))).scalar_one()


def test_shared_corpus_twice_stores_each_report_once(repository: Repository) -> None:
    corpus = shared_or_skip(CORPUS)
    with open_executor(2) as executor:
        first = ingest([corpus], repository, executor)
    assert first.read + len(first.failed) == first.sources > 0
    stored = _count(repository, StoredReport.id)
    with open_executor(2) as executor:
        second = ingest([corpus], repository, executor)
    assert second.read == 0 and not second.failed
    assert second.already == first.sources
    assert second.stored_nothing_new
    assert _count(repository, StoredReport.id) == stored
    assert _count(repository, Source.id) == first.sources


def test_bad_file_is_recorded_and_the_batch_goes_on(repository: Repository, tmp_path: Path) -> None:
    write_series(tmp_path / "good", 3, range(2022, 2023))
    (tmp_path / "good" / "empty.txt").write_bytes(b"")
    (tmp_path / "good" / "broken.pdf").write_bytes(b"%PDF-1.4 this is not a pdf at all")
    summary = ingest([tmp_path / "good"], repository, InlineExecutor(), IngestOptions(files_per_task=2))
    assert summary.read == 3
    failed = dict(summary.failed)
    assert set(failed) == {str(tmp_path / "good" / "empty.txt"), str(tmp_path / "good" / "broken.pdf")}
    assert "empty" in failed[str(tmp_path / "good" / "empty.txt")]
    assert {name for name, _ in repository.failed_sources()} == set(failed)
    again = ingest([tmp_path / "good"], repository, InlineExecutor())
    assert again.read == 0 and again.already == 5


def test_every_report_has_all_its_cells(repository: Repository, tmp_path: Path) -> None:
    written = write_series(tmp_path, 4, range(2021, 2023))
    ingest([tmp_path], repository, InlineExecutor())
    with repository.database.sessions() as session:
        counts = session.execute(select(StoredCell.report_id, func.count()).group_by(StoredCell.report_id)).all()
    assert len(counts) == len(written)
    assert {n for _, n in counts} == {200}


def test_stored_values_are_exact(repository: Repository, tmp_path: Path) -> None:
    written = write_series(tmp_path, 2, range(2022, 2023))
    ingest([tmp_path], repository, InlineExecutor())
    rows = {r.source: r.id for r in repository.list_reports()}
    for name, synth in written.items():
        report, _ = repository.load_report(rows[name])  # type: ignore[misc]
        assert {cid: report.value(cid) for cid in synth.values} == synth.values  # type: ignore[attr-defined]


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_archives_are_read_safely(repository: Repository, tmp_path: Path) -> None:
    reports = write_series(tmp_path / "src", 2, range(2023, 2024))
    texts = [Path(p).read_bytes() for p in reports]
    archive = _zip(
        tmp_path / "reports.zip",
        {
            "a/one.txt": texts[0],
            "../escape.txt": texts[1],
            "/etc/absolute.txt": texts[1],
            "inner.zip": b"PK\x03\x04 not really",
            "notes.xlsx": b"x",
            "bomb.txt": b"0" * (3 * 1024 * 1024),  # inflates ~1000-fold
            "b/two.txt": texts[1],
        },
    )
    summary = ingest([archive], repository, InlineExecutor(), IngestOptions(limits=Limits(max_ratio=100)))
    assert summary.read == 2
    assert {r.source for r in repository.list_reports()} == {f"{archive}!a/one.txt", f"{archive}!b/two.txt"}
    reasons = dict(summary.skipped)
    assert "climbs out" in reasons[f"{archive}!../escape.txt"]
    assert "absolute" in reasons[f"{archive}!/etc/absolute.txt"]
    assert "nested" in reasons[f"{archive}!inner.zip"]
    assert "bomb" in reasons[f"{archive}!bomb.txt"]
    assert "not a report form" in reasons[f"{archive}!notes.xlsx"]
    assert not (tmp_path.parent / "escape.txt").exists()


def test_zip_total_budget_and_member_limit(repository: Repository, tmp_path: Path) -> None:
    reports = write_series(tmp_path / "src", 3, range(2023, 2024))
    members = {f"r{i}.txt": Path(p).read_bytes() for i, p in enumerate(reports)}
    archive = _zip(tmp_path / "r.zip", members, zipfile.ZIP_STORED)
    size = max(len(d) for d in members.values())
    limits = Limits(max_file=size, max_archive_total=2 * size + 10)
    summary = ingest([archive], repository, InlineExecutor(), IngestOptions(limits=limits))
    assert summary.read == 2
    assert any("total" in reason for _, reason in summary.skipped)


def test_review_survives_reread_and_new_version(repository: Repository, tmp_path: Path) -> None:
    seed = shared_or_skip(CORPUS / "seeds" / "004_e7d4e3b0369f5572.txt")
    copy = tmp_path / "yangquan.txt"
    copy.write_bytes(seed.read_bytes())
    ingest([copy], repository, InlineExecutor())
    (row,) = repository.list_reports()
    _, findings = repository.load_report(row.id)  # type: ignore[misc]
    balance = next(f for f in findings if f.rule == "balance")
    assert row.errors >= 1
    repository.set_review(row.id, balance.fingerprint[:6], "dismissed", "审核员", "表内口径不同")
    assert repository.list_reports()[0].errors == row.errors - 1
    # re-read the same content: the report is replaced, the decision re-attaches by content hash
    ingest([copy], repository, InlineExecutor(), IngestOptions(replace=True))
    (again,) = repository.list_reports()
    assert again.id == row.id  # a re-read report keeps its id
    kept = next(f for f in repository.findings([again.id])[again.id] if f.fingerprint == balance.fingerprint)
    assert (kept.status, kept.reviewer, kept.reason) == ("dismissed", "审核员", "表内口径不同")
    # a corrected re-publication (new content, same agency and year) keeps it too
    copy.write_bytes(seed.read_bytes() + "\n（更正版）\n".encode())
    ingest([copy], repository, InlineExecutor())
    newest = max(repository.list_reports(), key=lambda r: r.id)
    kept = next(f for f in repository.findings([newest.id])[newest.id] if f.fingerprint == balance.fingerprint)
    assert kept.status == "dismissed"


def test_migrations_head_matches_the_file_convention(database) -> None:  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    from gongkai.store.db import alembic_config, current_revision, head_revision

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == head_revision()
    assert current_revision(database.engine) == head_revision()
