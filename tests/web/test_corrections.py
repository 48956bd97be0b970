"""单元格更正 in the workbench: the API and the page correct a cell, re-check, mark it, and withdraw it."""

from __future__ import annotations

from pathlib import Path

from .conftest import TestClient, csrf, upload

CELL = "applications.carried.person"  # 阳泉市 2021 prints it blank; 1 makes its 自然人 balance hold
BALANCE_PERSON = "applications.new.person"


def _report_id(client: TestClient, seed: Path) -> int:
    job = upload(client, (seed.name, seed.read_bytes()))
    assert job["state"] == "done", job
    return int(client.get("/api/reports").json()["reports"][0]["id"])


def _balance_on_person(client: TestClient, rid: int) -> list[dict]:
    findings = client.get(f"/api/reports/{rid}").json()["findings"]
    return [f for f in findings if f["rule"] == "balance" and BALANCE_PERSON in f["cells"]]


def test_the_api_corrects_a_cell_rechecks_and_withdraws(client: TestClient, seed: Path) -> None:
    rid = _report_id(client, seed)
    assert _balance_on_person(client, rid)
    answer = client.post(
        f"/api/reports/{rid}/cells/{CELL}/correction",
        json={"value": "1", "reason": "扫描件上此格为1"},
        headers=csrf(client),
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["value"] == "1" and body["read_state"] == "blank" and not body["withdrawn"]
    assert body["correction"]["author"] == "本机用户" and body["correction"]["reason"] == "扫描件上此格为1"
    assert [f["rule"] for f in body["findings_removed"]] == ["balance"]
    assert "row-total" in [f["rule"] for f in body["findings_added"]]
    assert not _balance_on_person(client, rid)
    cell = client.get(f"/api/reports/{rid}").json()["cells"][CELL]
    assert cell["value"] == 1 and cell["state"] == "read"
    assert cell["correction"]["read"] is None and cell["correction"]["read_state"] == "blank"
    history = client.get(f"/api/reports/{rid}/corrections").json()["corrections"]
    assert [(h["cell_id"], h["value"], h["in_force"]) for h in history] == [(CELL, "1", True)]
    back = client.delete(f"/api/reports/{rid}/cells/{CELL}/correction", headers=csrf(client))
    assert back.status_code == 200 and back.json()["withdrawn"] and back.json()["value"] is None
    assert _balance_on_person(client, rid)
    assert "correction" not in client.get(f"/api/reports/{rid}").json()["cells"][CELL]
    again = client.delete(f"/api/reports/{rid}/cells/{CELL}/correction", headers=csrf(client))
    assert again.status_code == 404 and "没有生效的更正" in again.json()["error"]["message"]


def test_the_api_refuses_bad_corrections_in_chinese(client: TestClient, seed: Path) -> None:
    rid = _report_id(client, seed)
    url = f"/api/reports/{rid}/cells/{CELL}/correction"
    no_token = client.post(url, json={"value": "1", "reason": "x"})
    assert no_token.status_code == 403
    for value, message in (("一", "更正值须为数字"), ("1.5", "须为整数"), ("-2", "不能为负数")):
        refused = client.post(url, json={"value": value, "reason": "核对原文"}, headers=csrf(client))
        assert refused.status_code == 400 and message in refused.json()["error"]["message"], refused.text
    outside = client.post(
        f"/api/reports/{rid}/cells/no.such.cell/correction", json={"value": "1", "reason": "x"}, headers=csrf(client)
    )
    assert outside.status_code == 400 and "不在这份报告的格式" in outside.json()["error"]["message"]
    missing = client.post(
        f"/api/reports/999/cells/{CELL}/correction", json={"value": "1", "reason": "x"}, headers=csrf(client)
    )
    assert missing.status_code == 404
    assert client.get(f"/api/reports/{rid}/corrections").json() == {"corrections": []}


def test_the_report_page_marks_a_corrected_cell_and_its_panel_says_both_values(client: TestClient, seed: Path) -> None:
    rid = _report_id(client, seed)
    token = csrf(client)
    page = client.post(
        f"/reports/{rid}/cells/{CELL}/correction",
        data={"value": "1", "reason": "扫描件上此格为1", "csrf_token": token["X-CSRF-Token"]},
        headers={"HX-Request": "true"},
    )
    assert page.status_code == 200 and 'class="tables"' in page.text  # the workspace, re-rendered
    html = client.get(f"/reports/{rid}").text
    marked = html.split(f'data-cell="{CELL}"')[0].rsplit("<td", 1)[1]
    assert "corrected" in marked
    cell_html = html.split(f'data-cell="{CELL}"')[1].split("</td>")[0]
    assert "已更正：读取值 空，理由：扫描件上此格为1，本机用户" in cell_html and ">1†" in cell_html
    panel = client.get(f"/reports/{rid}/cells/{CELL}", headers={"HX-Request": "true"}).text
    assert "更正值" in panel and "读取值" in panel and "扫描件上此格为1" in panel and "撤回更正" in panel
    history = client.get(f"/reports/{rid}/cells/{CELL}/corrections", headers={"HX-Request": "true"}).text
    assert "生效" in history and "扫描件上此格为1" in history
    refused = client.post(
        f"/reports/{rid}/cells/{CELL}/correction",
        data={"value": "abc", "reason": "x", "csrf_token": token["X-CSRF-Token"]},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 200 and refused.headers["HX-Retarget"] == "#source"
    assert "更正值须为数字" in refused.text
    withdrawn = client.post(
        f"/reports/{rid}/cells/{CELL}/correction/withdraw",
        data={"csrf_token": token["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert withdrawn.status_code == 303 and withdrawn.headers["location"] == f"/reports/{rid}"
    html = client.get(f"/reports/{rid}").text
    assert "已更正" not in html.split(f'data-cell="{CELL}"')[1].split("</td>")[0]
    history = client.get(f"/reports/{rid}/cells/{CELL}/corrections").text
    assert "已撤回" in history and " 撤回）" in history
