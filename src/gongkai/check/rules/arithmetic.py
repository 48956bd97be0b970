"""The format's arithmetic identities (勾稽关系 and totals) and non-negative counts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from ...formats import Identity, IdentityKind
from ...model import CellState, Report
from ..finding import Finding, Severity
from ..registry import rule
from .certainty import uncertain
from .common import label, make, shown, total

_ABSENT = CellState.ABSENT
Broken = tuple[Identity, int | Decimal, int | Decimal]

# Several rules ask for the broken identities of one report; within one ``check()`` they are worked out once.
_MEMO: ContextVar[dict[int, list[Broken]] | None] = ContextVar("broken_identities_memo", default=None)


@contextmanager
def identities_worked_out_once() -> Iterator[None]:
    """Within this block, each report's broken identities are computed once (the report must not change)."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _all_broken(report: Report) -> list[Broken]:
    memo = _MEMO.get()
    if memo is not None and id(report) in memo:
        return memo[id(report)]
    found: list[Broken] = []
    cells = report.cells
    for identity in report.format.identities if report.format else ():
        for c in identity.cells:  # ``printed``, inline: a report has dozens of identities
            cell = cells.get(c)
            if cell is None or cell.state is _ABSENT:
                break
        else:
            left, right = total(report, identity.left), total(report, identity.right)
            if left != right:
                found.append((identity, left, right))
    if memo is not None:
        memo[id(report)] = found
    return found


def broken_identities(
    report: Report, kind: IdentityKind | None = None, *, certain: bool | None = None
) -> Iterator[Broken]:
    """Identities of the report's format (of one ``kind``, or all) that do not hold, with both sides.

    ``certain=True`` keeps only identities whose every cell was read with certainty (a publisher
    error may be claimed on them); ``certain=False`` only those with an uncertain cell; None all.
    """
    for identity, left, right in _all_broken(report):
        if kind is not None and identity.kind is not kind:
            continue
        if certain is not None and certain == any(uncertain(report, c) for c in identity.cells):
            continue
        yield identity, left, right


def publisher_errors(report: Report, kind: IdentityKind) -> Iterator[tuple[Identity, int | Decimal, int | Decimal]]:
    """Broken identities of ``kind`` read with certainty: the publisher's own arithmetic."""
    return broken_identities(report, kind, certain=True)


def _terms(report: Report, cells: tuple[str, ...]) -> str:
    return " + ".join(shown(report, c) for c in cells)


@rule("balance", Severity.ERROR, "勾稽关系不成立", "Balance identity of table 三 broken")
def balance(report: Report, previous: Report | None) -> Iterator[Finding]:
    """新收 + 上年结转 must equal 办理结果总计 + 结转下年度, in every column of table 三.

    The table itself states it: （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）.

    Failing: 新收36 + 上年结转0 = 36, but 总计36 + 结转下年度1 = 37.

    Passing: 58 + 0 = 56 + 2.
    """
    for identity, left, right in publisher_errors(report, IdentityKind.BALANCE):
        yield make(
            "balance",
            identity.cells,
            f"勾稽关系不成立（{identity.where}）：本年新收{shown(report, identity.left[0])} + 上年结转"
            f"{shown(report, identity.left[1])} = {left}，而办理结果总计{shown(report, identity.right[0])} + "
            f"结转下年度{shown(report, identity.right[1])} = {right}。",
            left=str(left),
            right=str(right),
        )


@rule("row-total", Severity.ERROR, "行合计不等于各申请人之和", "Row total differs from its applicant cells")
def row_total(report: Report, previous: Report | None) -> Iterator[Finding]:
    """In table 三, each row's 总计 must equal the sum of its six applicant cells.

    The 总计 column totals 自然人 and the five 法人或其他组织 columns.

    Failing: 予以公开 applicant cells blank, 总计 14.

    Passing: 50 + 4 + 0 + 0 + 0 + 0 = 54.
    """
    for identity, left, _right in publisher_errors(report, IdentityKind.ROW_TOTAL):
        yield make(
            "row-total",
            identity.cells,
            f"{identity.where}：各申请人之和 {_terms(report, identity.left)} = {left}，"
            f"与总计{shown(report, identity.right[0])}不符。",
        )


@rule("column-total", Severity.ERROR, "（七）总计不等于各办理结果之和", "Outcome total differs from its rows")
def column_total(report: Report, previous: Report | None) -> Iterator[Finding]:
    """In table 三, （七）总计 must equal the sum of the outcome rows, in every column.

    Each closed application is counted in exactly one outcome row (区分处理的，只计这一情形).

    Failing: 自然人 总计 14, but its outcome rows sum to 0.

    Passing: 107 + 1 + 12 + 4 = 124.
    """
    for identity, left, _right in publisher_errors(report, IdentityKind.COLUMN_TOTAL):
        yield make(
            "column-total",
            identity.cells,
            f"{identity.where}：各办理结果之和为{left}，与（七）总计{shown(report, identity.right[0])}不符。",
        )


@rule("appeal-total", Severity.ERROR, "复议/诉讼总计不等于分项之和", "Appeal total differs from its parts")
def appeal_total(report: Report, previous: Report | None) -> Iterator[Finding]:
    """In table 四, 结果维持 + 结果纠正 + 其他结果 + 尚未审结 must equal 总计, per group.

    The groups are 行政复议, 行政诉讼·未经复议直接起诉 and 行政诉讼·复议后起诉.

    Failing: 行政复议 10 + 1 + 0 + 0 = 11, 总计 printed 0.

    Passing: 6 + 1 + 0 + 2 = 9.
    """
    for identity, left, _right in publisher_errors(report, IdentityKind.APPEAL_TOTAL):
        yield make(
            "appeal-total",
            identity.cells,
            f"{identity.where}：结果维持、结果纠正、其他结果、尚未审结之和 {_terms(report, identity.left)} = {left}，"
            f"与总计{shown(report, identity.right[0])}不符。",
        )


@rule("negative-value", Severity.ERROR, "出现负数", "Negative number where none is allowed")
def negative_value(report: Report, previous: Report | None) -> Iterator[Finding]:
    """Counts and amounts are never negative; only 2019's 本年增/减 may be.

    Table cells count documents, decisions and applications.

    Failing: 规章 本年废止件数 printed "-1".

    Passing: 2019 format 行政处罚 本年增/减 "-24".
    """
    if report.format is None:
        return
    for cell_id, cell in report.cells.items():
        if cell.value is not None and cell.value < 0 and not report.format.column_of(cell_id).signed:
            yield make("negative-value", [cell_id], f"“{label(report, cell_id)}”填报为{cell.raw}，该项不应为负数。")
