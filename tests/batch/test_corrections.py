"""Corrections through the pipeline: a re-read of the same content puts the corrections in force back
before checking (``ingest --replace``, or the same file stored again), and the workers get them."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import pytest

from gongkai.batch import IngestOptions, ingest
from gongkai.batch.corrections import correct, withdraw
from gongkai.batch.executors import InlineExecutor
from gongkai.batch.work import read_batch, read_one
from gongkai.model import CellState
from gongkai.store.repository import Repository
from gongkai.store.views import FindingRow

from ..conftest import CORPUS, shared_or_skip

YANGQUAN = "seeds/004_e7d4e3b0369f5572.txt"  # 阳泉市人民政府 2021: its 自然人 balance fails on a blank 上年结转
CARRIED = "applications.carried.person"


@pytest.fixture
def seed() -> Path:
    return shared_or_skip(CORPUS / YANGQUAN)


def _store(repository: Repository, seed: Path, replace: bool = False) -> int:
    ingest([seed], repository, InlineExecutor(), IngestOptions(replace=replace))
    sha = hashlib.sha256(seed.read_bytes()).hexdigest()
    return repository.report_ids_for([sha])[sha]


def _rules_on(findings: list[FindingRow], cell: str) -> set[str]:
    return {f.rule for f in findings if cell in f.cells}


def test_a_reread_keeps_the_correction_in_force(repository: Repository, seed: Path) -> None:
    rid = _store(repository, seed)
    result = correct(repository, rid, CARRIED, "1", "扫描件上此格为1", "王审核")
    assert "balance" in {f.rule for f in result.findings_removed}
    corrected = sorted((f.fingerprint, f.message) for f in repository.findings([rid])[rid])
    assert _store(repository, seed, replace=True) == rid  # read again from the file
    report, findings = repository.load_report(rid)  # type: ignore[misc]
    cell = report.cells[CARRIED]
    assert cell.value == 1 and cell.correction is not None
    assert (cell.correction.read_state, cell.correction.reason, cell.correction.author) == (
        CellState.BLANK,
        "扫描件上此格为1",
        "王审核",
    )
    assert _rules_on(findings, CARRIED) == {"row-total"}  # the balance it fixed stays fixed
    assert sorted((f.fingerprint, f.message) for f in findings) == corrected  # prose checks included
    assert [h.in_force for h in repository.corrections(rid)] == [True]


def test_the_same_file_stored_again_gets_its_corrections_back(repository: Repository, seed: Path) -> None:
    rid = _store(repository, seed)
    correct(repository, rid, CARRIED, "1", "扫描件上此格为1")
    assert repository.delete_report(rid)
    again = _store(repository, seed)
    report, findings = repository.load_report(again)  # type: ignore[misc]
    assert report.cells[CARRIED].value == 1 and report.cells[CARRIED].correction is not None
    assert "balance" not in _rules_on(findings, CARRIED)


def test_after_withdrawal_a_reread_reads_the_printed_value(repository: Repository, seed: Path) -> None:
    rid = _store(repository, seed)
    correct(repository, rid, CARRIED, "1", "扫描件上此格为1")
    withdraw(repository, rid, CARRIED)
    _store(repository, seed, replace=True)
    report, findings = repository.load_report(rid)  # type: ignore[misc]
    assert report.cells[CARRIED].correction is None and report.cells[CARRIED].state is CellState.BLANK
    assert "balance" in _rules_on(findings, CARRIED)


def test_workers_put_in_the_corrections_they_are_handed(repository: Repository, seed: Path) -> None:
    rid = _store(repository, seed)
    correct(repository, rid, CARRIED, "1", "扫描件上此格为1")
    sha = hashlib.sha256(seed.read_bytes()).hexdigest()
    rows = tuple(repository.corrections_in_force([sha])[sha].values())
    assert pickle.loads(pickle.dumps(rows)) == rows  # they travel to worker processes
    data = seed.read_bytes()
    plain = read_one(seed.name, data, sha)
    fixed = read_one(seed.name, data, sha, corrections=rows)
    plain_cell = next(c for c in plain["report"]["cells"] if c[0] == CARRIED)
    fixed_cell = next(c for c in fixed["report"]["cells"] if c[0] == CARRIED)
    assert plain_cell[1] is None and plain_cell[3] == "blank"
    assert fixed_cell[1] == "1" and fixed_cell[3] == "read" and fixed_cell[5]["correction"]["read_state"] == "blank"
    assert "balance" in {f["rule"] for f in plain["findings"] if CARRIED in f["cells"]}
    assert "balance" not in {f["rule"] for f in fixed["findings"] if CARRIED in f["cells"]}
    [batched] = read_batch([(seed.name, data, sha)], corrections={sha: rows})
    assert batched["findings"] == fixed["findings"]
    [other] = read_batch([(seed.name, data, sha)], corrections={"0" * 64: rows})
    assert other["findings"] == plain["findings"]
