"""Turn a source into a Document. Each form has its own module.

The front door is ``load_bytes(data, name)``: bytes in memory, named for messages
(a file name, an upload's name, ``archive.zip!member.pdf``). ``load_document(path)``
reads a file and goes through it. Only gongkai's own errors (``SourceError`` and
below) come out: each form module turns the errors of the library it calls into them.
"""

from __future__ import annotations

import errno
import stat
from pathlib import Path

from ..document import Document
from ..errors import LimitExceeded, SourceError, UnsupportedSource
from ..limits import DEFAULT_LIMITS, Limits
from .encoding import TEXT_KINDS, decode_source
from .text import text_document

__all__ = [
    "TEXT_KINDS",
    "decode_source",
    "load_bytes",
    "load_document",
    "open_problem",
    "sniff_kind",
    "source_kind",
]

_HTML_SUFFIXES = (".htm", ".html", ".shtml", ".xhtml")


def sniff_kind(data: bytes, suffix: str, name: str | Path = "<bytes>") -> str:
    """Name the source form from the content first, the extension (``suffix``, lower case) second.

    One of txt, md, html, docx, doc, pdf, image, zip. Raises ``UnsupportedSource``
    naming ``name`` for binary content of no known form.
    """
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
    if suffix in _HTML_SUFFIXES:
        return "html"
    if suffix in (".md", ".markdown"):
        return "md"
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedSource(name, "二进制内容，不是已知的报告形式（binary content of an unknown kind）")
    return "txt"


def source_kind(data: bytes, name: str) -> str:
    """The form of a source named ``name`` (see ``sniff_kind``), as ``load_bytes`` decides it."""
    return sniff_kind(data, Path(name or "<bytes>").suffix.lower(), name)


def load_bytes(data: bytes, name: str, limits: Limits | None = None) -> Document:
    """Read the bytes of a source into a Document, choosing the form by content.

    ``name`` is what messages show; its last part names the Document and its
    suffix breaks ties between forms (``.md``, ``.html``). Raises ``SourceError``
    (naming ``name``) when the bytes are empty, damaged, over a ``limits`` budget
    (``LimitExceeded``) or of a form gongkai does not read.
    """
    limits = limits or DEFAULT_LIMITS
    path = Path(name or "<bytes>")
    if not isinstance(data, bytes):
        data = bytes(data)  # bytearray, memoryview
    if len(data) > limits.max_file:
        raise LimitExceeded(path, limits.over("max_file", len(data)), limit="max_file")
    if not data.strip():
        raise UnsupportedSource(path, "文件是空的（the file is empty）")
    kind = sniff_kind(data, path.suffix.lower(), str(path))  # ``source_kind``, with the path made once
    if kind in ("txt", "md"):
        return text_document(decode_source(data, kind, path), path.name, kind)
    from . import forms  # heavier readers load only when needed

    return forms.load(path, data, kind, limits)


_OPEN_PROBLEMS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取这个文件的权限",
    errno.EISDIR: "这是一个文件夹，不是文件",
}


def open_problem(exc: OSError) -> str:
    """Why a file cannot be opened, in Chinese (the OS's own words are English)."""
    return _OPEN_PROBLEMS.get(exc.errno or 0, "无法打开")


def load_document(path: str | Path, limits: Limits | None = None) -> Document:
    """Read the file at ``path`` into a Document (see ``load_bytes``); errors name the path."""
    limits = limits or DEFAULT_LIMITS
    path = Path(path)
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode) and not stat.S_ISDIR(status.st_mode):
            raise SourceError(path, "不是普通文件（设备、管道或套接字），不读取（not a regular file）")
        if status.st_size > limits.max_file:
            raise LimitExceeded(path, limits.over("max_file", status.st_size), limit="max_file")
        with path.open("rb") as handle:
            data = handle.read(limits.max_file + 1)  # a file that grows while it is read stops at the budget
        if len(data) > limits.max_file:
            raise LimitExceeded(path, limits.over("max_file", len(data)), limit="max_file")
    except OSError as exc:
        raise SourceError(path, f"{open_problem(exc)}（cannot open）", detail=exc.strerror or str(exc)) from exc
    return load_bytes(data, str(path), limits)
