"""Issue 13, web: CSRF bound to the session and signed, Origin and Host checked, sessions that end,
login throttling, security headers on every answer."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer

from gongkai.store import open_database
from gongkai.store.accounts import remove, set_password
from gongkai.web import create_app
from gongkai.web.headers import CONTENT_SECURITY_POLICY

from .conftest import TestClient, csrf, settings_for, upload

PASSWORD = "correct horse battery"
FOREIGN = "http://127.0.0.1:9999"  # another port of the same machine: same site, other origin


def _add_user(tmp_path: Path, name: str = "审核员") -> None:
    database = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")
    try:
        set_password(database, name, PASSWORD)
    finally:
        database.close()


def _session_data(client: TestClient) -> dict:
    """What Starlette's signed session cookie holds (base64 JSON before the signature)."""
    raw = client.cookies["gongkai_session"].split(".", 1)[0]
    return json.loads(base64.b64decode(raw + "=" * (-len(raw) % 4)))


def _login(client: TestClient, name: str = "审核员") -> str:
    answer = client.post("/api/login", json={"name": name, "password": PASSWORD}, headers=csrf(client))
    assert answer.status_code == 200, answer.text
    return str(answer.json()["csrf_token"])


@pytest.fixture
def guarded(tmp_path: Path):
    """An app where writes need a login, with one account, 审核员."""
    _add_user(tmp_path)
    with TestClient(create_app(settings_for(tmp_path, login_required=True))) as client:
        yield client


# --- CSRF: planted cookies, foreign origins, signatures ---------------------------------------


def test_a_planted_cookie_cannot_write(client: TestClient, seed: Path) -> None:
    upload(client, ("seed.txt", seed.read_bytes()))
    attacker = "x" * 32
    client.cookies.set("gongkai_csrf", attacker)  # the old double-submit cookie: no longer means anything
    refused = client.delete("/api/reports/1", headers={"X-CSRF-Token": attacker})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    client.cookies.set("gongkai_session", "eyJjc3JmIjogInh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4In0=.forged.signature")
    refused = client.delete("/api/reports/1", headers={"X-CSRF-Token": attacker})
    assert refused.status_code == 403
    assert client.get("/api/reports/1").status_code == 200


def test_a_session_and_token_fetched_by_someone_else_and_planted_cannot_write_from_a_browser(
    tmp_path: Path, seed: Path
) -> None:
    settings = settings_for(tmp_path)
    with TestClient(create_app(settings)) as victim, TestClient(create_app(settings)) as attacker:
        upload(victim, ("seed.txt", seed.read_bytes()))
        token = attacker.get("/api/csrf").json()["csrf_token"]  # a valid pair, made for the attacker
        victim.cookies.set("gongkai_session", attacker.cookies["gongkai_session"])
        for header in ({"Origin": FOREIGN}, {"Referer": FOREIGN + "/page.html"}, {"Origin": "null"}):
            refused = victim.post("/reports/1/delete", data={"csrf_token": token}, headers=header)
            assert refused.status_code == 403, header
            assert "请求来自其他网站" in refused.text and "<html" in refused.text
            api = victim.delete("/api/reports/1", headers={"X-CSRF-Token": token, **header})
            assert api.json()["error"]["code"] == "cross_origin"
        assert victim.get("/api/reports/1").status_code == 200
        own = victim.delete("/api/reports/1", headers={"X-CSRF-Token": token, "Origin": "http://testserver"})
        assert own.status_code == 200, own.text  # the same pair from this site's own page is accepted


def test_the_token_is_the_servers_signature_of_the_sessions_secret(client: TestClient, seed: Path) -> None:
    upload(client, ("seed.txt", seed.read_bytes()))
    client.get("/api/csrf")
    secret = _session_data(client)["csrf"]
    forged = URLSafeTimedSerializer("not-the-server-key", salt="gongkai.csrf").dumps(secret)
    assert client.delete("/api/reports/1", headers={"X-CSRF-Token": forged}).status_code == 403
    assert client.delete("/api/reports/1", headers={"X-CSRF-Token": secret}).status_code == 403  # unsigned
    key = client.app.state.settings.secret_key  # type: ignore[attr-defined]
    signed = URLSafeTimedSerializer(key, salt="gongkai.csrf").dumps(secret)
    assert client.delete("/api/reports/1", headers={"X-CSRF-Token": signed}).status_code == 200


