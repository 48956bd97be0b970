"""Rules that compare a report with the same agency's report of the year before."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rapidfuzz import fuzz

from ...formats import FORMATS, ApplicationsView
from ...model import Report
from ..finding import Finding, Severity
from ..registry import rule
from .common import label, make, printed, shown

DUPLICATE_SIMILARITY = 90.0  # percent; a report rewritten from the same template scores 60-80
DUPLICATE_MIN_CHARS = 200  # below this much prose, similarity says nothing about copying

_NOISE = re.compile(r"[\s\d０-９〇零一二三四五六七八九十百千万.,，。、；;：:（）()《》“”\"'%％\-—_|#*]+")


def _applications(report: Report) -> ApplicationsView | None:
    return report.format.applications if report.format else None


def _consecutive(report: Report, previous: Report | None) -> bool:
    """True when ``previous`` may be compared: last year's report (or a year that cannot be told)."""
    if previous is None:
        return False
    return report.year is None or previous.year is None or previous.year == report.year - 1


@rule(
    "carry-mismatch",
    Severity.WARNING,
    "上年结转与上年度结转下年度不符",
    "Carried over ≠ last year's carried forward",
    cross_year=True,
)
def carry_mismatch(report: Report, previous: Report | None) -> Iterator[Finding]:
    """二、上年结转 differs from last year's 四、结转下年度继续办理, in a column of table 三.

    The applications still open at the end of one year are the ones carried into the next; the
    same organ's two reports must agree (T3-XYEAR). A reorganised organ may break it, so it warns.

    Failing: 2024 上年结转 自然人 3, while the 2023 report's 结转下年度 自然人 is 1.

    Passing: 2023 结转下年度 2 and 2024 上年结转 2, column by column.
    """
    if not _consecutive(report, previous):
        return
    assert previous is not None
    t3, before_t3 = _applications(report), _applications(previous)
    if t3 is None or before_t3 is None:
        return
    for col in t3.columns:
        now, before = t3.cell(t3.carried, col), before_t3.cell(before_t3.carry_forward, col)
        if not (printed(report, [now]) and printed(previous, [before])):
            continue
        if report.number(now) != previous.number(before):
            yield make(
                "carry-mismatch",
                [now],
                f"{label(report, now)}为{shown(report, now)}，而{previous.year or '上'}年度报告"
                f"“四、结转下年度继续办理”同列为{shown(previous, before)}。",
                previous_source=previous.source,
                previous_value=shown(previous, before),
            )


@rule(
    "in-force-continuity",
    Severity.WARNING,
    "现行有效件数与上年不衔接",
    "In-force count does not follow from last year's",
    cross_year=True,
)
def in_force_continuity(report: Report, previous: Report | None) -> Iterator[Finding]:
    """现行有效件数 differs from last year's 现行有效件数 + 本年制发件数 − 本年废止件数 (2021 format).

    Table 二 counts 规章 and 行政规范性文件 in force; a year's issues add to them and its repeals
    subtract (T2-XYEAR). Amendments and re-issues make this inexact, so it only warns.

    Failing: 2023 现行有效 5; 2024 制发 3, 废止 0, 现行有效 9 (expected 8).

    Passing: 2023 现行有效 5; 2024 制发 3, 废止 0, 现行有效 8.
    """
    if not _consecutive(report, previous):
        return
    assert previous is not None
    stock = report.format.proactive if report.format else None
    if stock is None or previous.format is None or previous.format.proactive != stock:
        return
    for row in stock.documents:
        issued, repealed, in_force = (stock.cell(row, c) for c in (stock.issued, stock.repealed, stock.in_force))
        if not (printed(report, [issued, repealed, in_force]) and printed(previous, [in_force])):
            continue
        expected = previous.number(in_force) + report.number(issued) - report.number(repealed)
        if report.number(in_force) != expected:
            yield make(
                "in-force-continuity",
                [in_force],
                f"{label(report, in_force)}为{shown(report, in_force)}，但上年现行有效{shown(previous, in_force)} + "
                f"本年制发{shown(report, issued)} − 本年废止{shown(report, repealed)} = {expected}。",
                previous_source=previous.source,
                expected=str(expected),
            )


def _table_labels() -> frozenset[str]:
    words: set[str] = set()
    for fmt in FORMATS.values():
        for table in fmt.tables:
            for block in table.blocks:
                words.update(filter(None, (block.caption, *block.header_words)))
                for row in block.rows:
                    words.update((row.label, row.number + row.label, *row.variants))
                words.update(c.label for c in block.columns)
    return frozenset(_NOISE.sub("", w) for w in words)


_LABELS = _table_labels()
_MIN_LINE = 12  # normalised characters; shorter lines are table cells and headings, not prose


def prose(report: Report) -> str:
    """The report's running text, without table labels, numbers, spaces or punctuation."""
    kept = []
    for number in sorted(report.sections):
        for line in report.sections[number].text.split("\n"):
            compact = _NOISE.sub("", line)
            if len(compact) >= _MIN_LINE and compact not in _LABELS:
                kept.append(compact)
    return "".join(kept)


@rule(
    "duplicate-content",
    Severity.WARNING,
    "年报内容与上年雷同",
    "Report text nearly identical to last year's",
    cross_year=True,
)
def duplicate_content(report: Report, previous: Report | None) -> Iterator[Finding]:
    """The report's prose is (nearly) the same as last year's: 内容雷同.

    The 2021 format's （四）明确责任 names 内容雷同 among the faults to be held to account
    (条例 第四十七条). Prose is compared without numbers, spaces, punctuation and table labels, so
    a copy with only the figures and the year changed still matches; the similarity is rapidfuzz's
    normalised Indel ratio, flagged at 90 % or more when both reports have at least 200 characters
    of prose. Reports rewritten from one template typically score 60–80 %.

    Failing: the 2024 text repeats the 2023 text with only the numbers changed (similarity 98 %).

    Passing: the same headings and template phrases with new content each year (similarity 70 %).
    """
    if not _consecutive(report, previous):
        return
    assert previous is not None
    now, before = prose(report), prose(previous)
    if min(len(now), len(before)) < DUPLICATE_MIN_CHARS:
        return
    similarity = fuzz.ratio(now, before)
    if similarity >= DUPLICATE_SIMILARITY:
        yield make(
            "duplicate-content",
            ["sections"],
            f"正文与{previous.year or '上'}年度报告相似度{similarity:.0f}%（不计数字、标点和表格标签，"
            f"{len(now)}字对{len(before)}字），内容雷同。",
            previous_source=previous.source,
            similarity=round(similarity, 1),
        )
