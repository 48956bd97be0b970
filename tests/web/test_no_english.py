"""No English reaches a user of the workbench: every page (GET), and its main error pages, as read text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import typer
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from gongkai.cli import app as cli_app
from gongkai.register.demo import DEMO_AGENCY, DemoSpec, demo_register
from gongkai.web import create_app

from ..conftest import CORPUS, shared_or_skip
from ..english import english_words, page_text
from .conftest import csrf, settings_for, upload
from .forms import rendered_forms

DEV = CORPUS / "dev"
HONGZE_2023 = DEV / "001_huaian-hongze-qu-2023.pdf"
HONGZE_2024 = DEV / "002_huaian-hongze-qu-2024.pdf"
PINGTAN_TXT = DEV / "008_pingtan-zhqsyq-2019.txt"
SHUYANG_HTML = DEV / "015_shuyang-xian-fgj-2023.html"

# the pages show commands to run (gongkai user add …) and name the two sides of a comparison A and B
_CLI = typer.main.get_command(cli_app)
ALSO_ALLOWED = set(getattr(_CLI, "commands", {})) | {"add", "A", "B"}


@pytest.fixture(scope="module")
def corpus_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    files = [shared_or_skip(p) for p in (HONGZE_2023, HONGZE_2024, PINGTAN_TXT, SHUYANG_HTML)]
    with TestClient(create_app(settings_for(tmp_path_factory.mktemp("web")))) as client:
        job = upload(client, *[(p.name, p.read_bytes()) for p in files])
        assert job["state"] == "done", job
        reports = client.get("/api/reports").json()["reports"]
        by_source = {Path(r["source"]).name: r["id"] for r in reports}
        pdf, other = by_source[HONGZE_2023.name], by_source[HONGZE_2024.name]
        cell = client.get(f"/api/reports/{by_source[PINGTAN_TXT.name]}").json()["cells"]
        cell_id = cell[0]["id"] if isinstance(cell, list) else next(iter(cell))
        # a second version of the text report (its tables as HTML), so the versions' differences are shown
        name, html = next(iter(rendered_forms(PINGTAN_TXT).items()))
        version = upload(client, (name, html))
        assert version["state"] == "done", version
        newer = next(r["id"] for r in client.get("/api/reports").json()["reports"] if Path(r["source"]).name == name)
        agency_key = next(r["agency_key"] for r in reports if r["id"] == pdf)
        # the application register: a demo agency's applications, so its pages show a real one
        client.app.state.repo.add_applications(demo_register(DemoSpec(60, (2025, 2026), seed=3)), by="演示")
        values = {
            "report_id": str(pdf),
            "cell_id": cell_id,
            "job_id": job["id"],
            "page": "1",
            "other": str(other),
            "text_report": str(by_source[PINGTAN_TXT.name]),
            "newer_version": str(newer),
            "agency_key": agency_key,
            "agency": quote(DEMO_AGENCY, safe=""),
            "number": "2026-00001",
            "kind": "receipt",
        }
        yield client, values


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # FastAPI 0.16x keeps an included router as it was given
            yield from _routes(route.original_router.routes, prefix + route.include_context.prefix)


def _page_routes() -> list[str]:
    app = create_app(settings_for(Path("/nonexistent")))
    paths = []
    for path, route in _routes(app.routes):
        if "GET" not in route.methods or path.startswith("/api"):
            continue
        if path.endswith(".png") or path.endswith("/download"):
            continue  # images and files, not pages
        paths.append(path)
    return sorted(set(paths))


PAGES = _page_routes()


def _english(markup: str) -> list[str]:
    return english_words(page_text(markup), ALSO_ALLOWED)


def _fill(path: str, values: dict[str, str]) -> str:
    names = re.findall(r"\{(\w+)(?::\w+)?\}", path)
    missing = [n for n in names if n not in values]
    assert not missing, f"{path}: give the test a value for {missing} so the page is scanned"
    if path.startswith("/reports/{report_id}/cells/"):
        values = {**values, "report_id": values["text_report"]}  # a text source: its lines are shown
    if path == "/reports/{report_id}/versions/diff":  # the newer version against the text report
        return f"/reports/{values['newer_version']}/versions/diff?against={values['text_report']}"
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values[m[1]], path)


def test_every_page_is_scanned() -> None:
    assert {"/reports", "/reports/{report_id}", "/compare", "/dashboard", "/export", "/upload", "/login"} <= set(PAGES)


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_english(path: str, corpus_client: tuple[TestClient, dict[str, str]]) -> None:
    client, values = corpus_client
    response = client.get(_fill(path, values))
    assert response.status_code == 200, (path, response.status_code)
    if response.headers["content-type"].startswith("text/html"):
        assert _english(response.text) == [], path


@pytest.mark.parametrize(
    "query",
    [
        "/reports?year=2023&level=department&has_errors=true",
        "/reports?sort=-year&page=1",
        "/compare?a={report_id}&b={other}",
        "/dashboard?year=2023",
        "/api/docs",
    ],
)
def test_filtered_pages_have_no_english(query: str, corpus_client: tuple[TestClient, dict[str, str]]) -> None:
    client, values = corpus_client
    response = client.get(query.format(**values))
    assert response.status_code == 200, (query, response.text[:300])
    assert _english(response.text) == []


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no/such/page", 404),
        ("/reports/999999", 404),
        ("/reports/abc", 422),
        ("/reports?sort=nonsense", 422),
        ("/reports?page=0", 422),
    ],
)
def test_error_pages_are_chinese(path: str, status: int, corpus_client: tuple[TestClient, dict[str, str]]) -> None:
    client, _values = corpus_client
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == status
    assert re.search(f"[{'一-鿿'}]", page_text(response.text)), "an error page says what happened in Chinese"
    assert _english(response.text) == []


def test_a_failed_login_and_a_write_without_token_are_chinese(
    corpus_client: tuple[TestClient, dict[str, str]],
) -> None:
    client, _values = corpus_client
    failed = client.post("/login", data={"name": "无此人", "password": "x"}, headers=csrf(client))
    assert failed.status_code == 401 and _english(failed.text) == []
    refused = client.post("/login", data={"name": "无此人", "password": "x"}, headers={"Accept": "text/html"})
    assert refused.status_code == 403
    assert _english(refused.text) == []
