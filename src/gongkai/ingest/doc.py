"""Word 97-2003 (.doc) and WPS (.wps) files → Document, through LibreOffice.

LibreOffice headless converts the file to DOCX in a temporary folder, and
the DOCX reader does the rest. Every call gets its own LibreOffice profile
(``-env:UserInstallation``): two conversions sharing a profile make the
second one fail silently (DEPENDENCIES.md §3). The cold start dominates
(about 1 s), so ``convert_to_docx`` takes many files in one call for batches.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..document import Document
from ..errors import ConverterMissing, UnsupportedSource
from .docx import docx_document

TIMEOUT_S = 180
_INSTALL_HINT = "reading .doc/.wps files needs LibreOffice: install libreoffice-writer-nogui (Debian/Ubuntu)"


def soffice_path() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(sources: Sequence[tuple[str, bytes]], timeout_s: float = TIMEOUT_S) -> list[bytes | None]:
    """Convert ``(file name, content)`` pairs to DOCX bytes in one LibreOffice run.

    Returns one entry per source, None where LibreOffice produced nothing.
    Raises ``FileNotFoundError`` when LibreOffice is missing,
    ``subprocess.TimeoutExpired`` past ``timeout_s`` and ``RuntimeError``
    (with LibreOffice's last words) when it fails as a whole.
    """
    soffice = soffice_path()
    if soffice is None:
        raise FileNotFoundError("soffice")
    with tempfile.TemporaryDirectory(prefix="gongkai-lo-") as tmp:
        work = Path(tmp)
        inputs, outputs = work / "in", work / "out"
        inputs.mkdir()
        outputs.mkdir()
        names = []
        for index, (name, data) in enumerate(sources):
            suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in (".doc", ".wps", ".dot") else ".doc"
            # numbered names: two sources may share a file name, and odd characters upset soffice
            file = inputs / f"{index:05d}{suffix}"
            file.write_bytes(data)
            names.append(file)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(outputs),
            *map(str, names),
        ]
        env = dict(os.environ, HOME=str(work))  # keep LibreOffice away from the user's home
        done = subprocess.run(command, capture_output=True, timeout=timeout_s, env=env, check=False, cwd=work)
        results = [
            (outputs / f"{file.stem}.docx").read_bytes() if (outputs / f"{file.stem}.docx").exists() else None
            for file in names
        ]
        if done.returncode != 0 and not any(results):
            words = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(words[-1] if words else f"soffice exited with status {done.returncode}")
        return results


def doc_document(data: bytes, path: Path) -> Document:
    try:
        [converted] = convert_to_docx([(path.name, data)])
    except FileNotFoundError:
        raise ConverterMissing(path, _INSTALL_HINT) from None
    except subprocess.TimeoutExpired:
        raise UnsupportedSource(path, f"LibreOffice did not finish converting within {TIMEOUT_S} s") from None
    except RuntimeError as exc:
        raise UnsupportedSource(path, f"LibreOffice could not convert the file ({exc})") from exc
    if converted is None:
        raise UnsupportedSource(path, "LibreOffice could not convert the file (damaged, or not a Word/WPS document)")
    return docx_document(converted, path, kind="doc")
