"""Migration 0011 (compact cells) on the real seeds/dev reports: down to the 0010 layout and up again,
in batches, with every cell reading back exactly; and the compact table is what it says."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import inspect, text

from gongkai.check import check as run_checks
from gongkai.serialize import report_to_json
from gongkai.store.base import load_reports
from gongkai.store.db import alembic_config
from gongkai.store.records import Record, cell_row
from gongkai.store.repository import Repository


def _loaded(repository: Repository) -> dict[int, list[list[Any]]]:
    """Every stored report's cells as rows, in the order they load (value, raw, state, unit, place)."""
    with repository.database.sessions() as session:
        ids = list(session.execute(text("SELECT id FROM reports ORDER BY id")).scalars())
        reports = load_reports(session, ids)
    return {rid: [cell_row(c) for c in reports[rid].cells.values()] for rid in ids}


def _shown(repository: Repository) -> dict[int, dict[str, object]]:
    """``gongkai show --json`` of every stored report."""
    with repository.database.sessions() as session:
        ids = list(session.execute(text("SELECT id FROM reports ORDER BY id")).scalars())
        reports = load_reports(session, ids)
    return {rid: report_to_json(r, run_checks(r)) for rid, r in reports.items()}


def _migrate(repository: Repository, revision: str, *, batch: int) -> None:
    with repository.database.engine.begin() as conn:
        config = alembic_config(conn)
        config.attributes["reports_a_batch"] = batch
        if revision == "head":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


def _old_rows(repository: Repository) -> list[tuple[Any, ...]]:
    """The cells in the 0010 layout, in id order (the place parsed from its JSON)."""
    import json

    with repository.database.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT report_id, cell_id, value_text, number, raw, state, unit, place FROM cells ORDER BY id")
        ).all()
    return [
        (*row[:7], json.loads(row[7]) if isinstance(row[7], str) else row[7])  # JSON text or decoded
        for row in rows
    ]


def test_down_and_up_again_every_cell_reads_back_exactly(stored: Repository, corpus_records: dict[str, Record]) -> None:
    loaded, shown = _loaded(stored), _shown(stored)
    assert sum(len(cells) for cells in loaded.values()) > 2000

    _migrate(stored, "0010", batch=3)  # 12 reports: four batches
    old = _old_rows(stored)
    expected = [
        (rid, cid, value, float(value) if value is not None else None, raw, state, unit, place)
        for rid, cells in loaded.items()
        for cid, value, raw, state, unit, place in cells
    ]
    assert old == expected  # the 0010 layout, every value, raw, state, unit, place and number, in order
    names = {ix["name"] for ix in inspect(stored.database.engine).get_indexes("cells")}
    unique = {uq["name"] for uq in inspect(stored.database.engine).get_unique_constraints("cells")}
    assert "uq_cells_report_cell" in names | unique

    _migrate(stored, "head", batch=5)
    assert _loaded(stored) == loaded
    assert _shown(stored) == shown


def test_the_records_the_store_was_given_come_back(stored: Repository, corpus_records: dict[str, Record]) -> None:
    """Each report's cells load as the worker record had them, in the record's order."""
    loaded = _loaded(stored)
    with stored.database.engine.connect() as conn:
        query = text("SELECT r.id, s.sha256 FROM reports r JOIN sources s ON s.id = r.source_id")
        sha = dict(conn.execute(query).all())
    given = {record["sha256"]: record["report"]["cells"] for record in corpus_records.values() if record["report"]}
    assert len(loaded) == len(given)
    for rid, cells in loaded.items():
        assert cells == [list(c) for c in given[sha[rid]]]


def test_the_compact_table(stored: Repository) -> None:
    inspector = inspect(stored.database.engine)
    columns = {c["name"] for c in inspector.get_columns("cells")}
    assert columns == {"report_id", "cell_id", "seq", "value_text", "raw", "state", "unit", "place"}
    assert inspector.get_pk_constraint("cells")["constrained_columns"] == ["report_id", "cell_id"]
    assert not inspector.get_indexes("cells")  # the key is the only index
    with stored.database.engine.connect() as conn:
        if stored.database.is_sqlite:
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'cells'")).scalar_one()
            assert "WITHOUT ROWID" in sql
            triggers = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
            assert "gongkai_generation_cells_update" in triggers
        equal = conn.execute(text("SELECT COUNT(*) FROM cells WHERE raw = value_text")).scalar_one()
        states = set(conn.execute(text("SELECT DISTINCT state FROM cells")).scalars())
    assert equal == 0  # the raw text is kept only where it differs
    assert states <= {0, 1, 2, 3}


def test_an_update_of_a_cell_bumps_the_corpus_generation(stored: Repository) -> None:
    with stored.database.engine.begin() as conn:
        before = conn.execute(text("SELECT value FROM corpus_generation")).scalar_one()
        conn.execute(text("UPDATE cells SET unit = unit WHERE report_id = (SELECT MIN(report_id) FROM cells)"))
        after = conn.execute(text("SELECT value FROM corpus_generation")).scalar_one()
    assert after > before


def test_the_cells_take_under_half_the_bytes(stored: Repository) -> None:
    """SQLite: the cells table now, against the 0010 table and its unique index (both vacuumed)."""
    if not stored.database.is_sqlite:
        return

    def cell_bytes() -> int:
        with stored.database.engine.connect() as conn:
            conn.execute(text("VACUUM"))
            names = ("cells", "sqlite_autoindex_cells_1")
            return int(conn.execute(text(f"SELECT SUM(pgsize) FROM dbstat WHERE name IN {names}")).scalar_one())

    compact = cell_bytes()
    _migrate(stored, "0010", batch=500)
    wide = cell_bytes()
    _migrate(stored, "head", batch=500)
    assert compact * 2 < wide
