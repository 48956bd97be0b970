"""web account roles: who may register applications and see applicants' personal data

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:40:00

``web_users.role`` is one of admin, registrar, handler, overseer, reader (``store/roles.py``).
Accounts that exist already become overseers: they keep the corpus review work they did before
and read the register without applicants' personal data until an admin gives them another role
(``gongkai user add NAME --role registrar``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("web_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), server_default="overseer", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("web_users", schema=None) as batch_op:
        batch_op.drop_column("role")
