"""Word 97-2003 (.doc) and WPS (.wps) files → Document, through LibreOffice.

LibreOffice headless (``gongkai.libreoffice``) converts the file to DOCX in a
temporary folder (the converter needs files; the reader does not), and the DOCX
reader does the rest.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .. import libreoffice
from ..document import Document
from ..errors import ConverterMissing, UnsupportedSource
from ..limits import DEFAULT_LIMITS, Limits
from .docx import docx_document

_INSTALL_HINT = "读取 .doc/.wps 文件需要 LibreOffice：请安装 libreoffice-writer-nogui（Debian/Ubuntu）"


def doc_document(data: bytes, path: Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Convert a .doc/.wps file to DOCX with LibreOffice and read that."""
    try:
        [converted] = libreoffice.convert([(path.name, data)], "docx")
    except FileNotFoundError:
        raise ConverterMissing(path, _INSTALL_HINT) from None
    except subprocess.TimeoutExpired:
        raise UnsupportedSource(path, f"LibreOffice 在 {libreoffice.TIMEOUT_S} 秒内没有转换完成") from None
    except (RuntimeError, OSError) as exc:
        raise UnsupportedSource(path, "LibreOffice 无法转换这个文件", detail=str(exc)) from exc
    if converted is None:
        raise UnsupportedSource(path, "LibreOffice 无法转换这个文件（已损坏，或不是 Word/WPS 文档）")
    return docx_document(converted, path, kind="doc", limits=limits)
