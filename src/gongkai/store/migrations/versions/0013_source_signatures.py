"""source signatures: each file's stat signature and the content hash it had, so a re-ingest skips unchanged files

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 06:00:00

``source_signatures`` keeps, per file path (an archive member as ``archive!member``), the
size, modification and change times (ns) and inode the file had when it was hashed, and
the sha256 found (``gongkai.store.signatures``). It is a cache: dropping it (``down``)
loses nothing but the next re-ingest's time.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "source_signatures",
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("ctime_ns", sa.BigInteger(), nullable=False),
        sa.Column("inode", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("path", name="pk_source_signatures"),
    )


def downgrade() -> None:
    op.drop_table("source_signatures")
