"""report versions: which stored report a newer source of the same agency-year superseded, and its number

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:30:00

``reports.superseded_by`` names the newer version that replaced a report (NULL: the report
is current); ``reports.version`` numbers the versions of one agency-year from 1. Every
report stored before this migration is current and version 1. The columns are added with
``ALTER TABLE ... ADD COLUMN`` (SQLite accepts a REFERENCES clause there), so no table is
recreated and 0003's triggers stay.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("reports", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    if op.get_bind().dialect.name == "sqlite":  # Alembic would recreate the table (and drop its triggers)
        op.execute(
            "ALTER TABLE reports ADD COLUMN superseded_by INTEGER "
            "CONSTRAINT fk_reports_superseded_by_reports REFERENCES reports (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("reports", sa.Column("superseded_by", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_reports_superseded_by_reports", "reports", "reports", ["superseded_by"], ["id"], ondelete="SET NULL"
        )
    op.create_index("ix_reports_superseded_by", "reports", ["superseded_by"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_reports_superseded_by", table_name="reports")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("fk_reports_superseded_by_reports", "reports", type_="foreignkey")
    op.drop_column("reports", "superseded_by")  # SQLite 3.35+ drops a column in place
    op.drop_column("reports", "version")
