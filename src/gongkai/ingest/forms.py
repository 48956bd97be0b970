"""Dispatch to the readers of non-text forms (HTML, Word, PDF, images).

Each form lives in its own module and returns a ``Document``; heavy
libraries are imported only when a file of that form is read.
"""

from __future__ import annotations

from pathlib import Path

from ..document import Document
from ..errors import UnsupportedSource


def load(path: Path, data: bytes, kind: str) -> Document:
    if kind == "html":
        from .html import html_document

        return html_document(data, path)
    if kind == "docx":
        from .docx import docx_document

        return docx_document(data, path)
    if kind == "doc":
        from .doc import doc_document

        return doc_document(data, path)
    if kind == "pdf":
        from .pdf import pdf_document

        return pdf_document(data, path)
    if kind == "image":
        from .ocr import image_document

        return image_document(data, path)
    raise UnsupportedSource(path, f"{kind} files are not a report form gongkai reads")
