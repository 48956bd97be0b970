"""Accounts of the people who may write through the web workbench (upload, review, delete).

Passwords are stored as argon2id hashes (argon2-cffi), never in clear. The
``web_users`` table is part of the schema (migration 0002).

Each account has a random *session stamp* (migration 0006) that the web app copies
into a login session and compares on every request. ``end_sessions`` (logout),
``set_password`` on an existing account and ``remove`` replace or delete it, which
ends every session of that account at once, in every server process.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update

from .db import Database
from .models import WebUser
from .roles import DEFAULT_ROLE, Role, role_or_least

_HASHER = PasswordHasher()
_NAME = re.compile(r"^[\w.\-@\u4e00-\u9fff]{1,80}$")


class AccountError(ValueError):
    """A name or password that cannot be used."""


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    name: str
    session_stamp: str = ""  # what a session of this account must carry to be valid
    role: Role = DEFAULT_ROLE  # store/roles.py


def new_stamp() -> str:
    """A fresh session stamp (random, URL-safe)."""
    return secrets.token_urlsafe(24)


def set_password(database: Database, name: str, password: str, role: Role | None = None) -> Account:
    """Create the account ``name``, or change its password when it exists (which ends its sessions).

    A new account gets ``role`` (default: overseer); an existing one keeps its role unless ``role`` is given.
    """
    if not _NAME.match(name):
        raise AccountError("账户名只能包含字母、数字、汉字和 . - _ @，最长80个字符")
    if len(password) < 8:
        raise AccountError("密码至少8个字符")
    hashed = _HASHER.hash(password)
    stamp = new_stamp()
    with database.engine.begin() as conn:
        row = conn.execute(select(WebUser.id, WebUser.role).where(WebUser.name == name)).first()
        if row is None:
            chosen = role or DEFAULT_ROLE
            found = conn.execute(
                insert(WebUser)
                .values(
                    name=name,
                    password_hash=hashed,
                    created_at=datetime.now(UTC),
                    session_stamp=stamp,
                    role=chosen.value,
                )
                .returning(WebUser.id)
            ).scalar_one()
        else:
            found, chosen = row.id, role or role_or_least(row.role)
            conn.execute(
                update(WebUser)
                .where(WebUser.id == found)
                .values(password_hash=hashed, session_stamp=stamp, role=chosen.value)
            )
    return Account(found, name, stamp, chosen)


def verify(database: Database, name: str, password: str) -> Account | None:
    """The account when ``password`` is right for ``name``; ``None`` otherwise."""
    with database.engine.connect() as conn:
        row = conn.execute(
            select(WebUser.id, WebUser.password_hash, WebUser.session_stamp, WebUser.role).where(WebUser.name == name)
        ).first()
    if row is None:
        _HASHER.hash(password)  # spend the same time as a real check, so names cannot be probed by timing
        return None
    try:
        _HASHER.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    stamp = row.session_stamp
    if not stamp:  # never left empty by this module; a row written by hand gets one before it is trusted
        stamp = _replace_stamp(database, name) or ""
    return Account(row.id, name, stamp, role_or_least(row.role))


def session_stamp(database: Database, name: str) -> str | None:
    """The stamp a session of ``name`` must carry; ``None`` when there is no such account."""
    with database.engine.connect() as conn:
        stamp = conn.execute(select(WebUser.session_stamp).where(WebUser.name == name)).scalar()
    return stamp or None


def end_sessions(database: Database, name: str) -> bool:
    """Replace the stamp of ``name``: every session of it ends. False when there is no such account."""
    return _replace_stamp(database, name) is not None


def remove(database: Database, name: str) -> bool:
    """Delete the account ``name`` (its sessions end with it). False when there is no such account."""
    with database.engine.begin() as conn:
        return conn.execute(delete(WebUser).where(WebUser.name == name)).rowcount > 0


def role_of(database: Database, name: str) -> Role | None:
    """The role of the account ``name``; ``None`` when there is no such account."""
    with database.engine.connect() as conn:
        value = conn.execute(select(WebUser.role).where(WebUser.name == name)).scalar()
    return None if value is None else role_or_least(value)


def set_role(database: Database, name: str, role: Role) -> bool:
    """Give the account ``name`` another role (its sessions go on). False when there is no such account."""
    with database.engine.begin() as conn:
        return conn.execute(update(WebUser).where(WebUser.name == name).values(role=role.value)).rowcount > 0


def accounts(database: Database) -> list[Account]:
    """Every account with its role, by name (no password hashes, no stamps)."""
    with database.engine.connect() as conn:
        rows = conn.execute(select(WebUser.id, WebUser.name, WebUser.role).order_by(WebUser.name)).all()
    return [Account(r.id, r.name, "", role_or_least(r.role)) for r in rows]


def count(database: Database) -> int:
    """How many accounts there are."""
    with database.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(WebUser)).scalar_one())


def _replace_stamp(database: Database, name: str) -> str | None:
    stamp = new_stamp()
    with database.engine.begin() as conn:
        changed = conn.execute(update(WebUser).where(WebUser.name == name).values(session_stamp=stamp)).rowcount
    return stamp if changed else None
