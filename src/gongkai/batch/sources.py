"""Find the report files under the paths given: files, folders (recursive) and zip archives.

Zip archives are read in memory, never extracted: a member whose name would climb
out of the archive (``../``, an absolute path) is skipped, as are encrypted members,
members over the size limit, members that inflate suspiciously (zip bombs), nested
archives, and everything after the archive's total uncompressed budget is spent.
The budgets are the library's one ``gongkai.limits.Limits`` (re-exported here).
Whatever ``zipfile`` raises on a damaged archive becomes a ``Skipped`` with a
Chinese reason; nothing of it escapes.

``iter_sources`` finds them one at a time (the ingest holds no list of the corpus);
each file's ``SourceRef`` carries the stat signature (size, mtime, ctime, inode) the
ingest remembers its content hash by (``store.signatures``).
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..ingest import open_problem
from ..ingest.zips import ZIP_ERRORS
from ..limits import Limits

__all__ = [
    "ARCHIVE_SUFFIXES",
    "REPORT_SUFFIXES",
    "Limits",
    "Loaded",
    "Skipped",
    "SourceRef",
    "count_sources",
    "discover",
    "iter_sources",
    "load",
]

REPORT_SUFFIXES = frozenset(
    (".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".doc", ".wps", ".pdf")
    + (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
)
ARCHIVE_SUFFIXES = frozenset((".zip",))
_FOUND_SUFFIXES = REPORT_SUFFIXES | ARCHIVE_SUFFIXES


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A file, or one member of a zip archive, to be read."""

    path: Path
    member: str | None = None
    size: int = 0  # declared size (a member's header may lie; reading checks again)
    signature: tuple[int, int, int, int] | None = None  # the file's (size, mtime_ns, ctime_ns, inode) when found

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


def _not_a_form(suffix: str) -> str:
    return f"不是 gongkai 能读取的报告形式（{suffix or '无后缀'}；not a report form gongkai reads）"


def _outside(child: Path, root: Path) -> bool:
    """A symbolic link (or a path through one) that leads out of the ingested folder."""
    try:
        child.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop on older Pythons
        return True
    return False


