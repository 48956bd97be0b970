"""Personal data in the register: an anonymous visitor, an overseer and a reader fetch every register page
and API route and find no applicant's name, ID number, contact or agent; a registrar, handler or admin
sees names and contacts (an ID number, kept only as a salted hash, is shown to nobody). Readers write nothing."""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from gongkai.register.demo import DEMO_AGENCY
from gongkai.store.roles import Role
from gongkai.web import create_app

from .conftest import csrf, settings_for
from .register_data import OTHER_AGENCY, Personal, fill, login, logout


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Personal]]:
    with TestClient(create_app(settings_for(tmp_path_factory.mktemp("roles")))) as client:
        personal = fill(client, applications=80)
        for name, role in (
            ("管理员甲", Role.ADMIN),
            ("登记员乙", Role.REGISTRAR),
            ("承办人丙", Role.HANDLER),
            ("监督人员丁", Role.OVERSEER),
            ("只读戊", Role.READER),
        ):
            login(client, name, role)
        logout(client)
        yield client, personal


def _q(text: str) -> str:
    return quote(text, safe="")


def _register_routes() -> set[str]:
    app = create_app(settings_for(Path("/nonexistent")))
    found: set[str] = set()

    def walk(routes: list, prefix: str = "") -> None:  # type: ignore[type-arg]
        for route in routes:
            if isinstance(route, APIRoute) and "GET" in route.methods:
                found.add(prefix + route.path)
            elif hasattr(route, "original_router"):
                walk(route.original_router.routes, prefix + route.include_context.prefix)

    walk(app.routes)
    return {p for p in found if p.startswith(("/register", "/api/register"))}


