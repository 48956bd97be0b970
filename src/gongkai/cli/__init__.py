"""The ``gongkai`` command line: ``app`` is the entry point (``gongkai.cli:app``)."""

from .main import app

__all__ = ["app"]
