"""The standard notices: each kind filled from demo applications and read back (dates, numbers, the remedies),
refused where the register lacks the fact, from an agency's own templates, laid out A4 with CJK fonts."""

from __future__ import annotations

import contextlib
import io
import runpy
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from gongkai.libreoffice import convert, soffice_path
from gongkai.register.clock import CONSULTATION_DAYS, state
from gongkai.register.demo import DemoSpec, demo_register
from gongkai.register.events import CLOSING, T3, Applicant, Application, Channel, Event, EventKind
from gongkai.register.fees import fee_by_pages
from gongkai.register.letters import (
    DEFAULT_TEMPLATES,
    LetterKind,
    LetterRefused,
    Remedies,
    chinese_date,
    letter_context,
    outcome_words,
    render_letter,
)
from gongkai.register.workbook import read_register_workbook

from ..conftest import REPO
from .test_workbook import GOOD, workbook
from .walk import CAL

REMEDY_60 = "60日内"
REMEDY_6M = "6个月内"
A4_PT = (595.3, 841.9)


@pytest.fixture(scope="module")
def demo() -> list[Application]:
    return demo_register(DemoSpec(400, (2025, 2026), seed=7), CAL)


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _with(demo: list[Application], kind: EventKind, **data: str) -> Application:
    return next(
        a
        for a in demo
        if any(e.kind is kind and all(e.data.get(k) == v for k, v in data.items()) for e in a.events)
        and state(a, date(2026, 12, 31), CAL).receipt is not None
    )


def _event(app: Application, kind: EventKind) -> Event:
    return next(e for e in app.events if e.kind is kind)


def test_the_receipt_names_the_receipt_date_and_the_due_date(demo: list[Application]) -> None:
    app = next(a for a in demo if a.channel is Channel.IN_PERSON)
    text = _text(render_letter(app, LetterKind.RECEIPT, calendar=CAL))
    st = state(app, app.arrived, CAL)
    assert "政府信息公开申请登记回执" in text and app.id in text and app.request in text
    assert f"于{chinese_date(app.arrived)}收到" in text and f"即{chinese_date(st.due)}前作出答复" in text
    assert T3.applicants[[c.id for c in T3.applicants].index(app.applicant.column)].label in text
    assert app.applicant.name is not None and app.applicant.name in text


def test_the_correction_notice_gives_the_deadline_of_the_request(demo: list[Application]) -> None:
    app = _with(demo, EventKind.CORRECTION_REQUESTED)
    asked = _event(app, EventKind.CORRECTION_REQUESTED)
    text = _text(render_letter(app, "correction", calendar=CAL))
    reply_by = asked.date_of("reply_by")
    assert "补正告知书" in text and f"请于{chinese_date(reply_by)}前" in text and chinese_date(asked.on) in text
    assert "需补正的事项：__________" in text  # not recorded, so a blank line, never invented


def test_the_extension_notice_gives_the_original_and_the_extended_due_date(demo: list[Application]) -> None:
    app = next(
        a
        for a in demo
        if any(e.kind is EventKind.EXTENSION for e in a.events)
        and state(a, _event(a, EventKind.EXTENSION).on, CAL).extended
    )
    extension = _event(app, EventKind.EXTENSION)
    extended = state(app, extension.on, CAL).due
    original = state(replace(app, events=tuple(e for e in app.events if e is not extension)), extension.on, CAL).due
    assert original is not None and extended is not None and original < extended
    text = _text(render_letter(app, "extension", calendar=CAL))
    assert f"由原定的{chinese_date(original)}延长至{chinese_date(extended)}" in text
    assert f"延长{extension.data['days']}个工作日" in text


def test_a_late_extension_is_not_notified(demo: list[Application]) -> None:
    late = next(
        a
        for a in demo
        if any(e.kind is EventKind.EXTENSION for e in a.events)
        and not state(a, _event(a, EventKind.EXTENSION).on, CAL).extended
    )
    with pytest.raises(LetterRefused, match="晚于原答复期限"):
        render_letter(late, LetterKind.EXTENSION, calendar=CAL)


