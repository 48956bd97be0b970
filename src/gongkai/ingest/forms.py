"""Dispatch to the readers of non-text forms (HTML, Word, PDF, images).

Each form lives in its own module and returns a ``Document``; heavy
libraries are imported only when a file of that form is read.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from ..document import Document
from ..errors import ConverterMissing, UnsupportedSource

# kind → (module, function(data, path) -> Document)
_READERS = {
    "html": ("html", "html_document"),
    "docx": ("docx", "docx_document"),
    "doc": ("doc", "doc_document"),
    "pdf": ("pdf", "pdf_document"),
    "image": ("ocr", "image_document"),
}


def load(path: Path, data: bytes, kind: str) -> Document:
    if kind not in _READERS:
        raise UnsupportedSource(path, f"{kind} files are not a report form gongkai reads")
    module_name, function_name = _READERS[kind]
    try:
        module = importlib.import_module(f".{module_name}", __package__)
    except ImportError as exc:
        raise ConverterMissing(path, f"reading {kind} files needs a component that is not installed ({exc})") from exc
    reader: Callable[[bytes, Path], Document] = getattr(module, function_name)
    return reader(data, path)