def test_a_token_of_another_session_is_refused(tmp_path: Path, seed: Path) -> None:
    settings = settings_for(tmp_path)
    with TestClient(create_app(settings)) as one, TestClient(create_app(settings)) as two:
        upload(one, ("seed.txt", seed.read_bytes()))
        foreign_token = two.get("/api/csrf").json()["csrf_token"]
        one.get("/api/csrf")
        refused = one.delete("/api/reports/1", headers={"X-CSRF-Token": foreign_token})
        assert (
            refused.status_code == 403
            and refused.json()["error"]["message"] == "请求缺少有效的CSRF令牌，请刷新页面后重试"
        )


def test_login_starts_a_new_session_so_the_old_token_stops_working(guarded: TestClient) -> None:
    before = csrf(guarded)
    fresh = _login(guarded)
    assert fresh != before["X-CSRF-Token"]
    stale = guarded.post("/api/logout", headers=before)
    assert stale.status_code == 403
    assert guarded.get("/api/me").json()["user"] == "审核员"


def test_the_login_form_needs_the_token_and_the_same_origin(guarded: TestClient) -> None:
    page = guarded.get("/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"name": "审核员", "password": PASSWORD, "csrf_token": token}
    assert guarded.post("/login", data={**form, "csrf_token": "x"}, follow_redirects=False).status_code == 403
    foreign = guarded.post("/login", data=form, headers={"Origin": FOREIGN}, follow_redirects=False)
    assert foreign.status_code == 403  # no login CSRF either
    signed_in = guarded.post("/login", data=form, headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert signed_in.status_code == 303 and guarded.get("/api/me").json()["user"] == "审核员"


# --- Host ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "127.0.0.1.nip.io", "testserver.evil"])
def test_an_unknown_host_is_refused(client: TestClient, host: str) -> None:
    api = client.get("/api/reports", headers={"Host": host})
    assert api.status_code == 400 and api.json()["error"]["code"] == "bad_host"
    assert "不在本服务允许的主机名之列" in api.json()["error"]["message"]
    page = client.get("/reports", headers={"Host": host})
    assert page.status_code == 400 and "主机名" in page.text and page.headers["content-type"].startswith("text/html")
    assert client.post("/api/logout", headers={"Host": host}).status_code == 400


def test_a_hostile_host_is_escaped_in_the_refusal(client: TestClient) -> None:
    page = client.get("/reports", headers={"Host": "<script>x</script>"})
    assert page.status_code == 400 and "<script>x" not in page.text


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "127.0.0.2", "[::1]:8000"])
def test_loopback_names_are_always_allowed(client: TestClient, host: str) -> None:
    assert client.get("/api/me", headers={"Host": host}).status_code == 200


def test_allowed_hosts_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GONGKAI_DB", f"sqlite:///{tmp_path / 'web.sqlite'}")
    monkeypatch.setenv("GONGKAI_READ_WORKERS", "0")
    monkeypatch.setenv("GONGKAI_ALLOWED_HOSTS", "gongkai.example.org, .intranet.example")
    with TestClient(create_app(), base_url="http://gongkai.example.org") as client:
        assert client.get("/api/me").status_code == 200
        assert client.get("/api/me", headers={"Host": "a.intranet.example"}).status_code == 200
        assert client.get("/api/me", headers={"Host": "intranet.example"}).status_code == 200
        assert client.get("/api/me", headers={"Host": "badintranet.example"}).status_code == 400
        assert client.get("/api/me", headers={"Host": "testserver"}).status_code == 400


# --- revocable sessions -------------------------------------------------------------------------


