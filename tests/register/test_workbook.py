"""Reading an agency's Excel register (台账): tolerant headers, every date form, the events a row's dates imply,
and every bad row reported with its row, column and a Chinese reason (nothing read when one is bad)."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from gongkai.register.clock import Status, state
from gongkai.register.events import CLOSING, T3, Channel, EventKind, RegisterError, effective
from gongkai.register.workbook import (
    APPLICANT_ALIASES,
    FIELDS,
    OUTCOME_GROUP,
    RowProblem,
    match_headers,
    normalise_header,
    outcome_text,
    parse_applicant_type,
    parse_channel,
    parse_date,
    parse_outcome,
    read_register_workbook,
)

from .walk import CAL

AGENCY = "测试市自然资源和规划局"
DENY_SECRET = CLOSING.withheld[0]

# a 台账 as an agency keeps it: a title line, headers with spaces, full-width marks, units and synonyms
HEADERS = [
    "登记 号",
    "申请渠道",
    "收到日期（必填）",
    "申请人类别",
    "申请人姓名／名称",
    "身份证号",
    "联系电话",
    "申请内容",
    "获取方式",
    "补正告知日期",
    "补正期限",
    "补正收到日期",
    "延期日期",
    "延期天数",
    "收费通知日期",
    "收费金额（元）",
    "缴费日期",
    "答复日期",
    "处理结果",
    "依据",
    "送达方式",
    "送达日期",
    "归档日期",
    "页数",
]


def _row(**values: object) -> list[object]:
    keys = [
        "number",
        "channel",
        "arrived",
        "type",
        "name",
        "id",
        "contact",
        "request",
        "form",
        "c_req",
        "c_by",
        "c_got",
        "ext",
        "ext_days",
        "fee",
        "fee_amount",
        "paid",
        "decided",
        "outcome",
        "ground",
        "method",
        "delivered",
        "archived",
        "pages",
    ]
    unknown = set(values) - set(keys)
    assert not unknown, unknown
    return [values.get(k) for k in keys]


def workbook(
    rows: list[list[object]], headers: list[str] = HEADERS, title: str | None = "2026年依申请公开台账"
) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "台账"
    if title:
        sheet.append([title])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    # in person on 2026-09-15, granted on 2026-10-12, delivered by post the next day
    _row(
        number="依申请〔2026〕1号",
        channel="当面",
        arrived=datetime(2026, 9, 15, 10, 30),
        type="个人",
        name="李四",
        id="11010519491231002X",
        contact="13900000000",
        request="某地块出让合同",
        form="纸质",
        decided="2026年10月12日",
        outcome="予以公开",
        ground="条例第三十六条第（二）项",
        method="邮寄",
        delivered="2026.10.13",
        archived="2026/10/20",
    ),
    # by EMS: 补正 asked and answered (the clock restarts), then an extension, then 属于国家秘密
    _row(
        number="依申请〔2026〕2号",
        channel="EMS",
        arrived="2026-03-02",
        type="企业",
        name="示例置业有限公司",
        request="某项目规划许可证",
        form="电子",
        c_req="2026-03-05",
        c_by="2026-03-20",
        c_got="2026-03-16",
        ext="2026-04-10",
        ext_days=20,
        decided="2026-05-08",
        outcome="（三）不予公开—1.属于国家秘密",
        ground="条例第十四条",
        method="电子邮件",
        delivered="2026-05-08",
    ),
    # online, confirmed nowhere in the 台账: registered, no clock (a note says so)
    _row(
        number="依申请〔2026〕3号", channel="网上申请", arrived="2026-06-01", type=T3.applicants[4].label, request="x"
    ),
    # a fee by pages, paid, then 部分公开
    _row(
        number="依申请〔2026〕4号",
        channel="挂号信",
        arrived=date(2026, 7, 1),
        type="律所",
        fee="2026-07-08",
        fee_amount="700元",
        pages="100页",
        paid="2026-07-10",
        decided="2026-07-30",
        outcome="部分公开",
        ground="涉及第三方商业秘密",
    ),
    # 补正 asked, never answered: closed as 逾期不补正
    _row(
        number="依申请〔2026〕5号",
        channel="传真",
        arrived="2026-08-03",
        type="科研机构",
        c_req="2026-08-05",
        c_by="2026-08-19",
        decided="2026-08-20",
        outcome="逾期未补正",
    ),
    # withdrawn
    _row(
        number="依申请〔2026〕6号",
        channel="电子邮件",
        arrived="20260901",
        type="其他",
        decided="2026-09-03",
        outcome="撤回",
    ),
]


def _by_number(reading_apps: list, number: str):  # type: ignore[no-untyped-def]
    return next(a for a in reading_apps if a.id == number)


def test_a_good_register_is_read_with_the_events_its_dates_imply() -> None:
    reading = read_register_workbook(workbook(GOOD), agency=AGENCY)
    assert reading.ok, [p.sentence() for p in reading.problems]
    assert len(reading.applications) == 6 and reading.rows == [3, 4, 5, 6, 7, 8]
    first = _by_number(reading.applications, "依申请〔2026〕1号")
    assert (first.agency, first.channel, first.arrived) == (AGENCY, Channel.IN_PERSON, date(2026, 9, 15))
    assert first.applicant.column == T3.person.id and first.applicant.name == "李四"
    assert first.applicant.id_number == "11010519491231002X"  # the store keeps only its hash
    assert [e.kind for e in first.events] == [EventKind.DECIDED, EventKind.DELIVERED, EventKind.ARCHIVED]
    assert first.events[0].data == {"outcome": T3.granted.id, "ground": "条例第三十六条第（二）项"}
    assert first.events[1].data == {"method": "post"} and first.events[1].on == date(2026, 10, 13)
    assert all(e.recorded == e.on for e in first.events)  # the 台账 was kept at the time
    st = state(first, date(2026, 12, 31), CAL)
    assert st.due == date(2026, 10, 19) and st.answered == date(2026, 10, 13) and not st.late  # 09-15 + 20

    second = _by_number(reading.applications, "依申请〔2026〕2号")
    assert second.channel is Channel.POST_SIGNED and second.applicant.column == T3.applicants[1].id
    kinds = [e.kind for e in second.events]
    assert kinds == [
        EventKind.CORRECTION_REQUESTED,
        EventKind.CORRECTION_RECEIVED,
        EventKind.EXTENSION,
        EventKind.DECIDED,
        EventKind.DELIVERED,
    ]
    assert second.events[0].data == {"reply_by": "2026-03-20"}
    assert second.events[2].data == {"days": "20"}
    assert second.events[3].data["outcome"] == DENY_SECRET.id
    st = state(second, date(2026, 12, 31), CAL)
    assert st.start == date(2026, 3, 16) and st.extended and st.outcome == DENY_SECRET.id

    third = _by_number(reading.applications, "依申请〔2026〕3号")
    assert third.events == () and third.applicant.column == T3.applicants[4].id
    assert state(third, date(2026, 12, 31), CAL).status is Status.AWAITING_RECEIPT
    assert any("依申请〔2026〕3号" in n and "暂不起算" in n for n in reading.notes)

    fourth = _by_number(reading.applications, "依申请〔2026〕4号")
    assert [e.kind for e in fourth.events] == [EventKind.FEE_NOTICE, EventKind.FEE_PAID, EventKind.DECIDED]
    assert (
        fourth.events[0].data == {"amount": "700", "basis": "pages", "pages": "100"}
        and fourth.events[2].data["outcome"] == CLOSING.partial.id
    )

    fifth = _by_number(reading.applications, "依申请〔2026〕5号")
    assert fifth.events[-1].kind is EventKind.CORRECTION_LAPSED
    assert state(fifth, date(2026, 12, 31), CAL).outcome == CLOSING.no_correction.id
    sixth = _by_number(reading.applications, "依申请〔2026〕6号")
    assert [e.kind for e in sixth.events] == [EventKind.WITHDRAWN] and sixth.arrived == date(2026, 9, 1)


def test_a_confirmed_receipt_date_becomes_the_confirmation() -> None:
    headers = ["登记号", "收到方式", "收到时间", "确认收到日期", "申请人类型", "机关名称"]
    data = workbook([["A-1", "平信", "2026-09-10", "2026-09-15", "自然人", AGENCY]], headers, title=None)
    reading = read_register_workbook(data)
    assert reading.ok, reading.problems
    (app,) = reading.applications
    assert app.agency == AGENCY and [(e.kind, e.on) for e in app.events] == [(EventKind.CONFIRMED, date(2026, 9, 15))]
    assert state(app, date(2026, 12, 31), CAL).due == date(2026, 10, 19)


def test_recorded_sets_the_entry_day_of_imported_events() -> None:
    reading = read_register_workbook(workbook(GOOD[:1]), agency=AGENCY, recorded=date(2026, 12, 1))
    assert {e.recorded for e in reading.applications[0].events} == {date(2026, 12, 1)}


BROKEN = [
    GOOD[0],  # row 3: fine
    _row(number="B-2", channel="信鸽", arrived="2026-09-01", type="个人"),  # row 4: unknown channel
    _row(number="B-3", channel="当面", arrived="2026年13月5日", type="个人"),  # row 5: a date that does not exist
    _row(number="B-4", channel="当面", arrived="下周一", type="个人"),  # row 6: unreadable date
    _row(number="B-5", channel="当面", arrived="2026-09-01", type="个人", decided="2026-09-02", outcome="同意一半"),
    _row(  # row 8: delivered before the decision
        number="B-6",
        channel="当面",
        arrived="2026-09-01",
        type="个人",
        decided="2026-09-10",
        outcome="予以公开",
        method="当面领取",
        delivered="2026-09-08",
    ),
    _row(number="依申请〔2026〕1号", channel="当面", arrived="2026-09-01", type="个人"),  # row 9: duplicate of row 3
    _row(number="B-8", channel="当面", type="个人"),  # row 10: required 收到时间 empty
    _row(number="B-9", channel="邮寄", arrived="2026-09-01", type="个人"),  # row 11: 邮寄 signed or not?
    _row(number="B-10", channel="当面", arrived="2026-09-01", type="外星人"),  # row 12: no such applicant type
    _row(number="B-11", channel="当面", arrived="2026-09-01", type="个人", decided="2026-09-02", outcome="不予公开"),
    _row(number="B-12", channel="当面", arrived="2026-09-01", type="个人", ext="2026-09-20"),  # row 14: days?
    _row(number="B-13", channel="当面", arrived="2026-09-01", type="个人", c_got="2026-09-05"),  # row 15: no request
    _row(number="B-14", channel="当面", arrived="2026-09-10", type="个人", decided="2026-09-01", outcome="予以公开"),
    _row(number="B-15", channel="当面", arrived="2026-09-01", type="个人", fee="2026-09-03"),  # row 17: no amount
    _row(number="B-16", channel="当面", arrived="2026-09-01", type="个人", fee_amount=500),  # row 18: no notice
    _row(),  # an empty line is skipped, not an error
]


def test_a_broken_register_reports_every_bad_row_and_reads_nothing() -> None:
    reading = read_register_workbook(workbook(BROKEN), agency=AGENCY)
    assert not reading.ok and reading.applications == [] and reading.rows == []
    found = {(p.row, p.column): p.reason for p in reading.problems}
    assert "未知的收到方式“信鸽”" in found[(4, "申请渠道")]
    assert "不存在的日期" in found[(5, "收到日期（必填）")]
    assert "无法识别的日期" in found[(6, "收到日期（必填）")]
    assert "不是表三的办理结果行" in found[(7, "处理结果")]
    assert "早于答复日期" in found[(8, "送达日期")] and "顺序不可能" in found[(8, "送达日期")]
    assert found[(9, "登记 号")] == "登记号 依申请〔2026〕1号 与第 3 行重复"
    assert found[(10, "收到日期（必填）")] == "必填项“收到时间”为空"
    assert "挂号/EMS" in found[(11, "申请渠道")] and "平信" in found[(11, "申请渠道")]
    assert "不是表三的申请人列" in found[(12, "申请人类别")]
    assert "须写明具体情形" in found[(13, "处理结果")] and DENY_SECRET.label in found[(13, "处理结果")]
    assert "延期天数" in found[(14, "延期天数")]
    assert "补正告知日期为空" in found[(15, "补正收到日期")]
    assert "早于收到时间" in found[(16, "答复日期")]
    assert "收费金额为空" in found[(17, "收费金额（元）")]
    assert found[(18, "收费通知日期")] == "填写了收费金额 500 元，但收费通知日期为空"
    assert sorted({p.row for p in reading.problems}) == list(range(4, 19))
    sentence = next(p for p in reading.problems if p.row == 4).sentence()
    assert sentence.startswith("“台账”表第 4 行“申请渠道”列：")


def test_a_row_reports_all_its_bad_cells_at_once() -> None:
    rows = [_row(number="C-1", channel="信鸽", arrived="明天", type="外星人")]
    reading = read_register_workbook(workbook(rows), agency=AGENCY)
    assert {p.column for p in reading.problems} == {"申请渠道", "收到日期（必填）", "申请人类别"}


def test_files_that_are_no_register_are_refused_whole() -> None:
    with pytest.raises(RegisterError, match="无法作为 XLSX"):
        read_register_workbook(b"not a workbook")
    with pytest.raises(RegisterError, match="没有申请台账"):
        read_register_workbook(workbook([["x"]], headers=["序号", "姓名"]))
    with pytest.raises(RegisterError, match="--agency"):
        read_register_workbook(workbook(GOOD))  # no 机关 column and no agency named


def test_header_matching_tolerates_spaces_full_width_marks_units_and_synonyms() -> None:
    assert normalise_header(" 申请人 姓名／名称 ") == normalise_header("申请人姓名/名称")
    found = match_headers(["登记　号", "收到方式：", "收费金额(元)", "办理结果", "无关列", None, "渠道"], FIELDS)
    assert {k: v[0] for k, v in found.items()} == {"number": 0, "channel": 1, "fee_amount": 2, "outcome": 3}
    every = [name for f in FIELDS for name in (f.header, *f.synonyms)]
    assert len({normalise_header(n) for n in every}) == len(every), "a synonym names two columns"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2025, 3, 5, 14, 30), date(2025, 3, 5)),
        (date(2025, 3, 5), date(2025, 3, 5)),
        ("2025-03-05", date(2025, 3, 5)),
        ("2025-03-05 14:30", date(2025, 3, 5)),
        ("2025年3月5日", date(2025, 3, 5)),
        ("２０２５年３月５日", date(2025, 3, 5)),
        ("2025.3.5", date(2025, 3, 5)),
        ("2025/3/5", date(2025, 3, 5)),
        ("20250305", date(2025, 3, 5)),
        (45721, date(2025, 3, 5)),  # an Excel serial number
        ("", None),
        (None, None),
    ],
)
def test_dates_in_every_form_agencies_write(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2025-02-30", "三月五日", "2025", -3])
def test_unreadable_dates_are_refused(value: object) -> None:
    with pytest.raises(ValueError):
        parse_date(value)


def test_every_outcome_row_is_read_by_its_label_its_numbered_label_and_the_export_text() -> None:
    for row in T3.outcomes:
        assert parse_outcome(row.label) == row.id
        assert parse_outcome(outcome_text(row.id)) == row.id
        if row.id in OUTCOME_GROUP:
            assert parse_outcome(f"{OUTCOME_GROUP[row.id]}（{row.label}）") == row.id
    assert parse_outcome("公开") == T3.granted.id
    assert parse_outcome("部分公开") == CLOSING.partial.id
    assert parse_outcome("不掌握") == next(r.id for r in T3.outcomes if "不掌握" in r.label)  # a unique fragment


def test_channels_and_applicant_types_by_their_names_and_synonyms() -> None:
    for channel in Channel:
        assert parse_channel(channel.zh) is channel and parse_channel(channel.value) is channel
    assert parse_channel("网上申请") is Channel.ONLINE and parse_channel("ＥＭＳ") is Channel.POST_SIGNED
    for column in T3.applicants:
        assert parse_applicant_type(column.label) == column.id
    for place, names in APPLICANT_ALIASES:
        assert all(parse_applicant_type(n) == T3.applicants[place].id for n in names)


def test_a_problem_is_one_chinese_sentence_and_json() -> None:
    p = RowProblem("申请", 7, "收到方式", "未知的收到方式“信鸽”")
    assert p.sentence() == "“申请”表第 7 行“收到方式”列：未知的收到方式“信鸽”"
    assert p.to_json() == {"sheet": "申请", "row": 7, "column": "收到方式", "reason": "未知的收到方式“信鸽”"}


def test_events_imported_are_in_force_and_in_date_order() -> None:
    reading = read_register_workbook(workbook(GOOD), agency=AGENCY)
    for app in reading.applications:
        days = [e.on for e in app.events]
        assert days == sorted(days) and [e.id for e in app.events] == list(range(1, len(days) + 1))
        assert effective(app.events) == sorted(app.events, key=lambda e: (e.on, e.id))


CONSULT_HEADERS = [
    "机关",
    "登记号",
    "收到方式",
    "收到时间",
    "收到申请之日",
    "申请人类型",
    "征求意见日期",
    "征求对象",
    "意见回复日期",
]
CONSULT_HEADERS += ["答复日期", "答复结果", "依据"]


def test_a_consultation_in_the_row_pauses_the_clock_and_answers_its_request() -> None:
    rows = [
        ["甲局", 12, "当面提交", "2026-09-15", None, "自然人", "2026-09-17", "第三方", "2026-09-24"]
        + ["2026-10-20", "保护第三方合法权益", "条例第三十二条"],
        ["乙局", 12, "传真", "2026-09-15", "2026-09-16", "商业企业", "2026-09-18", "其他机关", None, None, None, None],
    ]
    reading = read_register_workbook(workbook(rows, CONSULT_HEADERS, title=None), agency="丙局")
    assert reading.ok, [p.sentence() for p in reading.problems]
    first, second = reading.applications
    assert (first.agency, first.id, second.agency, second.id) == ("甲局", "12", "乙局", "12")  # the row's agency wins
    sent, answered, decided = first.events
    assert sent.kind is EventKind.CONSULTATION_SENT and sent.data == {"party": "third_party"}
    assert answered.kind is EventKind.CONSULTATION_ANSWERED and answered.refers == sent.id
    assert decided.data["outcome"] == next(r.id for r in T3.outcomes if r.label == "保护第三方合法权益")
    # the consultation's working days (09-17 → 09-24, with the 09-20 make-up Sunday: 6) are not counted
    paused = CAL.working_days(date(2026, 9, 17), date(2026, 9, 24))
    assert paused == 6 and state(first, date(2026, 12, 31), CAL).due == CAL.step(date(2026, 10, 19), paused)
    assert CAL.step(date(2026, 10, 19), paused) == date(2026, 10, 27)
    assert [e.kind for e in second.events] == [EventKind.CONFIRMED, EventKind.CONSULTATION_SENT]
    st = state(second, date(2026, 9, 25), CAL)
    assert st.status is Status.PAUSED and st.pending[0].until == CAL.step(date(2026, 9, 18), 15)


def test_a_receipt_date_that_the_channel_does_not_allow_is_a_bad_row() -> None:
    rows = [["甲局", "A-1", "当面", "2026-09-15", "2026-09-18", "自然人"] + [None] * 6]
    reading = read_register_workbook(workbook(rows, CONSULT_HEADERS, title=None))
    (problem,) = reading.problems
    assert problem.column == "收到申请之日" and "以收到时间（2026-09-15）为收到申请之日" in problem.reason


def test_a_consultation_needs_its_party_and_the_party_must_be_known() -> None:
    rows = [
        ["甲局", "A-1", "当面", "2026-09-15", None, "自然人", "2026-09-17", None] + [None] * 4,
        ["甲局", "A-2", "当面", "2026-09-15", None, "自然人", "2026-09-17", "邻居"] + [None] * 4,
        ["甲局", "A-3", "当面", "2026-09-15", None, "自然人", None, None, "2026-09-20"] + [None] * 3,
    ]
    reading = read_register_workbook(workbook(rows, CONSULT_HEADERS, title=None))
    found = {p.row: (p.column, p.reason) for p in reading.problems}
    assert found[2] == ("征求对象", "填写了征求意见日期，但未写征求意见对象（第三方或其他机关）")
    assert found[3][0] == "征求对象" and "第三方或其他机关" in found[3][1]
    assert found[4][0] == "意见回复日期" and "征求意见日期为空" in found[4][1]


def test_a_header_below_the_first_rows_is_not_looked_for() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for _ in range(12):
        sheet.append(["说明"])
    sheet.append(["登记号", "收到方式", "收到时间", "申请人类型"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(RegisterError, match="前 10 行内"):
        read_register_workbook(out.getvalue(), agency=AGENCY)


def test_an_agency_cell_left_empty_is_a_bad_row_without_agency() -> None:
    rows = [["", "A-1", "当面", "2026-09-15", None, "自然人"] + [None] * 6]
    reading = read_register_workbook(workbook(rows, CONSULT_HEADERS, title=None))
    assert [(p.row, p.column) for p in reading.problems] == [(2, "机关")]
    assert (
        read_register_workbook(workbook(rows, CONSULT_HEADERS, title=None), agency="丙局").applications[0].agency
        == "丙局"
    )
