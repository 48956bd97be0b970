"""Accounts of the people who may write through the web workbench (upload, review, delete).

Passwords are stored as argon2id hashes (argon2-cffi), never in clear. The
``web_users`` table is part of the schema (migration 0002).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import insert, select, update

from .db import Database
from .models import WebUser

_HASHER = PasswordHasher()
_NAME = re.compile(r"^[\w.\-@\u4e00-\u9fff]{1,80}$")


class AccountError(ValueError):
    """A name or password that cannot be used."""


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    name: str


def set_password(database: Database, name: str, password: str) -> Account:
    """Create the account ``name``, or change its password when it exists."""
    if not _NAME.match(name):
        raise AccountError("账户名只能包含字母、数字、汉字和 . - _ @，最长80个字符")
    if len(password) < 8:
        raise AccountError("密码至少8个字符")
    hashed = _HASHER.hash(password)
    with database.engine.begin() as conn:
        found = conn.execute(select(WebUser.id).where(WebUser.name == name)).scalar()
        if found is None:
            found = conn.execute(
                insert(WebUser)
                .values(name=name, password_hash=hashed, created_at=datetime.now(UTC))
                .returning(WebUser.id)
            ).scalar_one()
        else:
            conn.execute(update(WebUser).where(WebUser.id == found).values(password_hash=hashed))
    return Account(found, name)


def verify(database: Database, name: str, password: str) -> Account | None:
    """The account when ``password`` is right for ``name``; ``None`` otherwise."""
    with database.engine.connect() as conn:
        row = conn.execute(select(WebUser.id, WebUser.password_hash).where(WebUser.name == name)).first()
    if row is None:
        _HASHER.hash(password)  # spend the same time as a real check, so names cannot be probed by timing
        return None
    try:
        _HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return Account(row.id, name)


def count(database: Database) -> int:
    with database.engine.connect() as conn:
        return len(conn.execute(select(WebUser.id)).all())
