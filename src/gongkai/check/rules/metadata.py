"""Who published the report, when, in which format, and the fee statement."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...formats import FORMATS
from ...law.agencies import has_place_name
from ...law.deadlines import publication_deadline
from ...model import Report
from ..finding import Finding, Severity
from ..registry import rule
from .common import make

_FEE_WORDS = re.compile(r"信息处理费|收费|收取|费用|缴费")


@rule("publication-late", Severity.ERROR, "年度报告逾期公布", "Report published after its statutory deadline")
def publication_late(report: Report, previous: Report | None) -> Iterator[Finding]:
    """The date printed on the report is after its legal deadline.

    条例 第四十九条: a government department's report by 31 January, a people's government's
    report on its whole administration by 31 March; reports under the 2008 条例 by 31 March.
    An organ whose kind cannot be told is held to the later date, so no report is called late wrongly.

    Failing: a 局 report on 2023 dated 2024-02-20.

    Passing: a 县人民政府 report on 2021 dated 2022-03-09.
    """
    due = publication_deadline(report.year, report.entity_type)
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
    fmt, year = report.format, report.year
    if fmt is None or year is None or not fmt.tables or fmt.covers(year):
        return
    expected = next((f for f in FORMATS.values() if f.tables and f.covers(year)), None)
    if expected is None:
        return
    yield make(
        "format-outdated",
        ["format"],
        f"{year}年度报告使用了“{fmt.name}”的表格，当年应使用“{expected.name}”（{expected.basis}）。",
    )


@rule("fee-statement-missing", Severity.WARNING, "未报告信息处理费情况", "No word on 信息处理费 in section 六")
def fee_statement_missing(report: Report, previous: Report | None) -> Iterator[Finding]:
    """A 2021-format report says nothing of 信息处理费 in 六、其他需要报告的事项.

    The 2021 format asks section 六 to report fees under 国办函〔2020〕109号 (or that none were charged).

    Failing: 六、其他需要报告的事项：无。

    Passing: "我单位2021年未收取信息处理费。"
    """
    if report.format is None or report.format.fee_section is None:
        return
    section = report.sections.get(report.format.fee_section)
    text = section.text if section else ""
    if not _FEE_WORDS.search(text):
        quote = re.sub(r"\s+", "", text)[:30] or "（缺少该部分）"
        yield make(
            "fee-statement-missing",
            ["section6"],
            f"“{_fee_section(report)}”未说明信息处理费收取情况（原文：{quote}）。",
        )


def _fee_section(report: Report) -> str:
    assert report.format is not None
    return next(s.numbered for s in report.format.sections if s.number == report.format.fee_section)


@rule("report-unrecognised", Severity.WARNING, "未识别为年度报告", "Not recognised as an annual report")
def report_unrecognised(report: Report, previous: Report | None) -> Iterator[Finding]:
    """The file shows neither the national tables nor a report year of the pre-2019 era.

    A file that is not a 政府信息公开工作年度报告 (or prints its tables beyond recognition)
    gets no other findings: they would be noise.

    Failing: a notice, a news page, an empty template.

    Passing: any report whose tables or year place it in a format.
    """
    if report.format is None:
        title = report.title if not report.title or len(report.title) <= 40 else report.title[:40] + "…"
        what = f"（标题：{title}）" if title else ""
        yield make(
            "report-unrecognised",
            ["format"],
            f"未识别出政府信息公开工作年度报告的统计表格或年度{what}，请确认文件内容。",
        )
