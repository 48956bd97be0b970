"""The generated draft: each number in it comes from the figures, and the narrative rules read it as written."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from gongkai.api import read_bytes
from gongkai.register.demo import DemoSpec, demo_register
from gongkai.register.events import T3, T4
from gongkai.register.fees import FeeSummary
from gongkai.write.compose import compose, compose_from_register
from gongkai.write.draft import appeals_sentence, applications_sentence, proactive_sentence, with_fee_statement
from gongkai.write.figures import Timeliness, register_tables
from gongkai.write.inputs import WriterInput
from gongkai.write.markdown_out import render_markdown
from gongkai.write.model import DRAFT_MARK
from gongkai.write.verdict import verdict

from .factory import ListRegister, case, seeds

NUMBER = re.compile(r"\d+(?:\.\d+)?")


def figures_of(seed: int) -> set[str]:
    """Every number the report may print in its prose: its cells, the year and dates, fees, on-time counts."""
    report = case(seed)
    out = {str(v) for v in report.values().values() if v is not None}
    out |= {str(report.year), "1", "12", "31", "2020", "109"}  # 1月1日 … 12月31日, 国办函〔2020〕109号
    out |= {str(report.fees.charged), str(report.fees.amount)}
    cells = report.tables
    out |= {str(sum(cells.value(T4.cell(s)) for s in T4.suits))}
    for column in T4.results:
        out |= {str(sum(cells.value(T4.cell(s, column)) for s in T4.suits))}
    return out


@pytest.mark.parametrize("seed", seeds(40))
def test_every_number_in_the_generated_prose_is_a_figure(seed: int) -> None:
    report = case(seed)
    allowed = figures_of(seed)
    timeliness = re.findall(r"在法定期限内答复(\d+)件|超过法定期限答复(\d+)件", report.sections[1])
    allowed |= {n for pair in timeliness for n in pair if n}
    for number, text in report.sections.items():
        for found in NUMBER.findall(text):
            assert found in allowed, f"seed {seed} section {number}: {found} is no figure"


@pytest.mark.parametrize("seed", seeds(40))
def test_the_narrative_rules_find_the_draft_consistent_with_its_tables(seed: int) -> None:
    found = verdict(case(seed), read=read_bytes).findings
    assert [f.message for f in found if f.rule == "narrative-mismatch"] == []


def test_the_sentences_state_the_register_figures() -> None:
    apps = demo_register(DemoSpec(applications=200, years=(2024, 2025), seed=11, agency="宁国市商务局"))
    tables = register_tables(ListRegister(apps), "宁国市商务局", 2025)
    text = applications_sentence(tables, Timeliness(on_time=5, late=2))
    assert f"新收政府信息公开申请{tables.value(T3.cell(T3.new))}件" in text
    assert f"上年结转政府信息公开申请{tables.value(T3.cell(T3.carried))}件" in text
    assert f"办结政府信息公开申请{tables.value(T3.cell(T3.total))}件" in text
    assert f"结转下年度继续办理{tables.value(T3.cell(T3.carry_forward))}件" in text
    assert "在法定期限内答复5件，超过法定期限答复2件" in text
    appeals = appeals_sentence(tables)
    assert f"被申请行政复议{tables.value(T4.cell(T4.review))}件" in appeals
    assert f"被提起行政诉讼{sum(tables.value(T4.cell(s)) for s in T4.suits)}件" in appeals


def test_no_appeals_is_said_in_words_without_numbers() -> None:
    apps = demo_register(DemoSpec(applications=3, years=(2025,), seed=1, agency="宁国市商务局"))
    tables = register_tables(ListRegister(apps), "宁国市商务局", 2025)
    for cid in tables.cells:
        if cid.startswith(T4.table):
            tables.cells[cid] = []
    assert appeals_sentence(tables) == "本年度未发生因政府信息公开被申请行政复议或者被提起行政诉讼的情况。"


def test_table_two_sentences_name_only_the_figures_given() -> None:
    assert proactive_sentence({}) is None
    text = proactive_sentence({"proactive.rules.issued": 2, "proactive.fees.amount": Decimal("1.5000")})  # type: ignore[dict-item]
    assert text == "本年度制发规章2件，行政事业性收费金额1.5000万元。"


def test_section_six_always_carries_the_fee_statement() -> None:
    fees = FeeSummary(2025, 3, 300)
    assert with_fee_statement("", fees) == fees.sentence()
    assert with_fee_statement("无其他事项。", fees) == f"{fees.sentence()}\n无其他事项。"
    assert with_fee_statement(f"前文。{fees.sentence()}", fees) == f"前文。{fees.sentence()}"
    apps = demo_register(DemoSpec(applications=20, years=(2025,), seed=2, agency="宁国市商务局"))
    given = WriterInput("输入", sections={6: "本机关无其他需要报告的事项。"})
    report = compose_from_register(ListRegister(apps), "宁国市商务局", 2025, given)
    assert report.sections[6].startswith("2025年度，本机关")
    assert "信息处理费" in report.sections[6]


def test_without_input_the_report_is_a_visible_draft_and_with_input_it_is_not() -> None:
    report = case(seeds(1)[0])
    tables, fees = report.tables, report.fees
    draft = compose(report.agency, report.year, tables, fees)
    before_title = render_markdown(draft).split(f"# {draft.title}")[0]
    assert draft.draft and f"【{DRAFT_MARK}】" in before_title  # seen before anything else
    assert all(v is None for cid, v in draft.values().items() if cid.startswith("proactive."))
    final = compose(report.agency, report.year, tables, fees, WriterInput("输入", sections={5: "问题。"}))
    assert not final.draft and DRAFT_MARK not in render_markdown(final)
    assert final.notes == [
        "输入未提供第一部分的文字，使用生成的草稿。",
        "输入未提供第六部分的文字，使用生成的草稿。",
        "第一部分仍有“（请填写：……）”提示，请改写后再发布。",
    ]


def test_a_typed_number_that_contradicts_a_table_is_caught() -> None:
    report = case(seeds(1)[0])
    new = report.tables.value(T3.cell(T3.new))
    report.sections[1] = f"本年度新收政府信息公开申请{new + 7}件。"
    found = [f for f in verdict(report, read=read_bytes).findings if f.rule == "narrative-mismatch"]
    assert len(found) == 1 and str(new + 7) in found[0].message and str(new) in found[0].message
