"""对比: part of an agency name, suggestions in pinyin order, differences and %, "只看变化", the trend chart."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ..conftest import CORPUS, shared_or_skip
from .forms import upload_job

HONGZE = ("001_huaian-hongze-qu-2023.pdf", "002_huaian-hongze-qu-2024.pdf")


@pytest.fixture
def corpus(client: TestClient, seed: Path) -> dict[str, int]:
    """洪泽区 2023 and 2024 (dev PDFs) and 阳泉市 2021 (the seed): report ids by year."""
    files = [shared_or_skip(CORPUS / "dev" / name) for name in HONGZE] + [seed]
    job = upload_job(client, *((p.name, p.read_bytes()) for p in files))
    return {str(r["year"]): r["report_id"] for r in job["results"]}


def test_part_of_a_name_opens_the_agency_years(client: TestClient, corpus: dict[str, int]) -> None:
    page = client.get("/compare", params={"agency": "洪泽"}).text
    assert "洪泽区人民政府：历年对比" in page
    assert f'href="/reports/{corpus["2023"]}">2023' in page and f'href="/reports/{corpus["2024"]}">2024' in page
    assert page.count('class="num delta">差值') == 1 and page.count('class="num delta">变化') == 1


def test_the_suggestions_list_every_agency_in_pinyin_order(client: TestClient, corpus: dict[str, int]) -> None:
    page = client.get("/compare").text
    listed = re.findall(r'<option value="([^"]+)">', page[page.index('<datalist id="agency-suggestions">') :])
    assert listed == ["洪泽区人民政府", "阳泉市人民政府"]  # hóng before yáng
    api = client.get("/api/compare/agencies", params={"q": "人民政府"}).json()["agencies"]
    assert [a["agency"] for a in api] == ["洪泽区人民政府", "阳泉市人民政府"]
    assert api[0]["years"] == [2023, 2024]


def test_a_part_matching_several_agencies_lists_them(client: TestClient, corpus: dict[str, int]) -> None:
    page = client.get("/compare", params={"agency": "人民政府"}).text
    assert "对应 2 个机关" in page
    assert page.index("洪泽区人民政府") < page.index("阳泉市人民政府")
    assert client.get("/api/compare/years", params={"agency": "人民政府"}).status_code == 409
    none = client.get("/compare", params={"agency": "不存在的机关"}).text
    assert "没有名称包含“不存在的机关”的机关" in none


def test_years_carry_differences_and_changes_only_keeps_the_changed(client: TestClient, corpus: dict[str, int]) -> None:
    full = client.get("/api/compare/years", params={"agency": "洪泽"}).json()
    only = client.get("/api/compare/years", params={"agency": "洪泽", "changes": "1"}).json()
    changed = [c for c in full["cells"] if any(c["changed"])]
    assert 0 < len(only["cells"]) == len(changed) < len(full["cells"])
    for cell in only["cells"]:
        before, after = cell["values"]
        assert cell["differences"][0] is None
        if before.isdigit() and after.isdigit():
            assert cell["differences"][1] == f"{int(after) - int(before):+d}".replace("+0", "0")
            if int(before):
                percent = (int(after) - int(before)) / int(before) * 100
                assert cell["percents"][1].rstrip("%") == f"{percent:+.1f}".replace("+0.0", "0.0")
    page = client.get("/compare", params={"agency": "洪泽", "changes": "1"}).text
    assert f"（{len(changed)} / {len(full['cells'])} 项有变化）" in page
    assert 'name="changes" value="1" checked' in page


def test_the_trend_chart_draws_the_chosen_cells(client: TestClient, corpus: dict[str, int]) -> None:
    page = client.get("/compare", params={"agency": "洪泽"}).text
    options = json.loads(html.unescape(re.search(r'id="chart-trend" data-options="([^"]+)"', page).group(1)))
    assert options["xAxis"]["data"] == ["2023", "2024"]
    assert len(options["series"]) == 2 and all(len(s["data"]) == 2 for s in options["series"])
    first = client.get("/api/compare/years", params={"agency": "洪泽"}).json()["cells"][0]
    chosen = client.get("/compare", params={"agency": "洪泽", "trend": first["cell"]}).text
    options = json.loads(html.unescape(re.search(r'id="chart-trend" data-options="([^"]+)"', chosen).group(1)))
    assert [s["name"] for s in options["series"]] == [first["label"]]


def test_two_reports_show_difference_and_percent(client: TestClient, corpus: dict[str, int]) -> None:
    a, b = corpus["2023"], corpus["2024"]
    data = client.get("/api/compare", params={"a": a, "b": b}).json()
    changed = [c for c in data["cells"] if c["differs"]]
    assert len(changed) == data["changed"] > 0
    assert all("difference" in c and "percent" in c for c in changed)
    page = client.get("/compare", params={"a": a, "b": b}).text
    assert "差值（B−A）" in page and 'class="official compare"' in page
    only = client.get("/compare", params={"a": a, "b": b, "changes": "1"}).text
    assert "差值（B−A）" in only and 'class="official compare"' not in only and "显示全部表格" in only
