"""The ingest pipeline on the real seeds and dev reports: stored once, re-read without losing reviews,
a damaged file recorded and passed over, a zip archive read as its folder."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from gongkai import Finding, Report, read_and_check
from gongkai.batch import IngestOptions, IngestSummary, ingest
from gongkai.batch.executors import InlineExecutor
from gongkai.model import format_value
from gongkai.store import open_database
from gongkai.store.models import Source, StoredReport
from gongkai.store.repository import Repository

from ..conftest import CORPUS, shared_or_skip

SEEDS = CORPUS / "seeds"
DEV = CORPUS / "dev"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _sources(*folders: Path) -> list[Path]:
    return sorted(p for f in folders for p in shared_or_skip(f).iterdir() if p.suffix != ".tsv")


def _second_store(tmp_path: Path) -> Repository:
    """A SQLite store beside the test's ``repository`` (which is PostgreSQL too where GONGKAI_TEST_PG is set)."""
    return Repository(open_database(f"sqlite:///{tmp_path / 'second.sqlite'}"))


def _count(repository: Repository, column: Any) -> int:
    with repository.database.sessions() as session:
        return int(session.execute(select(func.count(column))).scalar_one())


def _run(paths: list[Path], repository: Repository, options: IngestOptions | None = None) -> tuple[IngestSummary, int]:
    """Ingest in this process; also the sum of what the progress callback was told was done."""
    done: list[int] = []
    totals: set[int] = set()

    def progress(step: int, total: int) -> None:
        done.append(step)
        totals.add(total)

    summary = ingest(paths, repository, InlineExecutor(), options, progress)
    assert totals == {summary.sources}
    return summary, sum(done)


def _read(paths: list[Path]) -> dict[str, tuple[Report, list[Finding]]]:
    return {str(p): read_and_check(p) for p in paths}


def _stored(repository: Repository) -> dict[str, tuple[object, ...]]:
    """By content hash: what the store holds of each report (metadata, every cell, finding rules)."""
    rows = {r.id: r for r in repository.list_reports()}
    cells: dict[int, dict[str, tuple[str | None, str]]] = {rid: {} for rid in rows}
    for report_id, cell_id, value, state in repository.iter_cells():
        cells[report_id][cell_id] = (value, state)
    findings = repository.findings(list(rows))
    return {
        r.sha256: (
            r.agency,
            r.year,
            r.format,
            r.entity_type,
            r.published,
            cells[rid],
            sorted((f.rule, f.fingerprint) for f in findings[rid]),
        )
        for rid, r in rows.items()
    }


def _cells(report: Report) -> dict[str, tuple[str | None, str]]:
    return {cid: (None if c.value is None else format_value(c.value), c.state.value) for cid, c in report.cells.items()}


# --- stored once ------------------------------------------------------------------------------------------


def test_ingest_twice_stores_once(repository: Repository) -> None:
    sources = _sources(SEEDS, DEV)
    first, ticked = _run([SEEDS, DEV], repository)
    assert (first.sources, first.read, first.already, first.duplicates) == (len(sources), len(sources), 0, 0)
    assert ticked == first.sources
    assert first.failed == []
    (skipped,) = first.skipped  # the MANIFEST is no report
    assert skipped[0] == str(DEV / "MANIFEST.tsv") and "不是 gongkai 能读取的报告形式" in skipped[1]
    read = _read(sources)
    assert first.findings == Counter(f.severity.value for _, fs in read.values() for f in fs)
    stored = {r.source: r for r in repository.list_reports()}
    assert set(stored) == set(read)
    for source, row in stored.items():
        report, _ = read[source]
        assert (row.agency, row.year, row.format) == (report.agency, report.year, report.format_id)
        loaded = repository.load_report(row.id)
        assert loaded is not None and _cells(loaded[0]) == _cells(report)

    second, ticked = _run([SEEDS, DEV], repository)
    assert (second.read, second.already, second.failed) == (0, len(sources), [])
    assert second.stored_nothing_new and ticked == second.sources
    assert not second.findings
    assert _count(repository, StoredReport.id) == _count(repository, Source.id) == len(sources)
    assert {r.id for r in repository.list_reports()} == {r.id for r in stored.values()}


def test_the_same_content_twice_in_one_run_is_stored_once(repository: Repository, tmp_path: Path) -> None:
    seed = shared_or_skip(SEEDS / "003_30f21ffa1848b77a.txt")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(seed, folder / "a.txt")
    shutil.copy(seed, folder / "b-copy.txt")
    summary, ticked = _run([folder], repository)
    assert (summary.sources, summary.read, summary.duplicates) == (2, 1, 1)
    assert ticked == 2
    assert [r.source for r in repository.list_reports()] == [str(folder / "a.txt")]


# --- re-reading keeps reviews --------------------------------------------------------------------------------


DECISIONS = [  # (source, rule, status, reason)
    (SEEDS / "004_e7d4e3b0369f5572.txt", "balance", "dismissed", "表内为全市口径"),
    (SEEDS / "000_6e817ece59bf6a07.txt", "negative-value", "confirmed", "确系填报错误"),
    (DEV / "001_huaian-hongze-qu-2023.pdf", "appeal-total", "dismissed", "总计栏原文为0"),
    (SEEDS / "003_30f21ffa1848b77a.txt", "fee-statement-missing", "confirmed", None),
]


