"""The writer that only writes: prepared rows go in as they are, years link from what the writer holds.

The guards: what a prepared record stores is what the plain record stored; the pairs the writer's
index finds are those the database gives (``links.year_pairs``) after every batch, within one batch
or across several; error counts are those ``refresh_error_counts`` gives; a crash in the bulk insert
leaves nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from gongkai.batch.work import read_one
from gongkai.check import cross_year_findings
from gongkai.measure.synth import agency_name, synth_series
from gongkai.store import writes
from gongkai.store.base import refresh_error_counts
from gongkai.store.links import YearIndex, year_pairs
from gongkai.store.models import Source, StoredCell, StoredFinding, StoredReport
from gongkai.store.places import STATES, unpack_cell
from gongkai.store.records import CELL_COLUMNS, Record, cell_row, prepare, report_from_rows, report_rows, stored_cell
from gongkai.store.repository import Repository

from .conftest import HONGZE_2023, HONGZE_2024


def _series(agencies: int, years: range = range(2021, 2025), start: int = 0) -> list[Record]:
    """Worker records of synthetic series: ``agencies`` agencies, one report a year each."""
    out = []
    for number in range(start, start + agencies):
        for report in synth_series(agency_name(number), years, number):
            data = report.text.encode()
            out.append(read_one(f"{number:04d}-{report.year}.txt", data, hashlib.sha256(data).hexdigest()))
    return out


@pytest.fixture(scope="module")
def series() -> list[Record]:
    return _series(3)


def _stored(repository: Repository) -> dict[str, Any]:
    """Everything a write leaves, keyed by content and free of ids that depend on the order of writing."""
    with repository.database.sessions() as session:
        sha_of = dict(session.execute(select(StoredReport.id, Source.sha256).join(Source)).all())
        reports = {
            sha_of[r.id]: (r.agency_key, r.year, r.version, sha_of.get(r.superseded_by), r.errors, r.format)
            for r in session.scalars(select(StoredReport))
        }
        cells = sorted(
            (sha_of[c.report_id], c.cell_id, c.value_text, c.number, c.raw, c.state, c.unit, json.dumps(c.place))
            for c in session.scalars(select(StoredCell))
        )
        findings = sorted(
            (sha_of[f.report_id], f.rule, f.severity, tuple(f.cells), f.message, f.fingerprint, f.cross_year)
            for f in session.scalars(select(StoredFinding))
        )
    return {"reports": reports, "cells": cells, "findings": findings}


def _check_pairs(repository: Repository) -> None:
    """The writer's index, read afresh, pairs every report as the database does."""
    with repository.database.sessions() as session:
        ids = list(session.scalars(select(StoredReport.id)))
        keys = set(session.scalars(select(StoredReport.agency_key)))
        assert YearIndex.of(session, keys).pairs(ids) == year_pairs(session, ids)


def test_a_prepared_record_stores_what_the_plain_record_stored(
    repository: Repository, tmp_path: Any, corpus_records: dict[str, Record]
) -> None:
    from gongkai.store import open_database

    records = list(corpus_records.values())
    other = Repository(open_database(f"sqlite:///{tmp_path / 'plain.sqlite'}"))
    repository.write([prepare(r) for r in records], cross_year=cross_year_findings)
    other.write(records, cross_year=cross_year_findings)
    assert _stored(repository) == _stored(other)
    other.database.close()


def test_a_cell_row_holds_the_cell_in_column_order_in_its_compact_form(corpus_records: dict[str, Record]) -> None:
    record = corpus_records[HONGZE_2024]
    for seq, cell in enumerate(record["report"]["cells"]):
        row = dict(zip(CELL_COLUMNS, stored_cell(cell, seq), strict=True))
        cid, text, raw, state, unit, place = cell
        assert [row[c] for c in ("cell_id", "seq", "value_text", "unit")] == [cid, seq, text, unit]
        assert STATES[row["state"]] == state
        assert unpack_cell(text, row["raw"], row["place"]) == (raw, place)
        assert row["raw"] is None or row["raw"] != text  # raw kept only where it differs from the value


def test_the_report_the_writer_rebuilds_is_the_one_the_database_gives_back(
    stored: Repository, corpus_records: dict[str, Record]
) -> None:
    ids = stored.report_ids_for([r["sha256"] for r in corpus_records.values()])
    back = stored.load_reports(list(ids.values()))
    for record in corpus_records.values():
        rebuilt = report_from_rows(record["name"], report_rows(record["report"]))
        again = back[ids[record["sha256"]]]
        assert [cell_row(c) for c in rebuilt.cells.values()] == [cell_row(c) for c in again.cells.values()]
        assert (rebuilt.agency, rebuilt.year, rebuilt.published, rebuilt.sections) == (
            again.agency,
            again.year,
            again.published,
            again.sections,
        )


