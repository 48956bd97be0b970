"""Do the figures in the text agree with the tables, and with each other?"""

from __future__ import annotations

from collections.abc import Iterator

from ...formats.narrative import vocabulary
from ...model import CellState, Number, Report, Statement
from ..finding import Finding, Severity
from ..registry import rule
from .common import make, shown


def _readable(report: Report, *cells: str) -> bool:
    return all(report.state(c) is not CellState.ABSENT for c in cells)


def _quote(statement: Statement) -> str:
    return statement.quote if len(statement.quote) <= 60 else statement.quote[:57] + "…"


def _sum(report: Report, cells: tuple[str, ...]) -> Number:
    return sum((report.number(c) for c in cells), start=0)


def _terms(report: Report, cells: tuple[str, ...]) -> str:
    return " + ".join(shown(report, c) for c in cells)


# a share is right when it rounds to what was printed, from one of these bases
def _share_bases(report: Report) -> list[Number]:
    fmt = report.format
    if fmt is None or fmt.applications is None:
        return []
    t3 = fmt.applications
    new, carried, closed = (report.number(t3.cell(r)) for r in (t3.new, t3.carried, t3.total))
    return [b for b in (closed, new, new + carried) if b]


def _share_fits(value: float, share: float, stated: str, bases: list[Number]) -> bool:
    decimals = len(stated.partition(".")[2])
    tolerance = 0.5 * 10**-decimals + 1e-9
    return any(abs(value / float(base) * 100 - share) <= tolerance for base in bases)


@rule("narrative-mismatch", Severity.WARNING, "正文数字与表格不符", "A figure in the text contradicts the table")
def narrative_mismatch(report: Report, previous: Report | None) -> Iterator[Finding]:
    """A figure stated in the text differs from the table cells that measure the same thing.

    The measures and their phrasings are declared with the format (``formats/narrative.py``): received
    with 本年新收 (or 新收+上年结转), 办结 with （七）总计, each outcome row or group ("予以公开及部分公开N件" with
    the sum of both rows), 行政复议 and 行政诉讼 with table 四, 制发/废止/现行有效 with table 二. A share
    stated with a figure ("占33.9%") must fit it. Clauses about another year or a wider scope are skipped.

    Failing: "共受理政府信息公开申请31件" while 本年新收 is 58.

    Passing: "收到申请75件" with 新收74 + 上年结转1.
    """
    if report.format is None or not report.format.tables:
        return
    seen: set[tuple[tuple[tuple[str, ...], ...], float]] = set()
    bases = _share_bases(report)
    narrative = vocabulary(report.format)
    for s in report.statements:
        declared = narrative.measure(s.measure)
        readings = narrative.readings(s.measure, s.readings)
        label = s.label or (declared.label if declared else "")
        key = (readings, s.value)
        if not readings or key in seen or not _readable(report, *(c for r in readings for c in r)):
            continue
        sums = [_sum(report, r) for r in readings]
        main = readings[0]
        if not any(abs(float(total) - s.value) < 1e-6 for total in sums):
            seen.add(key)
            what = "、".join(report.format.label_of(c) for c in main) if len(main) <= 3 else label
            table = f"{what}为{_terms(report, main)}" + (f" = {sums[0]}" if len(main) > 1 else "")
            yield make("narrative-mismatch", list(main), f"正文称“{_quote(s)}”（{label}{s.value:g}），表中{table}。")
        elif s.share is not None and bases and not _share_fits(s.value, s.share, f"{s.share:g}", bases):
            seen.add(key)
            yield make(
                "narrative-mismatch",
                list(main),
                f"正文称“{_quote(s)}”：{label}{s.value:g}件占{s.share:g}%，"
                f"与表中总数（{'、'.join(str(b) for b in bases)}）算出的比例均不符。",
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
        finished = figures.get("finished") or figures.get("closed")
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
