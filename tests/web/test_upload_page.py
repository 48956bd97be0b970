"""The upload page: what a new version does, forcing in a non-report, skipped files, per-file results, history."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from gongkai.batch.work import NOT_A_REPORT

from .conftest import csrf
from .forms import NOTICE, post_upload, rendered_forms, upload_job


def _reports(client: TestClient, **params: str) -> list[dict]:
    return client.get("/api/reports", params=params).json()["reports"]


def test_the_page_offers_the_choices_and_a_history(client: TestClient) -> None:
    page = client.get("/upload").text
    assert 'name="versions" value="supersede" checked' in page
    assert 'name="versions" value="keep-both"' in page
    assert 'name="accept_unrecognised"' in page
    assert "上传历史" in page and "还没有上传记录" in page


def test_a_new_form_of_a_stored_report_supersedes_it_by_default(client: TestClient, seed: Path) -> None:
    first = upload_job(client, (seed.name, seed.read_bytes()))
    [line] = first["results"]
    assert line["status"] == "stored" and line["version"] == 1 and line["current"] is True
    assert line["agency"] == "阳泉市人民政府" and line["year"] == 2021
    assert sum(line["findings"].values()) > 0

    html_name, html = next(iter(rendered_forms(seed).items()))
    second = upload_job(client, (html_name, html))
    [again] = second["results"]
    assert again["status"] == "stored" and again["version"] == 2 and again["current"] is True
    assert [r["id"] for r in _reports(client)] == [again["report_id"]]
    everything = _reports(client, all_versions="1")  # the list ignores unknown params: still the current one
    assert len(everything) == 1
    versions = client.get(f"/api/reports/{again['report_id']}/versions").json()["versions"]
    assert [(v["version"], v["current"]) for v in versions] == [(1, False), (2, True)]

    page = client.get(f"/upload/jobs/{second['id']}").text  # a full page when not asked by htmx
    assert "<!DOCTYPE html>" in page and "第 2 版" in page and html_name in page


def test_keep_both_leaves_two_current_versions(client: TestClient, seed: Path) -> None:
    upload_job(client, (seed.name, seed.read_bytes()))
    docx_name, docx = list(rendered_forms(seed).items())[1]
    job = upload_job(client, (docx_name, docx), versions="keep-both")
    assert job["results"][0]["current"] is True
    assert job["summary"]["options"] == {"versions": "keep-both", "accept_unrecognised": False}
    assert len(_reports(client)) == 2


def test_an_unknown_version_choice_is_refused(client: TestClient, seed: Path) -> None:
    response = post_upload(client, (seed.name, seed.read_bytes()), versions="both")
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "请求参数有误"


def test_an_unsupported_file_is_skipped_with_its_reason_and_the_rest_is_read(client: TestClient, seed: Path) -> None:
    job = upload_job(client, ("会议纪要.exe", b"MZ\x90\x00"), (seed.name, seed.read_bytes()))
    by_name = {r["source"]: r for r in job["results"]}
    assert by_name[seed.name]["status"] == "stored"
    skipped = by_name["会议纪要.exe"]
    assert skipped["status"] == "skipped" and skipped["report_id"] is None
    assert "不支持的文件类型 .exe" in skipped["reason"]
    page = client.get(f"/upload/jobs/{job['id']}", headers={"HX-Request": "true"}).text
    assert "已跳过" in page and "不支持的文件类型 .exe" in page and "<!DOCTYPE" not in page
    assert len(_reports(client)) == 1


def test_only_unsupported_files_are_an_error_shown_as_a_fragment(client: TestClient) -> None:
    response = client.post(
        "/upload",
        files=[("files", ("a.exe", b"MZ", "application/octet-stream"))],
        headers={**csrf(client), "HX-Request": "true"},
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.text and "没有可读取的文件" in response.text and "a.exe" in response.text
    api = post_upload(client, ("a.exe", b"MZ"))
    assert api.status_code == 400 and "不支持的文件类型 .exe" in api.json()["error"]["message"]


def test_a_meeting_notice_is_held_out_with_its_reason_and_stores_no_report(client: TestClient) -> None:
    job = upload_job(client, ("会议通知.txt", NOTICE))
    [line] = job["results"]
    assert line["status"] == "held_out" and line["report_id"] is None
    assert line["reason"].startswith(NOT_A_REPORT.split("（")[0]) and "强制作为报告入库" in line["reason"]
    assert "accept-unrecognised" not in line["reason"]  # the CLI's option is no word for a web user
    assert _reports(client) == []
    assert client.get("/api/stats").json()["reports"] == 0
    page = client.get(f"/upload/jobs/{job['id']}").text
    assert "未作为报告入库" in page and "会议通知.txt" in page


def test_a_held_out_file_can_be_forced_in(client: TestClient) -> None:
    upload_job(client, ("会议通知.txt", NOTICE))
    job = upload_job(client, ("会议通知.txt", NOTICE), accept_unrecognised="true")
    [line] = job["results"]
    assert line["status"] == "stored" and line["report_id"] is not None
    assert [r["id"] for r in _reports(client)] == [line["report_id"]]


def test_the_history_lists_the_uploads_newest_first(client: TestClient, seed: Path) -> None:
    upload_job(client, ("会议通知.txt", NOTICE))
    upload_job(client, (seed.name, seed.read_bytes()))
    jobs = client.get("/api/uploads").json()["jobs"]
    assert [j["files"] for j in jobs] == [[seed.name], ["会议通知.txt"]]
    assert all(j["created_at"] and j["state"] == "done" for j in jobs)
    page = client.get("/upload").text
    history = page[page.index("上传历史") :]
    assert history.index(seed.name) < history.index("会议通知.txt")
    fragment = client.get("/upload/history").text
    assert "<!DOCTYPE" not in fragment and seed.name in fragment
