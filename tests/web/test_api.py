"""The JSON API and the pages through the ASGI client: shapes, review decisions, security."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from gongkai.store import open_database
from gongkai.store.accounts import set_password
from gongkai.web import create_app

from .conftest import TestClient, csrf, settings_for, upload


def _report_id(job: dict) -> int:
    assert job["state"] == "done", job
    rid = job["reports"][0]["report_id"]
    assert isinstance(rid, int)
    return rid


def test_upload_detail_and_source(client: TestClient, seed: Path) -> None:
    rid = _report_id(upload(client, ("seed.txt", seed.read_bytes())))
    detail = client.get(f"/api/reports/{rid}").json()
    assert detail["report"]["agency"] == "阳泉市人民政府"
    assert detail["report"]["source"] == "seed.txt"
    assert detail["cells"]["applications.new.person"]["value"] == 36
    balance = [f for f in detail["findings"] if f["rule"] == "balance"]
    assert any("applications.new.person" in f["cells"] for f in balance)

    source = client.get(f"/api/reports/{rid}/cells/applications.new.person/source").json()
    target = [line for line in source["lines"] if line["target"]]
    assert target == [{"number": 84, "text": "\t\xa036", "target": True}]

    page = client.get(f"/reports/{rid}")
    assert page.status_code == 200
    assert 'data-cell="applications.new.person"' in page.text
    assert "sev-error" in page.text


def test_list_filters_and_sort(client: TestClient, seed: Path) -> None:
    upload(client, ("seed.txt", seed.read_bytes()))
    listing = client.get("/api/reports", params={"year": 2021, "errors": "1", "sort": "-errors"}).json()
    assert listing["total"] == 1 and listing["with_errors"] == 1
    assert client.get("/api/reports", params={"year": 2019}).json()["total"] == 0
    assert client.get("/api/reports", params={"agency": "阳泉"}).json()["total"] == 1
    bad = client.get("/api/reports", params={"sort": "password"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    fragment = client.get("/reports", params={"level": "government"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "阳泉市人民政府" in fragment.text


def test_review_survives_reread(client: TestClient, seed: Path) -> None:
    data = seed.read_bytes()
    rid = _report_id(upload(client, ("seed.txt", data)))
    finding = next(f for f in client.get(f"/api/reports/{rid}/findings").json()["findings"] if f["rule"] == "balance")
    decided = client.post(
        f"/api/reports/{rid}/findings/{finding['fingerprint']}",
        json={"status": "dismissed", "reason": "原文另有说明"},
        headers=csrf(client),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["finding"]["reviewer"] == "本机用户"

    again = _report_id(upload(client, ("seed.txt", data), replace=True))
    findings = client.get(f"/api/reports/{again}/findings").json()["findings"]
    same = next(f for f in findings if f["fingerprint"] == finding["fingerprint"])
    assert (same["status"], same["reason"]) == ("dismissed", "原文另有说明")


def test_writes_need_the_csrf_token(client: TestClient, seed: Path) -> None:
    response = client.post("/api/uploads", files=[("files", ("a.txt", b"x", "text/plain"))])
    assert response.status_code == 403
    assert response.json() == {
        "error": {"status": 403, "code": "csrf", "message": "请求缺少有效的CSRF令牌，请刷新页面后重试"}
    }
    wrong = client.delete("/api/reports/1", headers={"X-CSRF-Token": "not-the-cookie-value-at-all"})
    assert wrong.status_code == 403


def test_one_error_shape(client: TestClient) -> None:
    missing = client.get("/api/reports/999")
    assert missing.status_code == 404
    assert set(missing.json()["error"]) == {"status", "code", "message"}
    assert client.get("/reports/999").status_code == 404
    assert "没有编号为 999 的报告" in client.get("/reports/999").text


def test_login_required_off_loopback(tmp_path: Path, seed: Path) -> None:
    settings = settings_for(tmp_path, login_required=True)
    database = open_database(settings.database_url)
    set_password(database, "reviewer", "correct horse battery")
    database.close()
    with TestClient(create_app(settings)) as client:
        refused = client.post("/api/uploads", files=[("files", ("a.txt", b"x", "text/plain"))], headers=csrf(client))
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "login_required"
        bad = client.post("/api/login", json={"name": "reviewer", "password": "nope"}, headers=csrf(client))
        assert bad.status_code == 401
        good = client.post(
            "/api/login", json={"name": "reviewer", "password": "correct horse battery"}, headers=csrf(client)
        )
        assert good.status_code == 200
        rid = _report_id(upload(client, ("seed.txt", seed.read_bytes())))
        fp = client.get(f"/api/reports/{rid}/findings").json()["findings"][0]["fingerprint"]
        decided = client.post(f"/api/reports/{rid}/findings/{fp}", json={"status": "confirmed"}, headers=csrf(client))
        assert decided.json()["finding"]["reviewer"] == "reviewer"


def test_upload_limits(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path, max_upload_bytes=1024))) as client:
        big = client.post(
            "/api/uploads", files=[("files", ("big.txt", b"x" * 4096, "text/plain"))], headers=csrf(client)
        )
        assert big.status_code == 413 and big.json()["error"]["code"] == "too_large"
        odd = client.post("/api/uploads", files=[("files", ("a.exe", b"MZ", "x"))], headers=csrf(client))
        assert odd.status_code == 400


def test_zip_upload_and_report_text_is_escaped(client: TestClient, seed: Path) -> None:
    hostile = seed.read_text(encoding="utf-8").replace("阳泉市人民政府", "<script>alert(1)</script>阳泉市人民政府", 1)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/seed.txt", seed.read_bytes())
        zf.writestr("b/hostile.txt", hostile.encode("utf-8"))
    job = upload(client, ("two.zip", archive.getvalue()))
    assert job["summary"]["read"] == 2
    for entry in job["reports"]:
        page = client.get(f"/reports/{entry['report_id']}").text
        assert "<script>alert(1)" not in page
    listing = client.get("/reports").text
    assert "<script>alert" not in listing


def test_compare_stats_export(client: TestClient, seed: Path) -> None:
    rid = _report_id(upload(client, ("seed.txt", seed.read_bytes())))
    compared = client.get("/api/compare", params={"a": rid, "b": rid}).json()
    assert compared["changed"] == 0 and compared["cells"]
    stats = client.get("/api/stats").json()
    assert stats["reports"] == 1 and stats["applications_by_year"] == {"2021": 36.0}
    assert "balance" in stats["findings_by_rule"]
    xlsx = client.get("/api/export", params={"fmt": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    csv = client.get("/api/export", params={"fmt": "csv", "form": "findings"})
    assert csv.content.startswith("\ufeff".encode())
    for page in ("/dashboard", "/compare", f"/compare?a={rid}&b={rid}", "/export", "/upload", "/login"):
        assert client.get(page).status_code == 200, page


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/reports",
        "/api/reports/{report_id}",
        "/api/uploads",
        "/api/stats",
        "/api/compare",
        "/api/export",
    ):
        assert path in paths, path
    assert not any(p.startswith("/reports") for p in paths)  # pages stay out of the API schema


@pytest.mark.parametrize("host, expected", [("127.0.0.1", False), ("localhost", False), ("0.0.0.0", True)])
def test_login_follows_the_bind_address(host: str, expected: bool) -> None:
    from gongkai.web.settings import WebSettings

    assert WebSettings.for_host(host).login_required is expected
