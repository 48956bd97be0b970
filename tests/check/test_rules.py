"""Every rule on hand-made reports: a failing case and a passing case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gongkai.check import RULES, Severity, check
from gongkai.model import EntityType

from .build import application_row, make_report


def rules_of(report, rule: str) -> list:  # type: ignore[no-untyped-def]
    return [f for f in check(report) if f.rule == rule]


def balanced(**rows: tuple[int, int]) -> dict[str, int]:
    """Table 三 values given (person, total) per row."""
    values: dict[str, int] = {}
    for row, (person, total) in rows.items():
        values.update(application_row(row, person, total))
    return values


GOOD = balanced(new=(5, 5), carried=(1, 1), granted=(4, 4), unable_not_held=(1, 1), total=(5, 5), carry_forward=(1, 1))


def test_a_consistent_report_has_no_findings() -> None:
    assert check(make_report(values=GOOD)) == []


def test_balance() -> None:
    bad = dict(GOOD, **application_row("carry_forward", 2, 2))
    found = rules_of(make_report(values=bad), "balance")
    assert {f.cells[0] for f in found} == {"applications.new.person", "applications.new.total"}
    assert all(f.severity is Severity.ERROR for f in found)
    assert "勾稽关系" in found[0].message


def test_row_total_and_column_total() -> None:
    bad = dict(GOOD, **{"applications.granted.person": None})
    report = make_report(values=bad, blank=("applications.granted.person",))
    assert [f.cells[-1] for f in rules_of(report, "row-total")] == ["applications.granted.total"]
    assert [f.cells[-1] for f in rules_of(report, "column-total")] == ["applications.total.person"]


def test_identities_are_not_judged_on_cells_not_printed() -> None:
    report = make_report(
        values=dict(GOOD, **{"applications.granted.person": None}), absent=("applications.granted.person",)
    )
    assert rules_of(report, "row-total") == [] and rules_of(report, "column-total") == []


def test_appeal_total() -> None:
    report = make_report(values={"appeals.review.upheld": 10, "appeals.review.corrected": 1, "appeals.review.total": 0})
    (found,) = rules_of(report, "appeal-total")
    assert "appeals.review.total" in found.cells
    assert rules_of(make_report(values={"appeals.review.upheld": 10, "appeals.review.total": 10}), "appeal-total") == []


def test_negative_value_but_not_in_2019_change_column() -> None:
    (found,) = rules_of(make_report(values={"proactive.rules.repealed": -1}), "negative-value")
    assert found.cells == ("proactive.rules.repealed",)
    assert rules_of(make_report("2019", {"proactive.penalty.change": -24}, year=2020), "negative-value") == []


def test_missing_cells() -> None:
    absent = ("appeals.suit_after_review.corrected", "appeals.suit_after_review.total")
    (found,) = rules_of(make_report(absent=absent), "missing-cells")
    assert set(found.cells) == set(absent)
    assert rules_of(make_report(), "missing-cells") == []


def test_blank_cell_only_where_blank_is_not_the_convention() -> None:
    group = tuple(f"appeals.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total"))
    (found,) = rules_of(make_report(blank=group), "blank-cell")
    assert set(found.cells) == set(group) and found.severity is Severity.INFO
    everything_blank = tuple(
        f"appeals.{g}.{c}"
        for g in ("review", "suit_direct", "suit_after_review")
        for c in ("upheld", "corrected", "other", "pending", "total")
    )
    assert rules_of(make_report(blank=everything_blank), "blank-cell") == []


def test_section_missing() -> None:
    report = make_report(section6=None)
    assert [f.cells for f in rules_of(report, "section-missing")] == [("section6",)]


def test_unit_mismatch_and_precision() -> None:
    report = make_report(values={"proactive.fees.amount": Decimal("251000")})
    report.cells["proactive.fees.amount"].unit = "元"
    report.cells["proactive.fees.amount"].raw = "251000元"
    assert [f.cells for f in rules_of(report, "unit-mismatch")] == [("proactive.fees.amount",)]
    fine = make_report(values={"proactive.fees.amount": Decimal("12.34567")})
    assert [f.cells for f in rules_of(fine, "precision")] == [("proactive.fees.amount",)]
    assert rules_of(make_report(values={"proactive.fees.amount": Decimal("96.6252")}), "precision") == []


@pytest.mark.parametrize(
    ("entity", "published", "late"),
    [
        (EntityType.DEPARTMENT, date(2022, 2, 1), True),
        (EntityType.DEPARTMENT, date(2022, 1, 31), False),
        (EntityType.GOVERNMENT, date(2022, 3, 9), False),
        (EntityType.GOVERNMENT, date(2022, 4, 1), True),
        (EntityType.TOWNSHIP, date(2022, 6, 1), False),  # set by local rules, not the 条例
        (EntityType.OTHER, date(2022, 3, 1), False),  # kind unknown: held to the later date
    ],
)
def test_publication_late(entity: EntityType, published: date, late: bool) -> None:
    report = make_report(entity_type=entity, published=published)
    assert bool(rules_of(report, "publication-late")) is late


def test_publication_late_before_2019_uses_the_old_deadline() -> None:
    report = make_report(None, year=2013, entity_type=EntityType.DEPARTMENT, published=date(2014, 2, 25))
    assert rules_of(report, "publication-late") == []


def test_agency_unidentified() -> None:
    assert rules_of(make_report(agency="县政府办公室"), "agency-unidentified")
    assert rules_of(make_report(agency=None), "agency-unidentified")
    assert not rules_of(make_report(agency="沭阳县发展和改革局"), "agency-unidentified")
    assert not rules_of(make_report(agency="国家税务总局"), "agency-unidentified")


def test_format_outdated() -> None:
    assert rules_of(make_report("2019", year=2022), "format-outdated")
    assert rules_of(make_report("2021", year=2020), "format-outdated")
    assert not rules_of(make_report("2019", year=2020), "format-outdated")


def test_fee_statement_missing_only_for_the_2021_format() -> None:
    assert rules_of(make_report(section6="无"), "fee-statement-missing")
    assert not rules_of(make_report(section6="政府信息公开未发生收费情况。"), "fee-statement-missing")
    assert not rules_of(make_report("2019", section6="无", year=2020), "fee-statement-missing")


def test_narrative_mismatch_compares_like_with_like() -> None:
    values = dict(GOOD, **{"appeals.review.total": 9, "appeals.review.upheld": 9})
    statements = [
        ("received", 31, "共受理政府信息公开申请31件"),
        ("received", 6, "收到申请6件"),  # new + carried: not a mismatch
        ("closed", 5, "办结5件"),
        ("reviews", 1, "行政复议1件"),
        ("lawsuits", 0, "行政诉讼0件"),
    ]
    found = rules_of(make_report(values=values, statements=statements), "narrative-mismatch")
    assert sorted(f.cells[0] for f in found) == ["appeals.review.total", "applications.new.total"]


def test_narrative_inconsistency() -> None:
    bad = [("accepted", 117, "共受理审批事项117件"), ("closed", 171, "办结171件"), ("rate", 100, "办结率100%")]
    report = make_report(None, year=2013, statements=bad)
    report.statements = [
        s.__class__(s.measure, s.value, "共受理审批事项117件,办结171件,办结率100%。", 0, 4, None)
        for s in report.statements
    ]
    (found,) = rules_of(report, "narrative-inconsistency")
    assert found.cells == ("section4",)


def test_unreadable_cells() -> None:
    report = make_report()
    for c in ("proactive.normative.issued", "proactive.normative.repealed", "proactive.normative.in_force"):
        report.cells[c].value, report.cells[c].raw = None, "8855698"
        report.cells[c].state = report.cells[c].state.__class__("absent")
    (found,) = rules_of(report, "unreadable-cells")
    assert "8855698" in found.message and len(found.cells) == 3


def test_catalog_metadata() -> None:
    for rule in RULES.values():
        assert rule.zh and rule.en
        assert len([p for p in rule.doc.split("\n\n") if p.strip()]) >= 4, rule.id


def test_ocr_uncertain_cell_in_a_broken_identity() -> None:
    from gongkai.document import SourcePlace

    values = {"appeals.review.upheld": 1, "appeals.review.pending": 1, "appeals.review.total": 3}
    report = make_report(values=values)
    report.cells["appeals.review.total"].place = SourcePlace(page=4, bbox=(1, 2, 3, 4), confidence=0.55)
    (found,) = rules_of(report, "ocr-uncertain")
    assert found.cells == ("appeals.review.total",)
    report.cells["appeals.review.total"].place = SourcePlace(page=4, bbox=(1, 2, 3, 4), confidence=0.99)
    assert rules_of(report, "ocr-uncertain") == []


def test_a_file_that_is_not_a_report_gets_one_finding_only() -> None:
    found = check(make_report(None, year=None, agency=None))
    assert [f.rule for f in found] == ["report-unrecognised"]
