"""Two app instances on one database, as two server workers would be: nothing a request needs is per process."""

from __future__ import annotations

import io
import json
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongkai.store import open_database
from gongkai.store.accounts import set_password
from gongkai.store.jobs import ABANDONED, create_job
from gongkai.store.models import StoredJob
from gongkai.web import create_app

from .conftest import TestClient, csrf, settings_for


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[TestClient, TestClient]]:
    """Two apps on the same database file, originals and page cache."""
    with TestClient(create_app(settings_for(tmp_path))) as one, TestClient(create_app(settings_for(tmp_path))) as two:
        yield one, two


def _post(client: TestClient, *files: tuple[str, bytes]) -> str:
    response = client.post(
        "/api/uploads",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        headers=csrf(client),
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def _poll(client: TestClient, job_id: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        response = client.get(f"/api/uploads/{job_id}")
        assert response.status_code == 200, response.text
        job = response.json()
        if job["state"] in ("done", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError("upload job did not finish in 60 s")


def test_an_upload_through_one_is_polled_through_the_other(pair: tuple[TestClient, TestClient], seed: Path) -> None:
    one, two = pair
    job_id = _post(one, ("seed.txt", seed.read_bytes()))
    seen_by_two = _poll(two, job_id)
    assert seen_by_two["state"] == "done" and seen_by_two["summary"]["read"] == 1
    assert one.get(f"/api/uploads/{job_id}").json() == seen_by_two
    (entry,) = seen_by_two["reports"]
    assert entry["source"] == "seed.txt"
    assert two.get(f"/api/reports/{entry['report_id']}").json()["report"]["agency"] == "阳泉市人民政府"
    page = two.get(f"/upload/jobs/{job_id}").text  # the page fragment the upload form polls
    assert "读取完成" in page and f'href="/reports/{entry["report_id"]}"' in page and "hx-get" not in page


def test_a_running_job_shows_progress_to_the_other(pair: tuple[TestClient, TestClient]) -> None:
    one, two = pair
    database = one.app.state.repo.database  # type: ignore[attr-defined]
    job = create_job(database, ["a.txt", "b.txt"])
    from gongkai.store.jobs import mark_reading, update_progress

    mark_reading(database, job.id)
    update_progress(database, job.id, 1, 2)
    shown = two.get(f"/upload/jobs/{job.id}").text
    assert "正在读取" in shown and "1 / 2 个来源" in shown and "width: 50%" in shown and "hx-get" in shown
    assert two.get(f"/api/uploads/{job.id}").json()["percent"] == 50


def test_a_job_left_by_a_gone_process_reads_as_failed(pair: tuple[TestClient, TestClient]) -> None:
    one, two = pair
    database = one.app.state.repo.database  # type: ignore[attr-defined]
    job = create_job(database, ["a.txt"])
    import socket
    import subprocess
    import sys

    from sqlalchemy import update

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    with database.engine.begin() as conn:
        conn.execute(
            update(StoredJob).where(StoredJob.id == job.id).values(owner=f"{socket.gethostname()}:{child.pid}")
        )
    shown = two.get(f"/api/uploads/{job.id}").json()
    assert (shown["state"], shown["error"]) == ("failed", ABANDONED)
    assert two.get("/api/uploads/" + "f" * 32).status_code == 404


def test_a_write_through_one_refreshes_the_others_dashboard(pair: tuple[TestClient, TestClient], seed: Path) -> None:
    one, two = pair
    assert two.get("/api/stats").json()["reports"] == 0  # cached by two (for 120 s)
    assert "0" in two.get("/dashboard").text
    assert two.get("/api/reports").json()["reports"] == []  # the pinyin-ordered list, cached by two
    rid = _poll(two, _post(one, ("seed.txt", seed.read_bytes())))["reports"][0]["report_id"]
    assert [r["id"] for r in two.get("/api/reports").json()["reports"]] == [rid]
    stats = two.get("/api/stats").json()
    assert stats["reports"] == 1 and stats["applications_by_year"] == {"2021": 36.0}
    assert "阳泉市人民政府" in two.get("/dashboard").text  # the ranking of agencies with errors

    # a review decision made through one shows in two's figures at once
    finding = next(f for f in one.get(f"/api/reports/{rid}/findings").json()["findings"] if f["rule"] == "balance")
    before = two.get("/api/stats").json()["findings_by_rule"]["balance"]
    decided = one.post(
        f"/api/reports/{rid}/findings/{finding['fingerprint']}", json={"status": "dismissed"}, headers=csrf(one)
    )
    assert decided.status_code == 200, decided.text
    after = two.get("/api/stats").json()["findings_by_rule"]["balance"]
    assert after != before and after.get("dismissed", 0) == before.get("dismissed", 0) + 1

    assert one.delete(f"/api/reports/{rid}", headers=csrf(one)).status_code == 200
    assert two.get("/api/stats").json()["reports"] == 0


def test_the_cache_reads_the_generation_once_per_request(pair: tuple[TestClient, TestClient]) -> None:
    _, two = pair
    cache = two.app.state.cache  # type: ignore[attr-defined]
    reads = []
    real = cache.source_generation

    def counting() -> int:
        reads.append(1)
        return int(real())

    cache.source_generation = counting
    two.get("/dashboard")  # three cached figures: the page body, the statistics, the ranking
    assert len(reads) == 1
    two.get("/api/stats")
    assert len(reads) == 2
    two.get("/reports")  # the pinyin-ordered list is cached too: one more read
    assert len(reads) == 3
    two.get("/reports", params={"sort": "year"})  # its facets are cached: one read, however many figures
    assert len(reads) == 4
    two.get("/api/csrf")  # a request that caches nothing reads nothing
    assert len(reads) == 4


def test_job_summaries_show_no_server_paths(pair: tuple[TestClient, TestClient], seed: Path) -> None:
    one, two = pair
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/seed.txt", seed.read_bytes())
        zf.writestr("a/broken.pdf", b"%PDF-1.4 not really a pdf")
        zf.writestr("a/notes.xyz", b"not a report")
    job = _poll(two, _post(one, ("two.zip", archive.getvalue()), ("bad.docx", b"PK\x03\x04 not a docx")))
    assert job["state"] == "done", job
    text = json.dumps(job, ensure_ascii=False)
    assert "gongkai-upload-" not in text and tempfile.gettempdir() not in text, text
    failures = {f["source"] for f in job["summary"]["failures"]}
    assert failures == {"two.zip!a/broken.pdf", "bad.docx"}
    assert {s["source"] for s in job["summary"]["skips"]} == {"two.zip!a/notes.xyz"}
    page = two.get(f"/upload/jobs/{job['id']}").text
    assert "无法读取" in page and "broken.pdf" in page and "已跳过" in page and "notes.xyz" in page
    assert "gongkai-upload-" not in page
    listed = {r["source"] for r in two.get("/api/reports").json()["reports"]}
    assert listed == {"two.zip!a/seed.txt"}


def _env_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, secret: str | None) -> TestClient:
    """An app made the way ``uvicorn gongkai.web.app:create_app --factory`` makes it: settings from GONGKAI_*."""
    monkeypatch.setenv("GONGKAI_DB", f"sqlite:///{tmp_path / 'web.sqlite'}")
    monkeypatch.setenv("GONGKAI_SOURCES", str(tmp_path / "originals"))
    monkeypatch.setenv("GONGKAI_READ_WORKERS", "0")
    monkeypatch.setenv("GONGKAI_LOGIN", "1")
    monkeypatch.setenv("GONGKAI_ALLOWED_HOSTS", "testserver")  # the TestClient's Host
    if secret is None:
        monkeypatch.delenv("GONGKAI_SECRET", raising=False)
    else:
        monkeypatch.setenv("GONGKAI_SECRET", secret)
    return TestClient(create_app())


def _login(client: TestClient) -> str:
    answer = client.post("/api/login", json={"name": "审核员", "password": "correct horse"}, headers=csrf(client))
    assert answer.status_code == 200, answer.text
    return str(client.cookies["gongkai_session"])


def test_a_session_made_by_one_is_accepted_by_the_other(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed: Path
) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")
    set_password(database, "审核员", "correct horse")
    database.close()
    one = _env_app(monkeypatch, tmp_path, "the-same-secret-for-every-worker")
    two = _env_app(monkeypatch, tmp_path, "the-same-secret-for-every-worker")
    with one, two:
        assert two.app.state.settings.login_required  # type: ignore[attr-defined]
        assert two.get("/api/me").json()["user"] is None
        two.cookies.set("gongkai_session", _login(one))
        assert two.get("/api/me").json()["user"] == "审核员"
        job = _poll(one, _post(two, ("seed.txt", seed.read_bytes())))  # a write needs the login: two accepts it
        assert job["state"] == "done"
        assert (tmp_path / "originals").is_dir() and (tmp_path / "originals.pages").parent == tmp_path


def test_without_a_shared_secret_each_process_refuses_the_others_session(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")
    set_password(database, "审核员", "correct horse")
    database.close()
    one = _env_app(monkeypatch, tmp_path, None)
    two = _env_app(monkeypatch, tmp_path, None)
    with one, two:
        two.cookies.set("gongkai_session", _login(one))
        assert two.get("/api/me").json()["user"] is None
        refused = two.post("/api/uploads", files=[("files", ("a.txt", b"x", "text/plain"))], headers=csrf(two))
        assert refused.status_code == 401


def test_the_page_cache_sits_beside_the_originals(tmp_path: Path) -> None:
    from gongkai.web.app import page_cache_beside

    settings = settings_for(tmp_path, page_cache_dir=None)
    with TestClient(create_app(settings)) as client:
        pages = client.app.state.pages.cache_dir  # type: ignore[attr-defined]
    assert pages == (tmp_path / "originals.pages").absolute() == page_cache_beside(tmp_path / "originals")


def test_two_server_processes_share_jobs_sessions_and_figures(tmp_path: Path, seed: Path) -> None:
    """The real thing: two uvicorn processes from the documented factory entry, one database."""
    import os
    import subprocess
    import sys

    import httpx

    from .conftest import free_port

    database = open_database(f"sqlite:///{tmp_path / 'web.sqlite'}")
    set_password(database, "审核员", "correct horse")
    database.close()
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        "GONGKAI_DB": f"sqlite:///{tmp_path / 'web.sqlite'}",
        "GONGKAI_SOURCES": str(tmp_path / "originals"),
        "GONGKAI_SECRET": "one-secret-for-both-processes",
        "GONGKAI_WORKERS": "2",
        "GONGKAI_READ_WORKERS": "0",
        "GONGKAI_LOGIN": "1",
    }
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "gongkai.web.app:create_app", "--factory", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        one, two = (httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) for port in ports)
        deadline = time.monotonic() + 30
        for client in (one, two):
            while True:
                try:
                    if client.get("/api/me").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the servers did not start"
                time.sleep(0.1)
        assert two.get("/api/stats").json()["reports"] == 0  # two caches its figures

        token = one.get("/api/csrf").json()["csrf_token"]
        login = one.post(
            "/api/login", json={"name": "审核员", "password": "correct horse"}, headers={"X-CSRF-Token": token}
        )
        assert login.status_code == 200, login.text
        two.cookies.set("gongkai_session", one.cookies["gongkai_session"])
        token = two.get("/api/csrf").json()["csrf_token"]
        posted = two.post(
            "/api/uploads",
            files=[("files", ("seed.txt", seed.read_bytes(), "text/plain"))],
            headers={"X-CSRF-Token": token},
        )
        assert posted.status_code == 202, posted.text  # one's login is good in two
        job_id = posted.json()["id"]
        deadline = time.monotonic() + 60
        while (job := one.get(f"/api/uploads/{job_id}").json())["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert job["state"] == "done" and job["summary"]["read"] == 1
        assert two.get("/api/stats").json()["reports"] == 1
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
