"""upload jobs in the database; a corpus generation bumped by triggers on every corpus write

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:00:00

The triggers live in the database, so every writer (any server process, ``gongkai
ingest``, a future split of the store) bumps ``corpus_generation.value`` in its own
transaction, and readers see the new value exactly when they can see the new rows.
PostgreSQL bumps once per statement; SQLite has only row triggers.

Note for later migrations: on SQLite, a ``batch_alter_table`` that recreates one of
the tables below drops its triggers; create them again in that migration
(tests/store/test_jobs.py checks that every corpus table has them at head).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# every table the corpus figures are computed from (jobs and web_users are not corpus), with the
# writes that bump. Cells and sections are inserted and deleted only with their report row, which
# bumps already; a row trigger on their inserts would cost SQLite ~200 updates per report stored.
TRIGGERS = {
    "sources": ("insert", "update", "delete"),
    "reports": ("insert", "update", "delete"),
    "findings": ("insert", "update", "delete"),
    "reviews": ("insert", "update", "delete"),
    "cells": ("update",),
    "sections": ("update",),
}
BUMP = "UPDATE corpus_generation SET value = value + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("replace", sa.Boolean(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index("ix_jobs_created_at", ["created_at"], unique=False)

    generation = op.create_table(
        "corpus_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corpus_generation")),
    )
    op.bulk_insert(generation, [{"id": 1, "value": 0}])

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION gongkai_bump_generation() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {BUMP}; RETURN NULL; END $$"
        )
        for table, actions in TRIGGERS.items():
            events = " OR ".join(a.upper() for a in actions + (("truncate",) if "delete" in actions else ()))
            op.execute(
                f"CREATE TRIGGER gongkai_generation_{table} AFTER {events} "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION gongkai_bump_generation()"
            )
    elif dialect == "sqlite":
        for table, actions in TRIGGERS.items():
            for action in actions:
                op.execute(
                    f"CREATE TRIGGER gongkai_generation_{table}_{action} AFTER {action.upper()} ON {table} "
                    f"BEGIN {BUMP}; END"
                )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS gongkai_generation_{table} ON {table}")
        op.execute("DROP FUNCTION IF EXISTS gongkai_bump_generation()")
    elif dialect == "sqlite":
        for table, actions in TRIGGERS.items():
            for action in actions:
                op.execute(f"DROP TRIGGER IF EXISTS gongkai_generation_{table}_{action}")
    op.drop_table("corpus_generation")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_jobs_created_at")
    op.drop_table("jobs")
