"""Rendered tables read back to exactly the values they were rendered from."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from lxml import html as lxml_html

from gongkai.ingest import load_document
from gongkai.measure.evaluate import load_gold
from gongkai.read import read_document
from gongkai.render.docx import render_tables_docx
from gongkai.render.html import render_tables_html
from gongkai.render.layout import Value

from ..conftest import GOLD

GOLD_FILES = sorted(GOLD.glob("*/*.json")) if GOLD.exists() else []


def _gold_values(path: Path) -> tuple[str, dict[str, Value]]:
    gold = load_gold(path)
    values: dict[str, Value] = {}
    for cid, value in gold.cells.items():
        if cid in gold.ambiguous:
            continue
        if isinstance(value, float):
            value = Decimal(str(value))  # 万元 amounts: compare as printed
        assert value is None or isinstance(value, int | Decimal)
        values[cid] = value
    return str(gold.metadata["format"]), values


@pytest.mark.parametrize("kind", ["html", "docx"])
@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_round_trip_is_exact(gold_path: Path, kind: str, tmp_path: Path) -> None:
    format_id, values = _gold_values(gold_path)
    if not values:
        pytest.skip("a pre-2019 report has no tables to render")
    path = tmp_path / f"report.{kind}"
    if kind == "html":
        path.write_text(render_tables_html(format_id, values), encoding="utf-8")
    else:
        path.write_bytes(render_tables_docx(format_id, values))
    report = read_document(load_document(path))
    assert report.format_id == format_id
    read_back = {cid: report.cells[cid].value if cid in report.cells else "missing" for cid in values}
    assert read_back == values


def _spans(page: str, label: str) -> tuple[int, int]:
    cell = next(c for c in lxml_html.fromstring(page).iter("td", "th") if c.text_content() == label)
    return int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))


def test_html_layout_follows_the_template() -> None:
    page = render_tables_html("2021", {"applications.new.person": 3, "proactive.fees.amount": Decimal("1.2500")})
    assert '<meta charset="utf-8">' in page
    for heading in ("一、总体情况", "四、政府信息公开行政复议、行政诉讼情况", "六、其他需要报告的事项"):
        assert f"<h2>{heading}</h2>" in page
    assert _spans(page, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）") == (3, 3)
    assert _spans(page, "三、本年度办理结果") == (22, 1)
    assert _spans(page, "（三）不予公开") == (8, 1)
    assert _spans(page, "（六）其他处理") == (3, 1)
    assert _spans(page, "法人或其他组织") == (1, 5)
    assert _spans(page, "行政诉讼") == (1, 10)
    assert _spans(page, "第二十条第（八）项") == (1, 4)
    assert ">1.2500</td>" in page


def test_html_layout_2019() -> None:
    page = render_tables_html("2019", {})
    assert _spans(page, "三、本年度办理结果") == (20, 1)
    assert _spans(page, "（六）其他处理") == (1, 2)
    assert "第二十条第（九）项" in page


def test_docx_is_a4_with_an_east_asian_font() -> None:
    import io

    import docx

    document = docx.Document(io.BytesIO(render_tables_docx("2021", {})))
    section = document.sections[0]
    assert section.page_width is not None and section.page_height is not None
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"
    assert len(document.tables) == 3
