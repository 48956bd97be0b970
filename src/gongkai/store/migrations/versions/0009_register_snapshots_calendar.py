"""the register's frozen year snapshots and the working-day calendar's exception days

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:40:00

- ``register_snapshots``: tables 三 and 四 of one agency and year as computed when the snapshot was
  taken (each cell's applications, the policy in force, whether any deadline was provisional),
  who took it and why. Immutable: triggers refuse UPDATE and DELETE; a later snapshot of the same
  agency and year supersedes the earlier, which stays.
- ``register_calendar_days``: the project's own exception days (a holiday, or a make-up working
  day) with their source, status (official / provisional / override), region, who entered and
  who confirmed them. Seeded from chinese-calendar's tables when a year is first needed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSE = "年度快照不能修改或删除：请另取新快照"


def upgrade() -> None:
    op.create_table(
        "register_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("left_out", sa.JSON(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("provisional_years", sa.JSON(), nullable=False),
        sa.Column("applications", sa.Integer(), nullable=False),
        sa.Column("taken_by", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_snapshots")),
    )
    op.create_index("ix_register_snapshots_agency_year", "register_snapshots", ["agency", "year"])
    op.create_table(
        "register_calendar_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.String(length=80), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by", sa.String(length=80), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_calendar_days")),
    )
    op.create_index("ix_register_calendar_days_day", "register_calendar_days", ["day"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER gongkai_register_snapshots_no_{action} BEFORE {action.upper()} "
                f"ON register_snapshots BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION gongkai_register_snapshots_refuse() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSE}'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER gongkai_register_snapshots_immutable BEFORE UPDATE OR DELETE ON register_snapshots "
            "FOR EACH ROW EXECUTE FUNCTION gongkai_register_snapshots_refuse()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS gongkai_register_snapshots_no_{action}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS gongkai_register_snapshots_immutable ON register_snapshots")
        op.execute("DROP FUNCTION IF EXISTS gongkai_register_snapshots_refuse()")
    op.drop_index("ix_register_calendar_days_day", table_name="register_calendar_days")
    op.drop_table("register_calendar_days")
    op.drop_index("ix_register_snapshots_agency_year", table_name="register_snapshots")
    op.drop_table("register_snapshots")
