"""``gongkai user add`` stores an argon2 hash that the login accepts; ``user remove``; ``serve`` options."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.store import open_database
from gongkai.store.accounts import verify
from gongkai.store.models import WebUser


def test_user_add_hashes_the_password(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'u.sqlite'}"
    result = CliRunner().invoke(app, ["user", "add", "审核员", "--db", db], input="secret-pass\nsecret-pass\n")
    assert result.exit_code == 0, result.output
    database = open_database(db)
    try:
        with database.engine.connect() as conn:
            stored = conn.execute(WebUser.__table__.select()).one()
        assert stored.password_hash.startswith("$argon2id$") and "secret-pass" not in stored.password_hash
        assert verify(database, "审核员", "secret-pass") is not None
        assert verify(database, "审核员", "wrong-pass") is None
    finally:
        database.close()


def test_user_add_refuses_a_short_password(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'u.sqlite'}"
    result = CliRunner().invoke(app, ["user", "add", "x", "--db", db, "--password", "short"])
    assert result.exit_code == 2


def test_serve_is_registered() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0 and "--host" in result.output


def test_user_remove_deletes_the_account(tmp_path: Path) -> None:
    from gongkai.store.accounts import session_stamp

    db = f"sqlite:///{tmp_path / 'u.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(app, ["user", "add", "审核员", "--db", db, "--password", "secret-pass"]).exit_code == 0
    removed = runner.invoke(app, ["user", "remove", "审核员", "--db", db])
    assert removed.exit_code == 0, removed.output
    assert "账户 审核员 已删除，其所有登录会话已失效" in removed.output
    database = open_database(db)
    try:
        assert verify(database, "审核员", "secret-pass") is None and session_stamp(database, "审核员") is None
    finally:
        database.close()
    again = runner.invoke(app, ["user", "remove", "审核员", "--db", db])
    assert again.exit_code == 2 and "没有名为 审核员 的账户" in again.output


def test_serve_passes_allowed_hosts_and_secure_cookies(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    served: dict[str, object] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app_, **kwargs: served.update(app=app_, **kwargs))
    monkeypatch.delenv("GONGKAI_ALLOWED_HOSTS", raising=False)
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    args = ["serve", "--db", db, "--allowed-host", "gongkai.example.org", "--allowed-host", ".lan", "--secure-cookies"]
    args += ["--workers", "1"]  # one process: the app object itself reaches uvicorn
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    settings = served["app"].state.settings  # type: ignore[attr-defined]
    assert settings.allowed_hosts == ("gongkai.example.org", ".lan") and settings.secure_cookies
    assert settings.bind_host == "127.0.0.1" and served["host"] == "127.0.0.1"
    assert "gongkai.example.org" in result.output

    monkeypatch.setenv("GONGKAI_ALLOWED_HOSTS", "from-env.example")
    assert CliRunner().invoke(app, ["serve", "--db", db, "--workers", "1"]).exit_code == 0
    settings = served["app"].state.settings  # type: ignore[attr-defined]
    assert settings.allowed_hosts == ("from-env.example",) and not settings.secure_cookies


def test_serve_help_names_the_new_options() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"], terminal_width=200)
    assert "--allowed-host" in result.output and "--secure-cookies" in result.output