def _replay(client: TestClient, cookie: str, token: str) -> tuple[object, int]:
    """A thief's requests with a copied session cookie and its CSRF token: who it is, and a write's status."""
    client.cookies.clear()
    headers = {"Cookie": f"gongkai_session={cookie}", "X-CSRF-Token": token}
    who = client.get("/api/me", headers=headers).json()["user"]
    client.cookies.clear()
    upload = client.post("/api/uploads", files=[("files", ("a.txt", b"x", "text/plain"))], headers=headers)
    return who, upload.status_code


def test_a_logged_out_users_old_cookie_cannot_write(tmp_path: Path) -> None:
    _add_user(tmp_path)
    settings = settings_for(tmp_path, login_required=True)
    with TestClient(create_app(settings)) as laptop, TestClient(create_app(settings)) as phone:
        token = _login(laptop)
        phone_token = _login(phone)
        kept = laptop.cookies["gongkai_session"]  # what a thief copied before the logout
        assert laptop.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False).status_code == 303
        assert laptop.get("/api/me").json()["user"] is None
        assert _replay(laptop, kept, token) == (None, 401)  # replaying the old cookie signs in no one
        # logout ends every session of the account: the phone is signed out too
        phone_cookie = phone.cookies["gongkai_session"]
        assert _replay(phone, phone_cookie, phone_token) == (None, 401)


def test_a_valid_session_replayed_still_writes(guarded: TestClient) -> None:
    """The control for the test above: the same replay before the logout is accepted."""
    token = _login(guarded)
    assert _replay(guarded, guarded.cookies["gongkai_session"], token) == ("审核员", 202)


def test_a_removed_users_cookie_cannot_write_even_when_the_name_is_made_again(tmp_path: Path) -> None:
    _add_user(tmp_path)
    with TestClient(create_app(settings_for(tmp_path, login_required=True))) as client:
        token = _login(client)
        kept = client.cookies["gongkai_session"]
        database = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")
        try:
            assert remove(database, "审核员")
            assert _replay(client, kept, token) == (None, 401)
            set_password(database, "审核员", PASSWORD)  # the same name again: a new account
        finally:
            database.close()
        assert _replay(client, kept, token) == (None, 401)


def test_a_password_change_ends_the_sessions(tmp_path: Path) -> None:
    _add_user(tmp_path)
    with TestClient(create_app(settings_for(tmp_path, login_required=True))) as client:
        _login(client)
        assert client.get("/api/me").json()["user"] == "审核员"
        database = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")
        try:
            set_password(database, "审核员", "a brand new password")
        finally:
            database.close()
        assert client.get("/api/me").json()["user"] is None
        page = client.get("/reports")
        assert "退出" not in page.text and "登录" in page.text


def test_the_secure_cookie_option(tmp_path: Path) -> None:
    _add_user(tmp_path)
    settings = settings_for(tmp_path, login_required=True, secure_cookies=True)
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        answer = client.get("/api/csrf")
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("__Host-gongkai_session=") and "secure" in cookie.lower() and "path=/" in cookie
        assert "httponly" in cookie.lower() and "domain" not in cookie.lower()
        login = client.post(
            "/api/login",
            json={"name": "审核员", "password": PASSWORD},
            headers={"X-CSRF-Token": answer.json()["csrf_token"], "Origin": "https://testserver"},
        )
        assert login.status_code == 200, login.text
        assert client.get("/api/me").json()["user"] == "审核员"
        plain = client.post(
            "/api/logout", headers={"X-CSRF-Token": login.json()["csrf_token"], "Origin": "http://testserver"}
        )
        assert plain.status_code == 403  # behind HTTPS, a plain-http origin is another site


