"""Fixtures for the web tests: an app on a temporary database, an ASGI client, a live server, a browser."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongkai.web import WebSettings, create_app

from ..conftest import CORPUS, shared_or_skip

warnings.filterwarnings("ignore", message=".*httpx.*starlette.testclient.*")
from fastapi.testclient import TestClient  # noqa: E402

SEED = CORPUS / "seeds" / "004_e7d4e3b0369f5572.txt"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def settings_for(tmp: Path, **kwargs: object) -> WebSettings:
    defaults: dict[str, object] = {
        "database_url": f"sqlite:///{tmp / 'web.sqlite'}",
        "originals_root": tmp / "originals",
        "page_cache_dir": tmp / "pages",
        "ingest_processes": 0,
        "allowed_hosts": ("testserver",),  # the Host of Starlette's TestClient; 127.0.0.1 is always allowed
    }
    return WebSettings(**{**defaults, **kwargs})  # type: ignore[arg-type]


@pytest.fixture
def seed() -> Path:
    return shared_or_skip(SEED)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(tmp_path))) as test_client:
        yield test_client


def csrf(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/csrf").json()["csrf_token"]}


def upload(client: TestClient, *files: tuple[str, bytes], replace: bool = False) -> dict:
    response = client.post(
        "/api/uploads",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        data={"replace": "true" if replace else "false"},
        headers=csrf(client),
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(f"/api/uploads/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("upload job did not finish in 60 s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 and a random port, in a thread."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(create_app(settings_for(tmp_path)), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN")
        page = context.new_page()
        violations: list[str] = []
        # every Content-Security-Policy refusal in any page this test opens, reported back to Python
        page.expose_function("__gongkaiCspViolation", lambda text: violations.append(str(text)))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => window.__gongkaiCspViolation("
            "e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber))"
        )
        page.csp_violations = violations  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            context.close()
            browser.close()


def screenshot(page: object, name: str, full_page: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
    return path
