"""Web accounts: argon2 passwords, and the session stamp that ends every session of an account."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import column, insert, select, table, text

from gongkai.store import open_database
from gongkai.store.accounts import (
    AccountError,
    count,
    end_sessions,
    remove,
    session_stamp,
    set_password,
    verify,
)
from gongkai.store.db import Database
from gongkai.store.models import WebUser


def test_a_new_account_has_a_stamp_that_the_login_hands_out(database: Database) -> None:
    made = set_password(database, "审核员", "correct horse")
    assert len(made.session_stamp) >= 32
    assert session_stamp(database, "审核员") == made.session_stamp
    signed_in = verify(database, "审核员", "correct horse")
    assert signed_in is not None and signed_in.session_stamp == made.session_stamp and signed_in.id == made.id
    assert verify(database, "审核员", "wrong horse") is None
    assert verify(database, "nobody", "correct horse") is None
    assert session_stamp(database, "nobody") is None


def test_ending_sessions_and_changing_the_password_replace_the_stamp(database: Database) -> None:
    first = set_password(database, "审核员", "correct horse").session_stamp
    assert end_sessions(database, "审核员")
    second = session_stamp(database, "审核员")
    assert second and second != first
    changed = set_password(database, "审核员", "another horse")
    assert changed.session_stamp not in (first, second) and session_stamp(database, "审核员") == changed.session_stamp
    assert verify(database, "审核员", "correct horse") is None and verify(database, "审核员", "another horse")
    assert not end_sessions(database, "nobody")


def test_remove_deletes_the_account_and_a_new_one_of_the_same_name_has_a_new_stamp(database: Database) -> None:
    old = set_password(database, "审核员", "correct horse")
    set_password(database, "other", "correct horse")
    assert count(database) == 2
    assert remove(database, "审核员")
    assert not remove(database, "审核员")
    assert count(database) == 1 and session_stamp(database, "审核员") is None
    assert verify(database, "审核员", "correct horse") is None
    again = set_password(database, "审核员", "correct horse")
    assert again.session_stamp != old.session_stamp


def test_bad_names_and_short_passwords_are_refused(database: Database) -> None:
    with pytest.raises(AccountError, match="账户名"):
        set_password(database, "no spaces", "correct horse")
    with pytest.raises(AccountError, match="至少8个字符"):
        set_password(database, "审核员", "short")
    assert count(database) == 0


def test_an_account_written_without_a_stamp_gets_one_at_login(database: Database) -> None:
    made = set_password(database, "审核员", "correct horse")
    with database.engine.begin() as conn:
        conn.execute(WebUser.__table__.update().values(session_stamp=""))
    assert session_stamp(database, "审核员") is None  # an empty stamp matches no session
    signed_in = verify(database, "审核员", "correct horse")
    assert signed_in is not None and signed_in.session_stamp and signed_in.session_stamp != made.session_stamp
    assert session_stamp(database, "审核员") == signed_in.session_stamp


def test_migration_0006_gives_existing_accounts_a_stamp(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from alembic import command

    from gongkai.store.db import alembic_config, current_revision, head_revision

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = open_database(url, upgrade=False)
    with old.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0005")
        users = table("web_users", column("name"), column("password_hash"), column("created_at"))  # no stamp yet
        for name in ("甲", "乙"):
            conn.execute(insert(users).values(name=name, password_hash="x", created_at=datetime.now(UTC)))
    old.close()
    database = open_database(url)
    try:
        assert current_revision(database.engine) == head_revision()
        with database.engine.connect() as conn:
            stamps = conn.execute(select(WebUser.name, WebUser.session_stamp)).all()
        assert {name for name, _ in stamps} == {"甲", "乙"}
        assert all(len(stamp) >= 32 for _, stamp in stamps) and len({s for _, s in stamps}) == 2
        with database.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0005")
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info(web_users)"))}
        assert "session_stamp" not in columns and {"name", "password_hash"} <= columns
    finally:
        database.close()
