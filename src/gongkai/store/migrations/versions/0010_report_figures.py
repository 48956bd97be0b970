"""report figures: each report's sums of the cells the corpus statistics read, kept beside it

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 02:50:00

``report_figures`` holds one row per report (``report_id``, ON DELETE CASCADE) and one
column per figure of ``gongkai.store.figures.FIGURE_CELLS`` (本年新收, each 办理结果 row,
the 纠错率 numerators and denominators of reviews and suits): NULL when the report holds
none of the figure's cells, otherwise the sum of their numbers. The statistics then read
one row per report instead of its cells. Reports already stored get their row here,
summed from their cells in one ``INSERT ... SELECT``.

With the figures kept, nothing sums one cell over many reports any more, so the covering
index ``ix_cells_cell_id_report_number`` (0002), a fifth of a report's bytes, is dropped;
every other read of cells goes by report (``uq_cells_report_cell``).

The columns are the figures of the code running the migration (cell ids live in
``gongkai.formats`` only); a figure added later needs its own migration.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gongkai.store.figures import FIGURE_CELLS

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_figures",
        sa.Column("report_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in FIGURE_CELLS),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name="fk_report_figures_report_id_reports", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", name="pk_report_figures"),
    )
    reports = sa.table("reports", sa.column("id", sa.Integer()))
    cells = sa.table(
        "cells",
        sa.column("report_id", sa.Integer()),
        sa.column("cell_id", sa.String()),
        sa.column("number", sa.Float()),
    )
    figures = sa.table("report_figures", sa.column("report_id"), *(sa.column(name) for name in FIGURE_CELLS))

    def summed(cell_ids: frozenset[str]) -> sa.ScalarSelect[float]:
        # SUM over no rows is NULL: a report holding none of the cells gets NULL, as at ingest
        return (
            sa.select(sa.func.sum(sa.func.coalesce(cells.c.number, 0.0)))
            .where(cells.c.report_id == reports.c.id, cells.c.cell_id.in_(sorted(cell_ids)))
            .scalar_subquery()
        )

    fill = sa.select(reports.c.id, *(summed(ids).label(name) for name, ids in FIGURE_CELLS.items()))
    op.execute(figures.insert().from_select(["report_id", *FIGURE_CELLS], fill))
    op.drop_index("ix_cells_cell_id_report_number", table_name="cells")  # DROP INDEX: the table and its triggers stay


def downgrade() -> None:
    op.create_index("ix_cells_cell_id_report_number", "cells", ["cell_id", "report_id", "number"], unique=False)
    op.drop_table("report_figures")
