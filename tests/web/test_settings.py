"""WebSettings from the environment: the secret several workers must share, and what ``gongkai serve`` passes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongkai.cli import app as cli
from gongkai.errors import GongkaiError
from gongkai.web.settings import SettingsError, WebSettings
from gongkai.web.workers import APP_FACTORY, MAX_DEFAULT_WORKERS, default_workers, environment_for


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


def _serve(
    monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict[str, str]
) -> tuple[object, list[tuple[object, dict[str, object]]]]:
    import uvicorn

    started: list[tuple[object, dict[str, object]]] = []
    # kwargs and, under "environ", the environment the server processes would start with
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **kwargs: started.append((app, {**kwargs, "environ": dict(os.environ)}))
    )
    monkeypatch.setattr(os, "environ", os.environ.copy())  # serve hands its settings to workers through it
    for name in ("GONGKAI_SECRET", "GONGKAI_WORKERS", "GONGKAI_LOGIN", "GONGKAI_READ_WORKERS", "GONGKAI_HOST"):
        os.environ.pop(name, None)
    result = CliRunner().invoke(cli, ["serve", *args], env=env)
    return result, started


def test_serve_reads_the_secret_through_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    result, started = _serve(
        monkeypatch,
        ["--db", db, "--read-workers", "0", "--workers", "1"],
        {"GONGKAI_SECRET": "from-the-env", "GONGKAI_MAX_UPLOAD_MB": "7"},
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    ((served, _),) = started
    settings = served.state.settings  # type: ignore[attr-defined]
    assert settings.secret_key == "from-the-env" and settings.database_url == db
    assert settings.ingest_processes == 0 and settings.max_upload_bytes == 7 * 1024 * 1024
    assert not settings.login_required


@pytest.mark.parametrize("args, env", [(["--workers", "3"], {}), ([], {"GONGKAI_WORKERS": "3"})])
def test_several_workers_get_one_secret_and_the_same_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], env: dict[str, str]
) -> None:
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    result, started = _serve(monkeypatch, ["--db", db, "--max-upload-mb", "9", "--login", *args], env)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    ((app, kwargs),) = started
    assert app == APP_FACTORY and kwargs["factory"] is True and kwargs["workers"] == 3
    assert "随机生成的会话密钥" in result.output  # type: ignore[attr-defined]
    rebuilt = WebSettings.from_env(kwargs["environ"])  # type: ignore[arg-type]  # what each worker process reads
    assert rebuilt.workers == 3 and len(rebuilt.secret_key) >= 32
    assert (rebuilt.database_url, rebuilt.max_upload_bytes, rebuilt.login_required) == (db, 9 * 2**20, True)


def test_a_secret_set_is_kept_for_every_worker(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, started = _serve(
        monkeypatch, ["--db", str(tmp_path / "s.sqlite"), "--workers", "2"], {"GONGKAI_SECRET": "kept-secret"}
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    ((_, kwargs),) = started
    assert WebSettings.from_env(kwargs["environ"]).secret_key == "kept-secret"  # type: ignore[arg-type]
    assert "随机生成" not in result.output  # type: ignore[attr-defined]


def test_serve_defaults_to_one_process_per_core(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    result, started = _serve(monkeypatch, ["--db", str(tmp_path / "s.sqlite")], {})
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    ((app, kwargs),) = started
    if default_workers() == 1:
        assert not isinstance(app, str)
    else:
        assert kwargs["workers"] == default_workers() == min(len(os.sched_getaffinity(0)), MAX_DEFAULT_WORKERS)


def test_the_environment_rebuilds_the_settings() -> None:
    settings = WebSettings.for_host(
        "0.0.0.0",
        database_url="sqlite:///x.sqlite",
        secret_key="k" * 40,
        workers=4,
        originals_root=Path("/srv/originals"),
        page_cache_dir=Path("/srv/pages"),
        max_upload_bytes=50 * 2**20,
        ingest_processes=0,
        secure_cookies=True,
        allowed_hosts=("gongkai.example.org", ".example.net"),
    )
    assert WebSettings.from_env(environment_for(settings)) == settings
    assert WebSettings.from_env(environment_for(WebSettings(secret_key="s"))) == WebSettings(secret_key="s")
