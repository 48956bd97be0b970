"""Do the figures in the text agree with the tables, and with each other?"""

from __future__ import annotations

from collections.abc import Iterator

from ...model import CellState, Report, Statement
from ..finding import Finding, Severity
from ..registry import rule
from .common import make, shown


def _readable(report: Report, *cells: str) -> bool:
    return all(report.state(c) is not CellState.ABSENT for c in cells)


def _quote(statement: Statement) -> str:
    return statement.quote if len(statement.quote) <= 60 else statement.quote[:57] + "…"


@rule("narrative-mismatch", Severity.WARNING, "正文数字与表格不符", "A figure in the text contradicts the table")
def narrative_mismatch(report: Report, previous: Report | None) -> Iterator[Finding]:
    """A figure stated in the text differs from the table cell that measures the same thing.

    Only like is compared with like: received with 本年新收 (or 新收+上年结转), 办结 with （七）总计,
    行政复议 with 行政复议·总计, 行政诉讼 with both 行政诉讼 总计 together. Loose matches are false alarms.

    Failing: "共受理政府信息公开申请31件" while 本年新收 is 58.

    Passing: "收到申请75件" with 新收74 + 上年结转1.
    """
    fmt = report.format
    if fmt is None or fmt.applications is None or fmt.appeals is None:
        return
    t3, t4 = fmt.applications, fmt.appeals
    new_cell, carried_cell, closed_cell = t3.cell(t3.new), t3.cell(t3.carried), t3.cell(t3.total)
    review_cell, suit_cells = t4.cell(t4.review), tuple(t4.cell(s) for s in t4.suits)
    seen: set[tuple[str, float]] = set()
    for s in report.statements:
        key = (s.measure, s.value)
        if key in seen:
            continue
        new, carried, closed = report.number(new_cell), report.number(carried_cell), report.number(closed_cell)
        if s.measure == "received" and _readable(report, new_cell, carried_cell):
            if s.value not in (new, new + carried):
                seen.add(key)
                yield make(
                    "narrative-mismatch",
                    [new_cell],
                    f"正文称“{_quote(s)}”（{s.value:g}件），表三本年新收为{shown(report, new_cell)}。",
                )
        elif s.measure == "handled" and _readable(report, new_cell, carried_cell, closed_cell):
            if s.value not in (new, new + carried, closed):
                seen.add(key)
                yield make(
                    "narrative-mismatch",
                    [new_cell, closed_cell],
                    f"正文称“{_quote(s)}”（{s.value:g}件），"
                    f"与表三本年新收{shown(report, new_cell)}、总计{shown(report, closed_cell)}均不符。",
                )
        elif s.measure == "closed" and _readable(report, closed_cell):
            if s.value != closed:
                seen.add(key)
                yield make(
                    "narrative-mismatch",
                    [closed_cell],
                    f"正文称办结{s.value:g}件（“{_quote(s)}”），表三（七）总计为{shown(report, closed_cell)}。",
                )
        elif s.measure == "reviews" and _readable(report, review_cell):
            if s.value != report.number(review_cell):
                seen.add(key)
                yield make(
                    "narrative-mismatch",
                    [review_cell],
                    f"正文称行政复议{s.value:g}件（“{_quote(s)}”），表四行政复议总计为{shown(report, review_cell)}。",
                )
        elif s.measure == "lawsuits" and _readable(report, *suit_cells):
            suits = sum(report.number(c) for c in suit_cells)
            if s.value != suits:
                seen.add(key)
                yield make(
                    "narrative-mismatch",
                    list(suit_cells),
                    f"正文称行政诉讼{s.value:g}件（“{_quote(s)}”），"
                    f"表四行政诉讼总计为{' + '.join(shown(report, c) for c in suit_cells)} = {suits}。",
                )


@rule("narrative-inconsistency", Severity.WARNING, "正文数字自相矛盾", "Figures in the text contradict each other")
def narrative_inconsistency(report: Report, previous: Report | None) -> Iterator[Finding]:
    """One sentence states figures that cannot all be true.

    Closing more than was accepted, or a 100 % 办结率 with different counts, in the same sentence.

    Failing: "共受理审批事项117件，办结171件，办结率100%".

    Passing: "受理749件…办理718件、结转31件".
    """
    by_sentence: dict[int, dict[str, Statement]] = {}
    for s in report.statements:
        by_sentence.setdefault(s.sentence, {}).setdefault(s.measure, s)
    for figures in by_sentence.values():
        accepted = figures.get("accepted") or figures.get("received")
        finished = figures.get("closed")
        if accepted is None or finished is None:
            continue
        rate = figures.get("rate")
        carried_over = "结转" in accepted.quote or "上年" in accepted.quote
        too_many = finished.value > accepted.value and not carried_over
        bad_rate = rate is not None and rate.value == 100 and finished.value != accepted.value
        if too_many or bad_rate:
            where = [f"section{accepted.section}"] if accepted.section else ["text"]
            yield make(
                "narrative-inconsistency",
                where,
                f"正文“{_quote(accepted)}”：受理{accepted.value:g}件而办结{finished.value:g}件，数字相互矛盾。",
            )
