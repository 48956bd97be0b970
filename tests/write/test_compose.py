"""Composing the report: figures through ``write.figures``, the input over the draft, the order every form prints."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from gongkai.api import read_bytes
from gongkai.formats import FORMAT_2021
from gongkai.model import EntityType
from gongkai.register.calendar import standard_calendar
from gongkai.register.clock import state
from gongkai.register.demo import DemoSpec, demo_register
from gongkai.register.events import T3
from gongkai.register.fees import fee_summary
from gongkai.register.tables import year_tables
from gongkai.write.compose import compose_from_register
from gongkai.write.figures import register_fees, register_tables, register_timeliness
from gongkai.write.html_out import render_html
from gongkai.write.inputs import WriterInput
from gongkai.write.markdown_out import render_markdown
from gongkai.write.plan import Kind, plan
from gongkai.write.profiles import GBT9704, PROFILES, TEMPLATE, fonts_conf

from .factory import ListRegister, case, seeds

AGENCY = "宁国市商务局"


@pytest.fixture(scope="module")
def register() -> ListRegister:
    other = demo_register(DemoSpec(applications=40, years=(2024, 2025), seed=8, agency="宁国市教育局"))
    mine = demo_register(DemoSpec(applications=150, years=(2024, 2025), seed=7, agency=AGENCY))
    return ListRegister(other + mine)


def test_the_figures_are_the_registers_own(register: ListRegister) -> None:
    mine = register.applications(AGENCY)
    tables = register_tables(register, AGENCY, 2025)
    assert tables.cells == year_tables(mine, 2025, AGENCY).cells
    assert register_fees(register, AGENCY, 2025) == fee_summary(mine, 2025)
    timely = register_timeliness(register, AGENCY, 2025, tables)
    closed = set(tables.cells[T3.cell(T3.total)])
    late = {a.id for a in mine if a.id in closed and state(a, date(2025, 12, 31), standard_calendar()).late}
    assert (timely.on_time, timely.late) == (len(closed) - len(late), len(late))


def test_the_register_is_read_once_per_report(register: ListRegister) -> None:
    calls: list[str | None] = []

    class Counting(ListRegister):
        def applications(self, agency: str | None = None):  # type: ignore[no-untyped-def]
            calls.append(agency)
            return super().applications(agency)

    compose_from_register(Counting(register.apps), AGENCY, 2025)
    assert calls == [AGENCY]


def test_the_entity_type_asked_for_wins_then_the_inputs_then_the_name(register: ListRegister) -> None:
    given = WriterInput("输入", entity_type=EntityType.GOVERNMENT)
    assert compose_from_register(register, AGENCY, 2025).entity_type is EntityType.DEPARTMENT  # …局
    assert compose_from_register(register, AGENCY, 2025, given).entity_type is EntityType.GOVERNMENT
    asked = compose_from_register(register, AGENCY, 2025, given, entity_type=EntityType.TOWNSHIP)
    assert asked.entity_type is EntityType.TOWNSHIP


def test_the_input_replaces_the_draft_section_by_section(register: ListRegister) -> None:
    sections = {1: "甲。", 3: "本年度办理情况见下表。"}
    given = WriterInput("输入", proactive={"proactive.penalty.decisions": 12}, sections=sections)  # type: ignore[dict-item]
    report = compose_from_register(register, AGENCY, 2025, given)
    assert report.sections[1] == "甲。" and report.sections[3] == "本年度办理情况见下表。"
    assert report.sections[5].startswith("（请填写：") and "信息处理费" in report.sections[6]
    assert report.values()["proactive.penalty.decisions"] == 12
    assert report.values()["proactive.coercion.decisions"] is None  # not given: blank, never 0
    assert report.override is None and not report.draft


def test_prose_given_for_a_table_section_prints_before_its_table(register: ListRegister) -> None:
    given = WriterInput("输入", sections={3: "本年度办理情况见下表。"})
    blocks = plan(compose_from_register(register, AGENCY, 2025, given))
    heading = next(i for i, b in enumerate(blocks) if b.text == FORMAT_2021.sections[2].numbered)
    assert [b.kind for b in blocks[heading : heading + 3]] == [Kind.HEADING, Kind.PARAGRAPH, Kind.TABLE]
    assert blocks[heading + 1].text == "本年度办理情况见下表。"


@pytest.mark.parametrize("seed", seeds(10))
def test_the_plan_prints_marker_title_opening_then_each_section_in_order(seed: int) -> None:
    report = case(seed)
    blocks = plan(report)
    kinds = [b.kind for b in blocks]
    start = 1 if report.draft else 0
    assert (kinds[0] is Kind.DRAFT) == report.draft
    assert kinds[start] is Kind.TITLE and blocks[start].text == report.title
    assert blocks[start + 1].text.startswith("本年度报告根据")
    headings = [b.text for b in blocks if b.kind is Kind.HEADING]
    assert headings == [s.numbered for s in FORMAT_2021.sections]
    tables = [i for i, b in enumerate(blocks) if b.kind is Kind.TABLE]
    assert len(tables) == 3
    for index, table in zip(tables, FORMAT_2021.tables):
        before = next(b.text for b in reversed(blocks[:index]) if b.kind is Kind.HEADING)
        assert before == FORMAT_2021.sections[table.section - 1].numbered


def test_hostile_prose_is_printed_as_text_in_every_form() -> None:
    report = case(seeds(1)[0])
    report.sections[5] = '<script>alert(1)</script> | 管道 | <img src=x onerror="y">'
    page = render_html(report)
    assert "<script>alert" not in page and "<img" not in page and "&lt;script&gt;" in page
    text = render_markdown(report)
    read = read_bytes(text.encode("utf-8"), "a.md")
    assert {c: read.value(c) for c in report.values()} == report.values()  # a pipe in prose breaks no table


def test_the_profiles_follow_the_two_styles() -> None:
    assert set(PROFILES) == {"template", "gbt9704"}
    assert TEMPLATE.title_font == "宋体" and TEMPLATE.title_pt == 18 and TEMPLATE.line_pt is None
    assert GBT9704.margins_mm[0] == 37 and GBT9704.margins_mm[2] == 28
    assert GBT9704.text_width_mm == 156 and 297 - GBT9704.margins_mm[0] - GBT9704.margins_mm[1] == 225
    assert GBT9704.body_font == "仿宋_GB2312" and GBT9704.body_pt == 16 and GBT9704.title_font == "方正小标宋简体"
    assert round(225 / 25.4 * 72 / GBT9704.line_pt) == 22  # 22 lines on the page
    assert "近似" in GBT9704.note and "代替" in GBT9704.note  # the approximation is said


def test_the_fontconfig_file_is_well_formed() -> None:
    root = etree.fromstring(fonts_conf().encode("utf-8"))
    assert root.tag == "fontconfig"
    matches = root.findall("match")
    names = [m.findtext("test/string") for m in matches]
    faces = {m.findtext("test/string"): m.findtext("edit/string") for m in matches}
    assert len(names) == len(set(names))
    assert faces["仿宋_GB2312"] == "Noto Serif CJK SC" and faces["黑体"] == "Noto Sans CJK SC"
    assert all(m.find("edit").get("binding") == "strong" for m in matches)