def signature_of(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What tells a file changed without reading it: size, modification and change times (ns), inode."""
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


Found = tuple[Path, os.stat_result | None]


def _walk(path: Path, sized: bool = True) -> Iterator[Found | Skipped]:
    if path.is_dir():
        yield from _walk_folder(path, path.resolve(), sized)
    elif path.is_file():
        yield (path, path.stat() if sized else None)
    elif path.exists():
        yield Skipped(str(path), "不是普通文件（设备、管道或套接字），不读取（not a regular file）")
    else:
        yield Skipped(str(path), "没有这个文件或文件夹（no such file or folder）")


def _walk_folder(folder: Path, root: Path, sized: bool) -> Iterator[Found | Skipped]:
    """The files under ``folder`` in the order of ``sorted(folder.rglob("*"))``, hidden ones left out.

    Sorting each folder's entries by name and going down in place gives that order. Like ``rglob``
    it does not go down symbolic links to folders; only an entry that is itself a link can lead out.
    Each entry is let go once yielded: an entry keeps the ``stat`` it was asked for, and a folder of
    100,000 files held whole would grow by that much over the run.
    """
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name, reverse=True)
    except PermissionError:
        return
    while entries:
        entry = entries.pop()  # in name order, and no longer held here
        if entry.name.startswith("."):
            continue  # hidden, and so is everything under it
        child = folder / entry.name
        try:
            is_link = entry.is_symlink()
            if entry.is_dir() and not is_link:
                yield from _walk_folder(child, root, sized)
                continue
            if not entry.is_file():
                continue
        except OSError:
            continue
        if is_link and _outside(child, root):
            yield Skipped(str(child), "符号链接指向所选文件夹以外，不读取（symlink leads out of the folder）")
        elif child.suffix.lower() in _FOUND_SUFFIXES:
            yield (child, entry.stat() if sized else None)
        else:
            yield Skipped(str(child), _not_a_form(child.suffix))


def _unsafe_member(name: str) -> str | None:
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or (pure.parts and ":" in pure.parts[0]):
        return "压缩包里的绝对路径（absolute path in archive）"
    if ".." in pure.parts:
        return "路径跳出压缩包（path climbs out of the archive: ..）"
    return None


def _archive_members(path: Path, limits: Limits) -> Iterator[SourceRef | Skipped]:
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS:
        yield Skipped(str(path), "不是可读的 zip 压缩包，或已损坏（not a readable zip archive）")
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
                reason = "加密的成员，不读取（encrypted member）"
            if reason is None and suffix in ARCHIVE_SUFFIXES:
                reason = "压缩包里的压缩包，不打开（nested archive, not opened）"
            if reason is None and suffix not in REPORT_SUFFIXES:
                reason = _not_a_form(suffix)
            if reason is None and info.file_size > limits.max_file:
                reason = limits.over("max_file", info.file_size)
            if reason is None and info.file_size > limits.ratio_floor:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > limits.max_ratio:
                    reason = f"{limits.over('max_ratio', round(ratio))}（suspected zip bomb）"
            if reason is None and info.file_size > budget:
                spent = limits.max_archive_total - budget + info.file_size
                reason = f"{limits.over('max_archive_total', spent)}（uncompressed total over the limit）"
            if reason is not None:
                yield Skipped(ref.name, reason)
                continue
            budget -= info.file_size
            yield ref


def iter_sources(paths: list[Path], limits: Limits | None = None, sized: bool = True) -> Iterator[SourceRef | Skipped]:
    """Every source under ``paths``, in a stable order, and what was skipped and why, one at a time.

    ``sized=False`` leaves out each file's size and signature (no ``stat``): enough to count them.
    """
    limits = limits or Limits()
    for path in paths:
        for found in _walk(path, sized):
            if isinstance(found, Skipped):
                yield found
                continue
            file, stat = found
            suffix = file.suffix.lower()
            if suffix in ARCHIVE_SUFFIXES or (
                suffix not in REPORT_SUFFIXES and file == path and zipfile.is_zipfile(file)
            ):
                signature = signature_of(stat) if stat is not None else None
                for member in _archive_members(file, limits):
                    if isinstance(member, SourceRef) and signature is not None:
                        member = SourceRef(member.path, member.member, member.size, signature)
                    yield member
            elif stat is None:
                yield SourceRef(file)
            else:
                yield SourceRef(file, None, stat.st_size, signature_of(stat))


def discover(paths: list[Path], limits: Limits | None = None) -> list[SourceRef | Skipped]:
    """Every source under ``paths``, in a stable order, and what was skipped and why."""
    return list(iter_sources(paths, limits))


def count_sources(paths: list[Path], limits: Limits | None = None) -> int:
    """How many sources ``iter_sources`` will find (a walk without ``stat``), for progress shown as done of all."""
    return sum(1 for ref in iter_sources(paths, limits, sized=False) if not isinstance(ref, Skipped))


def load(ref: SourceRef, limits: Limits | None = None) -> Loaded | Skipped:
    """The bytes of a source and their sha256, or why they cannot be had."""
    limits = limits or Limits()
    if ref.member is None:
        try:
            size = ref.path.stat().st_size
            if size > limits.max_file:
                return Skipped(ref.name, limits.over("max_file", size))
            data = ref.path.read_bytes()
        except OSError as exc:
            return Skipped(ref.name, f"{open_problem(exc)}（cannot open）")
    else:
        try:
            with zipfile.ZipFile(ref.path) as archive, archive.open(ref.member) as member:
                data = member.read(limits.max_file + 1)  # never trust the declared size
        except ZIP_ERRORS:
            return Skipped(ref.name, "压缩包成员已损坏或无法读取（cannot open the member）")
        if len(data) > limits.max_file:
            return Skipped(ref.name, f"成员解压后超过{limits.allowed('max_file')}（member inflates past the limit）")
    return Loaded(ref.name, data, hashlib.sha256(data).hexdigest())
