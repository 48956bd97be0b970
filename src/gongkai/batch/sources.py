"""Find the report files under the paths given: files, folders (recursive) and zip archives.

Zip archives are read in memory, never extracted: a member whose name would climb
out of the archive (``../``, an absolute path) is skipped, as are encrypted members,
members over the size limit, members that inflate suspiciously (zip bombs), nested
archives, and everything after the archive's total uncompressed budget is spent.
The budgets are the library's one ``gongkai.limits.Limits`` (re-exported here).
Whatever ``zipfile`` raises on a damaged archive becomes a ``Skipped`` with a
Chinese reason; nothing of it escapes.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..ingest import open_problem
from ..ingest.zips import ZIP_ERRORS
from ..limits import Limits

__all__ = ["ARCHIVE_SUFFIXES", "REPORT_SUFFIXES", "Limits", "Loaded", "Skipped", "SourceRef", "discover", "load"]

REPORT_SUFFIXES = frozenset(
    (".txt", ".md", ".markdown", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".doc", ".wps", ".pdf")
    + (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
)
ARCHIVE_SUFFIXES = frozenset((".zip",))


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


def _not_a_form(suffix: str) -> str:
    return f"不是 gongkai 能读取的报告形式（{suffix or '无后缀'}；not a report form gongkai reads）"


def _outside(child: Path, root: Path) -> bool:
    """A symbolic link (or a path through one) that leads out of the ingested folder."""
    try:
        child.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop on older Pythons
        return True
    return False


def _walk(path: Path) -> Iterator[Path | Skipped]:
    if path.is_dir():
        root = path.resolve()
        for child in sorted(path.rglob("*")):
            if child.is_file() and not any(part.startswith(".") for part in child.relative_to(path).parts):
                if _outside(child, root):
                    yield Skipped(str(child), "符号链接指向所选文件夹以外，不读取（symlink leads out of the folder）")
                elif child.suffix.lower() in REPORT_SUFFIXES | ARCHIVE_SUFFIXES:
                    yield child
                else:
                    yield Skipped(str(child), _not_a_form(child.suffix))
    elif path.is_file():
        yield path
    elif path.exists():
        yield Skipped(str(path), "不是普通文件（设备、管道或套接字），不读取（not a regular file）")
    else:
        yield Skipped(str(path), "没有这个文件或文件夹（no such file or folder）")


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
