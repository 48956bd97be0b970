"""who withdrew a reviewer's correction of a cell

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 06:00:00

``cell_corrections.withdrawn_by`` names the reviewer who withdrew the correction (NULL for
corrections withdrawn before this column existed, and for those still standing).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cell_corrections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_by", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cell_corrections", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_by")
