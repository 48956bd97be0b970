"""Every kind of upload leaves the temp folder empty, and no server temp path shows in a job, a page or JSON.

The uploads' temp folder is ``tempfile.gettempdir()``; each test points it at a folder of its own.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongkai.web import create_app

from ..batch.test_hostile import span_bomb
from ..conftest import CORPUS, shared_or_skip
from .conftest import TestClient, csrf, settings_for


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def app_client(tmp_path: Path, temp: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(tmp_path, max_upload_bytes=2 * 1024 * 1024, max_upload_files=3))) as c:
        yield c


def _post(client: TestClient, *files: tuple[str, bytes], page: bool = False) -> object:
    return client.post(
        "/upload" if page else "/api/uploads",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        headers=csrf(client),
    )


def _finished(client: TestClient, job_id: str) -> dict:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = client.get(f"/api/uploads/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job  # type: ignore[no-any-return]
        time.sleep(0.05)
    raise AssertionError("the upload job did not finish in 120 s")


def _no_server_paths(client: TestClient, temp: Path, *texts: str) -> None:
    """Nothing under the temp folder, and neither it nor any /tmp path in the texts or the upload pages."""
    assert list(temp.iterdir()) == []
    shown = [*texts, client.get("/upload").text, json.dumps(client.get("/api/uploads").json(), ensure_ascii=False)]
    for text in shown:
        assert str(temp) not in text and "/tmp" not in text and "gongkai-upload-" not in text, text[:2000]


def test_a_read_upload_leaves_nothing_behind(app_client: TestClient, temp: Path, seed: Path) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/seed.txt", seed.read_bytes())
        zf.writestr("a/broken.pdf", b"%PDF-1.4 not really a pdf")
    answer = _post(app_client, ("two.zip", archive.getvalue()), ("seed.txt", seed.read_bytes()))
    assert answer.status_code == 202  # type: ignore[attr-defined]
    job = _finished(app_client, answer.json()["id"])  # type: ignore[attr-defined]
    assert job["state"] == "done"
    page = app_client.get(f"/upload/jobs/{job['id']}").text
    _no_server_paths(app_client, temp, json.dumps(job, ensure_ascii=False), page)


def test_a_file_over_a_reading_budget_fails_with_a_chinese_reason_and_leaves_nothing(
    app_client: TestClient, temp: Path
) -> None:
    answer = _post(app_client, ("bomb.html", span_bomb()))
    job = _finished(app_client, answer.json()["id"])  # type: ignore[attr-defined]
    assert job["state"] == "done" and job["summary"]["failed"] == 1, job
    (failure,) = job["summary"]["failures"]
    assert failure["source"] == "bomb.html" and "上限" in failure["error"], failure
    page = app_client.get(f"/upload/jobs/{job['id']}").text
    assert "bomb.html" in page and "上限" in page
    _no_server_paths(app_client, temp, json.dumps(job, ensure_ascii=False), page)


def test_a_body_over_the_size_limit_is_refused_in_chinese_and_leaves_nothing(
    app_client: TestClient, temp: Path
) -> None:
    big = b"x" * (3 * 1024 * 1024)
    answer = _post(app_client, ("big.txt", big))
    assert answer.status_code == 413  # type: ignore[attr-defined]
    assert answer.json()["error"]["message"] == "上传内容超过2 MB的限制"  # type: ignore[attr-defined]
    page = _post(app_client, ("big.txt", big), page=True)
    assert page.status_code == 413 and "上传内容超过2 MB的限制" in page.text  # type: ignore[attr-defined]
    _no_server_paths(app_client, temp, answer.text, page.text)  # type: ignore[attr-defined]


def test_a_body_that_lies_about_its_length_is_cut_off_and_leaves_nothing(app_client: TestClient, temp: Path) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n'
        for _ in range(40):
            yield b"x" * (128 * 1024)
        yield b"\r\n--b--\r\n"

    headers = {**csrf(app_client), "content-type": "multipart/form-data; boundary=b"}
    answer = app_client.post("/api/uploads", content=chunks(), headers=headers)
    assert answer.status_code == 413 and "上传内容超过" in answer.json()["error"]["message"]
    _no_server_paths(app_client, temp, answer.text)


def test_unsupported_files_and_too_many_files_are_refused_in_chinese_and_leave_nothing(
    app_client: TestClient, temp: Path
) -> None:
    unsupported = _post(app_client, ("a.exe", b"MZ"), ("b.xyz", b"?"))
    assert unsupported.status_code == 400  # type: ignore[attr-defined]
    message = unsupported.json()["error"]["message"]  # type: ignore[attr-defined]
    assert message.startswith("没有可读取的文件") and "不支持的文件类型 .exe" in message
    many = _post(app_client, *[(f"{n}.txt", b"x") for n in range(4)])
    assert many.status_code == 413  # type: ignore[attr-defined]
    assert many.json()["error"]["message"] == "一次最多上传3个文件"  # type: ignore[attr-defined]
    fragment = _post(app_client, *[(f"{n}.txt", b"x") for n in range(4)], page=True)
    assert "一次最多上传3个文件" in fragment.text  # type: ignore[attr-defined]
    _no_server_paths(app_client, temp, unsupported.text, many.text)  # type: ignore[attr-defined]


def test_a_job_whose_workers_are_killed_leaves_nothing(tmp_path: Path, temp: Path) -> None:
    pdf = shared_or_skip(CORPUS / "dev" / "001_huaian-hongze-qu-2023.pdf").read_bytes()
    with TestClient(create_app(settings_for(tmp_path, ingest_processes=1))) as client:
        answer = _post(client, ("report.pdf", pdf))
        job_id = answer.json()["id"]  # type: ignore[attr-defined]
        stop = threading.Event()

        def killer() -> None:  # what the OOM killer does, again and again, while the job runs
            while not stop.is_set():
                pool = client.app.state.jobs._executor  # type: ignore[attr-defined]
                inner = getattr(pool, "_pool", None)
                for process in list(getattr(inner, "_processes", {}).values()):
                    if process.pid:
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(process.pid, signal.SIGKILL)
                time.sleep(0.05)

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        try:
            job = _finished(client, job_id)
        finally:
            stop.set()
            thread.join()
        assert job["state"] == "done" and job["summary"]["failed"] == 1, job
        assert "读取进程意外终止" in job["summary"]["failures"][0]["error"]
        page = client.get(f"/upload/jobs/{job_id}").text
        _no_server_paths(client, temp, json.dumps(job, ensure_ascii=False), page)
