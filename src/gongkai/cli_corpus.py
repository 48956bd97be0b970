"""Corpus commands (ingest, list, show, compare, stats, export) for the ``gongkai`` CLI."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the corpus commands to ``app``."""
