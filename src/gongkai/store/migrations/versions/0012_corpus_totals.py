"""corpus totals: per-year and per-agency sums kept at write, so the statistics read a handful of rows

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 06:00:00

- ``totals_years``: per year (``year_key``; 0 = no year read) the current reports, and for each
  figure of ``report_figures`` its sum and the number of reports holding it (``<figure>_held``);
- ``totals_findings``: findings of current reports per year, rule, severity and review status;
- ``totals_agencies``, ``totals_agency_years``: per agency key (and agency-year) the current
  reports, errors, warnings not dismissed and the agency's name, with ranking indexes
  (errors descending, then key);
- ``totals_counted``: what each current report was counted for (year, agency key, figures and
  finding counts as JSON, the figures in ``FIGURE_CELLS`` order), so a later change applies
  as a difference (``gongkai.store.totals``);
- ``ix_sources_failed``: a partial index of the sources that failed to read, which the statistics count.

A corpus already stored gets its totals here (``rebuild_totals``: what a scan of it gives).
The figure columns are those of the code running the migration, as in 0010.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gongkai.store.figures import FIGURE_CELLS

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ranked(table: str, *keys: sa.Column) -> None:  # type: ignore[type-arg]
    op.create_table(
        table,
        *keys,
        sa.Column("agency", sa.Text(), nullable=True),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*(k.name for k in keys), name=f"pk_{table}"),
    )


def upgrade() -> None:
    op.create_table(
        "totals_years",
        sa.Column("year_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False, server_default="0"),
        *(sa.Column(name, sa.Float(), nullable=False, server_default="0") for name in FIGURE_CELLS),
        *(sa.Column(name + "_held", sa.Integer(), nullable=False, server_default="0") for name in FIGURE_CELLS),
        sa.PrimaryKeyConstraint("year_key", name="pk_totals_years"),
    )
    op.create_table(
        "totals_findings",
        sa.Column("year_key", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("findings", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("year_key", "rule", "severity", "status", name="pk_totals_findings"),
    )
    _ranked("totals_agencies", sa.Column("agency_key", sa.String(length=80), nullable=False))
    op.create_index("ix_totals_agencies_rank", "totals_agencies", [sa.text("errors DESC"), "agency_key"])
    _ranked(
        "totals_agency_years",
        sa.Column("agency_key", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
    )
    op.create_index(
        "ix_totals_agency_years_rank", "totals_agency_years", ["year", sa.text("errors DESC"), "agency_key"]
    )
    op.create_table(
        "totals_counted",
        sa.Column("report_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("year_key", sa.Integer(), nullable=False),
        sa.Column("agency_key", sa.String(length=80), nullable=True),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("report_id", name="pk_totals_counted"),
    )
    op.create_index(
        "ix_sources_failed",
        "sources",
        ["id"],
        sqlite_where=sa.text("error IS NOT NULL"),
        postgresql_where=sa.text("error IS NOT NULL"),
    )
    from gongkai.store.totals import rebuild_totals

    rebuild_totals(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_sources_failed", table_name="sources")
    for table in ("totals_counted", "totals_agency_years", "totals_agencies", "totals_findings", "totals_years"):
        op.drop_table(table)
