"""The review workflow on real stored reports: allowed steps, refused ones, the history of each finding
(written with the review, kept across re-reads), 已发送机关 for a report or an agency at once,
the filters by rule / severity / review status, the 待审 count and the review queue."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from gongkai.errors import NotFound, StoreError
from gongkai.law.agencies import normalise_agency_key
from gongkai.store.models import FindingEvent
from gongkai.store.records import Record
from gongkai.store.repository import Repository
from gongkai.store.views import FindingRow, ReportFilter
from gongkai.store.workflow import REVIEW_STATUS_ZH, REVIEW_STATUSES, TRANSITIONS, check_transition, status_code

from .conftest import CORPUS, HONGZE_2023, HONGZE_2024, no_cross_year, record_of

YANGQUAN = "seeds/004_e7d4e3b0369f5572.txt"  # 阳泉市人民政府 2021: two balance errors
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def _rid(repository: Repository, records: dict[str, Record], name: str) -> int:
    sha = records[name]["sha256"]
    return repository.report_ids_for([sha])[sha]


def _finding(repository: Repository, rid: int, fingerprint: str) -> FindingRow:
    return next(f for f in repository.findings([rid])[rid] if f.fingerprint == fingerprint)


def _events(repository: Repository) -> int:
    with repository.database.sessions() as session:
        return int(session.execute(select(func.count(FindingEvent.id))).scalar_one())


def test_the_declared_steps() -> None:
    assert REVIEW_STATUSES == ("open", "confirmed", "dismissed", "sent", "rectified", "closed")
    assert REVIEW_STATUS_ZH["confirmed"] == "确认问题" and REVIEW_STATUS_ZH["dismissed"] == "不是问题（误报）"
    assert set(TRANSITIONS) == set(REVIEW_STATUSES)
    assert all(set(targets) <= set(REVIEW_STATUSES) for targets in TRANSITIONS.values())
    assert all("open" in TRANSITIONS[s] for s in REVIEW_STATUSES if s != "open")  # everything can be reopened
    check_transition("open", "confirmed")
    with pytest.raises(StoreError, match="不能改为“已发送机关”"):
        check_transition("open", "sent")
    assert status_code("误报") == "dismissed" and status_code(" 已整改 ") == "rectified" and status_code("x") is None


def test_a_finding_goes_from_open_to_closed_and_every_step_is_kept(
    stored: Repository, corpus_records: dict[str, Record]
) -> None:
    rid = _rid(stored, corpus_records, YANGQUAN)
    balance = next(f for f in stored.findings([rid])[rid] if f.rule == "balance")
    before = _events(stored)
    path = [
        ("confirmed", "王审核", "确有不符"),
        ("sent", "王审核", "审核意见书 2025-3号"),
        ("rectified", "李", "已更正"),
        ("closed", "王审核", None),
        ("open", "王审核", "复查"),
    ]
    for status, who, why in path:
        row = stored.set_review(rid, balance.fingerprint[:10], status, who, why)
        assert (row.status, row.reviewer, row.reason) == (status, who, why)
    assert _events(stored) == before + len(path)
    history = stored.finding_history(rid)[balance.fingerprint]
    steps = [(e.status_from, e.status_to, e.actor, e.reason) for e in history]
    assert steps == [
        ("open", "confirmed", "王审核", "确有不符"),
        ("confirmed", "sent", "王审核", "审核意见书 2025-3号"),
        ("sent", "rectified", "李", "已更正"),
        ("rectified", "closed", "王审核", None),
        ("closed", "open", "王审核", "复查"),
    ]
    assert [e.at for e in history] == sorted(e.at for e in history)
    assert history[0].to_json()["to_zh"] == "确认问题"
    others = [fp for fp, events in stored.finding_history(rid).items() if fp != balance.fingerprint]
    assert others and all(not stored.finding_history(rid)[fp] for fp in others)


def test_a_step_the_workflow_does_not_allow_is_refused_and_leaves_nothing(
    stored: Repository, corpus_records: dict[str, Record]
) -> None:
    rid = _rid(stored, corpus_records, YANGQUAN)
    finding = next(f for f in stored.findings([rid])[rid] if f.severity == "error")
    errors = stored.report_row(rid).errors  # type: ignore[union-attr]
    before = _events(stored)
    for wanted in ("sent", "rectified", "closed", "open"):
        with pytest.raises(StoreError, match="问题当前为“待审”") as refused:
            stored.set_review(rid, finding.fingerprint, wanted, "王")
        assert "可改为：确认问题（confirmed）、不是问题（误报）（dismissed）" in str(refused.value)
    stored.set_review(rid, finding.fingerprint, "dismissed", "王", "口径不同")
    with pytest.raises(StoreError, match="不能改为“已发送机关”"):  # a false alarm is not sent to the agency
        stored.set_review(rid, finding.fingerprint, "sent", "王")
    with pytest.raises(StoreError, match="不能改为"):
        stored.set_review(rid, finding.fingerprint, "dismissed", "王")  # already so
    assert _events(stored) == before + 1
    kept = _finding(stored, rid, finding.fingerprint)
    assert (kept.status, kept.reason) == ("dismissed", "口径不同")
    assert stored.report_row(rid).errors == errors - 1  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        stored.set_review(rid, "ffffffff", "confirmed")
    assert _events(stored) == before + 1


def test_history_survives_a_reread_and_follows_a_corrected_republication(
    stored: Repository, corpus_records: dict[str, Record]
) -> None:
    rid = _rid(stored, corpus_records, YANGQUAN)
    balance = next(f for f in stored.findings([rid])[rid] if f.rule == "balance")
    stored.set_review(rid, balance.fingerprint, "confirmed", "王")
    stored.set_review(rid, balance.fingerprint, "sent", "王", "意见书")
    stored.write([corpus_records[YANGQUAN]], cross_year=no_cross_year, replace=True)
    assert _finding(stored, rid, balance.fingerprint).status == "sent"
    assert [e.status_to for e in stored.finding_history(rid)[balance.fingerprint]] == ["confirmed", "sent"]

    path = CORPUS / YANGQUAN
    corrected = record_of(path, path.read_bytes() + "\n（更正版）\n".encode())
    stored.write([corrected], cross_year=no_cross_year)
    newest = stored.report_ids_for([corrected["sha256"]])[corrected["sha256"]]
    assert newest != rid
    assert _finding(stored, newest, balance.fingerprint).status == "sent"
    stored.set_review(newest, balance.fingerprint, "rectified", "李", "更正版已发布")
    steps = [e.status_to for e in stored.finding_history(newest)[balance.fingerprint]]
    assert steps == ["confirmed", "sent", "rectified"]  # the agency-year's one history


def test_sent_for_all_confirmed_findings_of_a_report(stored: Repository, corpus_records: dict[str, Record]) -> None:
    rid = _rid(stored, corpus_records, YANGQUAN)
    findings = stored.findings([rid])[rid]
    assert len(findings) >= 3
    confirmed = [f.fingerprint for f in findings[:2]]
    for fp in confirmed:
        stored.set_review(rid, fp, "confirmed", "王")
    stored.set_review(rid, findings[2].fingerprint, "dismissed", "王")
    moved = stored.send_confirmed([rid], actor="王", reason="审核意见书 2025-3号")
    assert sorted(f.fingerprint for f in moved) == sorted(confirmed)
    after = {f.fingerprint: f for f in stored.findings([rid])[rid]}
    assert all(after[fp].status == "sent" and after[fp].reason == "审核意见书 2025-3号" for fp in confirmed)
    assert after[findings[2].fingerprint].status == "dismissed"
    assert all(after[f.fingerprint].status == "open" for f in findings[3:])
    history = stored.finding_history(rid)
    assert all([e.status_to for e in history[fp]] == ["confirmed", "sent"] for fp in confirmed)
    assert stored.send_confirmed([rid]) == []  # nothing confirmed is left
    with pytest.raises(NotFound, match="999999"):
        stored.send_confirmed([999_999])


def test_sent_for_an_agency_covers_its_current_reports(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    repository.write([corpus_records[HONGZE_2023], corpus_records[HONGZE_2024]], cross_year=no_cross_year)
    key = normalise_agency_key("淮安市洪泽区人民政府")
    ids = [_rid(repository, corpus_records, n) for n in (HONGZE_2023, HONGZE_2024)]
    assert {repository.report_row(i).agency_key for i in ids} == {key}  # type: ignore[union-attr]
    chosen = []
    for rid in ids:
        finding = repository.findings([rid])[rid][0]
        repository.set_review(rid, finding.fingerprint, "confirmed", "王")
        chosen.append((rid, finding.fingerprint))
    moved = repository.send_confirmed(agency_key=key, actor="王")
    assert sorted((f.report_id, f.fingerprint) for f in moved) == sorted(chosen)
    with pytest.raises(NotFound, match="没有机关"):
        repository.send_confirmed(agency_key="不存在的机关")


def test_filters_by_rule_severity_and_review_status(stored: Repository) -> None:
    everything = stored.list_reports()
    found = stored.findings([r.id for r in everything])

    def having(**want: str) -> set[int]:
        return {rid for rid, fs in found.items() if any(all(getattr(f, k) == v for k, v in want.items()) for f in fs)}

    def listed(flt: ReportFilter) -> set[int]:
        return {r.id for r in stored.list_reports(flt)}

    balance = having(rule="balance")
    assert balance and balance != {r.id for r in everything}
    assert listed(ReportFilter(rule="balance")) == balance
    assert listed(ReportFilter(severity="error")) == having(severity="error")
    assert listed(ReportFilter(severity="info")) == having(severity="info")
    assert listed(ReportFilter(review_status="open")) == having(status="open")
    assert listed(ReportFilter(review_status="confirmed")) == set()
    assert stored.count_reports(ReportFilter(rule="balance")) == len(balance)

    rid = min(balance)
    fp = next(f.fingerprint for f in found[rid] if f.rule == "balance")
    stored.set_review(rid, fp, "confirmed", "王")
    assert listed(ReportFilter(review_status="confirmed")) == {rid}
    assert listed(ReportFilter(rule="balance", review_status="confirmed")) == {rid}
    other = next(f for f in found[rid] if f.rule != "balance")
    assert listed(ReportFilter(rule=other.rule, review_status="confirmed")) == set()  # one finding matches both
    assert listed(ReportFilter(rule="no-such-rule")) == set()
    facets = stored.facets(ReportFilter(rule="balance"))
    assert facets.total == len(balance)


def test_the_pending_count_of_each_report(stored: Repository) -> None:
    rows = stored.list_reports()
    found = stored.findings([r.id for r in rows])
    assert {r.id: r.pending for r in rows} == {rid: sum(f.status == "open" for f in fs) for rid, fs in found.items()}
    row = next(r for r in rows if r.pending)
    assert row.to_json()["pending"] == row.pending
    stored.set_review(row.id, found[row.id][0].fingerprint, "dismissed", "王")
    assert stored.report_row(row.id).pending == row.pending - 1  # type: ignore[union-attr]
    page = stored.page_reports(ReportFilter(ids=(row.id,)))
    assert page[0].pending == row.pending - 1


def test_the_queue_puts_open_errors_first_then_agency(stored: Repository) -> None:
    rows = stored.list_reports()
    found = stored.findings([r.id for r in rows])

    def worst(rid: int) -> int:
        return min(SEVERITY_RANK[f.severity] for f in found[rid] if f.status == "open")

    expected = sorted(
        (r for r in rows if any(f.status == "open" for f in found[r.id])),
        key=lambda r: (worst(r.id), r.agency_key or "", r.year or 0, r.id),
    )
    queue = stored.review_queue()
    assert [r.id for r in queue] == [r.id for r in expected]
    assert len(queue) >= 3 and worst(queue[0].id) == 0
    assert all(r.pending > 0 for r in queue)
    assert [worst(r.id) for r in queue] == sorted(worst(r.id) for r in queue)

    # reviewing every open error of the first report moves it down (or out of) the queue
    first = queue[0]
    for f in found[first.id]:
        if f.status == "open":
            stored.set_review(first.id, f.fingerprint, "dismissed", "王")
    after = [r.id for r in stored.review_queue()]
    assert first.id not in after
    assert stored.next_in_queue(first.id) == after[0]
    assert stored.next_in_queue(after[0]) == after[1]
    assert stored.next_in_queue(after[-1]) == after[0]  # the queue wraps round
    errors_only = stored.review_queue(ReportFilter(severity="error"))
    assert {r.id for r in errors_only} <= set(after)
    assert stored.review_queue(limit=1)[0].id == after[0]


def test_a_filter_keeps_superseded_versions_out_of_the_queue(
    stored: Repository, corpus_records: dict[str, Record]
) -> None:
    rid = _rid(stored, corpus_records, YANGQUAN)
    path = CORPUS / YANGQUAN
    stored.write([record_of(path, path.read_bytes() + "\n（更正版）\n".encode())], cross_year=no_cross_year)
    queue = {r.id for r in stored.review_queue()}
    assert rid not in queue
    assert rid in {r.id for r in stored.review_queue(replace(ReportFilter(), include_superseded=True))}


REACH = {
    "open": (),
    "confirmed": ("confirmed",),
    "dismissed": ("dismissed",),
    "sent": ("confirmed", "sent"),
    "rectified": ("confirmed", "sent", "rectified"),
    "closed": ("confirmed", "sent", "rectified", "closed"),
}


@pytest.mark.parametrize("current", REVIEW_STATUSES)
@pytest.mark.parametrize("wanted", REVIEW_STATUSES)
def test_every_pair_of_statuses_is_allowed_or_refused_as_declared(
    repository: Repository, corpus_records: dict[str, Record], current: str, wanted: str
) -> None:
    repository.write([corpus_records[YANGQUAN]], cross_year=no_cross_year)
    rid = _rid(repository, corpus_records, YANGQUAN)
    fp = repository.findings([rid])[rid][0].fingerprint
    for step in REACH[current]:
        repository.set_review(rid, fp, step, "王")
    assert _finding(repository, rid, fp).status == current
    steps = len(REACH[current])
    if wanted in TRANSITIONS[current]:
        assert repository.set_review(rid, fp, wanted, "李", "理由").status == wanted
        history = repository.finding_history(rid)[fp]
        assert len(history) == steps + 1
        last = history[-1]
        assert (last.status_from, last.status_to, last.actor, last.reason) == (current, wanted, "李", "理由")
    else:
        with pytest.raises(StoreError, match=f"问题当前为“{REVIEW_STATUS_ZH[current]}”"):
            repository.set_review(rid, fp, wanted, "李")
        assert _finding(repository, rid, fp).status == current
        assert len(repository.finding_history(rid)[fp]) == steps


def test_an_error_counts_until_it_is_dismissed_whatever_its_other_steps(
    repository: Repository, corpus_records: dict[str, Record]
) -> None:
    repository.write([corpus_records[YANGQUAN]], cross_year=no_cross_year)
    rid = _rid(repository, corpus_records, YANGQUAN)
    error = next(f for f in repository.findings([rid])[rid] if f.severity == "error")
    errors = repository.report_row(rid).errors  # type: ignore[union-attr]
    for step in ("confirmed", "sent", "rectified", "closed"):  # a problem of the published report stays one
        repository.set_review(rid, error.fingerprint, step)
        assert repository.report_row(rid).errors == errors  # type: ignore[union-attr]
    repository.set_review(rid, error.fingerprint, "open")
    repository.set_review(rid, error.fingerprint, "dismissed")
    assert repository.report_row(rid).errors == errors - 1  # type: ignore[union-attr]


def test_an_unknown_status_is_refused_with_every_choice_in_chinese() -> None:
    with pytest.raises(StoreError) as refused:
        check_transition("open", "done")
    message = str(refused.value)
    assert "“done”" in message
    assert all(f"{REVIEW_STATUS_ZH[s]}（{s}）" in message for s in REVIEW_STATUSES)
