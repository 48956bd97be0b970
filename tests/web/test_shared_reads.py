"""Facets, the review queue and the agency list kept per corpus generation: the same answers, read once."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gongkai.store.queue import next_after, review_queue
from gongkai.store.views import ReportFilter

from .conftest import csrf, upload


@pytest.fixture
def three(client: TestClient, seed: Path) -> list[int]:
    text = seed.read_bytes()
    files = [(f"{year}.txt", text.replace("2021年".encode(), f"{year}年".encode())) for year in (2021, 2022, 2023)]
    job = upload(client, *files)
    ids = sorted(r["report_id"] for r in job["results"])
    assert len(ids) == 3, job
    return ids


def test_next_after_wraps_round_and_starts_outside_the_queue() -> None:
    assert next_after([4, 7, 9], 7) == 9
    assert next_after([4, 7, 9], 9) == 4
    assert next_after([4, 7, 9], 5) == 4
    assert next_after([7], 7) is None
    assert next_after([], 7) is None


def test_the_kept_queue_answers_as_the_store_does(client: TestClient, three: list[int]) -> None:
    repo = client.app.state.repo  # type: ignore[attr-defined]
    for flt in (ReportFilter(), ReportFilter(years=(2022,)), ReportFilter(years=(1999,))):
        queue = review_queue(repo.database, flt)
        for rid in [*three, 10_000]:
            assert next_after(queue, rid) == repo.next_in_queue(rid, flt), (flt, rid)


def test_the_report_page_links_the_next_in_the_queue(client: TestClient, three: list[int]) -> None:
    repo = client.app.state.repo  # type: ignore[attr-defined]
    a = three[0]
    expected = repo.next_in_queue(a, ReportFilter())
    if expected is None:
        pytest.skip("the seed has no finding to review")
    page = client.get(f"/reports/{a}").text
    assert f'href="/reports/{expected}' in page


def test_facets_follow_every_write(client: TestClient, three: list[int]) -> None:
    before = client.get("/api/reports").json()
    assert before["total"] == 3 and before["facets"]["years"] == {"2021": 1, "2022": 1, "2023": 1}
    assert client.get("/api/reports", params={"year": "2022"}).json()["facets"]["years"]["2023"] == 1
    assert client.delete(f"/api/reports/{three[1]}", headers=csrf(client)).status_code == 200
    after = client.get("/api/reports").json()
    assert after["total"] == 2 and after["facets"]["years"] == {"2021": 1, "2023": 1}


def test_the_agency_suggestions_follow_a_delete(client: TestClient, three: list[int]) -> None:
    page = client.get("/compare").text
    assert page.count('<option value="阳泉市人民政府">') == 1
    for rid in three:
        assert client.delete(f"/api/reports/{rid}", headers=csrf(client)).status_code == 200
    assert '<option value="阳泉市人民政府">' not in client.get("/compare").text


def test_the_statistics_are_encoded_once_and_follow_a_write(client: TestClient, three: list[int]) -> None:
    first = client.get("/api/stats")
    assert first.headers["content-type"] == "application/json" and first.json()["reports"] == 3
    assert client.get("/api/stats").content == first.content
    assert client.delete(f"/api/reports/{three[0]}", headers=csrf(client)).status_code == 200
    assert client.get("/api/stats").json()["reports"] == 2
