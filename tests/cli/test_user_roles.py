"""``gongkai user add --role``, ``user list``, ``user role``: roles by code or Chinese label; unknown ones refused."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from gongkai.cli import app
from gongkai.store import open_database
from gongkai.store.accounts import role_of
from gongkai.store.roles import Role


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'u.sqlite'}"


def _add(db: str, name: str, *extra: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["user", "add", name, "--db", db, "--password", "secret-pass", *extra])


def _role(db: str, name: str) -> Role | None:
    database = open_database(db)
    try:
        return role_of(database, name)
    finally:
        database.close()


def test_user_add_takes_a_role_and_defaults_to_overseer(tmp_path: Path) -> None:
    db = _db(tmp_path)
    made = _add(db, "张登记", "--role", "registrar")
    assert made.exit_code == 0, made.output
    assert "账户 张登记 已保存（角色：登记员）" in made.output
    assert _add(db, "李承办", "--role", "承办人").exit_code == 0  # the Chinese label works too
    plain = _add(db, "王监督")
    assert plain.exit_code == 0 and "角色：监督人员" in plain.output
    assert (_role(db, "张登记"), _role(db, "李承办"), _role(db, "王监督")) == (
        Role.REGISTRAR,
        Role.HANDLER,
        Role.OVERSEER,
    )
    reset = _add(db, "张登记")  # a new password without --role keeps the role
    assert reset.exit_code == 0 and "角色：登记员" in reset.output


def test_an_unknown_role_exits_2_and_stores_nothing(tmp_path: Path) -> None:
    db = _db(tmp_path)
    refused = _add(db, "赵某", "--role", "boss")
    assert refused.exit_code == 2
    assert "未知角色 'boss'" in refused.output and "登记员（registrar）" in refused.output
    assert _role(db, "赵某") is None


def test_user_list_shows_roles_and_who_sees_personal_data(tmp_path: Path) -> None:
    db = _db(tmp_path)
    runner = CliRunner()
    empty = runner.invoke(app, ["user", "list", "--db", db])
    assert empty.exit_code == 0 and "还没有账号" in empty.output
    for name, role in (("甲管理", "admin"), ("乙只读", "reader"), ("丙监督", "overseer")):
        assert _add(db, name, "--role", role).exit_code == 0
    shown = runner.invoke(app, ["user", "list", "--db", db])
    assert shown.exit_code == 0, shown.output
    assert "账号（3 个）" in shown.output and "可见申请人个人信息" in shown.output
    lines = {line.split()[1]: line for line in shown.output.splitlines() if line.startswith("│")}
    assert "管理员" in lines["甲管理"] and "是" in lines["甲管理"]
    assert "只读" in lines["乙只读"] and "否" in lines["乙只读"]
    listed = json.loads(runner.invoke(app, ["user", "list", "--db", db, "--json"]).output)
    assert listed == {
        "users": [
            {"name": "丙监督", "role": "overseer", "role_zh": "监督人员"},
            {"name": "乙只读", "role": "reader", "role_zh": "只读"},
            {"name": "甲管理", "role": "admin", "role_zh": "管理员"},
        ]
    }
    assert "secret" not in shown.output and "argon2" not in shown.output


def test_user_role_changes_the_role_only(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert _add(db, "钱某").exit_code == 0
    changed = CliRunner().invoke(app, ["user", "role", "钱某", "handler", "--db", db])
    assert changed.exit_code == 0 and "账户 钱某 的角色已改为承办人" in changed.output
    assert _role(db, "钱某") is Role.HANDLER
    missing = CliRunner().invoke(app, ["user", "role", "无此人", "admin", "--db", db])
    assert missing.exit_code == 2 and "没有名为 无此人 的账户" in missing.output
    bad = CliRunner().invoke(app, ["user", "role", "钱某", "god", "--db", db])
    assert bad.exit_code == 2 and _role(db, "钱某") is Role.HANDLER
