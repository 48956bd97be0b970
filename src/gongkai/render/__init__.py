"""Render report tables in the one official layout (layout.py): HTML pages, Word files, XLSX sheets, the terminal."""
