"""The register's JSON API: lists, one application with events and clock, the due list, the tables in the
shape of ``gongkai register tables --json``, and the writes (CSRF, login, role)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from gongkai.cli import app as cli_app
from gongkai.register.demo import DEMO_AGENCY
from gongkai.store.roles import Role

from .conftest import csrf
from .register_data import OTHER_AGENCY, fill, login


def _path(agency: str, number: str) -> str:
    return f"/api/register/applications/{quote(agency, safe='')}/{quote(number, safe='')}"


@pytest.fixture
def filled(client: TestClient) -> TestClient:
    fill(client)
    return client


NEW = {
    "agency": OTHER_AGENCY,
    "channel": "post_signed",
    "arrived": "2026-11-03",
    "applicant_type": "person",
    "name": "诸葛接口",
    "id_number": "110105198802023456",
    "contact": "13700001111",
    "request": "某道路规划红线图",
    "form": "电子",
}


def test_the_agencies_and_the_list(filled: TestClient) -> None:
    assert filled.get("/api/register/agencies").json() == {"agencies": [OTHER_AGENCY, DEMO_AGENCY]}
    several = filled.get("/api/register/applications")
    assert several.status_code == 400 and "请用 agency 指定" in several.json()["error"]["message"]
    listed = filled.get("/api/register/applications", params={"agency": OTHER_AGENCY, "as_of": "2026-10-20"}).json()
    assert listed["agency"] == OTHER_AGENCY and listed["as_of"] == "2026-10-20" and listed["total"] == 2
    first = listed["applications"][0]
    assert first["number"] == "2026-00001" and first["channel_zh"] == "当面提交"
    assert first["applicant"] == {"column": "person", "column_zh": "自然人"}  # no personal data for a visitor
    assert first["state"]["status"] == "running" and first["state"]["receipt"] == "2026-09-01"
    assert first["state"]["extended"] is True and "events" not in first
    closed = filled.get("/api/register/applications", params={"agency": DEMO_AGENCY, "status": "closed"}).json()
    assert closed["total"] and all(a["state"]["status"] == "closed" for a in closed["applications"])
    by_year = filled.get("/api/register/applications", params={"agency": DEMO_AGENCY, "year": "2025"}).json()
    assert by_year["total"] and all(a["arrived"].startswith("2025-") for a in by_year["applications"])
    assert filled.get("/api/register/applications", params={"agency": "无此机关"}).status_code == 404


def test_one_application_with_its_events_and_clock(filled: TestClient) -> None:
    got = filled.get(_path(OTHER_AGENCY, "2026-00001"), params={"as_of": "2026-09-21"}).json()
    assert [e["id"] for e in got["events"]] == [1, 2, 3]  # #4 was entered on 22 September
    assert got["events"][2] == {
        "id": 3,
        "kind": "extension",
        "kind_zh": "延期答复（已批准并告知）",
        "on": "2026-09-20",
        "recorded": "2026-09-21",
        "data": {"days": "15"},
        "corrects": None,
        "refers": None,
        "by": "演示登记员",
    }
    now = filled.get(_path(OTHER_AGENCY, "2026-00001"), params={"as_of": "2026-10-01"}).json()
    assert now["events"][3]["corrects"] == 3
    assert now["state"]["due"] > got["state"]["due"]  # 20 days of extension in place of 15
    assert "name" not in now["applicant"]
    missing = filled.get(_path(OTHER_AGENCY, "2026-99999"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert filled.get(_path(OTHER_AGENCY, "2026-00001"), params={"as_of": "2026-9-1"}).status_code == 422


def test_the_tables_are_the_clis(filled: TestClient) -> None:
    url = filled.app.state.settings.database_url  # type: ignore[attr-defined]
    for year in (2025, 2026):
        result = CliRunner().invoke(
            cli_app, ["register", "tables", "--year", str(year), "--agency", DEMO_AGENCY, "--db", url, "--json"]
        )
        assert result.exit_code == 0, result.output
        api = filled.get("/api/register/tables", params={"year": year, "agency": DEMO_AGENCY}).json()
        assert api == json.loads(result.output)
        new = api["cells"]["applications.new.total"]
        assert new["value"] == len(new["applications"]) > 0
    assert filled.get("/api/register/tables", params={"year": 1999, "agency": DEMO_AGENCY}).status_code == 422


def test_writes_need_a_token_a_login_and_the_role(filled: TestClient) -> None:
    assert filled.post("/api/register/applications", json=NEW).status_code == 403  # no CSRF token
    anonymous = filled.post("/api/register/applications", json=NEW, headers=csrf(filled))
    assert anonymous.status_code == 401 and "需要以管理员、登记员账号登录" in anonymous.json()["error"]["message"]
    for name, role in (("监督丙", Role.OVERSEER), ("只读戊", Role.READER), ("承办丁", Role.HANDLER)):
        headers = login(filled, name, role)
        refused = filled.post("/api/register/applications", json=NEW, headers=headers)
        assert refused.status_code == 403 and f"{role.zh}账号不能登记新申请" in refused.json()["error"]["message"]
    assert len(filled.app.state.repo.applications(OTHER_AGENCY)) == 2  # type: ignore[attr-defined]
    for name in ("监督丙", "只读戊"):
        headers = login(filled, name)
        path = _path(OTHER_AGENCY, "2026-00002") + "/events"
        refused = filled.post(path, json={"kind": "confirmed", "on": "2026-10-13"}, headers=headers)
        assert refused.status_code == 403 and "不能登记办理事件" in refused.json()["error"]["message"]


def test_a_registrar_registers_and_a_handler_appends(filled: TestClient) -> None:
    headers = login(filled, "登记员甲", Role.REGISTRAR)
    made = filled.post("/api/register/applications", json=NEW, headers=headers)
    assert made.status_code == 201, made.text
    app = made.json()["application"]
    assert app["number"] == "2026-00003" and app["agency"] == OTHER_AGENCY
    assert app["applicant"] == {
        "column": "person",
        "column_zh": "自然人",
        "name": "诸葛接口",
        "contact": "13700001111",
        "agent": None,
    }
    assert "110105198802023456" not in made.text
    assert app["state"]["receipt"] == "2026-11-03" and app["state"]["due"] == "2026-12-01"
    headers = login(filled, "承办丁", Role.HANDLER)
    path = _path(OTHER_AGENCY, "2026-00003") + "/events"
    added = filled.post(
        path,
        json={"kind": "correction_requested", "on": "2026-11-05", "data": {"reply_by": "2026-11-20"}},
        headers=headers,
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["event"]["id"] == 1 and body["event"]["by"] == "承办丁" and body["event"]["kind_zh"] == "告知补正"
    assert body["state"]["status"] == "correcting" and body["state"]["due"] is None
    again = filled.post(path, json={"kind": "correction_received", "on": "2026-11-10"}, headers=headers).json()
    assert again["state"]["start"] == "2026-11-10" and again["state"]["due"] == "2026-12-08"  # restarted from zero
    fixed = filled.post(
        path, json={"kind": "correction_received", "on": "2026-11-11", "corrects": 2}, headers=headers
    ).json()
    assert fixed["event"]["corrects"] == 2 and fixed["state"]["due"] == "2026-12-09"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": "nonsense", "on": "2026-11-05"}, "未知事件类型：nonsense"),
        ({"kind": "decided", "on": "2026-11-05"}, "“作出答复决定”缺少：outcome"),
        (
            {"kind": "decided", "on": "2026-11-05", "data": {"outcome": "maybe"}},
            "办理结果 'maybe' 不是表三的办理结果行",
        ),
        ({"kind": "consultation_answered", "on": "2026-11-05"}, "须指明对应的事件"),
        ({"kind": "confirmed", "on": "2026-10-01"}, "早于申请到达日"),
        ({"kind": "voided", "on": "2026-11-05"}, "作废须指明被作废的事件"),
        ({"kind": "confirmed", "on": "2026-13-01"}, "发生日期不是有效日期"),
        ({"kind": "correction_requested", "on": "2026-11-05", "data": {"reply_by": "3000-01-01"}}, "补正期限应在"),
    ],
)
def test_bad_events_are_refused_in_chinese(filled: TestClient, entry: dict, message: str) -> None:
    headers = login(filled, "承办丁", Role.HANDLER)
    refused = filled.post(_path(OTHER_AGENCY, "2026-00002") + "/events", json=entry, headers=headers)
    assert refused.status_code in (400, 422) and message in refused.json()["error"]["message"]
    assert filled.app.state.repo.application(OTHER_AGENCY, "2026-00002").events == ()  # type: ignore[attr-defined]


def test_bad_applications_are_refused_in_chinese(filled: TestClient) -> None:
    headers = login(filled, "登记员甲", Role.REGISTRAR)
    refused = filled.post("/api/register/applications", json={**NEW, "channel": "pigeon"}, headers=headers)
    assert refused.status_code == 400 and "请选择申请渠道" in refused.json()["error"]["message"]
    refused = filled.post("/api/register/applications", json={**NEW, "applicant_type": "x"}, headers=headers)
    assert refused.status_code == 400 and "申请人类型" in refused.json()["error"]["message"]
    missing = filled.post(
        _path(OTHER_AGENCY, "2099-00001") + "/events", json={"kind": "confirmed", "on": "2026-11-05"}, headers=headers
    )
    assert missing.status_code == 404
    assert len(filled.app.state.repo.applications(OTHER_AGENCY)) == 2  # type: ignore[attr-defined]


def test_the_api_is_documented_in_chinese(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/register/applications",
        "/api/register/applications/{agency}/{number}",
        "/api/register/applications/{agency}/{number}/events",
        "/api/register/due",
        "/api/register/tables",
    ):
        assert path in paths
    assert paths["/api/register/applications"]["post"]["summary"] == "登记一件新申请（登记员、管理员）"
