"""compact cells: keyed by (report, cell id), raw only where it differs, place as a short text

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 06:10:00

A report's cells were 88 % of its bytes: a rowid ``id`` and a unique index repeating
every cell id (``uq_cells_report_cell``), the place as JSON with its key names in every
row, ``raw`` repeating ``value_text``, ``number`` repeating it as a float, and the state
as a word. Now (``gongkai.store.places``):

- the primary key is (``report_id``, ``cell_id``); on SQLite the table is ``WITHOUT
  ROWID``, so the key is the table and no index repeats it; ``seq`` keeps the cells'
  order (the old ``id`` order);
- ``raw`` is NULL where it is the value's text; ``place`` is ``places.encode_place``'s
  text; ``state`` a small integer (``places.STATE_CODES``); ``number`` is gone (the
  figures are kept in ``report_figures``; the model computes it from ``value_text``).

Both ways copy the cells into a new table 200 reports at a time (memory does
not grow with the corpus), then drop the old one; every cell reads back the same. The
corpus-generation trigger on updates of cells (0003) is made again on the new table.
"""

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from gongkai.store.places import STATE_CODES, STATES, pack_cell, unpack_cell

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORTS_A_BATCH = 200  # a test may ask for fewer: Config.attributes["reports_a_batch"]
BUMP = "UPDATE corpus_generation SET value = value + 1 WHERE id = 1"  # as in 0003


def _foreign_key() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name="fk_cells_report_id_reports", ondelete="CASCADE")


def _compact_table() -> sa.Table:
    return op.create_table(
        "cells",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.SmallInteger(), nullable=False),
        sa.Column("value_text", sa.String(length=40), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("state", sa.SmallInteger(), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("place", sa.Text(), nullable=True),
        _foreign_key(),
        sa.PrimaryKeyConstraint("report_id", "cell_id", name="pk_cells"),
        sqlite_with_rowid=False,
    )


def _wide_table() -> sa.Table:
    """The cells table as 0001–0010 made it (less 0010's dropped index)."""
    return op.create_table(
        "cells",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.String(length=64), nullable=False),
        sa.Column("value_text", sa.String(length=40), nullable=True),
        sa.Column("number", sa.Float(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("unit", sa.String(length=8), nullable=True),
        sa.Column("place", sa.JSON(), nullable=True),
        _foreign_key(),
        sa.PrimaryKeyConstraint("id", name="pk_cells"),
        sa.UniqueConstraint("report_id", "cell_id", name="uq_cells_report_cell"),
    )


def _set_aside(name: str, constraints: Sequence[str]) -> None:
    """Rename the cells table to ``name``; on PostgreSQL its constraints too (index names are per schema).

    Its trigger goes with it when it is dropped.
    """
    op.rename_table("cells", name)
    if op.get_bind().dialect.name == "postgresql":
        for constraint in constraints:
            op.execute(f"ALTER TABLE {name} RENAME CONSTRAINT {constraint} TO {constraint}_old")


def _trigger() -> None:
    """The corpus-generation trigger on updates of cells (0003), on the new table."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE TRIGGER gongkai_generation_cells AFTER UPDATE "
            "ON cells FOR EACH STATEMENT EXECUTE FUNCTION gongkai_bump_generation()"
        )
    elif dialect == "sqlite":
        op.execute(f"CREATE TRIGGER gongkai_generation_cells_update AFTER UPDATE ON cells BEGIN {BUMP}; END")


def _report_batches(old: sa.TableClause) -> Iterator[tuple[int, int]]:
    """(first, last) report id of each batch of reports holding cells, in order."""
    bind = op.get_bind()
    config = op.get_context().config
    size = int(config.attributes.get("reports_a_batch", REPORTS_A_BATCH)) if config else REPORTS_A_BATCH
    last = None
    while True:
        query = sa.select(old.c.report_id).distinct().order_by(old.c.report_id).limit(size)
        if last is not None:
            query = query.where(old.c.report_id > last)
        ids = bind.execute(query).scalars().all()
        if not ids:
            return
        yield ids[0], ids[-1]
        last = ids[-1]


def _copy(old: sa.TableClause, order: sa.ColumnElement[Any], new: sa.Table, convert: Any) -> None:
    bind = op.get_bind()
    for first, last in _report_batches(old):
        rows = bind.execute(
            sa.select(old).where(old.c.report_id.between(first, last)).order_by(old.c.report_id, order)
        ).mappings()
        converted = convert(rows)
        if converted:
            bind.execute(new.insert(), converted)


def _compacted(rows: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seq, report = 0, None
    for row in rows:
        seq = seq + 1 if row["report_id"] == report else 0
        report = row["report_id"]
        raw, place = pack_cell(row["value_text"], row["raw"], row["place"])
        out.append(
            {
                "report_id": report,
                "cell_id": row["cell_id"],
                "seq": seq,
                "value_text": row["value_text"],
                "raw": raw,
                "state": STATE_CODES[row["state"]],
                "unit": row["unit"],
                "place": place,
            }
        )
    out.sort(key=lambda row: (row["report_id"], row["cell_id"]))  # the key's order: full pages on SQLite
    return out


def _widened(rows: Any) -> list[dict[str, Any]]:
    """The old rows, in ``seq`` order: the new ids keep the cells' order."""
    out: list[dict[str, Any]] = []
    for row in rows:
        text = row["value_text"]
        raw, place = unpack_cell(text, row["raw"], row["place"])
        out.append(
            {
                "report_id": row["report_id"],
                "cell_id": row["cell_id"],
                "value_text": text,
                "number": float(text) if text is not None else None,
                "raw": raw,
                "state": STATES[row["state"]],
                "unit": row["unit"],
                "place": place,
            }
        )
    return out


def upgrade() -> None:
    _set_aside("cells_0010", ("pk_cells", "uq_cells_report_cell", "fk_cells_report_id_reports"))
    old = sa.table(
        "cells_0010",
        *(sa.column(name, sa.Text()) for name in ("cell_id", "value_text", "raw", "state", "unit")),
        sa.column("id", sa.Integer()),
        sa.column("report_id", sa.Integer()),
        sa.column("place", sa.JSON()),
    )
    new = _compact_table()
    _copy(old, old.c.id, new, _compacted)
    op.drop_table("cells_0010")
    _trigger()


def downgrade() -> None:
    _set_aside("cells_0011", ("pk_cells", "fk_cells_report_id_reports"))
    old = sa.table(
        "cells_0011",
        *(sa.column(name, sa.Text()) for name in ("cell_id", "value_text", "raw", "unit", "place")),
        sa.column("report_id", sa.Integer()),
        sa.column("seq", sa.Integer()),
        sa.column("state", sa.Integer()),
    )
    new = _wide_table()
    _copy(old, old.c.seq, new, _widened)
    op.drop_table("cells_0011")
    _trigger()
