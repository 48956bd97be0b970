"""The register's year in the workbench: the snapshot list (and taking one, a write), and the comparison
with the published 平潭 2022 report, as pages and as JSON."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gongkai.store import open_database
from gongkai.store.repository import Repository
from gongkai.store.roles import Role
from gongkai.web import create_app

from ..conftest import CORPUS, shared_or_skip
from ..register.pingtan import AGENCY, DIFFERENCES, REPORT, pingtan_register
from ..store.conftest import no_cross_year, record_of
from .conftest import settings_for
from .register_data import login


def _fill(url: str, *, report: bool) -> None:
    database = open_database(url)
    try:
        repo = Repository(database)
        if report:
            repo.write([record_of(shared_or_skip(CORPUS) / REPORT)], cross_year=no_cross_year)
        repo.add_applications(pingtan_register())
    finally:
        database.close()


@pytest.fixture
def pingtan(tmp_path: Path) -> Iterator[TestClient]:
    settings = settings_for(tmp_path)
    _fill(settings.database_url, report=True)
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_compare_page_lists_exactly_the_differing_cells(pingtan: TestClient) -> None:
    page = pingtan.get("/register/compare", params={"year": 2022})
    assert page.status_code == 200, page.text
    for words in (
        "当前计算结果（尚无年度快照）",
        "不一致 <strong>8</strong> 格",
        "予以公开·自然人",
        "行政复议·其他结果",
    ):
        assert words in page.text
    assert "本机关不掌握相关政府信息·自然人" in page.text and '<td class="num">+1</td>' in page.text
    data = pingtan.get("/api/register/compare", params={"year": 2022, "agency": AGENCY}).json()
    assert {(d["cell"], d["published"], d["register"]) for d in data["differences"]} == DIFFERENCES
    assert data["basis"] == "live" and data["report"]["id"] == 1 and data["not_printed"] == []


def test_a_snapshot_taken_on_the_page_is_listed_and_compared(pingtan: TestClient) -> None:
    assert "还没有年度快照" in pingtan.get("/register/snapshots").text
    token = login(pingtan, "登记员甲", Role.REGISTRAR)["X-CSRF-Token"]
    taken = pingtan.post(
        "/register/snapshots", data={"year": "2022", "note": "定稿", "csrf_token": token}, follow_redirects=False
    )
    assert taken.status_code == 303 and taken.headers["location"] == "/register/snapshots"
    listed = pingtan.get("/register/snapshots")
    assert "现行" in listed.text and "定稿" in listed.text and "与已公开报告比较" in listed.text
    (snap,) = pingtan.get("/api/register/snapshots").json()["snapshots"]
    assert snap["year"] == 2022 and snap["applications"] == 75 and snap["provisional"] is False
    data = pingtan.get("/api/register/compare", params={"year": 2022}).json()
    assert data["basis"] == "snapshot" and data["snapshot"] == snap["id"]
    assert f"现行快照 {snap['id']}" in pingtan.get("/register/compare", params={"year": 2022}).text


def test_an_overseer_may_not_take_a_snapshot(pingtan: TestClient) -> None:
    token = login(pingtan, "监督人员乙", Role.OVERSEER)["X-CSRF-Token"]
    refused = pingtan.post("/register/snapshots", data={"year": "2022", "csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 403 and "需要管理员、登记员账号" in refused.text
    assert pingtan.get("/api/register/snapshots").json()["snapshots"] == []


def test_taking_a_snapshot_needs_the_csrf_token(pingtan: TestClient) -> None:
    refused = pingtan.post("/register/snapshots", data={"year": "2022"}, follow_redirects=False)
    assert refused.status_code in (400, 403)
    assert pingtan.get("/api/register/snapshots").json()["snapshots"] == []


def test_no_report_in_the_corpus_is_a_chinese_404(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    _fill(settings.database_url, report=False)
    with TestClient(create_app(settings)) as client:
        page = client.get("/register/compare", params={"year": 2022})
        assert page.status_code == 404 and "语料库中没有 平潭综合实验区 2022 年度" in page.text
        assert client.get("/api/register/compare", params={"year": 2022}).status_code == 404
        assert client.get("/register/compare").status_code == 200  # the form alone


def test_an_empty_register_says_so(client: TestClient) -> None:
    assert client.get("/register/compare", params={"year": 2022}).status_code == 404
    assert client.get("/register/snapshots").status_code == 200
    assert client.get("/api/register/compare", params={"year": 1999}).status_code == 422
