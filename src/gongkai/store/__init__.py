"""The corpus store: reports, cells, findings and reviews in SQLite or PostgreSQL."""

from .db import Database, database_url, open_database

__all__ = ["Database", "database_url", "open_database"]
