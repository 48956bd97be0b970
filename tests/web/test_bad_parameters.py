"""Bad parameters get 422 (or 404) with a Chinese sentence, never a 500: hostile years and ids from issue 13."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        "/reports?year=²",
        f"/reports?year={HUGE}",
        "/api/reports?year=abc",
        f"/reports/{HUGE}",
        f"/api/reports/{HUGE}",
        f"/api/reports/{HUGE}/findings",
        f"/reports/{HUGE}/original",
        f"/compare?a={HUGE}&b=1",
        f"/api/review/next?after={HUGE}",
    ],
)
def test_a_malformed_or_overflowing_parameter_is_a_422(client: TestClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, url
    assert "请求参数有误" in response.text or "参数" in response.text


def test_an_id_in_range_that_names_no_report_is_a_404(client: TestClient) -> None:
    assert client.get("/reports/2147483647").status_code == 404
    assert client.get("/api/reports/5").status_code == 404


def test_an_empty_year_from_the_filter_form_is_no_filter(client: TestClient) -> None:
    assert client.get("/reports?year=").status_code == 200
