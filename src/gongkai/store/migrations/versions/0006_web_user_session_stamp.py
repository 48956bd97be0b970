"""revocable web sessions: a per-account session stamp

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 00:00:00

``web_users.session_stamp`` is a random value that every login session of the account
carries; the web app accepts a session only while the account's stamp is the same.
Logging out and changing the password replace it, removing the account deletes it, so
each ends every session of that account at once, in every server process. Accounts that
exist already get a fresh stamp here; sessions made before this migration carry none and
end with it.
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("web_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_stamp", sa.String(length=64), server_default="", nullable=False))
    users = sa.table("web_users", sa.column("id", sa.Integer()), sa.column("session_stamp", sa.String()))
    bind = op.get_bind()
    for (user_id,) in bind.execute(sa.select(users.c.id)).all():
        bind.execute(users.update().where(users.c.id == user_id).values(session_stamp=secrets.token_urlsafe(24)))


def downgrade() -> None:
    with op.batch_alter_table("web_users", schema=None) as batch_op:
        batch_op.drop_column("session_stamp")
