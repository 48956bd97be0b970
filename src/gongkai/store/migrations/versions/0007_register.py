"""the application register: applications, their append-only events, and the register's settings

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 00:10:00

- ``register_applications``: one row per disclosure application (agency, register number,
  channel, arrival date, the applicant's table column, what is asked and in what form).
  Personal data stand in their own columns (name, contact, agent); an ID number only as a
  salted hash (``applicant_id_hash``), for the fee month window and repeat applications.
- ``register_events``: each step of an application's handling, numbered within it (``seq``),
  with the day it happened and the day it was entered. Append-only: a correction is a new row
  that points at the one it corrects; triggers refuse UPDATE and DELETE.
- ``register_settings``: key/value (the salt of the ID hashes).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REFUSE = "登记簿事件只能追加，不能修改或删除"


def upgrade() -> None:
    op.create_table(
        "register_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.Text(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("arrived", sa.Date(), nullable=False),
        sa.Column("applicant_column", sa.String(length=16), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("applicant_name", sa.Text(), nullable=True),
        sa.Column("applicant_id_hash", sa.String(length=64), nullable=True),
        sa.Column("applicant_contact", sa.Text(), nullable=True),
        sa.Column("agent_name", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_applications")),
        sa.UniqueConstraint("agency", "number", name="uq_register_applications_agency_number"),
    )
    op.create_index("ix_register_applications_agency_year", "register_applications", ["agency", "year"])
    op.create_index("ix_register_applications_applicant_id_hash", "register_applications", ["applicant_id_hash"])
    op.create_table(
        "register_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("recorded", sa.Date(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("corrects", sa.Integer(), nullable=True),
        sa.Column("refers", sa.Integer(), nullable=True),
        sa.Column("by", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["register_applications.id"],
            name=op.f("fk_register_events_application_id_register_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_events")),
        sa.UniqueConstraint("application_id", "seq", name="uq_register_events_application_id_seq"),
    )
    op.create_table(
        "register_settings",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_register_settings")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER gongkai_register_events_no_{action} BEFORE {action.upper()} ON register_events "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSE}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION gongkai_register_events_refuse() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSE}'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER gongkai_register_events_append_only BEFORE UPDATE OR DELETE ON register_events "
            "FOR EACH ROW EXECUTE FUNCTION gongkai_register_events_refuse()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS gongkai_register_events_no_{action}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS gongkai_register_events_append_only ON register_events")
        op.execute("DROP FUNCTION IF EXISTS gongkai_register_events_refuse()")
    op.drop_table("register_settings")
    op.drop_table("register_events")
    op.drop_index("ix_register_applications_applicant_id_hash", table_name="register_applications")
    op.drop_index("ix_register_applications_agency_year", table_name="register_applications")
    op.drop_table("register_applications")
