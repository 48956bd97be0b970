"""Charts: 暂无数据 when there is nothing to draw; a bar carries the link to the reports behind it."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import urlencode

from fastapi.testclient import TestClient

from gongkai.store.views import CorpusStats
from gongkai.web import charts

from .forms import upload_job


def _options(page: str) -> dict[str, dict]:
    return {
        key: json.loads(html.unescape(raw)) for key, raw in re.findall(r'id="chart-(\w+)" data-options="([^"]+)"', page)
    }


def test_an_empty_corpus_says_no_data_on_every_chart(client: TestClient) -> None:
    page = client.get("/dashboard").text
    options = _options(page)
    assert len(options) == 6
    for key, chart in options.items():
        assert chart["graphic"][0]["style"]["text"] == "暂无数据", key
    assert page.count('data-empty="true"') == 6 and page.count("：暂无数据</p>") == 6


def test_bars_open_the_filtered_report_list(client: TestClient, seed: Path) -> None:
    upload_job(client, (seed.name, seed.read_bytes()))
    options = _options(client.get("/dashboard").text)
    assert "graphic" not in options["reports"] and "graphic" not in options["applications"]
    [bar] = options["reports"]["series"][0]["data"]
    assert bar == {"value": 1, "url": "/reports?year=2021"}
    assert options["applications"]["series"][0]["data"][0]["url"] == "/reports?year=2021"
    assert options["agencies"]["series"][0]["data"]
    for point in options["agencies"]["series"][0]["data"]:
        assert point["url"] == "/reports?" + urlencode({"agency": "阳泉市人民政府", "errors": "1"})
    # the link keeps the dashboard's own filter, and the list it opens holds the report
    filtered = _options(client.get("/dashboard", params={"level": "government"}).text)
    assert filtered["reports"]["series"][0]["data"][0]["url"] == "/reports?level=government&year=2021"
    listed = client.get("/api/reports", params={"year": "2021", "level": "government"}).json()
    assert listed["total"] == 1


def test_is_empty_counts_points_with_a_value() -> None:
    assert charts.is_empty({"series": [{"data": []}]})
    assert charts.is_empty({"series": [{"data": [None, None]}]})
    assert charts.is_empty({})
    assert not charts.is_empty({"series": [{"data": [0]}]})  # a 0 is a number to draw
    assert not charts.is_empty({"series": [{"data": [{"value": 3, "url": "/x"}]}]})
    assert charts.with_empty_note({"series": [{"data": [1]}]}) == {"series": [{"data": [1]}]}


def test_an_empty_corpus_builds_charts_without_links() -> None:
    stats = CorpusStats.__new__(CorpusStats)
    object.__setattr__(stats, "reports_by_year", {})
    object.__setattr__(stats, "applications_by_year", {})
    chart = charts.reports_by_year(stats, lambda **kw: "/never")
    assert chart["series"][0]["data"] == [] and chart["graphic"][0]["style"]["text"] == "暂无数据"


def test_a_rule_bar_opens_the_reports_with_findings_of_that_rule_and_status() -> None:
    from gongkai.store.views import CorpusStats
    from gongkai.web import charts

    stats = CorpusStats(
        reports=1,
        failed_sources=0,
        reports_by_year={},
        applications_by_year={},
        outcomes={},
        review_correction=None,
        suit_correction=None,
        findings_by_rule={"balance": {"severity": "error", "open": 2, "confirmed": 1, "dismissed": 0, "sent": 1}},
        agencies_with_most_errors=(),
    )
    options = charts.defects_by_rule(
        stats, lambda **params: "/reports?" + "&".join(f"{k}={v}" for k, v in params.items())
    )
    by_name = {s["name"]: s["data"][0] for s in options["series"]}
    assert by_name["待审"] == {"value": 2, "url": "/reports?rule=balance&review_status=open"}
    assert by_name["已发送机关"]["url"].endswith("review_status=sent")
    assert "已整改" not in by_name  # a status nobody has reached draws no empty series
