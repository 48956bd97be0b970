"""The roles of workbench accounts, declared once: who may register, who sees applicants' personal data.

条例 and the personal-information law ask that an applicant's name, ID number and contact be seen
only by those who handle the application. ``admin``, ``registrar`` and ``handler`` handle
applications and see them; ``overseer`` and ``reader`` read the register without them. Accounts
made before roles existed are overseers (they keep the corpus review work they did before).
"""

from __future__ import annotations

from enum import Enum


class Role(Enum):
    ADMIN = "admin"  # everything, personal data included
    REGISTRAR = "registrar"  # registers applications and events, sees personal data
    HANDLER = "handler"  # appends events to applications, sees personal data
    OVERSEER = "overseer"  # reads the register without personal data; corpus review work
    READER = "reader"  # reads only

    @property
    def zh(self) -> str:
        return _ZH[self]


_ZH = {
    Role.ADMIN: "管理员",
    Role.REGISTRAR: "登记员",
    Role.HANDLER: "承办人",
    Role.OVERSEER: "监督人员",
    Role.READER: "只读",
}

DEFAULT_ROLE = Role.OVERSEER
"""What an account gets when no role is given (and what accounts made before migration 0008 got)."""

SEES_PERSONAL = frozenset({Role.ADMIN, Role.REGISTRAR, Role.HANDLER})
"""The roles that see an applicant's name, ID, contact and agent."""

REGISTERS = frozenset({Role.ADMIN, Role.REGISTRAR})
"""The roles that register new applications."""

APPENDS_EVENTS = frozenset({Role.ADMIN, Role.REGISTRAR, Role.HANDLER})
"""The roles that append events to an application."""

ADMINS = frozenset({Role.ADMIN})
"""The roles that keep the working-day calendar (enter the State Council's notice, confirm a year)."""

WRITES_CORPUS = frozenset(set(Role) - {Role.READER})
"""The roles that may write to the corpus (upload, review, correct) as accounts could before roles."""


def parse_role(text: str) -> Role | None:
    """The role named by its code (``registrar``) or its Chinese label (``登记员``); ``None`` if unknown."""
    word = text.strip()
    for role in Role:
        if word in (role.value, role.zh):
            return role
    return None


def role_or_least(value: str | None) -> Role:
    """The role a stored value names; an unknown value (a row written by hand) gets the least: reader."""
    return parse_role(value or "") or Role.READER


def roles_help() -> str:
    """The roles in words, for help texts: ``管理员（admin）、登记员（registrar）…``."""
    return "、".join(f"{r.zh}（{r.value}）" for r in Role)
