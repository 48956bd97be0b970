"""Hand corrections of cells in the store: the read value kept, findings replaced in the same transaction,
reviewers' decisions kept, withdrawal restoring what was read, the history, and the corrections in force."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

import gongkai
from gongkai.check import check, cross_year_findings
from gongkai.errors import NotFound, StoreError
from gongkai.formats import FORMATS
from gongkai.model import CellState, Report
from gongkai.store.corrections import apply_corrections, correction_value
from gongkai.store.models import CellCorrection, StoredCell
from gongkai.store.places import decode_place
from gongkai.store.repository import Repository
from gongkai.store.views import CorrectionResult, FindingRow

from .conftest import CORPUS, HONGZE_2023, HONGZE_2024, Recorder, no_cross_year, record_of

YANGQUAN = "seeds/004_e7d4e3b0369f5572.txt"  # 阳泉市人民政府 2021: 本年新收36 + 上年结转空 ≠ 总计36 + 结转下年度1
CARRIED = "applications.carried.person"  # printed blank: 1 makes the 自然人 balance hold, and breaks its row total
NEW_COMMERCIAL = "applications.new.commercial"  # printed blank; its row (本年新收) adds up as printed
CARRY_FORWARD = "applications.carry_forward.person"  # printed 1


def _yangquan(repository: Repository) -> int:
    record = record_of(CORPUS / YANGQUAN)
    repository.write([record], cross_year=no_cross_year)
    return repository.report_ids_for([record["sha256"]])[record["sha256"]]


def _correct(
    repository: Repository, rid: int, cell: str, value: str, reason: str = "核对原文", **kw: object
) -> CorrectionResult:
    return repository.correct_cell(rid, cell, value, reason=reason, check=check, cross_year=no_cross_year, **kw)  # type: ignore[arg-type]


def _withdraw(repository: Repository, rid: int, cell: str, by: str | None = None) -> CorrectionResult:
    return repository.withdraw_correction(rid, cell, check=check, cross_year=no_cross_year, by=by)


def _findings(repository: Repository, rid: int) -> list[FindingRow]:
    return repository.findings([rid])[rid]


def _on(findings: list[FindingRow], rule: str, cell: str) -> list[FindingRow]:
    return [f for f in findings if f.rule == rule and cell in f.cells]


def test_a_correction_that_fixes_one_identity_and_breaks_another(repository: Repository) -> None:
    rid = _yangquan(repository)
    before = _findings(repository, rid)
    assert _on(before, "balance", CARRIED) and not _on(before, "row-total", CARRIED)
    result = _correct(repository, rid, CARRIED, "1", "扫描件上此格为1", author="王审核")
    after = _findings(repository, rid)
    assert not _on(after, "balance", CARRIED)  # 36 + 1 = 36 + 1
    assert _on(after, "row-total", CARRIED)  # 1 + 空 … ≠ 总计 空
    assert [f.rule for f in result.findings_removed] == ["balance"]
    assert [f.rule for f in result.findings_added] == ["row-total"]
    assert (result.value, result.state, result.read_state, result.withdrawn) == ("1", "read", "blank", False)
    # the other balance (总计 column) and the prose finding the stored report cannot re-check stay as they were
    assert {f.fingerprint for f in before} - {f.fingerprint for f in result.findings_removed} <= {
        f.fingerprint for f in after
    }
    assert any(f.rule == "narrative-mismatch" for f in after)
    assert repository.report_row(rid).errors == 2  # type: ignore[union-attr]


def test_the_read_value_is_kept_beside_the_corrected_one(repository: Repository) -> None:
    rid = _yangquan(repository)
    read = repository.load_report(rid)[0].cells[CARRY_FORWARD]  # type: ignore[index]
    assert read.value == 1 and read.correction is None
    _correct(repository, rid, CARRY_FORWARD, "0", "原文为0，识别成1", author="王审核")
    cell = repository.load_report(rid)[0].cells[CARRY_FORWARD]  # type: ignore[index]
    assert (cell.value, cell.state) == (0, CellState.READ)
    assert cell.correction is not None
    assert (cell.correction.read_value, cell.correction.read_state) == (1, CellState.READ)
    assert (cell.correction.reason, cell.correction.author) == ("原文为0，识别成1", "王审核")
    assert cell.raw == read.raw and cell.place == read.place and cell.placement == read.placement
    assert cell.to_json()["correction"]["read"] == 1  # type: ignore[index]
    [row] = repository.corrections(rid)
    assert (row.cell_id, row.value, row.read_value, row.in_force, row.withdrawn_at) == (
        CARRY_FORWARD,
        "0",
        "1",
        True,
        None,
    )
    with repository.database.sessions() as session:
        stored = session.scalars(
            select(StoredCell).where(StoredCell.report_id == rid, StoredCell.cell_id == CARRY_FORWARD)
        ).one()
        assert (stored.value_text, stored.number) == ("0", 0.0)  # figures over the corpus count the correction
        assert decode_place(stored.place)["correction"]["read"] == "1"  # type: ignore[index]


def test_a_correction_that_breaks_an_identity_that_held(repository: Repository) -> None:
    rid = _yangquan(repository)
    assert not _on(_findings(repository, rid), "row-total", NEW_COMMERCIAL)
    result = _correct(repository, rid, NEW_COMMERCIAL, "5")
    added = _on(list(result.findings_added), "row-total", NEW_COMMERCIAL)
    assert added and added[0].severity == "error" and "5" in added[0].message


def test_a_reviewers_decision_on_an_unaffected_finding_survives(repository: Repository) -> None:
    rid = _yangquan(repository)
    total_balance = next(
        f for f in _findings(repository, rid) if f.rule == "balance" and "applications.new.total" in f.cells
    )
    fee = next(f for f in _findings(repository, rid) if f.rule == "fee-statement-missing")
    repository.set_review(rid, total_balance.fingerprint, "dismissed", "审核员", "口径不同")
    repository.set_review(rid, fee.fingerprint, "confirmed", "审核员")
    _correct(repository, rid, CARRIED, "1")
    after = {f.fingerprint: f for f in _findings(repository, rid)}
    assert (after[total_balance.fingerprint].status, after[total_balance.fingerprint].reason) == (
        "dismissed",
        "口径不同",
    )
    assert after[fee.fingerprint].status == "confirmed"
    assert after[total_balance.fingerprint].id == total_balance.id  # kept as it was, not stored again
    assert repository.report_row(rid).errors == 1  # type: ignore[union-attr]  # row-total; the dismissed one not counted


def test_withdrawal_restores_the_read_value_its_findings_and_their_decisions(repository: Repository) -> None:
    rid = _yangquan(repository)
    before = _findings(repository, rid)
    person = _on(before, "balance", CARRIED)[0]
    repository.set_review(rid, person.fingerprint, "confirmed", "审核员", "确有问题")
    _correct(repository, rid, CARRIED, "1")
    _correct(repository, rid, CARRIED, "2", "再次核对")  # a second correction of the same cell
    assert repository.load_report(rid)[0].cells[CARRIED].value == 2  # type: ignore[index]
    result = _withdraw(repository, rid, CARRIED, by="复核员")
    assert result.withdrawn and result.value is None and result.state == "blank"
    cell = repository.load_report(rid)[0].cells[CARRIED]  # type: ignore[index]
    assert (cell.value, cell.state, cell.correction) == (None, CellState.BLANK, None)
    after = _findings(repository, rid)
    assert sorted((f.fingerprint, f.message) for f in after) == sorted((f.fingerprint, f.message) for f in before)
    back = _on(after, "balance", CARRIED)[0]
    assert (back.status, back.reviewer, back.reason) == ("confirmed", "审核员", "确有问题")
    history = repository.corrections(rid)
    assert [(h.value, h.in_force, h.withdrawn_at is not None, h.withdrawn_by) for h in history] == [
        ("2", False, True, "复核员"),
        ("1", False, True, "复核员"),  # an older correction still standing is withdrawn with it, by the same
    ]
    assert repository.corrections_in_force([repository.report_row(rid).sha256]) == {}  # type: ignore[union-attr]
    with pytest.raises(NotFound, match="没有生效的更正"):
        _withdraw(repository, rid, CARRIED)


def test_not_printed_and_a_cell_the_reader_had_not(repository: Repository) -> None:
    record = record_of(CORPUS / YANGQUAN)
    missing = NEW_COMMERCIAL
    record["report"]["cells"] = [c for c in record["report"]["cells"] if c[0] != missing]  # as if never placed
    repository.write([record], cross_year=no_cross_year)
    rid = repository.report_ids_for([record["sha256"]])[record["sha256"]]
    assert missing not in repository.load_report(rid)[0].cells  # type: ignore[index]
    _correct(repository, rid, missing, "3")
    cell = repository.load_report(rid)[0].cells[missing]  # type: ignore[index]
    assert cell.value == 3 and cell.correction is not None and cell.correction.read_state is None
    _withdraw(repository, rid, missing)
    assert missing not in repository.load_report(rid)[0].cells  # type: ignore[index]
    _correct(repository, rid, CARRY_FORWARD, "缺", "原文此格为空，1 是页码")
    cell = repository.load_report(rid)[0].cells[CARRY_FORWARD]  # type: ignore[index]
    assert (cell.value, cell.state) == (None, CellState.ABSENT) and cell.correction.read_value == 1  # type: ignore[union-attr]
    assert repository.corrections(rid)[0].value is None


def test_refusals_are_in_chinese_and_store_nothing(repository: Repository) -> None:
    rid = _yangquan(repository)
    for value, message in (
        ("一", "更正值须为数字"),
        ("1.5", "须为整数"),
        ("-1", "不能为负数"),
        ("1e3", "须为数字"),
        ("", "须为数字"),
    ):
        with pytest.raises(StoreError, match=message):
            _correct(repository, rid, CARRIED, value)
    with pytest.raises(StoreError, match="不在这份报告的格式"):
        _correct(repository, rid, "no.such.cell", "1")
    with pytest.raises(StoreError, match="须写明理由"):
        _correct(repository, rid, CARRIED, "1", "  ")
    with pytest.raises(NotFound, match="没有编号为 999 的报告"):
        _correct(repository, 999, CARRIED, "1")
    with pytest.raises(NotFound):
        repository.corrections(999)
    assert repository.corrections(rid) == []
    with repository.database.sessions() as session:
        assert session.scalars(select(CellCorrection)).all() == []


def test_values_are_read_as_a_reviewer_types_them() -> None:
    fmt = FORMATS["2021"]
    assert correction_value(fmt, CARRIED, "１２") == "12"  # full-width digits
    assert correction_value(fmt, CARRIED, "1,234") == "1234"
    assert correction_value(fmt, CARRIED, "3.0") == "3"
    assert correction_value(fmt, CARRIED, " 缺 ") is None
    amount = next(cid for cid in fmt.cell_ids() if fmt.column_of(cid).decimal)
    assert correction_value(fmt, amount, "96.6252") == "96.6252"
    signed = [cid for f in FORMATS.values() for cid in f.cell_ids() if f.column_of(cid).signed]
    if signed:
        owner = next(f for f in FORMATS.values() if signed[0] in f.cell_ids())
        assert correction_value(owner, signed[0], "-1") == "-1"


def test_corrections_in_force_by_content_hash(repository: Repository) -> None:
    rid = _yangquan(repository)
    sha = repository.report_row(rid).sha256  # type: ignore[union-attr]
    _correct(repository, rid, CARRIED, "1")
    _correct(repository, rid, CARRY_FORWARD, "0")
    _correct(repository, rid, CARRY_FORWARD, "1", "撤销上一次的判断")
    in_force = repository.corrections_in_force([sha, "0" * 64])
    assert set(in_force) == {sha}
    assert {cid: row.value for cid, row in in_force[sha].items()} == {CARRIED: "1", CARRY_FORWARD: "1"}
    assert all(row.in_force for row in in_force[sha].values())
    history = repository.corrections(rid)
    assert [(h.cell_id, h.value, h.in_force) for h in history] == [
        (CARRY_FORWARD, "1", True),
        (CARRY_FORWARD, "0", False),
        (CARRIED, "1", True),
    ]


def test_apply_corrections_to_a_report_as_read(repository: Repository) -> None:
    rid = _yangquan(repository)
    _correct(repository, rid, CARRIED, "1")
    sha = repository.report_row(rid).sha256  # type: ignore[union-attr]
    rows = repository.corrections_in_force([sha])[sha].values()
    report: Report = gongkai.read_file(CORPUS / YANGQUAN)
    apply_corrections(report, rows)
    cell = report.cells[CARRIED]
    assert cell.value == 1 and cell.correction is not None and cell.correction.read_state is CellState.BLANK
    apply_corrections(report, rows)  # twice: the read value is still the one read
    assert report.cells[CARRIED].correction.read_state is CellState.BLANK  # type: ignore[union-attr]
    assert not [f for f in check(report) if f.rule == "balance" and CARRIED in f.cells]
    outside = Report(source="x", format=None)
    assert apply_corrections(outside, rows).cells == {}  # no format: nothing to correct


def test_the_cross_year_check_runs_again_on_the_corrected_report(repository: Repository) -> None:
    records = [record_of(CORPUS / HONGZE_2023), record_of(CORPUS / HONGZE_2024)]
    repository.write(records, cross_year=cross_year_findings)
    ids = repository.report_ids_for([r["sha256"] for r in records])
    older, newer = ids[records[0]["sha256"]], ids[records[1]["sha256"]]
    recorder = Recorder()
    repository.correct_cell(newer, CARRIED, "7", reason="核对", check=check, cross_year=recorder)
    assert [(a[1], b[1]) for a, b in recorder.pairs] == [(2024, 2023)]
    recorder = Recorder()
    repository.correct_cell(older, CARRIED, "7", reason="核对", check=check, cross_year=recorder)
    assert [(a[1], b[1]) for a, b in recorder.pairs] == [(2024, 2023)]  # the later year checked against it again


def test_a_decimal_amount_is_kept_exact(repository: Repository) -> None:
    rid = _yangquan(repository)
    fmt = repository.load_report(rid)[0].format  # type: ignore[index]
    assert fmt is not None
    amount = next(cid for cid in fmt.cell_ids() if fmt.column_of(cid).decimal)
    _correct(repository, rid, amount, "12.3400")
    cell = repository.load_report(rid)[0].cells[amount]  # type: ignore[index]
    assert cell.value == Decimal("12.3400")
