"""Word 97-2003 (.doc) and WPS (.wps) files → Document, through LibreOffice.

LibreOffice headless (``gongkai.libreoffice``) converts the file to DOCX in a
temporary folder, and the DOCX reader does the rest.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .. import libreoffice
from ..document import Document
from ..errors import ConverterMissing, UnsupportedSource
from .docx import docx_document

_INSTALL_HINT = "reading .doc/.wps files needs LibreOffice: install libreoffice-writer-nogui (Debian/Ubuntu)"


def doc_document(data: bytes, path: Path) -> Document:
    try:
        [converted] = libreoffice.convert([(path.name, data)], "docx")
    except FileNotFoundError:
        raise ConverterMissing(path, _INSTALL_HINT) from None
    except subprocess.TimeoutExpired:
        raise UnsupportedSource(
            path, f"LibreOffice did not finish converting within {libreoffice.TIMEOUT_S} s"
        ) from None
    except RuntimeError as exc:
        raise UnsupportedSource(path, f"LibreOffice could not convert the file ({exc})") from exc
    if converted is None:
        raise UnsupportedSource(path, "LibreOffice could not convert the file (damaged, or not a Word/WPS document)")
    return docx_document(converted, path, kind="doc")
