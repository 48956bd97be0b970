"""Agencies in pinyin order: one key (web/order.py) for every list."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from gongkai.web.order import by_pinyin, pinyin_key

from ..conftest import CORPUS, shared_or_skip
from .forms import upload_job


def test_names_sort_by_their_pinyin() -> None:
    names = ["淮安市洪泽区人民政府", "北京市人民政府", "重庆市人民政府", "安徽省财政厅", "长沙市人民政府", "沭阳县"]
    assert by_pinyin(names, lambda n: n) == [
        "安徽省财政厅",
        "北京市人民政府",
        "长沙市人民政府",  # cháng, not zhǎng
        "重庆市人民政府",  # chóng, not zhòng
        "淮安市洪泽区人民政府",
        "沭阳县",
    ]


def test_a_missing_name_sorts_last_and_equal_readings_by_characters() -> None:
    assert by_pinyin([None, "阳泉市", ""], lambda n: n) == ["阳泉市", None, ""]
    assert pinyin_key("市") < pinyin_key("是") or pinyin_key("是") < pinyin_key("市")  # same reading, still ordered


def test_the_report_list_sorted_by_agency_follows_pinyin(client: TestClient, seed: Path) -> None:
    pdf = shared_or_skip(CORPUS / "dev" / "001_huaian-hongze-qu-2023.pdf")
    upload_job(client, (seed.name, seed.read_bytes()), (pdf.name, pdf.read_bytes()))
    names = [r["agency"] for r in client.get("/api/reports", params={"sort": "agency"}).json()["reports"]]
    assert names == ["洪泽区人民政府", "阳泉市人民政府"]
    down = [r["agency"] for r in client.get("/api/reports", params={"sort": "-agency"}).json()["reports"]]
    assert down == names[::-1]
    page = client.get("/reports", params={"sort": "agency"}).text
    assert page.index("洪泽区人民政府") < page.index("阳泉市人民政府")
