"""What each file's content hash was, by the file's stat signature (table ``source_signatures``, migration 0013).

Re-ingesting a corpus would read and hash every file only to find its content
stored. Like git's index, the ingest remembers, per file path (an archive member
as ``archive!member``), the stat signature it had when it was hashed (size,
modification and change times in nanoseconds, inode) and the sha256 found; a
file whose signature is unchanged is known by that hash without being read.

A file changed in any way gets a new change time (which no program can set), so its
signature differs and it is hashed again. A signature is remembered only when the
file's times are older than the moment it was read by ``RACY_NS``: a file
written again within the same clock tick as its hashing would otherwise look
unchanged (git's "racily clean" entries). ``--rehash`` ignores what is remembered.
A remembered hash is only a hint: the ingest still asks the store for that content
and reads the file when it is not stored.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from sqlalchemy import BigInteger, Column, String, Table, Text, delete, insert
from sqlalchemy.orm import Session

from .base import chunks
from .models import Base

Signature = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
RACY_NS = 2_000_000_000  # 2 s: coarser than any file system's time stamps (FAT keeps 2 s)

SIGNATURES = Table(
    "source_signatures",
    Base.metadata,
    Column("path", Text, primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("mtime_ns", BigInteger, nullable=False),
    Column("ctime_ns", BigInteger, nullable=False),
    Column("inode", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
)


def signature_key(path: os.PathLike[str] | str, member: str | None = None) -> str:
    """The path a signature is kept by: absolute, with ``!member`` for a member of an archive.

    An absolute path is taken as written (two spellings of one file only miss, never mislead)."""
    text = os.fspath(path)
    absolute = text if os.path.isabs(text) else os.path.abspath(text)
    return f"{absolute}!{member}" if member else absolute


def settled(signature: Signature, read_at_ns: int) -> bool:
    """Whether a signature may be remembered: the file was last touched well before it was read."""
    _, mtime, ctime, _ = signature
    return max(mtime, ctime) < read_at_ns - RACY_NS


def signed_hashes(session: Session, wanted: Sequence[tuple[str, Signature]]) -> dict[str, tuple[str, bool]]:
    """Path → (sha256, failed to read) for the paths whose remembered signature is the one given and whose
    content is stored.

    One plain query a chunk, through the driver (the re-ingest of a corpus asks it for every file)."""
    given = dict(wanted)
    out: dict[str, tuple[str, bool]] = {}
    connection = session.connection()
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    for part in chunks(list(given)):
        query = (
            "SELECT g.path, g.size, g.mtime_ns, g.ctime_ns, g.inode, g.sha256, s.error IS NOT NULL"
            " FROM source_signatures g JOIN sources s ON s.sha256 = g.sha256"
            f" WHERE g.path IN ({', '.join([marker] * len(part))})"
        )
        for path, size, mtime, ctime, inode, sha, failed in connection.exec_driver_sql(query, tuple(part)):
            if given[path] == (size, mtime, ctime, inode):
                out[path] = (sha, bool(failed))
    return out


def remember(session: Session, rows: Iterable[tuple[str, Signature, str]]) -> None:
    """Keep (path, signature, sha256) rows, replacing what was kept for those paths."""
    latest = {path: (signature, sha) for path, signature, sha in rows}
    if not latest:
        return
    for part in chunks(sorted(latest)):
        session.execute(delete(SIGNATURES).where(SIGNATURES.c.path.in_(part)))
    session.execute(
        insert(SIGNATURES),
        [
            {"path": p, "size": s[0], "mtime_ns": s[1], "ctime_ns": s[2], "inode": s[3], "sha256": sha}
            for p, (s, sha) in latest.items()
        ],
    )