@pytest.mark.parametrize(
    ("party", "title", "article"),
    [("third_party", "征求第三方意见书", "第三十二条"), ("agency", "征求意见函", "第三十四条")],
)
def test_the_consultation_letter_of_each_party(demo: list[Application], party: str, title: str, article: str) -> None:
    app = _with(demo, EventKind.CONSULTATION_SENT, party=party)
    sent = _event(app, EventKind.CONSULTATION_SENT)
    text = _text(render_letter(app, LetterKind.CONSULTATION, calendar=CAL))
    assert title in text and article in text and app.id in text
    assert f"请于{chinese_date(CAL.step(sent.on, CONSULTATION_DAYS))}前" in text
    assert app.applicant.name not in text  # the consulted party is not told who applied


def test_the_fee_notice_states_the_109_amount(demo: list[Application]) -> None:
    app = _with(demo, EventKind.FEE_NOTICE)
    notice = _event(app, EventKind.FEE_NOTICE)
    text = _text(render_letter(app, LetterKind.FEE, calendar=CAL))
    pages = int(notice.data["pages"])
    assert f"人民币{fee_by_pages(pages)}元" in text and f"共{pages}页" in text and "国办函〔2020〕109号" in text
    assert "按量计收" in text and "20个工作日内缴纳" in text


def test_a_fee_that_the_schedule_does_not_give_is_refused(demo: list[Application]) -> None:
    app = _with(demo, EventKind.FEE_NOTICE)
    notice = _event(app, EventKind.FEE_NOTICE)
    typed = replace(notice, id=99, data={**notice.data, "amount": "1"}, corrects=notice.id)
    with pytest.raises(LetterRefused, match="不符"):
        render_letter(replace(app, events=(*app.events, typed)), LetterKind.FEE, calendar=CAL)
    bare = replace(notice, id=99, data={"amount": notice.data["amount"]}, corrects=notice.id)
    with pytest.raises(LetterRefused, match="无法按国办函"):
        render_letter(replace(app, events=(*app.events, bare)), LetterKind.FEE, calendar=CAL)


def _decided(demo: list[Application], outcome: str) -> Application:
    return next(
        a for a in demo if any(e.kind is EventKind.DECIDED and e.data["outcome"] == outcome for e in a.events[:8])
    )


@pytest.mark.parametrize(
    ("role", "words"),
    [
        (T3.granted.id, "决定予以公开"),
        (CLOSING.partial.id, "能够作区分处理"),
        (CLOSING.withheld[0].id, "决定不予公开"),
        (CLOSING.unclear.id, "无法提供"),
        (CLOSING.mass.id, "不予处理"),
    ],
)
def test_each_answer_family_ends_with_the_remedies(demo: list[Application], role: str, words: str) -> None:
    app = _decided(demo, role)
    decided = next(e for e in app.events if e.kind is EventKind.DECIDED)
    remedies = Remedies("示例市人民政府", "示例市中级人民法院")
    text = _text(render_letter(app, LetterKind.ANSWER, calendar=CAL, remedies=remedies))
    assert words in text and app.id in text and f"答复结果：{outcome_words(role)}。" in text
    assert f"依据：{decided.data['ground']}。" in text and chinese_date(decided.on) in text
    assert REMEDY_60 in text and "示例市人民政府" in text and "行政复议" in text
    withheld = role in (CLOSING.partial.id, *(r.id for r in CLOSING.withheld))
    if withheld and decided.on >= date(2024, 1, 1):
        assert "应当" in text and "先向示例市人民政府申请行政复议" in text and "行政复议法》第二十三条" in text
    else:
        assert REMEDY_6M in text and "示例市中级人民法院提起行政诉讼" in text
    assert text.rstrip().endswith(chinese_date(decided.on))


def test_the_lapses_have_a_notice_and_a_withdrawal_none(demo: list[Application]) -> None:
    lapsed = _with(demo, EventKind.CORRECTION_LAPSED)
    text = _text(render_letter(lapsed, LetterKind.ANSWER, calendar=CAL))
    assert "处理结果告知书" in text and outcome_words(CLOSING.no_correction.id) in text and REMEDY_60 in text
    withdrawn = _with(demo, EventKind.WITHDRAWN)
    with pytest.raises(LetterRefused, match="撤回"):
        render_letter(withdrawn, LetterKind.ANSWER, calendar=CAL)


def test_default_remedies_are_placeholders() -> None:
    assert "（" in Remedies().review_body and "（" in Remedies().court


APP = Application(
    "2026-00001",
    "测试局",
    Channel.IN_PERSON,
    date(2026, 9, 15),
    Applicant(T3.person.id),
    "某地块出让合同",
    "纸质",
)


