"""``gongkai user add`` stores an argon2 hash that the login accepts."""

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
