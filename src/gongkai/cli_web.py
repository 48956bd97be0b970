"""Web workbench commands (serve, user) for the ``gongkai`` CLI."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the web commands to ``app``."""