def test_reread_keeps_every_review_and_every_report_id(repository: Repository) -> None:
    sources = _sources(SEEDS, DEV)
    _run([SEEDS, DEV], repository)
    before = {r.source: r for r in repository.list_reports()}
    decided: dict[tuple[int, str], tuple[str, str | None, str | None]] = {}
    for source, rule, status, reason in DECISIONS:
        row = before[str(source)]
        finding = next(f for f in repository.findings([row.id])[row.id] if f.rule == rule)
        repository.set_review(row.id, finding.fingerprint, status, "审核员", reason)
        decided[(row.id, finding.fingerprint)] = (status, "审核员", reason)
    reviewed = {r.source: r for r in repository.list_reports()}

    again, ticked = _run([SEEDS, DEV], repository, IngestOptions(replace=True))
    assert not again.failed and ticked == again.sources == len(sources)
    after = {r.source: r for r in repository.list_reports()}
    assert {s: r.id for s, r in after.items()} == {s: r.id for s, r in before.items()}  # a re-read keeps its id
    assert {s: (r.errors, r.warnings) for s, r in after.items()} == {
        s: (r.errors, r.warnings) for s, r in reviewed.items()
    }
    assert after[str(DECISIONS[0][0])].errors == before[str(DECISIONS[0][0])].errors - 1  # a dismissed error
    found = repository.findings([r.id for r in after.values()])
    for report_id, findings in found.items():
        for f in findings:
            expected = decided.get((report_id, f.fingerprint), ("open", None, None))
            assert (f.status, f.reviewer, f.reason) == expected, (report_id, f.rule)
    assert _count(repository, StoredReport.id) == len(sources)


# --- a damaged file among good ones --------------------------------------------------------------------------


def _damaged(folder: Path) -> dict[str, bytes]:
    pdf = shared_or_skip(DEV / "001_huaian-hongze-qu-2023.pdf").read_bytes()
    with zipfile.ZipFile(folder / "scratch.zip", "w") as archive:
        archive.writestr("word/document.xml", "<w:document 未闭合")
    docx = (folder / "scratch.zip").read_bytes()
    (folder / "scratch.zip").unlink()
    return {
        "002_cut-short.pdf": pdf[: len(pdf) // 3],  # a download that broke off
        "003_not-a-pdf.pdf": b"%PDF-1.4\n this is not a pdf at all",
        "004_broken.docx": docx,
    }


def test_a_damaged_file_is_recorded_with_a_chinese_reason_and_the_batch_goes_on(
    repository: Repository, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    seeds = _sources(SEEDS)
    for seed in seeds:
        shutil.copy(seed, folder / seed.name)
    damaged = _damaged(folder)
    for name, data in damaged.items():
        (folder / name).write_bytes(data)
    # three files a task: every damaged file shares its task with good ones
    summary, ticked = _run([folder], repository, IngestOptions(files_per_task=3))
    assert summary.sources == ticked == len(seeds) + len(damaged)
    assert summary.read == len(seeds)
    failed = dict(summary.failed)
    assert set(failed) == {str(folder / n) for n in damaged}
    for name, reason in failed.items():
        assert CHINESE.search(reason), (name, reason)
    assert "PDF" in failed[str(folder / "003_not-a-pdf.pdf")] and "Word" in failed[str(folder / "004_broken.docx")]
    assert dict(repository.failed_sources()) == failed
    assert {r.source for r in repository.list_reports()} == {str(folder / s.name) for s in seeds}

    again, _ = _run([folder], repository)
    assert (again.read, again.already, again.failed) == (0, len(seeds) + len(damaged), [])
    retried, _ = _run([folder], repository, IngestOptions(retry_failed=True))
    assert dict(retried.failed) == failed  # still damaged: recorded again, not twice
    assert dict(repository.failed_sources()) == failed
    assert len(repository.failed_sources()) == len(damaged)
    assert _count(repository, StoredReport.id) == len(seeds)


# --- a zip archive reads as its folder --------------------------------------------------------------------


def _archive(path: Path, folders: list[Path]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder in folders:
            for file in sorted(folder.iterdir()):
                archive.write(file, f"{folder.name}/{file.name}")
    return path


def test_a_zip_of_the_corpus_stores_the_same_reports_as_its_folders(repository: Repository, tmp_path: Path) -> None:
    folders = [shared_or_skip(SEEDS), shared_or_skip(DEV)]
    archive = _archive(tmp_path / "corpus.zip", folders)
    from_folders, _ = _run(folders, repository)
    second = _second_store(tmp_path)
    try:
        from_zip, ticked = _run([archive], second)
        assert (from_zip.sources, from_zip.read, ticked) == (from_folders.sources, from_folders.read, from_zip.sources)
        assert from_zip.findings == from_folders.findings
        assert from_zip.skipped == [(f"{archive}!dev/MANIFEST.tsv", from_folders.skipped[0][1])]
        assert _stored(second) == _stored(repository)
        expected_names = {f"{archive}!{p.parent.name}/{p.name}" for p in _sources(*folders)}
        assert {r.source for r in second.list_reports()} == expected_names
    finally:
        second.database.close()
    # the same content again, from the archive, into the store the folders filled: nothing new
    again, _ = _run([archive], repository)
    assert again.read == 0 and again.already == from_folders.read and again.stored_nothing_new
