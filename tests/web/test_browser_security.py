"""The web's defences in a real browser (Debian chromium driven by Playwright).

A page on another port of the same machine plants a valid session and token it fetched
for itself and posts a delete form: the browser sends the Origin and the server refuses.
Inline script and style are refused by the Content-Security-Policy.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import free_port


def _uploaded(base: str, seed: Path) -> int:
    with httpx.Client(base_url=base) as client:
        token = client.get("/api/csrf").json()["csrf_token"]
        files = [("files", ("seed.txt", seed.read_bytes(), "text/plain"))]
        job = client.post("/api/uploads", files=files, headers={"X-CSRF-Token": token}).json()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = client.get(f"/api/uploads/{job['id']}").json()
            if state["state"] == "done":
                return int(state["reports"][0]["report_id"])
            time.sleep(0.05)
    raise AssertionError("the upload did not finish")


@pytest.fixture
def attacker_site() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A plain web server on another port of 127.0.0.1 serving whatever the test puts in ``pages``."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()
    thread.join(timeout=10)


def test_a_page_on_another_port_cannot_delete_with_a_planted_session(
    browser_page, live_server: str, attacker_site, seed: Path
) -> None:
    rid = _uploaded(live_server, seed)
    with httpx.Client(base_url=live_server) as attacker:  # the attacker's own, valid session and token
        token = attacker.get("/api/csrf").json()["csrf_token"]
        cookie = attacker.cookies["gongkai_session"]
    site, pages = attacker_site
    pages["/win.html"] = f"""<!DOCTYPE html><html><body>
<form id="f" method="post" action="{live_server}/reports/{rid}/delete">
<input type="hidden" name="csrf_token" value="{token}"></form>
<script>document.cookie = "gongkai_session={cookie}; path=/"; document.getElementById("f").submit();</script>
</body></html>""".encode()

    page = browser_page
    with page.expect_response(f"{live_server}/reports/{rid}/delete") as posted:
        page.goto(f"{site}/win.html")
    assert posted.value.status == 403
    page.locator("text=请求来自其他网站").wait_for()
    assert page.context.cookies(live_server)[0]["value"] == cookie  # the planted cookie was sent along
    with httpx.Client(base_url=live_server) as check:
        assert check.get(f"/api/reports/{rid}").status_code == 200
        # the control: the same planted pair without a browser's Origin is a valid write
        check.cookies.set("gongkai_session", cookie)
        done = check.post(f"/reports/{rid}/delete", data={"csrf_token": token})
        assert done.status_code == 303 and check.get(f"/api/reports/{rid}").status_code == 404


def test_the_csp_refuses_inline_script_and_style(browser_page, live_server: str) -> None:
    page = browser_page
    page.goto(f"{live_server}/reports")
    page.evaluate(
        """() => {
        const s = document.createElement('script'); s.textContent = 'window.__ran = 1'; document.body.append(s);
        const st = document.createElement('style'); st.textContent = 'body { display: none }'; document.head.append(st);
        }"""
    )
    page.wait_for_function("() => true")
    assert page.evaluate("() => window.__ran") is None
    assert page.locator("header.topbar").is_visible()
    deadline = time.monotonic() + 5
    while len(page.csp_violations) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    directives = sorted(v.split(" ", 1)[0] for v in page.csp_violations)
    assert directives == ["script-src-elem", "style-src-elem"], page.csp_violations


def test_login_and_logout_in_the_browser_under_the_csp(browser_page, tmp_path: Path) -> None:
    import uvicorn

    from gongkai.store import open_database
    from gongkai.store.accounts import set_password
    from gongkai.web import create_app

    from .conftest import settings_for

    database = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")
    set_password(database, "审核员", "correct horse battery")
    database.close()
    port = free_port()
    config = uvicorn.Config(
        create_app(settings_for(tmp_path, login_required=True)), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        base = f"http://127.0.0.1:{port}"
        page = browser_page
        page.goto(f"{base}/login?next=/upload")
        page.fill("input[name=name]", "审核员")
        page.fill("input[name=password]", "wrong password")
        page.click("button:has-text('登录')")
        page.locator(".alert-error", has_text="账户名或密码不正确").wait_for()
        page.fill("input[name=name]", "审核员")
        page.fill("input[name=password]", "correct horse battery")
        page.click("button:has-text('登录')")
        page.wait_for_url(f"{base}/upload")
        assert page.locator(".who").inner_text().startswith("审核员")
        page.click("button:has-text('退出')")
        page.wait_for_url(f"{base}/reports")
        page.locator(".who a", has_text="登录").wait_for()
        assert page.csp_violations == []
    finally:
        server.should_exit = True
        thread.join(timeout=10)
