"""Who published the report, when, in which format, and the fee statement."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from ...law.agencies import has_place_name
from ...model import EntityType, Report
from ..finding import Finding, Severity
from ..registry import rule
from .common import make

_FEE_WORDS = re.compile(r"信息处理费|收费|收取|费用|缴费")


def deadline(report: Report) -> tuple[date, str] | None:
    """The statutory publication deadline (条例 第四十九条; 2008 条例 第三十一条), or None if unfixed."""
    if report.year is None:
        return None
    following = report.year + 1
    if report.year <= 2018:
        return date(following, 3, 31), "2008年条例第三十一条：各级行政机关于每年3月31日前公布"
    if report.entity_type is EntityType.DEPARTMENT:
        return date(following, 1, 31), "条例第四十九条：县级以上人民政府部门于每年1月31日前公布"
    if report.entity_type is EntityType.TOWNSHIP:
        return None  # set by local rules, not by the 条例
    return date(following, 3, 31), "条例第四十九条：县级以上人民政府年度报告于每年3月31日前公布"


@rule("publication-late", Severity.ERROR, "年度报告逾期公布", "Report published after its statutory deadline")
def publication_late(report: Report, previous: Report | None) -> Iterator[Finding]:
    """The date printed on the report is after its legal deadline.

    条例 第四十九条: a government department's report by 31 January, a people's government's
    report on its whole administration by 31 March; reports under the 2008 条例 by 31 March.
    An organ whose kind cannot be told is held to the later date, so no report is called late wrongly.

    Failing: a 局 report on 2023 dated 2024-02-20.

    Passing: a 县人民政府 report on 2021 dated 2022-03-09.
    """
    due = deadline(report)
    if report.published is None or due is None:
        return
    limit, basis = due
    if report.published > limit:
        yield make(
            "publication-late",
            ["published"],
            f"报告落款/发布日期为{report.published.isoformat()}，晚于法定期限{limit.isoformat()}（{basis}）。",
        )


@rule("agency-unidentified", Severity.WARNING, "未写明发布机关", "The report does not name its agency")
def agency_unidentified(report: Report, previous: Report | None) -> Iterator[Finding]:
    """The title and opening do not say which agency, of which place, issued the report.

    A report must be attributable: "政府办…年度报告" does not say which county's office.

    Failing: "政府办2021年政府信息公开工作年度报告".

    Passing: "安阳县人民政府2021年政府信息公开工作年度报告".
    """
    if report.format is None:
        return  # not recognised as an annual report at all (report-unrecognised says so)
    if report.agency is None:
        yield make("agency-unidentified", ["title"], "报告未写明发布机关名称。")
    elif not has_place_name(report.agency):
        yield make("agency-unidentified", ["title"], f"报告仅称“{report.agency}”，未写明所属地区或完整机关名称。")


@rule("format-outdated", Severity.WARNING, "使用了不适用的表格格式", "Tables of the wrong national format for the year")
def format_outdated(report: Report, previous: Report | None) -> Iterator[Finding]:
    """A report for 2021 or later uses the 2019 (试行) tables, or a 2019/2020 report the 2021 tables.

    国办公开办函〔2021〕30号 replaced the 2019 format from the 2021 reports on.

    Failing: a 2022 report with 本年新制作数量 / 上一年项目数量 columns.

    Passing: a 2020 report with the 2019 tables.
    """
    if report.format is None or report.year is None:
        return
    if report.format.id == "2019" and report.year >= 2021:
        yield make(
            "format-outdated",
            ["format"],
            f"{report.year}年度报告仍使用2019年试行格式的表格，应使用国办公开办函〔2021〕30号格式。",
        )
    elif report.format.id == "2021" and report.year in (2019, 2020):
        yield make(
            "format-outdated", ["format"], f"{report.year}年度报告使用了2021年格式的表格，当年应使用2019年试行格式。"
        )


@rule("fee-statement-missing", Severity.WARNING, "未报告信息处理费情况", "No word on 信息处理费 in section 六")
def fee_statement_missing(report: Report, previous: Report | None) -> Iterator[Finding]:
    """A 2021-format report says nothing of 信息处理费 in 六、其他需要报告的事项.

    The 2021 format asks section 六 to report fees under 国办函〔2020〕109号 (or that none were charged).

    Failing: 六、其他需要报告的事项：无。

    Passing: "我单位2021年未收取信息处理费。"
    """
    if report.format is None or report.format.id != "2021":
        return
    section = report.sections.get(6)
    text = section.text if section else ""
    if not _FEE_WORDS.search(text):
        quote = re.sub(r"\s+", "", text)[:30] or "（缺少该部分）"
        yield make(
            "fee-statement-missing",
            ["section6"],
            f"“六、其他需要报告的事项”未说明信息处理费收取情况（原文：{quote}）。",
        )


@rule("report-unrecognised", Severity.WARNING, "未识别为年度报告", "Not recognised as an annual report")
def report_unrecognised(report: Report, previous: Report | None) -> Iterator[Finding]:
    """The file shows neither the national tables nor a report year of the pre-2019 era.

    A file that is not a 政府信息公开工作年度报告 (or prints its tables beyond recognition)
    gets no other findings: they would be noise.

    Failing: a notice, a news page, an empty template.

    Passing: any report whose tables or year place it in a format.
    """
    if report.format is None:
        what = f"（标题：{report.title}）" if report.title else ""
        yield make(
            "report-unrecognised",
            ["format"],
            f"未识别出政府信息公开工作年度报告的统计表格或年度{what}，请确认文件内容。",
        )
