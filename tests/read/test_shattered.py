"""Table 三 shattered the ways PDF→Markdown conversions shatter it, read back (issue 9 §3).

Whatever the conversion did, every cell is exact, or absent with a finding that names it
(unreadable-cells, missing-cells), or placed uncertain (and then named by a finding where it
is wrong); a wrong value is never claimed certain, and a table whose printed values are
consistent never draws an arithmetic error. The shatterings run on random valid tables
(``measure.synth.random_values``) and on the real converted report dev 004.

``SHATTERINGS_ONCE_MISREAD`` keeps, as fixed regression cases, the shatterings that once made the reader claim a
wrong value with certainty (near matches of other rows' labels, a stand-in group label, header rows between a
label and its cells, text between a label table and its numbers).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.api import read_text
from gongkai.check import Severity, check
from gongkai.formats import FORMAT_2021
from gongkai.measure.evaluate import load_gold
from gongkai.measure.synth import random_values
from gongkai.model import CellState, PlacedBy

from ..conftest import CORPUS, GOLD, shared_or_skip
from .shatter import (
    BETWEEN,
    HEADERS,
    ROWS,
    T3,
    Shatter,
    Values,
    judge,
    render_report,
    replace_table_three,
    table_three_of,
)

DEV_004 = "dev/004_shuyang-xian-2025"
INDEX = {row.id: i for i, row in enumerate(ROWS)}
_GROUPS = FORMAT_2021.table(T3.table).blocks[0].groups
NEW, CARRIED, GRANTED, PARTIAL = INDEX["new"], INDEX["carried"], INDEX["granted"], INDEX["partial"]
REPEAT, PUBLICATION = INDEX["reject_repeat"], INDEX["reject_publication"]
NO_CORRECTION, NO_FEE, OTHER_MISC = INDEX["other_no_correction"], INDEX["other_no_fee"], INDEX["other_misc"]


@st.composite
def shatterings(draw: st.DrawFn) -> Shatter:
    count = len(ROWS)
    cut_rows = sorted(draw(st.sets(st.integers(1, count - 1), max_size=10)))
    cuts = tuple((i, draw(st.sampled_from(BETWEEN)), draw(st.sampled_from(HEADERS))) for i in cut_rows)
    apart = draw(st.integers(0, 5)) == 0
    return Shatter(
        cuts=cuts[:1] if apart else cuts,
        dropped=frozenset() if apart else frozenset(draw(st.sets(st.integers(0, count - 1), max_size=6))),
        no_label_cell=draw(st.booleans()),
        apart=apart,
        group_column=draw(st.booleans()),
        first_header=draw(st.sampled_from(HEADERS)),
        footers_elsewhere=draw(st.booleans()),
        seed=draw(st.integers(0, 1000)),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), plan=shatterings())
def test_shattered_tables_are_never_read_wrong_with_certainty(seed: int, plan: Shatter) -> None:
    values = random_values(random.Random(seed))
    text = render_report(values, plan)
    report = read_text(text, "shattered.md")
    assert report.format_id == "2021"
    verdict = judge(report, check(report), values)
    assert not verdict, f"{plan.describe()}\n{verdict}\n{text}"


# --- the same on a real converted report: dev 004 (an OCR'd PDF→Markdown conversion) --------------


def _dev_004() -> tuple[str, Values]:
    source = shared_or_skip(CORPUS / f"{DEV_004}.md")
    gold = load_gold(shared_or_skip(GOLD / f"{DEV_004}.json"))
    return source.read_text(encoding="utf-8"), gold.cells  # type: ignore[return-value]


DEV_PLANS = {
    "as-one-table": Shatter(),
    "many-pieces": Shatter(
        cuts=(
            (2, "heading", "numbers-header"),
            (4, "footer", "none"),
            (12, "blank", "wrong-header"),
            (15, "applicants-header", "numbers-header"),
            (20, "footer", "wrong-header"),
        ),
        first_header="numbers-header",
        footers_elsewhere=True,
    ),
    "labels-dropped": Shatter(dropped=frozenset({3, 9, 16}), cuts=((8, "footer", "none"),)),
    "label-cells-dropped": Shatter(dropped=frozenset({1, 13, 24}), no_label_cell=True),
    "groups-in-first-column": Shatter(
        group_column=True, dropped=frozenset({2, 14}), cuts=((11, "heading", "numbers-header"),)
    ),
    "labels-apart": Shatter(apart=True, cuts=((0, "footer", "none"),)),
    "labels-apart-with-groups": Shatter(apart=True, group_column=True, first_header="wrong-header"),
}


def test_dev_004_table_three_is_found_in_its_markdown() -> None:
    text, gold = _dev_004()
    _, _, labels, cells = table_three_of(text)
    assert len(labels) == len(ROWS) and all(len(c) == len(T3.columns) for c in cells)
    assert [int(n) for n in cells[0]] == [gold[T3.cell(T3.new, c)] for c in T3.columns]


@pytest.mark.parametrize("name", sorted(DEV_PLANS))
def test_dev_004_shattered(name: str) -> None:
    text, gold = _dev_004()
    report = read_text(replace_table_three(text, DEV_PLANS[name]), "004_shuyang-xian-2025.md")
    findings = check(report)
    verdict = judge(report, findings, gold)
    assert not verdict, f"{name}: {verdict}"
    # the gold has no finding: nothing error-level may appear, whatever the conversion did
    assert not [f.rule for f in findings if f.severity is Severity.ERROR]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=shatterings())
def test_dev_004_shattered_at_random(plan: Shatter) -> None:
    text, gold = _dev_004()
    report = read_text(replace_table_three(text, plan), "004_shuyang-xian-2025.md")
    verdict = judge(report, check(report), gold)
    assert not verdict, f"{plan.describe()}\n{verdict}"


# --- what the reader says about the rows it placed, or could not place ------------------------------


def test_rows_without_labels_are_placed_by_order_and_marked_uncertain() -> None:
    values = random_values(random.Random(7))
    dropped = {PARTIAL, INDEX["deny_internal"]}
    report = read_text(render_report(values, Shatter(dropped=frozenset(dropped))), "x.md")
    for i in dropped:
        for col in T3.columns:
            cell = report.cells[T3.cell(ROWS[i], col)]
            assert cell.value == values[cell.id]
            assert cell.placement is not None and cell.placement.by is PlacedBy.ORDER and not cell.certain
            placement = cell.to_json()["placement"]
            assert placement == {"by": "order", "certain": False, "evidence": cell.placement.evidence}
    kept = report.cells[T3.cell(T3.granted)]  # the rows around them keep their own labels
    assert kept.placement is not None and kept.placement.by is PlacedBy.LABEL and kept.certain


def test_rows_that_fit_several_ways_stay_absent_with_a_finding_naming_them() -> None:
    # 2.其他法律… without its label under 1.国家秘密; 3.危及… labelled only by a heading over a table
    # whose first line is its own and whose second is 4.保护第三方's, printed without a label. Its two
    # lines may be (2, 3) or (3, 4): rows of zeros fit either way, so neither is taken.
    deny = [INDEX[r] for r in ("deny_secret", "deny_law", "deny_safety", "deny_third_party")]
    values = random_values(random.Random(11))
    for i in deny:
        for col in T3.columns:
            values[T3.cell(ROWS[i], col)] = 0
    values = _rebalanced(values)
    plan = Shatter(dropped=frozenset(deny[1:]), cuts=((deny[2], "row-heading", "none"),))
    report = read_text(render_report(values, plan), "x.md")
    findings = check(report)
    assert not judge(report, findings, values)
    absent = {c for c, cell in report.cells.items() if cell.state is CellState.ABSENT and cell.raw}
    assert {c.split(".")[1] for c in absent} >= {"deny_law", "deny_third_party"}, report.notes
    (unreadable,) = [f for f in findings if f.rule == "unreadable-cells"]
    assert absent <= set(unreadable.cells)
    assert "行标签缺失" in unreadable.message and "其他法律行政法规禁止公开" in unreadable.message
    assert not [f for f in findings if f.severity is Severity.ERROR]


def _rebalanced(values: Values) -> Values:
    """``values`` with （七）总计, 新收 and the 总计 column made to agree again after outcome rows changed."""
    out = dict(values)
    for col in T3.applicants:
        closed = sum(int(out[T3.cell(r, col)] or 0) for r in T3.outcomes)
        out[T3.cell(T3.total, col)] = closed
        carried = int(out[T3.cell(T3.carried, col)] or 0)
        forward = int(out[T3.cell(T3.carry_forward, col)] or 0)
        out[T3.cell(T3.new, col)] = closed + forward - carried
    for row in ROWS:
        out[T3.cell(row)] = sum(int(out[T3.cell(row, c)] or 0) for c in T3.applicants)
    assert all((v or 0) >= 0 for v in out.values())
    return out


def test_page_footers_inside_tables_are_not_cells() -> None:
    values = random_values(random.Random(3))
    cuts = tuple((i, "footer", "none") for i in range(2, len(ROWS), 3))
    report = read_text(render_report(values, Shatter(cuts=cuts, footers_elsewhere=True)), "x.md")
    assert {c: report.value(c) for c in values} == values
    assert all(cell.certain for cell in report.cells.values())


# --- shatterings that once misread (regressions) ----------------------------------------------------


def _misread(plan: Shatter, source: str = "synthetic") -> dict[str, tuple[object, object]]:
    """What a reading of ``plan`` gets wrong (wrong certain cells, false errors), on a synthetic report or dev 004."""
    if source == "synthetic":
        truth = random_values(random.Random(2))
        text = render_report(truth, plan)
    else:
        original, truth = _dev_004()
        text = replace_table_three(original, plan)
    report = read_text(text, "x.md")
    verdict = judge(report, check(report), truth)
    return {**verdict.wrong_certain, **{f: ("", "") for f in verdict.false_errors}}


SHATTERINGS_ONCE_MISREAD = {
    # 一、本年新收 printed without its label: "本年新收政府信息公开申请数量" fuzzy-matches
    # "上年结转政府信息公开申请数量" (3 edits allowed in 14); 新收 takes 上年结转's numbers as FUZZY (certain).
    "first_row_label_lost": Shatter(dropped=frozenset({NEW})),
    # 2.重复申请 and 3.要求提供公开出版物 without labels: "重复申请" fuzzy-matches "反复申请" inside
    # "4.无正当理由大量反复申请"; 重复申请 takes that row's numbers as FUZZY (certain).
    "repeat_label_lost_before_mass": Shatter(dropped=frozenset({REPEAT, PUBLICATION})),
    # （一）予以公开, （二）部分公开 and 1.属于国家秘密 without labels, group labels in a first column:
    # "予以公开" fuzzy-matches the group label "（三）不予公开"; 予以公开 takes 国家秘密's numbers (FUZZY).
    "granted_label_lost_beside_deny_group": Shatter(
        dropped=frozenset({GRANTED, PARTIAL, INDEX["deny_secret"]}), group_column=True
    ),
    # the three （六） rows without labels, group labels in a first column: the fallback "（六）其他处理"
    # (meant for a table printing （六） as one row) is found as the group label and 3.其他 takes
    # 1.逾期不补正's numbers as FALLBACK (certain).
    "other_labels_lost_beside_group_label": Shatter(
        dropped=frozenset({NO_CORRECTION, NO_FEE, OTHER_MISC}), group_column=True
    ),
    # labels in one table, then a text line ("申请人情况" or a "###" heading), then the numbers: split_row's
    # space-separated fallback reads the tab lines after the text line as the last label's own numbers,
    # so 四、结转下年度 takes 一、本年新收's numbers as LABEL (certain); a "数据1…数据6" header gives 1…6.
    "text_between_apart": Shatter(apart=True, cuts=((1, "applicants-header", "none"),)),
    # "### 二、上年结转…" as a heading, then a header row "项目|本年新收件数|上年结转件数|予以公开|…", then
    # the row itself: the header word "予以公开" is taken for （一）予以公开's label (4 characters, matched
    # without its numbering), cutting 上年结转 short: its 自然人 cell reads as printed blank (certain).
    "wrong_header_under_heading": Shatter(cuts=((CARRIED, "row-heading", "wrong-header"),)),
    # 7.属于行政执法案卷 printed only as a "###" heading, group labels in a first column: the header row under
    # the heading ("| | 类别 | 数据1 | … |") is read as the row's cells; its empty corner becomes a printed
    # blank 自然人 (certain) and the row's numbers on the next line are lost.
    "header_corner_under_heading": Shatter(
        cuts=((INDEX["deny_enforcement"], "row-heading", "numbers-header"),),
        dropped=frozenset({INDEX["deny_enforcement"]}),
        group_column=True,
    ),
}


@pytest.mark.parametrize("source", ["synthetic", "dev-004"])
@pytest.mark.parametrize(
    "name",
    list(SHATTERINGS_ONCE_MISREAD),
)
def test_shatterings_once_misread_are_read_right(name: str, source: str) -> None:
    assert not _misread(SHATTERINGS_ONCE_MISREAD[name], source)