@pytest.mark.parametrize("size", [1, 3, 5, 12])
def test_years_link_the_same_in_one_batch_or_across_batches(
    repository: Repository, tmp_path: Any, series: list[Record], size: int
) -> None:
    from gongkai.store import open_database

    whole = Repository(open_database(f"sqlite:///{tmp_path / 'whole.sqlite'}"))
    whole.write(series, cross_year=cross_year_findings)
    for i in range(0, len(series), size):
        repository.write([prepare(r) for r in series[i : i + size]], cross_year=cross_year_findings)
        _check_pairs(repository)
    assert _stored(repository) == _stored(whole)
    assert any(f[-1] for f in _stored(whole)["findings"])  # the series do raise cross-year findings
    whole.database.close()


def test_years_written_backwards_link_as_forwards(repository: Repository, tmp_path: Any, series: list[Record]) -> None:
    from gongkai.store import open_database

    forwards = Repository(open_database(f"sqlite:///{tmp_path / 'forwards.sqlite'}"))
    for record in series:
        forwards.write([record], cross_year=cross_year_findings)
    for record in reversed(series):
        repository.write([record], cross_year=cross_year_findings)
        _check_pairs(repository)
    assert _stored(repository)["findings"] == _stored(forwards)["findings"]
    forwards.database.close()


def test_error_counts_are_those_the_database_counts(repository: Repository, series: list[Record]) -> None:
    repository.write(series, cross_year=cross_year_findings)
    before = _stored(repository)["reports"]
    with repository.database.sessions.begin() as session:
        refresh_error_counts(session, list(session.scalars(select(StoredReport.id))))
    assert _stored(repository)["reports"] == before


def test_versions_in_one_batch_and_across_batches_agree(repository: Repository, tmp_path: Any) -> None:
    from gongkai.store import open_database

    first, second = _series(2, range(2022, 2024)), _series(2, range(2022, 2024))
    for record in second:  # the same agency-years, other bytes: second versions
        data = (record["name"] + " 第二版").encode()
        record["sha256"] = hashlib.sha256(data).hexdigest()
    apart = Repository(open_database(f"sqlite:///{tmp_path / 'apart.sqlite'}"))
    apart.write(first, cross_year=cross_year_findings)
    apart.write(second, cross_year=cross_year_findings)
    repository.write(first + second, cross_year=cross_year_findings)
    _check_pairs(repository)
    one, two = _stored(repository), _stored(apart)
    assert one["reports"] == two["reports"]
    current = {sha for sha, r in one["reports"].items() if r[3] is None}
    assert [f for f in one["findings"] if f[0] in current] == [f for f in two["findings"] if f[0] in current]
    # a version superseded in its own batch was never current: it has no cross-year findings to keep
    assert not [f for f in one["findings"] if f[0] not in current and f[-1]]
    versions = sorted((v[2], v[3] is None) for v in _stored(repository)["reports"].values())
    assert versions == [(1, False)] * 4 + [(2, True)] * 4
    apart.database.close()


def test_a_crash_in_the_bulk_insert_leaves_nothing(
    repository: Repository, series: list[Record], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = writes.execute_many

    def crash(connection: Any, table: str, *args: Any, **kwargs: Any) -> None:
        real(connection, table, *args, **kwargs)
        if table == "sections":  # after the cells went in
            raise OSError("磁盘已满")

    monkeypatch.setattr(writes, "execute_many", crash)
    with pytest.raises(OSError, match="磁盘已满"):
        repository.write(series, cross_year=cross_year_findings)
    with repository.database.sessions() as session:
        assert session.execute(select(func.count()).select_from(StoredCell)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(Source)).scalar_one() == 0
    monkeypatch.undo()
    assert repository.write(series, cross_year=cross_year_findings).reports == len(series)


def test_the_same_prepared_batch_twice_is_stored_once(repository: Repository, series: list[Record]) -> None:
    batch = [prepare(r) for r in series]
    assert repository.write(batch, cross_year=cross_year_findings).reports == len(series)
    stored = _stored(repository)
    again = repository.write(batch, cross_year=cross_year_findings)
    assert (again.reports, again.already) == (0, len(series))
    assert _stored(repository) == stored


def test_a_reread_batch_keeps_ids_versions_and_pairs(repository: Repository, corpus_records: dict[str, Record]) -> None:
    pair = [corpus_records[HONGZE_2023], corpus_records[HONGZE_2024]]
    repository.write(pair, cross_year=cross_year_findings)
    before = _stored(repository)
    ids = repository.report_ids_for([r["sha256"] for r in pair])
    repository.write([prepare(r) for r in reversed(pair)], cross_year=cross_year_findings, replace=True)
    _check_pairs(repository)
    assert repository.report_ids_for([r["sha256"] for r in pair]) == ids
    assert _stored(repository) == before
