"""Writes: a batch is one transaction, content is stored once by sha256, re-reads keep ids."""

from __future__ import annotations

import copy
from collections import Counter

import pytest
from sqlalchemy import func, select

import gongkai
from gongkai.model import Report
from gongkai.store.models import Source, StoredCell, StoredFinding, StoredReport, StoredSection
from gongkai.store.records import Record
from gongkai.store.repository import Repository

from .conftest import HONGZE_2023, HONGZE_2024, corpus_files, failed_record, no_cross_year


def _counts(repository: Repository) -> dict[str, int]:
    with repository.database.sessions() as session:
        return {
            table.__tablename__: session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Source, StoredReport, StoredCell, StoredSection, StoredFinding)
        }


def test_a_batch_written_twice_is_stored_once(repository: Repository, corpus_records: dict[str, Record]) -> None:
    records = list(corpus_records.values())
    first = repository.write(records, cross_year=no_cross_year)
    assert (first.reports, first.failed, first.already) == (len(records), 0, 0)
    assert first.findings == Counter(f["severity"] for r in records for f in r["findings"])
    after_first = _counts(repository)
    assert after_first["sources"] == len(records)
    assert after_first["cells"] == sum(len(r["report"]["cells"]) for r in records)
    second = repository.write(records, cross_year=no_cross_year)
    assert (second.reports, second.already) == (0, len(records))
    assert _counts(repository) == after_first


def test_the_same_content_twice_in_one_batch_is_stored_once(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    record = corpus_records[HONGZE_2024]
    result = repository.write([record, copy.deepcopy(record)], cross_year=no_cross_year)
    assert (result.reports, result.already) == (1, 1)
    assert repository.count_reports() == 1


def test_stored_reports_rebuild_what_was_read(stored: Repository) -> None:
    rows = stored.list_reports()
    rebuilt = stored.load_reports([r.id for r in rows])
    by_name = {r.source: rebuilt[r.id] for r in rows}
    for path in corpus_files():
        read, back = gongkai.read_file(path), by_name[str(path)]
        assert _cells(back) == _cells(read), path.name
        assert {n: (s.heading, s.text) for n, s in back.sections.items()} == {
            n: (s.heading, s.text) for n, s in read.sections.items()
        }
        assert (back.agency, back.year, back.format, back.published, back.title, back.entity_type) == (
            read.agency,
            read.year,
            read.format,
            read.published,
            read.title,
            read.entity_type,
        )


def _cells(report: Report) -> dict[str, tuple[object, ...]]:
    return {
        cid: (c.value, c.raw, c.state, c.unit, c.place.to_json() if c.place else None)
        for cid, c in report.cells.items()
    }


def test_a_failing_batch_stores_nothing(repository: Repository, corpus_records: dict[str, Record]) -> None:
    def broken(report: Report, previous: Report) -> list:  # type: ignore[type-arg]
        raise RuntimeError("检查中断")

    batch = [corpus_records[HONGZE_2023], corpus_records[HONGZE_2024], corpus_records["seeds/000_6e817ece59bf6a07.txt"]]
    with pytest.raises(RuntimeError, match="检查中断"):
        repository.write(batch, cross_year=broken)
    assert set(_counts(repository).values()) == {0}
    assert repository.write(batch, cross_year=no_cross_year).reports == 3


def test_an_unreadable_source_is_recorded_with_its_error(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    bad = failed_record("坏文件.pdf", b"%PDF-1.4 broken", "无法读取")
    good = corpus_records[HONGZE_2023]
    result = repository.write([good, bad], cross_year=no_cross_year)
    assert (result.reports, result.failed) == (1, 1)
    assert repository.failed_sources() == [("坏文件.pdf", "无法读取")]
    assert repository.known_sources([good["sha256"], bad["sha256"], "0" * 64]) == {
        good["sha256"]: False,
        bad["sha256"]: True,
    }


def test_replace_reads_again_and_keeps_report_ids(stored: Repository, corpus_records: dict[str, Record]) -> None:
    before = {r.sha256: r.id for r in stored.list_reports()}
    counts = _counts(stored)
    result = stored.write(list(corpus_records.values()), cross_year=no_cross_year, replace=True)
    assert (result.reports, result.already) == (len(corpus_records), 0)
    assert {r.sha256: r.id for r in stored.list_reports()} == before
    assert _counts(stored) == counts


def test_delete_and_rename(stored: Repository, corpus_records: dict[str, Record]) -> None:
    target = corpus_records[HONGZE_2024]
    rid = stored.report_ids_for([target["sha256"]])[target["sha256"]]
    stored.rename_sources({target["sha256"]: "洪泽区2024.pdf"})
    assert stored.report_row(rid).source == "洪泽区2024.pdf"  # type: ignore[union-attr]
    assert stored.delete_report(rid) is True
    assert stored.delete_report(rid) is False
    assert stored.load_report(rid) is None
    assert stored.count_reports() == len(corpus_records) - 1
    assert target["sha256"] not in stored.known_sources([target["sha256"]])
