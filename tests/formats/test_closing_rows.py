"""The outcome rows the law assigns (ApplicationsView.closing): declared once, only where the format has them."""

from __future__ import annotations

from gongkai.formats import FORMAT_2019, FORMAT_2021


def test_the_2021_format_names_the_rows_a_step_of_the_law_closes_into() -> None:
    t3 = FORMAT_2021.applications
    assert t3 is not None and t3.closing is not None
    closing = t3.closing
    assert closing.partial.numbered.startswith("（二）部分公开")
    assert closing.unclear.label == "补正后申请内容仍不明确"
    assert closing.mass.label == "无正当理由大量反复申请"
    assert "逾期不补正" in closing.no_correction.label and "缴纳费用" in closing.no_fee.label
    assert closing.other.label == "其他"
    rows = set(t3.outcomes)
    named = (closing.partial, closing.unclear, closing.mass, closing.no_correction, closing.no_fee, closing.other)
    assert set(named) <= rows

    assert len(closing.withheld) == 8 and all(r in rows for r in closing.withheld)
    assert closing.withheld[0].label == "属于国家秘密"


def test_the_2019_format_has_no_three_other_rows_and_so_no_closing_rows() -> None:
    assert FORMAT_2019.applications is not None and FORMAT_2019.applications.closing is None
