"""One router pair per resource: ``pages`` (HTML) and ``api`` (JSON, mounted under /api)."""
