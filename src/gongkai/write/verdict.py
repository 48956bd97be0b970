"""Before a report is written: the checker's findings, the publication deadline, 内容雷同 with last year.

Error-level findings block writing unless the writer overrides them with a reason, which the
output keeps in its metadata. The report is checked as a reader would see it: the renderers'
Markdown read back (``read``, handed in by the caller: this package does not import the
reader), so the narrative rules compare the prose's numbers with the tables; without a
reader the composed cells and sections are checked directly. The previous year's report,
where the corpus holds one, adds the cross-year rules, 内容雷同 among them (a warning).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..check import Finding, Severity, check
from ..law.deadlines import publication_deadline
from ..model import Report
from .markdown_out import render_markdown
from .model import AnnualReport

Reader = Callable[[bytes, str], Report]
DUPLICATE_RULE = "duplicate-content"


@dataclass(slots=True)
class Verdict:
    """What the checker found, and when the report is due."""

    findings: list[Finding]
    deadline: tuple[date, str] | None
    override: str | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def blocked(self) -> bool:
        """Error-level findings and no reason given to write anyway."""
        return bool(self.errors) and not self.override

    @property
    def copied(self) -> list[Finding]:
        """内容雷同: the prose (nearly) repeats last year's report."""
        return [f for f in self.findings if f.rule == DUPLICATE_RULE]

    def deadline_line(self) -> str:
        """The publication deadline in a Chinese sentence."""
        if self.deadline is None:
            return "发布期限：乡镇人民政府、街道办事处的期限由本地规定确定（条例第四十九条未规定具体日期）。"
        day, basis = self.deadline
        return f"发布期限：{day.year}年{day.month}月{day.day}日前（{basis}）。"


def subject(report: AnnualReport, read: Reader | None = None) -> Report:
    """The report as the checker sees it: read back from its Markdown when a reader is given."""
    if read is None:
        return report.report()
    seen = read(render_markdown(report).encode("utf-8"), f"{report.agency}{report.year}年度报告.md")
    seen.agency, seen.year, seen.entity_type = report.agency, report.year, report.entity_type
    return seen


def verdict(
    report: AnnualReport,
    *,
    read: Reader | None = None,
    previous: Report | None = None,
    override: str | None = None,
    publishing: date | None = None,
) -> Verdict:
    """Check ``report`` (against ``previous``, last year's report, when given); ``override`` lifts the block.

    The reason given is set on ``report.override``, so that the written file keeps it in its metadata.

    ``publishing`` is the day it is to be published: past the deadline that is the error
    publication-late, which blocks writing like any other error.
    """
    reason = override.strip() if override and override.strip() else None
    seen = subject(report, read)
    seen.published = publishing
    findings = check(seen, previous)
    report.override = reason
    return Verdict(findings, publication_deadline(report.year, report.entity_type), reason)
