"""LibreOffice headless as a converter between document formats.

Every call gets its own LibreOffice profile (``-env:UserInstallation``): two
conversions sharing a profile make the second one fail silently
(DEPENDENCIES.md §3). The cold start dominates (about 1 s), so ``convert``
takes many files in one call for batches.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

TIMEOUT_S = 180
# "pdf" without a filter: LibreOffice picks the PDF export of the document's kind (writer, or calc for sheets)
FILTERS = {"docx": "docx:MS Word 2007 XML", "pdf": "pdf"}
_INPUT_SUFFIXES = (".doc", ".wps", ".dot", ".docx", ".odt", ".rtf", ".html", ".htm", ".xlsx", ".ods")


def soffice_path() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(
    sources: Sequence[tuple[str, bytes]],
    to: str,
    timeout_s: float = TIMEOUT_S,
    env: Mapping[str, str] | None = None,
) -> list[bytes | None]:
    """Convert ``(file name, content)`` pairs to ``to`` ("docx" or "pdf") in one LibreOffice run.

    The file name's suffix tells LibreOffice the input form (unknown suffixes are
    taken as .doc). Returns one entry per source, None where LibreOffice produced
    nothing. Raises ``FileNotFoundError`` when LibreOffice is missing,
    ``subprocess.TimeoutExpired`` past ``timeout_s`` and ``RuntimeError`` (with
    LibreOffice's last words) when it fails as a whole. ``env`` adds to the converter's
    environment (e.g. ``FONTCONFIG_FILE`` for font aliases).
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
            suffix = Path(name).suffix.lower()
            suffix = suffix if suffix in _INPUT_SUFFIXES else ".doc"
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
            FILTERS[to],
            "--outdir",
            str(outputs),
            *map(str, names),
        ]
        env = {**os.environ, **(env or {}), "HOME": str(work)}  # keep LibreOffice away from the user's home
        done = subprocess.run(command, capture_output=True, timeout=timeout_s, env=env, check=False, cwd=work)
        produced = [outputs / f"{file.stem}.{to}" for file in names]
        results = [out.read_bytes() if out.exists() else None for out in produced]
        if done.returncode != 0 and not any(results):
            words = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(words[-1] if words else f"soffice exited with status {done.returncode}")
        return results
