"""the agency registry, the history of every review step, and reviewers' corrections of cells

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:40:00

- ``agencies``: the organs a disclosure office is responsible for (normalised key, name, kind,
  parent, region), imported, edited, or made from ingested reports. Reports meet it by
  ``agency_key``; no foreign key, because a report may be stored before its agency is known.
- ``finding_events``: each step of a finding's review (open → confirmed/dismissed → sent →
  rectified → closed) with who, when and why. Keyed like ``reviews`` (content hash +
  fingerprint, and agency key + year) so the history outlives a re-read.
- ``cell_corrections``: a reviewer's value for a misread or unreadable cell. The read value in
  ``cells`` is never overwritten; the newest correction of a cell whose ``withdrawn_at`` is
  NULL is the one in force. Keyed by content hash + cell id, so it outlives a re-read.

Agencies and corrections change the corpus figures, so they bump the corpus generation
(see 0003); review events are written with a ``reviews`` row, which bumps already.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = {"agencies": ("insert", "update", "delete"), "cell_corrections": ("insert", "update", "delete")}
BUMP = "UPDATE corpus_generation SET value = value + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=80), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["agencies.id"], name=op.f("fk_agencies_parent_id_agencies"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("key", name=op.f("uq_agencies_key")),
    )
    op.create_index("ix_agencies_parent_id", "agencies", ["parent_id"], unique=False)
    op.create_index("ix_agencies_region", "agencies", ["region"], unique=False)

    op.create_table(
        "finding_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("agency_key", sa.String(length=80), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("status_from", sa.String(length=16), nullable=False),
        sa.Column("status_to", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_events")),
    )
    op.create_index("ix_finding_events_sha256_fingerprint", "finding_events", ["sha256", "fingerprint"])
    op.create_index("ix_finding_events_agency_year", "finding_events", ["agency_key", "year"])

    op.create_table(
        "cell_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("agency_key", sa.String(length=80), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("cell_id", sa.String(length=64), nullable=False),
        sa.Column("value_text", sa.String(length=40), nullable=True),
        sa.Column("number", sa.Float(), nullable=True),
        sa.Column("read_value_text", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cell_corrections")),
    )
    op.create_index("ix_cell_corrections_sha256_cell_id", "cell_corrections", ["sha256", "cell_id"])

    dialect = op.get_bind().dialect.name
    for table, actions in TRIGGERS.items():
        if dialect == "postgresql":
            events = " OR ".join(a.upper() for a in (*actions, "truncate"))
            op.execute(
                f"CREATE TRIGGER gongkai_generation_{table} AFTER {events} "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION gongkai_bump_generation()"
            )
        elif dialect == "sqlite":
            for action in actions:
                op.execute(
                    f"CREATE TRIGGER gongkai_generation_{table}_{action} AFTER {action.upper()} ON {table} "
                    f"BEGIN {BUMP}; END"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, actions in TRIGGERS.items():
        if dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS gongkai_generation_{table} ON {table}")
        elif dialect == "sqlite":
            for action in actions:
                op.execute(f"DROP TRIGGER IF EXISTS gongkai_generation_{table}_{action}")
    op.drop_index("ix_cell_corrections_sha256_cell_id", table_name="cell_corrections")
    op.drop_table("cell_corrections")
    op.drop_index("ix_finding_events_agency_year", table_name="finding_events")
    op.drop_index("ix_finding_events_sha256_fingerprint", table_name="finding_events")
    op.drop_table("finding_events")
    op.drop_index("ix_agencies_region", table_name="agencies")
    op.drop_index("ix_agencies_parent_id", table_name="agencies")
    op.drop_table("agencies")