# --- login throttling ---------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttling_refuses_the_right_password_until_the_wait_is_over(tmp_path: Path) -> None:
    _add_user(tmp_path)
    settings = settings_for(tmp_path, login_required=True, login_max_failures=3, login_lockout_seconds=125)
    with TestClient(create_app(settings)) as client:
        clock = FakeClock()
        client.app.state.login_throttle.clock = clock  # type: ignore[attr-defined]
        for _ in range(3):
            wrong = client.post("/api/login", json={"name": "审核员", "password": "wrong!!!"}, headers=csrf(client))
            assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "账户名或密码不正确"
        locked = client.post("/api/login", json={"name": "审核员", "password": PASSWORD}, headers=csrf(client))
        assert locked.status_code == 429 and locked.headers["retry-after"] == "125"
        assert locked.json()["error"] == {
            "status": 429,
            "code": "too_many_attempts",
            "message": "登录失败次数过多，请在2分5秒后再试",
        }
        assert client.get("/api/me").json()["user"] is None
        clock.now += 65
        page = client.post("/login", data={"name": "审核员", "password": PASSWORD, **_form_token(client)})
        assert page.status_code == 429 and "登录失败次数过多，请在1分钟后再试" in page.text
        clock.now += 60
        assert (
            client.post("/api/login", json={"name": "审核员", "password": PASSWORD}, headers=csrf(client)).status_code
            == 200
        )


def test_throttling_counts_per_client_address_over_every_name(tmp_path: Path) -> None:
    _add_user(tmp_path)
    settings = settings_for(tmp_path, login_max_failures_per_address=4)
    with TestClient(create_app(settings)) as client:
        for name in ("a1", "a2", "a3", "a4"):
            assert (
                client.post("/api/login", json={"name": name, "password": "x"}, headers=csrf(client)).status_code == 401
            )
        locked = client.post("/api/login", json={"name": "审核员", "password": PASSWORD}, headers=csrf(client))
        assert locked.status_code == 429 and "登录失败次数过多" in locked.json()["error"]["message"]


def _form_token(client: TestClient) -> dict[str, str]:
    return {"csrf_token": csrf(client)["X-CSRF-Token"]}


# --- headers on every answer --------------------------------------------------------------------


def _assert_headers(response) -> None:  # type: ignore[no-untyped-def]
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, response.url
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_every_answer_carries_the_security_headers(tmp_path: Path, seed: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path, max_upload_bytes=1024))) as client:
        answers = [
            client.get("/reports"),
            client.get("/login"),
            client.get("/", follow_redirects=False),
            client.get("/api/reports"),
            client.get("/api/openapi.json"),
            client.get("/static/js/app.js"),
            client.get("/static/css/app.css"),
            client.get("/reports/12345"),  # 404 page
            client.get("/api/nothing-here"),
            client.get("/api/reports", params={"sort": "password"}),  # 422
            client.delete("/api/reports/1"),  # 403 without a token
            client.post("/api/uploads", content=b"x" * 4096, headers={"content-type": "text/plain"}),  # 413
            client.get("/api/me", headers={"Host": "evil.example"}),  # 400 from the Host check
            client.get("/reports", headers={"HX-Request": "true"}),
        ]
        assert [a.status_code for a in answers] == [
            200,
            200,
            303,
            200,
            200,
            200,
            200,
            404,
            404,
            422,
            403,
            413,
            400,
            200,
        ]
        for answer in answers:
            _assert_headers(answer)
        for answer in answers:
            assert "/tmp" not in answer.text and str(tmp_path) not in answer.text  # no server paths shown


def test_the_page_has_no_inline_script_or_style(client: TestClient) -> None:
    page = client.get("/reports").text
    assert "<script>" not in page and "<style" not in page and " on" + "click=" not in page
    assert '"includeIndicatorStyles": false' in page  # htmx must not add a <style> the CSP would refuse


def test_the_api_docs_get_their_own_policy_with_a_nonce(client: TestClient) -> None:
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    policy = docs.headers["content-security-policy"]
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<script nonce="{nonce}">' in docs.text and "<script>" not in docs.text
    assert "frame-ancestors 'none'" in policy and docs.headers["x-frame-options"] == "DENY"
    assert nonce not in client.get("/api/docs").headers["content-security-policy"]  # a new one each time


def test_framework_errors_are_shown_in_chinese(client: TestClient) -> None:
    broken = client.post(
        "/api/uploads", content=b"--x\r\nbroken", headers={**csrf(client), "content-type": "multipart/form-data"}
    )
    assert broken.status_code == 400
    assert broken.json()["error"]["message"] == "请求有误，无法处理"
