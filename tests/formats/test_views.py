"""The declaration's views of tables 二, 三 and 四, and the identities generated from them."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest

from gongkai.formats import FORMAT_2019, FORMAT_2021, FORMAT_PRE2019, FORMATS, Format, IdentityKind, cell_id
from gongkai.measure.evaluate import load_gold
from gongkai.measure.synth import random_values

from ..conftest import GOLD

TABLED = (FORMAT_2021, FORMAT_2019)


def test_the_formats_declared() -> None:
    assert set(FORMATS) == {"2021", "2019", "pre2019"}
    assert [f.short_name for f in TABLED] == ["2021版", "2019版"]
    assert FORMAT_PRE2019.tables == () and FORMAT_PRE2019.applications is None
    assert FORMAT_2021.covers(2021) and FORMAT_2021.covers(2030) and not FORMAT_2021.covers(2020)
    assert FORMAT_2019.covers(2019) and FORMAT_2019.covers(2020) and not FORMAT_2019.covers(2021)
    assert FORMAT_PRE2019.covers(2013) and not FORMAT_PRE2019.covers(2019)
    assert [s.numbered for s in FORMAT_2021.sections][:2] == ["一、总体情况", "二、主动公开政府信息情况"]


@pytest.mark.parametrize(("fmt", "outcomes", "proactive"), [(FORMAT_2021, 21, 10), (FORMAT_2019, 19, 22)])
def test_cell_counts_per_table(fmt: Format, outcomes: int, proactive: int) -> None:
    t3 = fmt.applications
    assert t3 is not None
    assert len(t3.outcomes) == outcomes
    assert len(t3.applicants) == 6 and len(t3.columns) == 7 and t3.columns[-1] is t3.total_column
    assert t3.person is t3.applicants[0] and t3.organisations == t3.applicants[1:]
    assert t3.granted is t3.outcomes[0]
    counts = {table.id: len(table.cell_ids()) for table in fmt.tables}
    # shared/domain: T2 10/22, T3 175/161, T4 15
    assert counts == {"proactive": proactive, "applications": (outcomes + 4) * 7, "appeals": 15}
    assert len(fmt.cell_ids()) == len(set(fmt.cell_ids())) == sum(counts.values())


def test_table_three_rows_in_print_order() -> None:
    t3 = FORMAT_2021.applications
    assert t3 is not None
    rows = [t3.new, t3.carried, *t3.outcomes, t3.total, t3.carry_forward]
    block = FORMAT_2021.table(t3.table).blocks[0]
    assert [r.id for r in block.rows] == [r.id for r in rows]
    assert [r.numbered for r in rows[:3]] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（一）予以公开",
    ]
    assert t3.total.numbered == "（七）总计" and t3.carry_forward.numbered == "四、结转下年度继续办理"
    # the 2019 format prints （六）其他处理 as one row where 2021 has three
    t19 = FORMAT_2019.applications
    assert t19 is not None
    assert {r.id for r in t3.outcomes} - {r.id for r in t19.outcomes} == {
        "other_no_correction",
        "other_no_fee",
        "other_misc",
    }
    assert {r.id for r in t19.outcomes} - {r.id for r in t3.outcomes} == {"other"}


def test_appeals_view_is_shared() -> None:
    t4 = FORMAT_2021.appeals
    assert t4 is not None and FORMAT_2019.appeals is t4
    assert [g.label for g in t4.groups] == ["行政复议", "未经复议直接起诉", "复议后起诉"]
    assert [c.label for c in t4.results] == ["结果维持", "结果纠正", "其他结果", "尚未审结"]
    assert t4.decided == t4.results[:3] and t4.corrected is t4.results[1]
    assert t4.cell(t4.review) == "appeals.review.total" == t4.cell("review", t4.total_column)
    assert [s.short for s in t4.suits] == ["直接起诉", "复议后起诉"]


def test_proactive_view_only_where_the_format_keeps_a_stock() -> None:
    t2 = FORMAT_2021.proactive
    assert t2 is not None and FORMAT_2019.proactive is None
    assert [r.label for r in t2.documents] == ["规章", "行政规范性文件"]
    assert [c.label for c in (t2.issued, t2.repealed, t2.in_force)] == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert t2.cell(t2.documents[1], t2.in_force) == cell_id(t2.table, "normative", "in_force")


def test_columns_declare_units_and_signs() -> None:
    assert FORMAT_2021.column_of("proactive.fees.amount").decimal
    assert not FORMAT_2021.column_of("proactive.penalty.decisions").decimal
    signed = {cid for fmt in TABLED for cid in fmt.cell_ids() if fmt.column_of(cid).signed}
    assert signed and all(cid.endswith(".change") for cid in signed)
    assert not any(FORMAT_2021.column_of(c).signed for c in FORMAT_2021.cell_ids())


# --- identities -------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "rows"), [(FORMAT_2021, 25), (FORMAT_2019, 23)])
def test_identity_counts_per_kind(fmt: Format, rows: int) -> None:
    kinds = Counter(i.kind for i in fmt.identities)
    assert kinds == {
        IdentityKind.BALANCE: 7,  # one per column of table 三
        IdentityKind.ROW_TOTAL: rows,  # one per row of table 三
        IdentityKind.COLUMN_TOTAL: 7,
        IdentityKind.APPEAL_TOTAL: 3,  # one per group of table 四
    }
    declared = set(fmt.cell_ids())
    assert all(set(i.cells) <= declared for i in fmt.identities)
    assert all(i.where for i in fmt.identities)


def test_identities_are_generated_from_the_views() -> None:
    fmt = FORMAT_2021
    t3, t4 = fmt.applications, fmt.appeals
    assert t3 is not None and t4 is not None
    by_kind: dict[IdentityKind, list] = {}  # type: ignore[type-arg]
    for identity in fmt.identities:
        by_kind.setdefault(identity.kind, []).append(identity)
    for identity, col in zip(by_kind[IdentityKind.BALANCE], t3.columns, strict=True):
        assert identity.left == (t3.cell(t3.new, col), t3.cell(t3.carried, col))
        assert identity.right == (t3.cell(t3.total, col), t3.cell(t3.carry_forward, col))
        assert col.label in identity.where
    for identity in by_kind[IdentityKind.ROW_TOTAL]:
        row = identity.right[0].split(".")[1]
        assert identity.left == tuple(t3.cell(row, c) for c in t3.applicants)
        assert identity.right == (t3.cell(row),)
    for identity, col in zip(by_kind[IdentityKind.COLUMN_TOTAL], t3.columns, strict=True):
        assert identity.left == tuple(t3.cell(r, col) for r in t3.outcomes)
        assert identity.right == (t3.cell(t3.total, col),)
    for identity, group in zip(by_kind[IdentityKind.APPEAL_TOTAL], t4.groups, strict=True):
        assert identity.left == tuple(t4.cell(group, c) for c in t4.results)
        assert identity.right == (t4.cell(group),)


@pytest.mark.parametrize("seed", range(20))
def test_synthetic_values_satisfy_every_declared_identity(seed: int) -> None:
    values = random_values(random.Random(seed))
    assert set(values) == set(FORMAT_2021.cell_ids())
    for identity in FORMAT_2021.identities:
        left = sum(values[c] or 0 for c in identity.left)
        right = sum(values[c] or 0 for c in identity.right)
        assert left == right, identity.where


def _gold_files() -> list[dict[str, object]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*/*.json"))] if GOLD.exists() else []


def test_the_declaration_names_every_row_and_column_of_the_gold_files() -> None:
    files = [g for g in _gold_files() if FORMATS[str(g["format"])].tables]
    if not files:
        pytest.skip("shared gold is not beside the repository")
    for gold in files:
        fmt = FORMATS[str(gold["format"])]
        for table in fmt.tables:
            rows = gold[table.id]
            assert isinstance(rows, dict)
            declared = {row.id: block for block in table.blocks for row in block.rows}
            assert set(rows) == set(declared), (gold["source"], table.id)
            for row, cells in rows.items():
                columns = [c.id for c in declared[row].columns]
                assert (list(cells) if isinstance(cells, dict) else len(cells)) == (
                    columns if isinstance(cells, dict) else len(columns)
                ), (gold["source"], row)


def test_the_identities_broken_in_the_gold_files_are_the_golds_arithmetic_findings() -> None:
    # shared/gold/dev/NOTES.md: an independent recomputation gives exactly the arithmetic findings listed
    paths = sorted(GOLD.glob("*/*.json")) if GOLD.exists() else []
    if not paths:
        pytest.skip("shared gold is not beside the repository")
    arithmetic = {k.value for k in IdentityKind}
    for path in paths:
        gold = load_gold(path)
        fmt = FORMATS[str(gold.metadata["format"])]
        number = {c: v or 0 for c, v in gold.cells.items()}
        broken = {
            i.kind.value
            for i in fmt.identities
            if sum(number[c] for c in i.left) != sum(number[c] for c in i.right)  # type: ignore[misc]
        }
        assert broken == {str(f["rule"]) for f in gold.findings if f["rule"] in arithmetic}, path.name
