"""A database that refuses (read-only, disk full, locked) is a Chinese sentence in the web: a 503 page and JSON."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from gongkai.store import problems
from gongkai.web import create_app

from ..cli.test_exits import ENV
from .conftest import TestClient, csrf, settings_for


@pytest.fixture
def read_only(tmp_path: Path, seed: Path) -> TestClient:
    """An app over a corpus (one seed stored) that SQLite opens read-only (``mode=ro``)."""
    stored = tmp_path / "web.sqlite"
    ingest = [sys.executable, "-m", "gongkai.cli", "ingest", str(seed), "--db", str(stored), "--workers", "0"]
    subprocess.run(ingest, check=True, capture_output=True, env=ENV)
    url = f"sqlite:///file:{stored}?mode=ro&uri=true"
    return TestClient(create_app(settings_for(tmp_path, database_url=url)))


def test_a_read_only_database_is_still_read_and_a_write_is_a_503_sentence(read_only: TestClient) -> None:
    with read_only as client:
        assert client.get("/reports").status_code == 200  # reading a read-only corpus works
        assert client.get("/api/reports").json()["reports"]
        files = [("files", ("seed.txt", "一、总体情况".encode(), "text/plain"))]
        answer = client.post("/api/uploads", files=files, headers=csrf(client))
        assert answer.status_code == 503
        assert answer.json() == {
            "error": {"status": 503, "code": "database_unavailable", "message": problems.READ_ONLY}
        }
        page = client.post("/upload", files=files, headers=csrf(client))
        assert page.status_code == 503 and "数据库是只读的" in page.text
        assert "readonly" not in page.text and "INSERT" not in page.text and "Traceback" not in page.text


@pytest.mark.parametrize(
    ("library_words", "sentence"),
    [
        ("attempt to write a readonly database", problems.READ_ONLY),
        ("database or disk is full", problems.DISK_FULL),
        ("database is locked", problems.LOCKED),
        ("could not connect to server", problems.OTHER),
    ],
)
def test_every_refusal_has_the_clis_sentence_on_a_page_and_in_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library_words: str, sentence: str
) -> None:
    from gongkai.store.queries import Queries

    def refuse(*args: object, **kwargs: object) -> object:
        raise OperationalError("SELECT reports.id …", {}, Exception(library_words))

    with TestClient(create_app(settings_for(tmp_path))) as client:
        for name in ("list_reports", "page_reports", "facets"):
            monkeypatch.setattr(Queries, name, refuse)
        answer = client.get("/api/reports")
        assert answer.status_code == 503 and answer.json()["error"]["message"] == sentence
        page = client.get("/reports")
        assert page.status_code == 503 and sentence in page.text and "SELECT" not in page.text
        fragment = client.get("/reports", headers={"HX-Request": "true"})
        assert fragment.status_code == 503 and sentence in fragment.text and "<html" not in fragment.text
