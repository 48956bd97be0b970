"""Turn a source file into a Document. Each form has its own module."""

from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..errors import DecodeError, SourceError, UnsupportedSource
from .encoding import decode_bytes
from .text import text_document

__all__ = ["load_document", "sniff_kind"]

MAX_BYTES = 200 * 1024 * 1024


def sniff_kind(data: bytes, suffix: str) -> str:
    """Name the source form from the content first, the extension second."""
    head = data[:2048].lstrip()
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or suffix == ".docx" else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"  # OLE2: Word 97-2003 .doc and WPS .wps
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text: look at it decoded
        head = data[:4096].decode("utf-16", errors="ignore").encode("utf-8", errors="ignore").lstrip()
    lowered = head[:1024].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<table" in lowered:
        return "html"
    if suffix in (".htm", ".html", ".shtml", ".xhtml"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "md"
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedSource("?", "binary content of an unknown kind")
    return "txt"


def load_document(path: str | Path) -> Document:
    """Read ``path`` into a Document, choosing the form by content.

    Raises ``SourceError`` (with the path in its message) when the file is
    missing, empty, damaged or of a form gongkai does not read.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnsupportedSource(path, f"file is {size} bytes, over the {MAX_BYTES} byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(path, f"cannot open: {exc.strerror or exc}") from exc
    if not data.strip():
        raise UnsupportedSource(path, "the file is empty")
    try:
        kind = sniff_kind(data, path.suffix.lower())
    except UnsupportedSource as exc:
        raise UnsupportedSource(path, exc.problem) from None
    if kind in ("txt", "md"):
        try:
            text, _encoding = decode_bytes(data)
        except UnicodeDecodeError as exc:
            raise DecodeError(path, "the text encoding cannot be determined") from exc
        return text_document(text, path.name, kind)
    from . import forms  # heavier readers load only when needed

    return forms.load(path, data, kind)
