"""The API docs page works offline: every asset it loads is served by gongkai."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_the_docs_page_loads_only_local_assets(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']|url: ?["']([^"']+)["']""", page.text)
    found = [u for pair in urls for u in pair if u]
    assert found and all(u.startswith("/") for u in found), found
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    for url in found:
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) > 100, url


def test_the_bundle_and_its_licence_are_vendored(client: TestClient) -> None:
    bundle = client.get("/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and "SwaggerUIBundle" in bundle.text
    assert "Apache License" in client.get("/static/vendor/LICENSE-swagger-ui.txt").text


def test_docs_is_also_at_the_short_address_and_redoc_is_off(client: TestClient) -> None:
    response = client.get("/docs", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/api/docs"
    assert client.get("/redoc").status_code == 404
    assert client.get("/api/openapi.json").json()["info"]["title"] == "gongkai 工作台 API"
