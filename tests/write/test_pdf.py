"""The written DOCX printed to PDF by LibreOffice: A4 pages, tables inside the text block, CJK in Noto CJK, exact.

The conversions run in one soffice call (a cold start is seconds on a loaded machine).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gongkai import libreoffice
from gongkai.formats import FORMAT_2021
from gongkai.write.docx_out import render_docx
from gongkai.write.pdf_out import render_pdf
from gongkai.write.profiles import GBT9704, TEMPLATE, Profile, fonts_conf

from .factory import case, seeds
from .test_round_trip import assert_round_trip

pdfium = pytest.importorskip("pypdfium2")
pytestmark = pytest.mark.skipif(libreoffice.soffice_path() is None, reason="LibreOffice (soffice) is not installed")

A4_PT = (595.3, 841.9)
MM = 72 / 25.4
SLACK_PT = 2.0
PROFILE_OF = {i: (TEMPLATE, GBT9704)[i % 2] for i in range(6)}
PDF_SEEDS = list(enumerate(seeds(6)))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[int, bytes]:
    """Six random reports, three in each profile, printed with the font aliases in one LibreOffice run."""
    folder = tmp_path_factory.mktemp("fonts")
    conf = folder / "fonts.conf"
    conf.write_text(fonts_conf(), encoding="utf-8")
    sources = [(f"{i}.docx", render_docx(case(seed), PROFILE_OF[i])) for i, seed in PDF_SEEDS]
    pdfs = libreoffice.convert(sources, "pdf", env={"FONTCONFIG_FILE": str(conf)})
    assert all(pdfs), "LibreOffice printed nothing for some report"
    return {i: pdf for (i, _seed), pdf in zip(PDF_SEEDS, pdfs) if pdf is not None}


def page_problems(pdf_bytes: bytes, profile: Profile) -> list[str]:
    """Pages not A4, or characters outside the profile's text block (a table wider than the page)."""
    top, bottom, left, right = (m * MM for m in profile.margins_mm)
    pdf = pdfium.PdfDocument(pdf_bytes)
    problems = []
    for number in range(len(pdf)):
        page = pdf[number]
        width, height = page.get_size()
        if abs(width - A4_PT[0]) > 2 or abs(height - A4_PT[1]) > 2:
            problems.append(f"page {number + 1} is {width:.0f}×{height:.0f} pt, not A4")
        text = page.get_textpage()
        for k in range(text.count_chars()):
            x0, y0, x1, y1 = text.get_charbox(k)
            if x1 <= x0:
                continue  # spaces and line ends have no box
            if x0 < left - SLACK_PT or x1 > width - right + SLACK_PT:
                problems.append(f"page {number + 1}: {text.get_text_range(k, 1)!r} at x {x0:.0f}–{x1:.0f}")
                break
            if y0 < bottom - SLACK_PT or y1 > height - top + SLACK_PT:
                problems.append(f"page {number + 1}: {text.get_text_range(k, 1)!r} at y {y0:.0f}–{y1:.0f}")
                break
    return problems


def fonts(pdf_bytes: bytes) -> set[str]:
    """The embedded fonts' names, without the subset prefix."""
    return {name.decode().split("+")[-1] for name in re.findall(rb"/BaseFont\s*/([A-Za-z0-9+_-]+)", pdf_bytes)}


def page_text(pdf_bytes: bytes) -> str:
    pdf = pdfium.PdfDocument(pdf_bytes)
    return "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


@pytest.mark.parametrize(("index", "seed"), PDF_SEEDS)
def test_the_pdf_reads_back_exactly(index: int, seed: int, printed: dict[int, bytes]) -> None:
    assert_round_trip(case(seed), printed[index], "report.pdf", seed)


@pytest.mark.parametrize(("index", "seed"), PDF_SEEDS)
def test_the_pages_are_a4_and_nothing_leaves_the_text_block(index: int, seed: int, printed: dict[int, bytes]) -> None:
    assert page_problems(printed[index], PROFILE_OF[index]) == []


@pytest.mark.parametrize(("index", "seed"), PDF_SEEDS)
def test_chinese_is_drawn_in_noto_cjk_not_a_fallback(index: int, seed: int, printed: dict[int, bytes]) -> None:
    names = fonts(printed[index])
    assert names, "no embedded font found"
    assert all("CJK" in name for name in names), names
    assert any(name.startswith("NotoSerifCJK") for name in names), names  # 宋体 / 仿宋 → the serif face
    text = re.sub(r"\s+", "", page_text(printed[index]))
    for section in FORMAT_2021.sections:
        assert section.numbered in text
    assert case(seed).title in text


def test_render_pdf_prints_one_report(tmp_path: Path) -> None:
    written = case(seeds(1)[0])
    pdf = render_pdf(written, GBT9704)
    assert pdf.startswith(b"%PDF")
    assert_round_trip(written, pdf, "report.pdf", seeds(1)[0])
    assert page_problems(pdf, GBT9704) == []


def test_the_fontconfig_file_aliases_the_chinese_font_names() -> None:
    conf = fonts_conf()
    for name in ("宋体", "仿宋_GB2312", "方正小标宋简体", "黑体"):
        assert f"<string>{name}</string>" in conf
    assert "<string>Noto Serif CJK SC</string>" in conf and "<string>Noto Sans CJK SC</string>" in conf
    assert "/etc/fonts/fonts.conf" in conf  # the system's own configuration still applies