@pytest.mark.parametrize(
    ("kind", "why"),
    [
        (LetterKind.CORRECTION, "没有登记“告知补正”事件，不能出具补正告知书"),
        (LetterKind.EXTENSION, "没有登记“延期答复”事件"),
        (LetterKind.CONSULTATION, "没有登记“征求意见”事件"),
        (LetterKind.FEE, "没有登记“收费通知”事件"),
        (LetterKind.REASONS, "没有登记“要求说明理由”事件，不能出具说明理由告知书"),
        (LetterKind.ANSWER, "尚未作出答复决定"),
    ],
)
def test_a_letter_without_its_event_is_refused_in_chinese(kind: LetterKind, why: str) -> None:
    with pytest.raises(LetterRefused, match=why):
        render_letter(APP, kind, calendar=CAL)


def test_no_receipt_letter_before_the_receipt_is_confirmed() -> None:
    unconfirmed = replace(APP, channel=Channel.POST_UNSIGNED)
    with pytest.raises(LetterRefused, match="尚未确认收到申请"):
        render_letter(unconfirmed, LetterKind.RECEIPT, calendar=CAL)
    confirmed = unconfirmed.with_event(Event(1, EventKind.CONFIRMED, date(2026, 9, 18), date(2026, 9, 18)))
    assert "2026年9月18日收到" in _text(render_letter(confirmed, LetterKind.RECEIPT, calendar=CAL))


REASONS_ASKED = Event(
    1,
    EventKind.REASONS_REQUESTED,
    date(2026, 9, 22),
    date(2026, 9, 22),
    {"reply_by": "2026-10-09", "note": "一月内申请237件"},
)


def test_the_reasons_notice_cites_article_35_and_keeps_the_clock() -> None:
    app = APP.with_event(REASONS_ASKED)
    text = _text(render_letter(app, LetterKind.REASONS, calendar=CAL))
    assert "说明理由告知书" in text and "第三十五条" in text and "（一月内申请237件）" in text
    assert "请于2026年10月9日前向本机关书面说明申请理由" in text and "2026年9月22日" in text
    assert "不予处理" in text and "延迟答复的合理期限" in text
    # asking for reasons pauses nothing: the due date is the one of the plain 20 working days
    assert state(app, date(2026, 9, 30), CAL).due == state(APP, date(2026, 9, 30), CAL).due


def test_a_reasons_request_without_its_dates_leaves_blank_lines() -> None:
    bare = replace(REASONS_ASKED, data={})
    text = _text(render_letter(APP.with_event(bare), "reasons", calendar=CAL))
    assert "请于__________前" in text and "（__________）" in text


def test_a_withheld_answer_needs_its_ground() -> None:
    app = APP.with_event(
        Event(1, EventKind.DECIDED, date(2026, 9, 20), date(2026, 9, 20), {"outcome": CLOSING.withheld[0].id})
    )
    with pytest.raises(LetterRefused, match="须说明理由"):
        render_letter(app, LetterKind.ANSWER, calendar=CAL)


def test_no_name_is_a_blank_line_and_unknown_kinds_are_refused() -> None:
    text = _text(render_letter(APP, LetterKind.RECEIPT, calendar=CAL))
    assert "__________：" in text and "2026年10月19日前作出答复" in text  # 2026-09-15 + 20 working days
    with pytest.raises(LetterRefused, match="未知的文书类型"):
        render_letter(APP, "poem", calendar=CAL)


def test_text_with_markup_is_kept_as_text() -> None:
    app = replace(APP, request="<w:br/>A & B {{ number }}")
    text = _text(render_letter(app, LetterKind.RECEIPT, calendar=CAL))
    assert "“<w:br/>A & B {{ number }}”" in text


def _template(path: Path, *paragraphs: str) -> None:
    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    document.save(str(path))


