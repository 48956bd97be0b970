"""The original bytes of stored sources, kept beside the database and addressed by sha256.

The corpus tables keep what was read, not the file; to show a person where a value
came from (the text lines, the PDF page) the original must be at hand. Files are
written once as ``<root>/<sha[:2]>/<sha>`` and never changed. A source stored
without its original (ingested from the command line) is found at its recorded
path instead, when that file is still there with the same content.

The root is ``$GONGKAI_SOURCES``, else ``<sqlite file>.sources/`` beside a SQLite
database, else ``gongkai-sources/`` in the current directory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

ENV_VAR = "GONGKAI_SOURCES"


def default_root(database_url: str) -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database + ".sources")
    return Path("gongkai-sources")


class Originals:
    """A content-addressed folder of source files."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a sha256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Keep ``data``; return its sha256."""
        sha = hashlib.sha256(data).hexdigest()
        path = self._path(sha)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
                tmp.write(data)
            os.replace(tmp.name, path)  # atomic: a reader never sees half a file
        return sha

    def get(self, sha256: str, recorded_path: str | None = None) -> bytes | None:
        """The original content, or ``None`` when it was not kept and is not at ``recorded_path``."""
        path = self._path(sha256)
        if path.exists():
            return path.read_bytes()
        if recorded_path and "!" not in recorded_path:
            candidate = Path(recorded_path)
            try:
                data = candidate.read_bytes()
            except OSError:
                return None
            if hashlib.sha256(data).hexdigest() == sha256:
                return data
        return None
