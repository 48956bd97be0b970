"""Dispatch to the readers of non-text forms (HTML, Word, PDF, images).

Each form lives in its own module and returns a ``Document``; heavy
libraries are imported only when a file of that form is read. Every reader
takes ``(data, path, limits=...)``: the bytes, the name its errors show, and
the budgets it must keep to. A reader turns the errors of the library it calls
into gongkai's own (``SourceError`` and below), so nothing else escapes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from ..document import Document
from ..errors import ConverterMissing, UnsupportedSource
from ..limits import DEFAULT_LIMITS, Limits

# kind → (module, function(data, path, limits=) -> Document)
_READERS = {
    "html": ("html", "html_document"),
    "docx": ("docx", "docx_document"),
    "doc": ("doc", "doc_document"),
    "pdf": ("pdf", "pdf_document"),
    "image": ("ocr", "image_document"),
}

KINDS = frozenset(_READERS)


def load(path: Path, data: bytes, kind: str, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read ``data`` of form ``kind`` (as ``sniff_kind`` names it); errors name ``path``."""
    if kind not in _READERS:
        raise UnsupportedSource(path, f"{kind} 文件不是 gongkai 能读取的报告形式（not a report form gongkai reads）")
    module_name, function_name = _READERS[kind]
    try:
        module = importlib.import_module(f".{module_name}", __package__)
    except ImportError as exc:
        raise ConverterMissing(
            path, f"读取 {kind} 文件所需的组件没有安装（a needed component is not installed）", detail=str(exc)
        ) from exc
    reader: Callable[..., Document] = getattr(module, function_name)
    return reader(data, path, limits=limits)
