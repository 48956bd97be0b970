"""What ``zipfile`` raises on a damaged archive, for the modules that open one (DOCX packages, batch zips).

Besides ``BadZipFile``: ``NotImplementedError`` for an unknown compression method or
a too-new format version, ``zlib.error`` for damaged deflate data, ``RuntimeError``
for an encrypted member, ``EOFError``/``OSError`` for a truncated file, and
``ValueError``/``KeyError`` for inconsistent headers.
"""

from __future__ import annotations

import zipfile
import zlib

ZIP_ERRORS: tuple[type[Exception], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    KeyError,
)
