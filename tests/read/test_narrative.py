"""What the reader takes from a report's prose: figures with the cell sums they state (issue 9 §2).

Sentences are written into real reports (``prose.py``); the figures are the reports' own table
sums from their gold files. The vocabulary is the format's (``formats/narrative.py``).
"""

from __future__ import annotations

import pytest

from gongkai.formats import FORMAT_2021, ApplicationsView, Column, ProactiveView, Row

from .prose import BASES, SEED_2019, Base, base

_t2, _t3 = FORMAT_2021.proactive, FORMAT_2021.applications
assert _t2 is not None and _t3 is not None
T2: ProactiveView = _t2
T3: ApplicationsView = _t3


def rows(prefix_of: Row) -> tuple[str, ...]:
    """The 总计 cells of the outcome rows of a group, named by its first row ("deny_secret" → all deny_*)."""
    stem = prefix_of.id.split("_")[0] + "_"
    return tuple(T3.cell(r) for r in T3.outcomes if r.id.startswith(stem))


def outcome(row_id: str) -> Row:
    return next(r for r in T3.outcomes if r.id == row_id)


GRANTED, PARTIAL = T3.cell(T3.granted), T3.cell(outcome("partial"))
DENY = rows(outcome("deny_secret"))
UNABLE = rows(outcome("unable_not_held"))
REJECT = rows(outcome("reject_petition"))
OTHER = rows(outcome("other_misc"))
NORMATIVE = T2.documents[1]
RULES = T2.documents[0]


@pytest.fixture(params=BASES, ids=lambda n: n.split("/")[0])
def report_base(request: pytest.FixtureRequest) -> Base:
    return base(request.param)


# --- outcome names, alone and compound -----------------------------------------------------------

COMPOUNDS = {
    "本机关予以公开及部分公开{n}件": (GRANTED, PARTIAL),
    "全年予以公开和部分公开{n}件": (GRANTED, PARTIAL),
    "其中予以公开、部分公开共{n}件": (GRANTED, PARTIAL),
    "因本机关不掌握等原因无法提供{n}件": UNABLE,
    "本机关不予公开{n}件": DENY,
    "不予处理{n}件": REJECT,
    "其他处理{n}件": OTHER,
    "依申请予以公开{n}件": (GRANTED,),
}


@pytest.mark.parametrize("phrase", sorted(COMPOUNDS))
def test_outcome_names_state_the_sum_of_the_rows_they_name(report_base: Base, phrase: str) -> None:
    cells = COMPOUNDS[phrase]
    n = report_base.total(*cells)
    taken = report_base.statements_of(f"{phrase.format(n=n)}。")
    assert taken == [("outcome", float(n), (cells,))]


def test_a_listed_compound_after_a_subject_states_the_sum(report_base: Base) -> None:
    n = report_base.total(GRANTED, PARTIAL)
    assert report_base.statements_of(f"全年予以公开、部分公开共{n}件。") == [
        ("outcome", float(n), ((GRANTED, PARTIAL),))
    ]


def test_a_sentence_listing_several_outcomes_states_each(report_base: Base) -> None:
    b = report_base
    sentence = f"其中不予公开{b.total(*DENY)}件，不予处理{b.total(*REJECT)}件，其他处理{b.total(*OTHER)}件。"
    taken = b.statements_of(sentence)
    assert [(readings, value) for _, value, readings in taken] == [
        ((DENY,), float(b.total(*DENY))),
        ((REJECT,), float(b.total(*REJECT))),
        ((OTHER,), float(b.total(*OTHER))),
    ]


def test_not_disclosed_is_never_disclosed(report_base: Base) -> None:
    (taken,) = report_base.statements_of("不予公开3件。")
    assert GRANTED not in taken[2][0]


# --- 规章 and 规范性文件 counts of table 二 (the 2021 format keeps the stock) -------------------------


@pytest.mark.parametrize(
    ("sentence", "column", "row"),
    [
        ("现行有效行政规范性文件{n}件", T2.in_force, NORMATIVE),
        ("现行有效的规范性文件共{n}件", T2.in_force, NORMATIVE),
        ("本年度制发的规范性文件{n}件", T2.issued, NORMATIVE),
        ("印发行政规范性文件{n}件", T2.issued, NORMATIVE),
        ("废止规范性文件{n}件", T2.repealed, NORMATIVE),
        ("现行有效规章{n}件", T2.in_force, RULES),
    ],
)
def test_document_counts_state_their_cell(report_base: Base, sentence: str, column: Column, row: Row) -> None:
    cid = T2.cell(row, column)
    n = report_base.value(cid)
    taken = report_base.statements_of(sentence.format(n=n) + "。")
    assert [(value, readings) for _, value, readings in taken] == [(float(n), ((cid,),))]


@pytest.mark.parametrize(
    "sentence",
    [
        "现行有效政策性文件30件。",
        "制发政策性文件9件。",
        "废止政策性文件2件。",
        "印发其他文件12件。",
        "全年公开政策文件4件。",  # dev 004's own sentence: not the 规范性文件 count
        "制定内部规章制度3件。",  # internal rules, not 规章
    ],
)
def test_other_documents_never_count_as_regulations(report_base: Base, sentence: str) -> None:
    taken = report_base.statements_of(sentence)
    proactive = {c for _, _, readings in taken for r in readings for c in r if c.startswith(T2.table + ".")}
    assert not proactive, taken


def test_the_2019_format_has_no_stock_of_documents_to_state() -> None:
    b = base(SEED_2019)
    assert b.format.proactive is None
    assert b.statements_of("现行有效规范性文件30件，本年制发规范性文件9件。") == []


# --- another scope, another year: the figure is not this report's -------------------------------


def _elsewhere(b: Base) -> list[str]:
    return [
        "全市共受理政府信息公开申请10件。",
        "全县予以公开及部分公开10件。",
        "各部门予以公开10件。",
        "各单位现行有效规范性文件10件。",
        f"{b.year - 1}年予以公开10件。",
        f"{b.year - 1}年共受理政府信息公开申请10件。",
        "去年予以公开10件。",
        "上一年度现行有效规范性文件10件。",
        "予以公开同比增加10件。",
    ]


def test_figures_about_another_scope_or_year_are_not_taken(report_base: Base) -> None:
    for sentence in _elsewhere(report_base):
        assert report_base.statements_of(sentence) == [], sentence


def test_the_reports_own_year_is_taken(report_base: Base) -> None:
    n = report_base.value(GRANTED)
    assert report_base.statements_of(f"{report_base.year}年予以公开{n}件。") == [("outcome", float(n), ((GRANTED,),))]


# --- shares -----------------------------------------------------------------------------------


def test_a_share_is_read_with_its_figure(report_base: Base) -> None:
    b = report_base
    n = b.value(GRANTED)
    report = b.read(f"予以公开{n}件，占总数的40.9%。")
    (statement,) = [s for s in report.statements if s.measure == "outcome" and s.value == n]
    assert statement.share == 40.9
