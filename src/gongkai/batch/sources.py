"""Find the report files under the paths given: files, folders (recursive) and zip archives.

Zip archives are read in memory, never extracted: a member whose name would climb
out of the archive (``../``, an absolute path) is skipped, as are encrypted members,
members over the size limit, members that inflate suspiciously (zip bombs), nested
archives, and everything after the archive's total uncompressed budget is spent.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

REPORT_SUFFIXES = frozenset(
    (".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".doc", ".wps", ".pdf")
    + (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
)
ARCHIVE_SUFFIXES = frozenset((".zip",))


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits for reading sources; every size is in bytes."""

    max_file: int = 200 * 1024 * 1024  # one file or one archive member
    max_archive_total: int = 2 * 1024 * 1024 * 1024  # all members of one archive, uncompressed
    max_ratio: int = 100  # uncompressed / compressed, above which a large member is a suspected bomb
    ratio_floor: int = 1024 * 1024  # members smaller than this are never judged by ratio


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A file, or one member of a zip archive, to be read."""

    path: Path
    member: str | None = None
    size: int = 0  # declared size (a member's header may lie; reading checks again)

    @property
    def name(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.member).suffix.lower() if self.member else self.path.suffix.lower()


@dataclass(frozen=True, slots=True)
class Skipped:
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class Loaded:
    name: str
    data: bytes
    sha256: str


class SourceUnreadable(Exception):
    """A source (or an archive) cannot be opened; the message names it."""


def _walk(path: Path) -> Iterator[Path | Skipped]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                if child.suffix.lower() in REPORT_SUFFIXES | ARCHIVE_SUFFIXES:
                    yield child
                else:
                    yield Skipped(str(child), f"not a report form gongkai reads ({child.suffix or 'no suffix'})")
    elif path.is_file():
        yield path
    else:
        yield Skipped(str(path), "no such file or folder")


def _unsafe_member(name: str) -> str | None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or (pure.parts and ":" in pure.parts[0]):
        return "absolute path in archive"
    if ".." in pure.parts:
        return "path climbs out of the archive (..)"
    return None


def _archive_members(path: Path, limits: Limits) -> Iterator[SourceRef | Skipped]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Skipped(str(path), f"not a readable zip archive ({exc})")
        return
    budget = limits.max_archive_total
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            ref = SourceRef(path, info.filename, info.file_size)
            suffix = ref.suffix
            reason = _unsafe_member(info.filename)
            if reason is None and info.flag_bits & 0x1:
                reason = "encrypted member"
            if reason is None and suffix in ARCHIVE_SUFFIXES:
                reason = "nested archive (not opened)"
            if reason is None and suffix not in REPORT_SUFFIXES:
                reason = f"not a report form gongkai reads ({suffix or 'no suffix'})"
            if reason is None and info.file_size > limits.max_file:
                reason = f"member is {info.file_size} bytes, over the {limits.max_file} byte limit"
            if reason is None and info.file_size > limits.ratio_floor:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > limits.max_ratio:
                    reason = f"inflates {ratio:.0f}-fold (suspected zip bomb)"
            if reason is None and info.file_size > budget:
                reason = f"archive's uncompressed total is over the {limits.max_archive_total} byte limit"
            if reason is not None:
                yield Skipped(ref.name, reason)
                continue
            budget -= info.file_size
            yield ref


def discover(paths: list[Path], limits: Limits | None = None) -> list[SourceRef | Skipped]:
    """Every source under ``paths``, in a stable order, and what was skipped and why."""
    limits = limits or Limits()
    out: list[SourceRef | Skipped] = []
    for path in paths:
        for found in _walk(path):
            if isinstance(found, Skipped):
                out.append(found)
            elif found.suffix.lower() in ARCHIVE_SUFFIXES or (
                found == path and zipfile.is_zipfile(found) and found.suffix.lower() not in REPORT_SUFFIXES
            ):
                out.extend(_archive_members(found, limits))
            else:
                out.append(SourceRef(found, None, found.stat().st_size))
    return out


def load(ref: SourceRef, limits: Limits | None = None) -> Loaded | Skipped:
    """The bytes of a source and their sha256, or why they cannot be had."""
    limits = limits or Limits()
    try:
        if ref.member is None:
            size = ref.path.stat().st_size
            if size > limits.max_file:
                return Skipped(ref.name, f"file is {size} bytes, over the {limits.max_file} byte limit")
            data = ref.path.read_bytes()
        else:
            with zipfile.ZipFile(ref.path) as archive, archive.open(ref.member) as member:
                data = member.read(limits.max_file + 1)  # never trust the declared size
            if len(data) > limits.max_file:
                return Skipped(ref.name, f"member inflates past the {limits.max_file} byte limit")
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError) as exc:
        return Skipped(ref.name, f"cannot open: {exc}")
    return Loaded(ref.name, data, hashlib.sha256(data).hexdigest())
