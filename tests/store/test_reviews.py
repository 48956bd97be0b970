"""Reviews: a decision survives re-reading the same file, a corrected re-publication and re-linking years."""

from __future__ import annotations

import pytest

from gongkai.check import Finding, Severity
from gongkai.errors import NotFound, StoreError
from gongkai.model import Report
from gongkai.store.records import Record
from gongkai.store.repository import Repository
from gongkai.store.views import FindingRow

from .conftest import CORPUS, HONGZE_2023, HONGZE_2024, no_cross_year, record_of

YANGQUAN = "seeds/004_e7d4e3b0369f5572.txt"  # 阳泉市人民政府 2021: its table 三 does not balance


def _only(repository: Repository, name: str, records: dict[str, Record]) -> tuple[int, list[FindingRow]]:
    rid = repository.report_ids_for([records[name]["sha256"]])[records[name]["sha256"]]
    return rid, repository.findings([rid])[rid]


def _by_fingerprint(repository: Repository, rid: int, fingerprint: str) -> FindingRow:
    return next(f for f in repository.findings([rid])[rid] if f.fingerprint == fingerprint)


def test_a_decision_survives_reading_the_same_file_again(stored: Repository, corpus_records: dict[str, Record]) -> None:
    rid, findings = _only(stored, YANGQUAN, corpus_records)
    balance = next(f for f in findings if f.rule == "balance" and f.severity == "error")
    errors = stored.report_row(rid).errors  # type: ignore[union-attr]
    row = stored.set_review(rid, balance.fingerprint[:8], "dismissed", "审核员", "表内口径不同")
    assert (row.status, row.reviewer, row.reason) == ("dismissed", "审核员", "表内口径不同")
    assert stored.report_row(rid).errors == errors - 1  # type: ignore[union-attr]
    stored.write([corpus_records[YANGQUAN]], cross_year=no_cross_year, replace=True)
    kept = _by_fingerprint(stored, rid, balance.fingerprint)
    assert (kept.status, kept.reviewer, kept.reason) == ("dismissed", "审核员", "表内口径不同")
    assert stored.report_row(rid).errors == errors - 1  # type: ignore[union-attr]


def test_a_decision_follows_a_corrected_republication(stored: Repository, corpus_records: dict[str, Record]) -> None:
    rid, findings = _only(stored, YANGQUAN, corpus_records)
    balance = next(f for f in findings if f.rule == "balance")
    stored.set_review(rid, balance.fingerprint, "confirmed", "审核员")
    path = CORPUS / YANGQUAN
    corrected = record_of(path, path.read_bytes() + "\n（更正版）\n".encode())
    assert corrected["sha256"] != corpus_records[YANGQUAN]["sha256"]
    stored.write([corrected], cross_year=no_cross_year)
    newest = stored.report_ids_for([corrected["sha256"]])[corrected["sha256"]]
    assert newest != rid
    assert _by_fingerprint(stored, newest, balance.fingerprint).status == "confirmed"


def test_reopening_counts_the_error_again(stored: Repository, corpus_records: dict[str, Record]) -> None:
    rid, findings = _only(stored, YANGQUAN, corpus_records)
    error = next(f for f in findings if f.severity == "error")
    errors = stored.report_row(rid).errors  # type: ignore[union-attr]
    stored.set_review(rid, error.fingerprint, "dismissed")
    stored.set_review(rid, error.fingerprint, "open", "审核员", "重新核查")
    assert stored.report_row(rid).errors == errors  # type: ignore[union-attr]
    assert _by_fingerprint(stored, rid, error.fingerprint).reason == "重新核查"


def test_a_decision_on_a_cross_year_finding_survives_relinking(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    def fake(report: Report, previous: Report) -> list[Finding]:
        return [Finding("fake-carry", Severity.ERROR, ("title",), "跨年不一致")]

    pair = [corpus_records[HONGZE_2023], corpus_records[HONGZE_2024]]
    repository.write(pair, cross_year=fake)
    rid, findings = _only(repository, HONGZE_2024, corpus_records)
    cross = next(f for f in findings if f.cross_year)
    repository.set_review(rid, cross.fingerprint, "dismissed", "审核员", "口径调整")
    repository.write(pair[:1], cross_year=fake, replace=True)  # the previous year read again: the pair is re-linked
    again = _by_fingerprint(repository, rid, cross.fingerprint)
    assert (again.status, again.reason) == ("dismissed", "口径调整")


def test_review_errors(stored: Repository, corpus_records: dict[str, Record]) -> None:
    rid, findings = _only(stored, YANGQUAN, corpus_records)
    with pytest.raises(StoreError, match="审核状态") as bad_status:
        stored.set_review(rid, findings[0].fingerprint, "approved")
    assert not isinstance(bad_status.value, ValueError | KeyError)
    with pytest.raises(NotFound, match="没有指纹为 ffffffff 的问题"):
        stored.set_review(rid, "ffffffff", "dismissed")
    with pytest.raises(KeyError):  # NotFound is a KeyError too
        stored.set_review(999_999, findings[0].fingerprint, "dismissed")
    assert _by_fingerprint(stored, rid, findings[0].fingerprint).status == "open"
