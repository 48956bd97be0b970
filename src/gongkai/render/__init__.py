"""Render report tables in the official layout (HTML pages, Word files)."""