def test_an_agencys_own_templates_are_used_and_the_rest_default(tmp_path: Path) -> None:
    _template(tmp_path / "receipt.docx", "本局回执 {{ number }}，期限 {{ due }}，{{ agency }}")
    text = _text(render_letter(APP, LetterKind.RECEIPT, templates=tmp_path, calendar=CAL))
    assert text == "本局回执 2026-00001，期限 2026年10月19日，测试局"
    answered = APP.with_event(
        Event(1, EventKind.DECIDED, date(2026, 9, 20), date(2026, 9, 20), {"outcome": T3.granted.id})
    )
    assert "政府信息公开申请答复告知书" in _text(
        render_letter(answered, LetterKind.ANSWER, templates=tmp_path, calendar=CAL)
    )
    extra = _text(render_letter(APP, "receipt", templates=tmp_path, calendar=CAL, extra={"number": "文号 1"}))
    assert extra.startswith("本局回执 文号 1")


def test_a_broken_template_is_a_chinese_refusal(tmp_path: Path) -> None:
    _template(tmp_path / "receipt.docx", "{{ no_such_value }}")
    with pytest.raises(LetterRefused, match=r"模板 receipt\.docx 有误"):
        render_letter(APP, LetterKind.RECEIPT, templates=tmp_path, calendar=CAL)
    (tmp_path / "receipt.docx").write_bytes(b"not a docx")
    with pytest.raises(LetterRefused, match="无法读取模板"):
        render_letter(APP, LetterKind.RECEIPT, templates=tmp_path, calendar=CAL)
    with pytest.raises(LetterRefused, match="模板目录不存在"):
        render_letter(APP, LetterKind.RECEIPT, templates=tmp_path / "missing", calendar=CAL)


def test_every_template_a_letter_can_ask_for_is_shipped(demo: list[Application]) -> None:
    names = set()
    for app in [*demo, APP.with_event(REASONS_ASKED)]:
        for kind in LetterKind:
            with contextlib.suppress(LetterRefused):
                names.add(letter_context(app, kind, calendar=CAL).template)
    shipped = {p.name for p in DEFAULT_TEMPLATES.glob("*.docx")}
    assert names == shipped and len(shipped) == 13


def test_the_shipped_templates_are_what_the_script_builds(tmp_path: Path) -> None:
    built = runpy.run_path(str(REPO / "scripts" / "build_letter_templates.py"))["main"](tmp_path)
    assert sorted(p.name for p in built) == sorted(p.name for p in DEFAULT_TEMPLATES.glob("*.docx"))
    for path in built:
        fresh, shipped = docx.Document(str(path)), docx.Document(str(DEFAULT_TEMPLATES / path.name))
        assert [p.text for p in fresh.paragraphs] == [p.text for p in shipped.paragraphs], path.name


@pytest.mark.parametrize("path", sorted(DEFAULT_TEMPLATES.glob("*.docx")), ids=lambda p: p.stem)
def test_templates_are_a4_with_east_asian_fonts(path: Path) -> None:
    document = docx.Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋"
    runs = [r for p in document.paragraphs for r in p.runs]
    assert runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) in ("仿宋", "宋体") for r in runs)
    assert document.paragraphs[0].runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"
    assert path.stat().st_size < 60_000


def _writer_available() -> bool:
    soffice = soffice_path()
    return soffice is not None and (Path(soffice).resolve().parent / "libswlo.so").exists()


@pytest.mark.slow
def test_a_letter_opens_in_libreoffice_as_one_a4_page(demo: list[Application]) -> None:
    if not _writer_available():
        pytest.skip("LibreOffice writer is not installed (Debian: libreoffice-writer-nogui)")
    pdfium = pytest.importorskip("pypdfium2")
    app = _decided(demo, CLOSING.withheld[0].id)
    (pdf_bytes,) = convert([("answer.docx", render_letter(app, LetterKind.ANSWER, calendar=CAL))], "pdf")
    assert pdf_bytes, "LibreOffice made no PDF of the letter"
    pdf = pdfium.PdfDocument(pdf_bytes)
    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    assert abs(width - A4_PT[0]) < 2 and abs(height - A4_PT[1]) < 2
    text = "".join(pdf[0].get_textpage().get_text_range().split())
    assert app.id in text and "答复告知书" in text and "行政复议" in text and REMEDY_60 in text


def test_an_imported_fee_by_pages_gives_its_notice() -> None:
    reading = read_register_workbook(workbook(GOOD), agency="测试局")
    fee = next(a for a in reading.applications if any(e.kind is EventKind.FEE_NOTICE for e in a.events))
    text = _text(render_letter(fee, LetterKind.FEE, calendar=CAL))
    assert "人民币700元" in text and "共100页" in text and "2026年7月8日" in text
