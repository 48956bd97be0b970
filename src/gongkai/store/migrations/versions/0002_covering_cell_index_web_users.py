"""covering index for cell statistics; web workbench accounts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cells", schema=None) as batch_op:
        batch_op.drop_index("ix_cells_cell_id_report")
        batch_op.create_index("ix_cells_cell_id_report_number", ["cell_id", "report_id", "number"], unique=False)
    # web_users was created on first use before this migration; keep such a table as it is
    if not sa.inspect(op.get_bind()).has_table("web_users"):
        op.create_table(
            "web_users",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("name", sa.String(length=80), nullable=False),
            sa.Column("password_hash", sa.String(length=200), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("name"),
        )


def downgrade() -> None:
    op.drop_table("web_users")
    with op.batch_alter_table("cells", schema=None) as batch_op:
        batch_op.drop_index("ix_cells_cell_id_report_number")
        batch_op.create_index("ix_cells_cell_id_report", ["cell_id", "report_id"], unique=False)
