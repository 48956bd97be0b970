"""The heart of the writer: ``gongkai read`` on each written form gives back exactly the cells written.

Hundreds of random registers (``factory.case``): every cell of tables 二, 三 and 四 must read back
exact (a table 二 cell not given must read back blank), the year too, and the report read back
must have no error-level finding.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gongkai.api import read_bytes
from gongkai.check import Severity, check
from gongkai.model import CellState, Report
from gongkai.write.docx_out import render_docx
from gongkai.write.html_out import render_html
from gongkai.write.markdown_out import render_markdown
from gongkai.write.model import AnnualReport
from gongkai.write.profiles import GBT9704, PROFILES, TEMPLATE, Profile

from .factory import case, seeds

Render = Callable[[AnnualReport, Profile], bytes]
FORMS: dict[str, tuple[Render, int]] = {
    ".md": (lambda r, p: render_markdown(r, p).encode("utf-8"), 200),
    ".html": (lambda r, p: render_html(r, p).encode("utf-8"), 200),
    ".docx": (render_docx, 60),
}


def mismatches(written: AnnualReport, read: Report) -> list[tuple[str, object, object]]:
    """Every cell whose value read back differs from the one written (None = printed blank)."""
    out = []
    for cid, value in written.values().items():
        got = read.value(cid)
        if got != value or (value is None and read.state(cid) is not CellState.BLANK):
            out.append((cid, value, got))
    return out


def assert_round_trip(written: AnnualReport, data: bytes, name: str, seed: int) -> Report:
    read = read_bytes(data, name)
    assert read.format_id == "2021", f"seed {seed}: read as format {read.format_id}"
    bad = mismatches(written, read)
    assert not bad, f"seed {seed} {name}: {len(bad)} cells differ, e.g. {bad[:5]}"
    assert read.year == written.year, f"seed {seed} {name}: year {read.year}"
    errors = [f for f in check(read) if f.severity is Severity.ERROR]
    assert not errors, f"seed {seed} {name}: {[f.message for f in errors]}"
    return read


CASES = [(suffix, seed) for suffix, (_r, n) in FORMS.items() for seed in seeds(n)]


@pytest.mark.parametrize(("suffix", "seed"), CASES, ids=[f"{s}-{i}" for i, (s, _) in enumerate(CASES)])
def test_every_cell_reads_back_exactly(suffix: str, seed: int) -> None:
    written = case(seed)
    profile = (TEMPLATE, GBT9704)[seed % 2]
    render, _n = FORMS[suffix]
    assert_round_trip(written, render(written, profile), f"report{suffix}", seed)


@pytest.mark.parametrize("profile", PROFILES.values(), ids=list(PROFILES))
def test_the_title_and_agency_read_back(profile: Profile) -> None:
    written = case(seeds(1)[0])
    for suffix, (render, _n) in FORMS.items():
        read = read_bytes(render(written, profile), f"report{suffix}")
        assert read.agency == written.agency, suffix
        assert read.title == written.title, suffix


def test_a_report_with_a_zero_register_year_still_reads_back() -> None:
    """The year after the register's last: every table 三 cell 0 but the carried-over ones."""
    from gongkai.register.demo import DemoSpec, demo_register
    from gongkai.write.compose import compose_from_register

    from .factory import ListRegister

    apps = demo_register(DemoSpec(applications=30, years=(2024,), seed=5, agency="宁国市商务局"))
    written = compose_from_register(ListRegister(apps), "宁国市商务局", 2025)
    for suffix, (render, _n) in FORMS.items():
        assert_round_trip(written, render(written, TEMPLATE), f"report{suffix}", 5)
