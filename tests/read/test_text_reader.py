"""The text reader on hand-made inputs and re-encoded real reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from gongkai.api import read_file, read_text
from gongkai.check import check
from gongkai.errors import SourceError
from gongkai.model import CellState, EntityType

from ..conftest import CORPUS, shared_or_skip

SEED = "seeds/004_e7d4e3b0369f5572.txt"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_encodings_give_the_same_cells(tmp_path: Path, encoding: str) -> None:
    source = shared_or_skip(CORPUS / SEED)
    original = read_file(source)
    copy = tmp_path / f"004.{encoding}.txt"
    copy.write_bytes(source.read_text(encoding="utf-8").encode(encoding))
    again = read_file(copy)
    assert {k: c.value for k, c in again.cells.items()} == {k: c.value for k, c in original.cells.items()}
    assert again.agency == "阳泉市人民政府"


def test_every_cell_points_at_its_source_text() -> None:
    source = shared_or_skip(CORPUS / SEED)
    text = source.read_text(encoding="utf-8")
    report = read_file(source)
    for cell in report.cells.values():
        if cell.state is CellState.READ:
            assert cell.place is not None and cell.place.start is not None
            assert text[cell.place.start : cell.place.end] == cell.raw.strip("\u00a0\u3000 ")


GLUED = """测试区2022年度政府信息公开工作年度报告
二、主动公开政府信息情况 第二十条第（一）项 信息内容 本年制发件数 本年废止件数 现行有效件数 规章000行政规范性文件8855698
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）
一、本年新收政府信息公开申请数量 713000074二、上年结转政府信息公开申请数量 1000001三、本年度办理结果
（一）予以公开 210000021（二）部分公开（区分处理的，只计这一情形，不计其他情形） 8100009
（七）总计 723000075四、结转下年度继续办理 0000000
"""


def test_glued_digits_split_only_when_the_split_is_unique() -> None:
    report = read_text(GLUED)
    assert [report.value(f"applications.new.{c}") for c in ("person", "commercial", "total")] == [71, 3, 74]
    assert report.state("applications.new.person") is CellState.INFERRED
    assert report.value("applications.partial.commercial") == 1
    assert report.value("proactive.rules.issued") == 0  # "000" splits one way only
    assert report.state("proactive.normative.issued") is CellState.ABSENT  # 8855698: many splits
    findings = [f for f in check(report) if f.rule == "unreadable-cells"]
    assert findings and "8855698" in findings[0].message


def test_pre_2019_reports_are_recognised_and_not_forced_into_tables() -> None:
    report = read_text(
        "某县地方税务局2013年信息公开年度报告\n一、概述\n今年我局共受理审批事项117件，办结171件，办结率100%。\n"
    )
    assert report.format_id == "pre2019" and report.cells == {}
    assert [f.rule for f in check(report)] == ["narrative-inconsistency"]


def test_metadata_variants() -> None:
    report = read_text(
        "2021年度测试县发展和改革局政府信息公开工作年度报告\n一、总体情况\n正文。\n测试县发展和改革局\n二〇二二年一月二十日\n"
    )
    assert (report.agency, report.year, report.published) == ("测试县发展和改革局", 2021, date(2022, 1, 20))
    assert report.entity_type is EntityType.DEPARTMENT
    county = read_text("成安县2021年度政府信息公开年度报告\n发布日期: 2022.02.21\n一、总体情况\n")
    assert (county.agency, county.published, county.entity_type) == (
        "成安县人民政府",
        date(2022, 2, 21),
        EntityType.GOVERNMENT,
    )


def test_a_bracketed_aside_in_the_agency_name_is_kept_whole() -> None:
    aside = read_text("示例市自然资源和规划局（演示）2026年政府信息公开工作年度报告\n一、总体情况\n正文。\n")
    assert aside.agency == "示例市自然资源和规划局(演示)"
    quoted = read_text("（测试县财政局）2022年政府信息公开工作年度报告\n一、总体情况\n正文。\n")
    assert quoted.agency == "测试县财政局"
    dangling = read_text("测试县财政局）2022年政府信息公开工作年度报告\n一、总体情况\n正文。\n")
    assert dangling.agency == "测试县财政局"


def test_a_missing_or_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot open"):
        read_file(tmp_path / "nothing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    with pytest.raises(SourceError, match=r"empty\.txt: 文件是空的"):
        read_file(empty)


def test_table_four_printed_as_one_line_per_group() -> None:
    report = read_text(
        "某县人民政府2022年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n四、政府信息公开行政复议、行政诉讼情况\n"
        "行政复议 结果维持 结果纠正 其他结果 尚未审结 总计\n行政复议 1 0 0 2 3\n"
        "行政诉讼（未经复议直接起诉） 0 1 0 0 1\n行政诉讼（复议后起诉） 2 0 0 0 2\n五、存在的主要问题及改进情况\n"
    )
    groups = ("review", "suit_direct", "suit_after_review")
    values = [
        report.value(f"appeals.{g}.{c}") for g in groups for c in ("upheld", "corrected", "other", "pending", "total")
    ]
    assert values == [1, 0, 0, 2, 3, 0, 1, 0, 0, 1, 2, 0, 0, 0, 2]


def test_space_separated_row_with_lost_blanks_is_not_guessed() -> None:
    head = (
        "某县人民政府2022年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量 "
    )
    tail = "\n二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n"
    ambiguous = read_text(head + "30 6 36" + tail)  # which two applicant columns? the text does not say
    assert all(ambiguous.state(f"applications.new.{c}") is CellState.ABSENT for c in ("person", "total"))
    assert any(f.rule == "unreadable-cells" for f in check(ambiguous))
    total_only = read_text(head + "36" + tail)  # one number is the total
    assert total_only.value("applications.new.total") == 36
    assert total_only.state("applications.new.person") is CellState.ABSENT


def test_a_planned_date_in_the_text_is_not_the_publication_date() -> None:
    plan = read_text("某县财政局2022年政府信息公开工作年度报告\n一、总体情况\n正文。\n将于2023年6月30日前完成整改。\n")
    assert plan.published is None
    signed = read_text("某县财政局2022年政府信息公开工作年度报告\n一、总体情况\n正文。\n某县财政局  2023年1月10日\n")
    assert signed.published == date(2023, 1, 10)


@pytest.mark.parametrize("variant", ["crlf", "fullwidth-digits"])
def test_line_endings_and_full_width_digits_change_nothing(variant: str) -> None:
    source = shared_or_skip(CORPUS / SEED)
    text = source.read_text(encoding="utf-8")
    if variant == "crlf":
        text = text.replace("\n", "\r\n")
    else:
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    original, again = read_file(source), read_text(text)
    assert {k: c.value for k, c in again.cells.items()} == {k: c.value for k, c in original.cells.items()}
    assert (again.agency, again.year, again.published) == (original.agency, original.year, original.published)


def test_a_row_of_dashes_around_a_number_is_a_row_not_a_page_footer() -> None:
    """ "规范性文件 - 0 -" has the shape of a footer ("— 4 —"), but on the label's line it is the row's cells."""
    text = (
        "某县人民政府2020年政府信息公开工作年度报告\n一、总体情况\n正文。\n二、主动公开政府信息情况\n"
        "第二十条第（一）项\n信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n规章 - - -\n规范性文件 - 0 -\n"
        "— 4 —\n第二十条第（五）项\n"
    )
    report = read_text(text)
    assert report.value("proactive.normative.published") == 0
    assert report.state("proactive.normative.made") is CellState.BLANK


def test_a_long_line_that_mentions_a_report_is_no_title() -> None:
    listing = "a" * 64 + "\t" + "reports/" * 40 + "某县2021年度报告.txt\t" + "b" * 300
    assert read_text(listing + "\n正文").title is None
    paragraph = "安阳县人民政府2021年政府信息公开工作年度报告" + "，全文包括总体情况等六个部分" * 8
    report = read_text(paragraph + "\n一、总体情况")
    assert report.title == "安阳县人民政府2021年政府信息公开工作年度报告"  # the words that open it
    assert report.agency == "安阳县人民政府"
