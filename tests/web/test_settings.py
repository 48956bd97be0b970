"""WebSettings from the environment: the secret several workers must share, and what ``gongkai serve`` passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import app as cli
from gongkai.errors import GongkaiError
from gongkai.web.settings import SettingsError, WebSettings


def test_more_than_one_worker_needs_a_secret() -> None:
    with pytest.raises(SettingsError, match="GONGKAI_SECRET") as refused:
        WebSettings(workers=2)
    assert "2个工作进程必须使用同一个会话密钥" in str(refused.value)
    assert isinstance(refused.value, GongkaiError) and isinstance(refused.value, ValueError)
    with pytest.raises(SettingsError, match="GONGKAI_SECRET"):
        WebSettings.from_env({"GONGKAI_WORKERS": "4"})
    shared = WebSettings.from_env({"GONGKAI_WORKERS": "4", "GONGKAI_SECRET": "s3cret-shared-by-all"})
    assert (shared.workers, shared.secret_key) == (4, "s3cret-shared-by-all")
    with pytest.raises(SettingsError, match="至少为1"):
        WebSettings(workers=0)


def test_one_worker_may_make_up_its_secret() -> None:
    a, b = WebSettings(), WebSettings.from_env({})
    assert a.workers == b.workers == 1
    assert len(a.secret_key) >= 32 and a.secret_key != b.secret_key
    assert WebSettings(secret_key="given").secret_key == "given"


def test_from_env_reads_the_gongkai_variables(tmp_path: Path) -> None:
    env = {
        "GONGKAI_DB": "sqlite:///corpus.sqlite",
        "GONGKAI_SOURCES": str(tmp_path / "originals"),
        "GONGKAI_PAGE_CACHE": str(tmp_path / "pages"),
        "GONGKAI_MAX_UPLOAD_MB": "5",
        "GONGKAI_READ_WORKERS": "0",
        "GONGKAI_SECURE_COOKIES": "true",
        "GONGKAI_LOGIN": "1",
        "UNRELATED": "x",
    }
    settings = WebSettings.from_env(env)
    assert settings.database_url == "sqlite:///corpus.sqlite"
    assert settings.originals_root == tmp_path / "originals" and settings.page_cache_dir == tmp_path / "pages"
    assert settings.max_upload_bytes == 5 * 1024 * 1024 and settings.ingest_processes == 0
    assert settings.secure_cookies and settings.login_required
    # a command line's options win; None means "not given"
    given = WebSettings.from_env(env, database_url="other.sqlite", ingest_processes=None)
    assert given.database_url == "other.sqlite" and given.ingest_processes == 0
    # nothing set: the defaults
    assert WebSettings.from_env({}).database_url is None and not WebSettings.from_env({}).login_required


@pytest.mark.parametrize("host, login", [("0.0.0.0", True), ("127.0.0.1", False), ("::1", False)])
def test_the_served_host_decides_the_login(host: str, login: bool) -> None:
    assert WebSettings.from_env({"GONGKAI_HOST": host}).login_required is login
    assert WebSettings.from_env({"GONGKAI_HOST": "127.0.0.1"}, host=host).login_required is login


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("GONGKAI_WORKERS", "two", "应为整数"),
        ("GONGKAI_LOGIN", "perhaps", "应为 1 或 0"),
        ("GONGKAI_MAX_UPLOAD_MB", "1.5", "应为整数"),
    ],
)
def test_bad_values_are_refused_in_chinese(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message) as refused:
        WebSettings.from_env({name: value})
    assert name in str(refused.value)


def _serve(monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str]) -> tuple[object, list[object]]:
    import uvicorn

    started: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.append(app))
    for name in ("GONGKAI_SECRET", "GONGKAI_WORKERS", "GONGKAI_LOGIN", "GONGKAI_READ_WORKERS", "GONGKAI_HOST"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["serve", *args], env=env)
    return result, started


def test_serve_reads_the_secret_through_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    result, started = _serve(
        monkeypatch,
        ["--db", db, "--read-workers", "0"],
        {"GONGKAI_SECRET": "from-the-env", "GONGKAI_MAX_UPLOAD_MB": "7"},
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    (served,) = started
    settings = served.state.settings  # type: ignore[attr-defined]
    assert settings.secret_key == "from-the-env" and settings.database_url == db
    assert settings.ingest_processes == 0 and settings.max_upload_bytes == 7 * 1024 * 1024
    assert not settings.login_required


def test_serve_refuses_several_workers_without_a_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, started = _serve(monkeypatch, ["--db", str(tmp_path / "s.sqlite")], {"GONGKAI_WORKERS": "2"})
    assert result.exit_code == 2 and not started  # type: ignore[attr-defined]
    assert "GONGKAI_SECRET" in result.output  # type: ignore[attr-defined]
