"""The review workflow in the workbench: steps through the API and the page form (refused ones answered
in Chinese), each finding's history, the filters by rule / severity / review status, the 待审 column,
the queue and "下一份", 已发送机关 at once, the 审核意见书 (print view, Word, JSON) per report and per
agency, and the issue list download."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import openpyxl
from fastapi.testclient import TestClient

from gongkai.law.agencies import normalise_agency_key

from ..conftest import CORPUS, shared_or_skip
from .conftest import csrf, upload

ANYANG = CORPUS / "seeds" / "000_6e817ece59bf6a07.txt"  # 安阳县人民政府 2021: 1 error, 4 warnings
CHENGAN = CORPUS / "seeds" / "003_30f21ffa1848b77a.txt"  # 成安县人民政府 2021: 2 warnings
HONGZE = [CORPUS / "dev" / "001_huaian-hongze-qu-2023.pdf", CORPUS / "dev" / "002_huaian-hongze-qu-2024.pdf"]


def _store(client: TestClient, *paths: Path) -> dict[str, int]:
    job = upload(client, *[(p.name, shared_or_skip(p).read_bytes()) for p in paths])
    assert job["state"] == "done", job
    return {Path(r["source"]).name: r["report_id"] for r in job["reports"]}


def _findings(client: TestClient, rid: int) -> list[dict]:
    return client.get(f"/api/reports/{rid}/findings").json()["findings"]


def _step(client: TestClient, rid: int, fp: str, status: str, reason: str | None = None) -> dict:
    response = client.post(
        f"/api/reports/{rid}/findings/{fp}", json={"status": status, "reason": reason}, headers=csrf(client)
    )
    assert response.status_code == 200, response.text
    return response.json()["finding"]


def test_steps_history_and_refusals_through_the_api(client: TestClient, seed: Path) -> None:
    rid = _store(client, seed)[seed.name]
    finding = next(f for f in _findings(client, rid) if f["rule"] == "balance")
    fp = finding["fingerprint"]
    assert finding["status"] == "open" and finding["history"] == []
    _step(client, rid, fp, "confirmed", "确有不符")
    _step(client, rid, fp, "sent", "意见书 2025-3号")
    refused = client.post(f"/api/reports/{rid}/findings/{fp}", json={"status": "open "}, headers=csrf(client))
    assert refused.status_code == 422  # not a status at all
    refused = client.post(f"/api/reports/{rid}/findings/{fp}", json={"status": "closed"}, headers=csrf(client))
    assert refused.status_code == 409
    assert refused.json()["error"]["message"].startswith("问题当前为“已发送机关”，不能改为“已关闭”")
    _step(client, rid, fp, "rectified")
    closed = _step(client, rid, fp, "closed", "整改到位")
    assert (closed["status"], closed["reviewer"], closed["reason"]) == ("closed", "本机用户", "整改到位")

    again = next(f for f in _findings(client, rid) if f["fingerprint"] == fp)
    steps = [(e["from"], e["to"], e["to_zh"], e["actor"], e["reason"]) for e in again["history"]]
    assert steps == [
        ("open", "confirmed", "确认问题", "本机用户", "确有不符"),
        ("confirmed", "sent", "已发送机关", "本机用户", "意见书 2025-3号"),
        ("sent", "rectified", "已整改", "本机用户", None),
        ("rectified", "closed", "已关闭", "本机用户", "整改到位"),
    ]
    history = client.get(f"/api/reports/{rid}/history").json()["history"]
    assert [e["to"] for e in history[fp]] == ["confirmed", "sent", "rectified", "closed"]
    assert client.get("/api/reports/999/history").status_code == 404

    page = client.get(f"/reports/{rid}").text
    assert "审核记录（4）" in page and "已发送机关 → 已整改" in page
    start = page.index(f'id="finding-{fp}"')
    block = page[start : page.index("</form>", start)]
    assert re.findall(r'name="status" value="(\w+)"', block) == ["open"]  # closed: only reopening is offered

    # the history survives reading the same file again
    _store(client, seed)
    upload(client, (seed.name, seed.read_bytes()), replace=True)
    kept = next(f for f in _findings(client, rid) if f["fingerprint"] == fp)
    assert kept["status"] == "closed" and len(kept["history"]) == 4


def test_the_page_form_offers_only_allowed_steps_and_refuses_others(client: TestClient, seed: Path) -> None:
    rid = _store(client, seed)[seed.name]
    fp = _findings(client, rid)[0]["fingerprint"]
    page = client.get(f"/reports/{rid}").text
    block = page[page.index(f'id="finding-{fp}"') : page.index("</form>", page.index(f'id="finding-{fp}"'))]
    assert re.findall(r'name="status" value="(\w+)"', block) == ["confirmed", "dismissed"]
    assert ">确认问题</button>" in block and ">不是问题（误报）</button>" in block
    token = csrf(client)["X-CSRF-Token"]
    form = {"csrf_token": token, "status": "sent", "reason": ""}
    refused = client.post(f"/reports/{rid}/findings/{fp}", data=form, headers={"HX-Request": "true"})
    assert refused.status_code == 409 and "不能改为“已发送机关”" in refused.text
    form["status"] = "dismissed"
    done = client.post(f"/reports/{rid}/findings/{fp}", data=form, headers={"HX-Request": "true"})
    assert done.status_code == 200 and "<html" not in done.text
    assert "审核记录（1）" in done.text and "待审 → 不是问题（误报）" in done.text


def test_filters_pending_column_and_queue(client: TestClient) -> None:
    ids = _store(client, ANYANG, CHENGAN, shared_or_skip(CORPUS / "dev" / "004_shuyang-xian-2025.md"))
    anyang, chengan, clean = ids[ANYANG.name], ids[CHENGAN.name], ids["004_shuyang-xian-2025.md"]
    listed = {r["id"]: r for r in client.get("/api/reports").json()["reports"]}
    assert (listed[anyang]["pending"], listed[chengan]["pending"], listed[clean]["pending"]) == (5, 2, 0)

    def ids_for(**params: str) -> set[int]:
        response = client.get("/api/reports", params=params)
        assert response.status_code == 200, response.text
        return {r["id"] for r in response.json()["reports"]}

    assert ids_for(severity="error") == {anyang}
    assert ids_for(severity="warning") == {anyang, chengan}
    assert ids_for(review_status="open") == {anyang, chengan}
    assert ids_for(review_status="confirmed") == set()
    rule = _findings(client, chengan)[0]["rule"]
    assert chengan in ids_for(rule=rule)
    assert client.get("/api/reports", params={"rule": "no-such-rule"}).status_code == 422
    assert client.get("/api/reports", params={"review_status": "maybe"}).status_code == 422

    page = client.get("/reports", params={"severity": "error"}).text
    assert '<th class="num">待审</th>' in page and 'name="review_status"' in page and 'name="rule"' in page
    assert '<option value="error" selected>错误</option>' in page
    assert "安阳县人民政府" in page and "成安县人民政府" not in page

    queue = client.get("/api/review/queue").json()
    assert [r["id"] for r in queue["reports"]] == [anyang, chengan]  # an open error first
    assert queue["pending"] == 7
    assert client.get("/api/review/next").json() == {"next": anyang}
    assert client.get("/api/review/next", params={"after": anyang}).json() == {"next": chengan}
    assert client.get("/api/review/next", params={"after": clean}).json() == {"next": anyang}
    assert f'href="/reports/{chengan}" rel="next"' in client.get(f"/reports/{anyang}").text
    # a queue narrowed to errors keeps its filter: from its only report there is no next one
    narrowed = client.get("/review", params={"severity": "error"}).text
    assert f'href="/reports/{anyang}?severity=error"' in narrowed
    assert 'rel="next"' not in client.get(f"/reports/{anyang}", params={"severity": "error"}).text
    warned = client.get(f"/reports/{anyang}", params={"severity": "warning"}).text
    assert f'href="/reports/{chengan}?severity=warning" rel="next"' in warned
    queue_page = client.get("/review").text
    assert "审核队列" in queue_page and queue_page.index("安阳县人民政府") < queue_page.index("成安县人民政府")
    assert "共 <strong>7</strong> 个问题待审" in queue_page

    for f in _findings(client, anyang):
        _step(client, anyang, f["fingerprint"], "dismissed")
    assert [r["id"] for r in client.get("/api/review/queue").json()["reports"]] == [chengan]
    assert 'rel="next"' not in client.get(f"/reports/{chengan}").text  # nothing else is left to review


def _confirm_two(client: TestClient, rid: int) -> list[dict]:
    findings = _findings(client, rid)
    for f in findings[:2]:
        _step(client, rid, f["fingerprint"], "confirmed")
    _step(client, rid, findings[2]["fingerprint"], "dismissed")
    return findings


def test_opinion_print_view_word_and_json(client: TestClient) -> None:
    rid = _store(client, ANYANG)[ANYANG.name]
    findings = _confirm_two(client, rid)
    messages = [f["message"] for f in findings]

    view = client.get(f"/reports/{rid}/opinion", params={"office": "某市政务公开办", "date": "2026-03-05"})
    assert view.status_code == 200
    html = view.text
    assert '<link rel="stylesheet" href="/static/css/opinion.css">' in html  # no inline style under the CSP
    sheet = client.get("/static/css/opinion.css").text
    assert "@page { size: A4" in sheet and "@media print" in sheet
    assert "<nav" not in html and "<button" not in html and "topbar" not in html and "<form" not in html
    assert "安阳县人民政府：" in html and "某市政务公开办" in html and "2026年3月5日" in html
    assert all(m in html for m in messages[:2]) and not any(m in html for m in messages[2:])

    word = client.get(f"/reports/{rid}/opinion.docx", params={"office": "某市政务公开办"})
    assert word.status_code == 200 and word.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in word.headers["content-disposition"]
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    numbered = [p for p in paragraphs if re.match(r"\d+\. 【", p)]
    assert len(numbered) == 2 and all(any(m in p for p in numbered) for m in messages[:2])

    data = client.get(f"/api/reports/{rid}/opinion", params={"date": "2026-03-05"}).json()
    assert data["agency"] == "安阳县人民政府" and data["date_zh"] == "2026年3月5日" and data["office"] is None
    (report,) = data["reports"]
    assert [f["message"] for f in report["findings"]] == sorted(
        messages[:2], key=lambda m: next(f["severity"] != "error" for f in findings if f["message"] == m)
    )
    assert all(c["label"] and c["value"] for f in report["findings"] for c in f["cells"])
    assert client.get("/reports/999/opinion").status_code == 404
    assert client.get("/reports/999/opinion.docx").status_code == 404

    page = client.get(f"/reports/{rid}").text
    assert f'action="/reports/{rid}/opinion"' in page and f'formaction="/reports/{rid}/opinion.docx"' in page


def test_sent_at_once_and_the_agency_opinion(client: TestClient) -> None:
    ids = _store(client, *HONGZE)
    key = normalise_agency_key("淮安市洪泽区人民政府")
    confirmed = {}
    for rid in ids.values():
        f = _findings(client, rid)[0]
        _step(client, rid, f["fingerprint"], "confirmed")
        confirmed[rid] = f["fingerprint"]

    first, second = sorted(ids.values())
    token = csrf(client)["X-CSRF-Token"]
    sent = client.post(f"/reports/{first}/sent", data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert sent.status_code == 200 and "已发送机关" in sent.text
    assert next(f for f in _findings(client, first) if f["fingerprint"] == confirmed[first])["status"] == "sent"
    assert next(f for f in _findings(client, second) if f["fingerprint"] == confirmed[second])["status"] == "confirmed"

    moved = client.post(f"/api/agencies/{key}/sent", json={"reason": "意见书 2号"}, headers=csrf(client)).json()
    assert moved["sent"] == 1 and moved["findings"][0]["fingerprint"] == confirmed[second]
    assert client.post("/api/agencies/无此机关/sent", json={}, headers=csrf(client)).status_code == 404
    assert client.post(f"/api/reports/{first}/sent", json={}).status_code == 403  # a write needs the token

    view = client.get(f"/agencies/{key}/opinion").text
    assert "以下2份年度报告" in view and "（2023年度）" in view and "（2024年度）" in view
    word = client.get(f"/agencies/{key}/opinion.docx")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert [p[:3] for p in paragraphs if re.match(r"\d+\. 【", p)] == ["1. ", "2. "]  # sent ones stay listed
    assert client.get("/api/agencies/无此机关/opinion").status_code == 404


def test_issue_list_download(client: TestClient, seed: Path) -> None:
    rid = _store(client, seed)[seed.name]
    findings = _findings(client, rid)
    _step(client, rid, findings[0]["fingerprint"], "confirmed", "确有不符")
    for url in ("/review/issues.xlsx", "/api/review/issues.xlsx"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        sheet = openpyxl.load_workbook(io.BytesIO(response.content))["问题清单"]
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == len(findings) + 1
        header = list(rows[0])
        by_fp = {r[header.index("指纹")]: r for r in rows[1:]}
        row = by_fp[findings[0]["fingerprint"]]
        assert row[header.index("报告编号")] == rid and isinstance(row[header.index("年度")], int)
        assert (row[header.index("审核状态")], row[header.index("理由")]) == ("确认问题", "确有不符")
    narrowed = client.get("/review/issues.xlsx", params={"review_status": "confirmed"})
    rows = list(openpyxl.load_workbook(io.BytesIO(narrowed.content))["问题清单"].iter_rows(values_only=True))
    assert len(rows) == 2
