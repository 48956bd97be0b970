"""Random valid tables, rendered into every text layout, read back exactly."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.api import read_text
from gongkai.formats import FORMATS

from .textlayouts import LAYOUTS, render_text


@st.composite
def table_values(draw, format_id: str):  # type: ignore[no-untyped-def]
    fmt = FORMATS[format_id]
    values: dict[str, int | Decimal | None] = {}
    allow_blank = draw(st.booleans())
    for cell_id in fmt.cell_ids():
        column = fmt.column_of(cell_id)
        if allow_blank and draw(st.integers(0, 9)) == 0:
            values[cell_id] = None
        elif column.decimal:
            cents = draw(st.integers(0, 10**8))
            values[cell_id] = Decimal(cents).scaleb(-4).normalize() if cents else Decimal(0)
        elif column.signed:
            values[cell_id] = draw(st.integers(-500, 500))
        else:
            values[cell_id] = draw(st.one_of(st.integers(0, 30), st.integers(0, 200000)))
    return values


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    format_id=st.sampled_from(["2021", "2019"]),
    layout=st.sampled_from(LAYOUTS),
    seed=st.integers(0, 10**6),
    data=st.data(),
)
def test_rendered_tables_read_back_exactly(format_id: str, layout: str, seed: int, data: st.DataObject) -> None:
    values = data.draw(table_values(format_id))
    year = 2022 if format_id == "2021" else 2020
    text = render_text(FORMATS[format_id], values, layout, seed, year)
    report = read_text(text, f"synthetic-{layout}.txt")
    assert report.format_id == format_id
    wrong = {cid: (expected, report.value(cid)) for cid, expected in values.items() if report.value(cid) != expected}
    assert not wrong, f"{layout}: {wrong}\n{text}"
