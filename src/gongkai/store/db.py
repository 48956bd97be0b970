"""Open a corpus database from a URL, bringing its schema up to date.

The URL comes from ``--db``, else the environment variable ``GONGKAI_DB``, else
``sqlite:///gongkai.sqlite`` in the current directory. A bare file path means a
SQLite file; ``postgresql://`` URLs use psycopg 3.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

ENV_VAR = "GONGKAI_DB"
DEFAULT_URL = "sqlite:///gongkai.sqlite"
MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else ``$GONGKAI_DB``, else ``gongkai.sqlite`` here."""
    url = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def shown_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True, slots=True)
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def size_bytes(self) -> int | None:
        """The database's size on disk (SQLite file, or PostgreSQL database), if it can be told."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                pages = conn.execute(text("PRAGMA page_count")).scalar_one()
                page_size = conn.execute(text("PRAGMA page_size")).scalar_one()
                return int(pages) * int(page_size)
            if self.engine.dialect.name == "postgresql":
                return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
        return None

    def close(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the ingest's writer
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL keeps committed transactions atomic on a crash
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def alembic_config(connection: object | None = None, url: str | None = None) -> Config:
    """An Alembic configuration pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration's id. Revision ids are the files' zero-padded prefixes (0001, 0002 …)."""
    return max(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest migration (a no-op, without loading Alembic, when it is current)."""
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    """Connect to the corpus database at ``url`` and bring its schema up to date."""
    resolved = database_url(url)
    engine = create_engine(resolved)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    if upgrade:
        migrate(engine)
    return Database(resolved, engine, sessionmaker(engine, expire_on_commit=False))
