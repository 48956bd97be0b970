"""Account roles: declared once with Chinese labels, stored by migration 0008, old accounts become overseers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import column, insert, select, table, text

from gongkai.store import open_database
from gongkai.store.accounts import accounts, role_of, set_password, set_role, verify
from gongkai.store.db import alembic_config, current_revision, head_revision
from gongkai.store.models import WebUser
from gongkai.store.roles import (
    APPENDS_EVENTS,
    DEFAULT_ROLE,
    REGISTERS,
    SEES_PERSONAL,
    WRITES_CORPUS,
    Role,
    parse_role,
    role_or_least,
    roles_help,
)


def test_roles_have_chinese_labels_and_the_personal_data_go_to_handlers_only() -> None:
    assert [(r.value, r.zh) for r in Role] == [
        ("admin", "管理员"),
        ("registrar", "登记员"),
        ("handler", "承办人"),
        ("overseer", "监督人员"),
        ("reader", "只读"),
    ]
    assert {Role.ADMIN, Role.REGISTRAR, Role.HANDLER} == SEES_PERSONAL
    assert {Role.ADMIN, Role.REGISTRAR} == REGISTERS and APPENDS_EVENTS == SEES_PERSONAL
    assert Role.READER not in WRITES_CORPUS and Role.OVERSEER in WRITES_CORPUS
    assert DEFAULT_ROLE is Role.OVERSEER


def test_a_role_is_named_by_code_or_chinese_label() -> None:
    assert parse_role("registrar") is Role.REGISTRAR and parse_role(" 登记员 ") is Role.REGISTRAR
    assert parse_role("承办人") is Role.HANDLER and parse_role("boss") is None and parse_role("") is None
    assert role_or_least("admin") is Role.ADMIN
    assert role_or_least("superuser") is Role.READER and role_or_least(None) is Role.READER  # least privilege
    assert roles_help().startswith("管理员（admin）、登记员（registrar）")


def test_accounts_keep_their_role(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'r.sqlite'}")
    try:
        made = set_password(database, "登记员甲", "secret-pass", Role.REGISTRAR)
        assert made.role is Role.REGISTRAR
        assert set_password(database, "监督乙", "secret-pass").role is Role.OVERSEER  # the default
        again = set_password(database, "登记员甲", "other-pass")  # a new password keeps the role
        assert again.role is Role.REGISTRAR and role_of(database, "登记员甲") is Role.REGISTRAR
        signed_in = verify(database, "登记员甲", "other-pass")
        assert signed_in is not None and signed_in.role is Role.REGISTRAR
        assert set_role(database, "监督乙", Role.READER) and role_of(database, "监督乙") is Role.READER
        assert not set_role(database, "无此人", Role.ADMIN) and role_of(database, "无此人") is None
        listed = [(a.name, a.role) for a in accounts(database)]  # by name (code point order)
        assert listed == [("登记员甲", Role.REGISTRAR), ("监督乙", Role.READER)]
        assert all(a.session_stamp == "" for a in accounts(database))  # the list hands out no stamps
    finally:
        database.close()


def test_migration_0008_makes_existing_accounts_overseers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = open_database(url, upgrade=False)
    with old.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0007")
        users = table(
            "web_users", column("name"), column("password_hash"), column("created_at"), column("session_stamp")
        )
        conn.execute(
            insert(users).values(name="老账号", password_hash="x", created_at=datetime.now(UTC), session_stamp="s")
        )
    old.close()
    database = open_database(url)
    try:
        assert current_revision(database.engine) == head_revision()
        with database.engine.connect() as conn:
            assert conn.execute(select(WebUser.name, WebUser.role)).all() == [("老账号", "overseer")]
        assert role_of(database, "老账号") is Role.OVERSEER
        with database.engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0007")
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info(web_users)"))}
        assert "role" not in columns and "session_stamp" in columns
    finally:
        database.close()