def _urls(client: TestClient) -> list[str]:
    """Every register page and API route, with real values: each agency, several applications, table cells."""
    repo = client.app.state.repo  # type: ignore[attr-defined]
    numbers = [(OTHER_AGENCY, "2026-00001"), (OTHER_AGENCY, "2026-00002")]
    demo = repo.applications(DEMO_AGENCY)
    numbers += [(DEMO_AGENCY, a.id) for a in demo[:: max(1, len(demo) // 12)]]
    urls: list[str] = []
    for agency in (OTHER_AGENCY, DEMO_AGENCY):
        a = _q(agency)
        urls += [
            f"/register?agency={a}",
            f"/register?agency={a}&page=2",
            f"/register?agency={a}&status=open",
            f"/register/due?agency={a}&days=60&as_of=2026-11-20",
            f"/register/due?agency={a}&days=60&as_of=2025-06-01",
            f"/register/new?agency={a}",
            f"/register/tables?agency={a}&year=2025",
            f"/register/tables?agency={a}&year=2026",
            f"/register/tables/cell?agency={a}&year=2026",
            f"/api/register/applications?agency={a}",
            f"/api/register/applications?agency={a}&as_of=2025-12-31",
            f"/api/register/due?agency={a}&days=60&as_of=2026-11-20",
            f"/api/register/tables?agency={a}&year=2026",
            f"/register/snapshots?agency={a}",
            f"/api/register/snapshots?agency={a}",
            f"/register/compare?agency={a}",
            f"/api/register/compare?agency={a}&year=2026",  # 404: the corpus holds no report of theirs
            f"/register/export.xlsx?agency={a}",
        ]
        for year in (2025, 2026):
            for cell in ("applications.new.total", "applications.new.person", "applications.carry_forward.total"):
                urls.append(f"/register/tables/cell?agency={a}&year={year}&cell={cell}")
    urls += ["/register", "/register/due", "/register/tables", "/api/register/agencies", "/register/export.xlsx"]
    urls += ["/register/import", "/register/calendar", "/api/register/calendar?year=2026"]
    for agency, number in numbers:
        base = f"{_q(agency)}/{_q(number)}"
        urls += [
            f"/register/{base}",
            f"/register/{base}?as_of=2026-12-31",
            f"/register/{base}/event-fields?kind=consultation_answered",
            f"/api/register/applications/{base}",
            f"/api/register/applications/{base}?as_of=2026-12-31",
            f"/register/{base}/letters/receipt.docx",
        ]
    return urls


def test_every_register_route_is_fetched() -> None:
    """A new register route must be added to ``_urls`` (and here) before this test passes again."""
    assert _register_routes() == set(_urls_template())


def _urls_template() -> list[str]:
    """The route templates ``_urls`` covers (its values put back as path parameters)."""
    return [
        "/register",
        "/register/due",
        "/register/new",
        "/register/tables",
        "/register/tables/cell",
        "/register/{agency}/{number}",
        "/register/{agency}/{number}/event-fields",
        "/api/register/agencies",
        "/api/register/applications",
        "/api/register/applications/{agency}/{number}",
        "/api/register/due",
        "/api/register/tables",
        "/register/snapshots",
        "/api/register/snapshots",
        "/register/compare",
        "/api/register/compare",
        "/register/export.xlsx",
        "/register/import",
        "/register/calendar",
        "/api/register/calendar",
        "/register/{agency}/{number}/letters/{kind}.docx",
    ]


def _readable(data: bytes) -> str:
    """Every text an XLSX or DOCX download holds (their XML parts unzipped)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def _leaks(client: TestClient, personal: Personal) -> dict[str, list[str]]:
    secrets = personal.strings()
    out: dict[str, list[str]] = {}
    for url in _urls(client):
        response = client.get(url)
        expected = 404 if url.startswith("/api/register/compare") else 200
        assert response.status_code == expected, (url, response.text[:300])
        body = _readable(response.content) if url.split("?")[0].endswith((".xlsx", ".docx")) else response.text
        body = html.unescape(body)
        found = sorted(s for s in secrets if s in body)
        if found:
            out[url] = found
    return out


@pytest.mark.parametrize("who", [None, "监督人员丁", "只读戊"])
def test_no_personal_data_without_the_role(register: tuple[TestClient, Personal], who: str | None) -> None:
    client, personal = register
    if who is None:
        logout(client)
    else:
        login(client, who)
    assert len(personal.names) > 20 and len(personal.ids) > 20 and len(personal.contacts) > 50 and personal.agents
    assert _leaks(client, personal) == {}
    page = client.get(f"/register/{_q(OTHER_AGENCY)}/2026-00001").text
    assert "不显示申请人个人信息" in page and "欧阳测试甲" not in page and "13800138000" not in page
    listed = client.get("/api/register/applications", params={"agency": OTHER_AGENCY}).json()
    assert all(set(a["applicant"]) == {"column", "column_zh"} for a in listed["applications"])


@pytest.mark.parametrize("who", ["登记员乙", "承办人丙", "管理员甲"])
def test_registrar_handler_and_admin_see_names_and_contacts(register: tuple[TestClient, Personal], who: str) -> None:
    client, personal = register
    login(client, who)
    leaks = _leaks(client, personal)
    seen = {s for found in leaks.values() for s in found}
    assert {"欧阳测试甲", "13800138000", "司马代理人", "测试置业发展有限公司"} <= seen
    assert len(seen & personal.names) > 10 and len(seen & personal.contacts) > 10
    assert not seen & personal.ids  # an ID number is kept only as a salted hash: nobody sees it
    page = client.get(f"/register/{_q(OTHER_AGENCY)}/2026-00001").text
    assert "可见申请人个人信息" in page and "欧阳测试甲" in page and "司马代理人" in page
    one = client.get(f"/api/register/applications/{_q(OTHER_AGENCY)}/2026-00001").json()
    assert one["applicant"]["name"] == "欧阳测试甲" and one["applicant"]["agent"] == "司马代理人"


def test_a_readers_writes_are_refused_everywhere(register: tuple[TestClient, Personal]) -> None:
    client, _ = register
    headers = login(client, "只读戊")
    corpus = client.post("/api/agencies", json={"name": "某市某局"}, headers=headers)
    assert corpus.status_code == 403 and corpus.json()["error"]["message"] == "只读账号不能写入"
    event = client.post(
        f"/api/register/applications/{_q(OTHER_AGENCY)}/2026-00002/events",
        json={"kind": "confirmed", "on": "2026-10-13"},
        headers=headers,
    )
    assert event.status_code == 403
    headers = login(client, "监督人员丁")  # an overseer keeps the corpus work accounts did before roles
    assert client.post("/api/agencies", json={"name": "某市某局"}, headers=headers).status_code == 200
    logout(client)
    assert client.post("/api/agencies", json={"name": "某市某局"}, headers=csrf(client)).status_code == 200  # 本机模式


def test_a_role_changed_applies_at_the_next_request(register: tuple[TestClient, Personal]) -> None:
    from gongkai.store.accounts import set_role

    client, _ = register
    login(client, "承办人丙")
    page = f"/register/{_q(OTHER_AGENCY)}/2026-00001"
    assert "欧阳测试甲" in client.get(page).text
    database = client.app.state.repo.database  # type: ignore[attr-defined]
    set_role(database, "承办人丙", Role.OVERSEER)
    try:
        assert "欧阳测试甲" not in client.get(page).text
    finally:
        set_role(database, "承办人丙", Role.HANDLER)
