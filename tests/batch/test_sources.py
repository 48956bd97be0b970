"""Finding and loading sources: whatever zipfile raises on a damaged archive becomes a Chinese skip reason."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from gongkai.batch.sources import Limits, Loaded, Skipped, SourceRef, discover, load

REPORT = "一、总体情况\n本机关共收到申请 21 件。\n".encode() * 50


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _only(found: list[SourceRef | Skipped]) -> SourceRef | Skipped:
    assert len(found) == 1, found
    return found[0]


def test_a_damaged_archive_is_skipped_in_chinese(tmp_path: Path) -> None:
    archive = tmp_path / "reports.zip"
    archive.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    skipped = _only(discover([archive]))
    assert isinstance(skipped, Skipped) and skipped.reason.startswith("不是可读的 zip 压缩包")


def test_a_member_with_an_unknown_compression_method_is_skipped(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "r.zip", {"a.txt": REPORT})
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):  # local and central headers
        at = data.index(signature) + offset
        data[at : at + 2] = struct.pack("<H", 97)  # no such method
    archive.write_bytes(bytes(data))
    ref = _only(discover([archive]))
    assert isinstance(ref, SourceRef)
    skipped = load(ref)
    assert isinstance(skipped, Skipped) and skipped.reason.startswith("压缩包成员已损坏或无法读取")


def test_a_member_with_damaged_data_is_skipped(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "r.zip", {"a.txt": REPORT})
    data = bytearray(archive.read_bytes())
    start = data.index(b"a.txt") + len("a.txt")  # the deflated bytes follow the local header's name
    for i in range(start, start + 40):
        data[i] ^= 0x5A
    archive.write_bytes(bytes(data))
    ref = _only(discover([archive]))
    assert isinstance(ref, SourceRef)
    skipped = load(ref)
    assert isinstance(skipped, Skipped) and "无法读取" in skipped.reason


def test_limit_reasons_name_the_limit(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "r.zip", {"a.txt": REPORT, "b.txt": REPORT}, zipfile.ZIP_STORED)
    small = Limits(max_file=len(REPORT) - 1)
    reasons = [r.reason for r in discover([archive], small) if isinstance(r, Skipped)]
    assert len(reasons) == 2 and all("超过上限" in r and "Limits.max_file" in r for r in reasons)
    total = Limits(max_archive_total=len(REPORT) + 1)
    [kept, skipped] = discover([archive], total)
    assert isinstance(kept, SourceRef) and isinstance(skipped, Skipped)
    assert "压缩包解压后共" in skipped.reason and "Limits.max_archive_total" in skipped.reason


def test_a_member_that_inflates_past_its_declared_size_is_cut_off(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "r.zip", {"a.txt": REPORT}, zipfile.ZIP_STORED)
    ref = SourceRef(archive, "a.txt", 10)  # a header that lies about the size
    skipped = load(ref, Limits(max_file=len(REPORT) - 1))
    assert isinstance(skipped, Skipped) and skipped.reason.startswith("成员解压后超过上限")


def test_files_load_with_their_hash_and_missing_ones_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(REPORT)
    loaded = load(_only(discover([path])))  # type: ignore[arg-type]
    assert isinstance(loaded, Loaded) and loaded.data == REPORT and len(loaded.sha256) == 64
    missing = _only(discover([tmp_path / "gone.txt"]))
    assert isinstance(missing, Skipped) and missing.reason.startswith("没有这个文件或文件夹")
    path.unlink()
    vanished = load(SourceRef(path))
    assert isinstance(vanished, Skipped) and vanished.reason == "文件不存在（cannot open）"


def test_other_files_in_a_folder_are_skipped_in_chinese(tmp_path: Path) -> None:
    (tmp_path / "notes.xlsx").write_bytes(b"x")
    skipped = _only(discover([tmp_path]))
    assert isinstance(skipped, Skipped) and skipped.reason.startswith("不是 gongkai 能读取的报告形式（.xlsx")


def test_a_symlink_out_of_the_ingested_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(REPORT)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "own.txt").write_bytes(REPORT)
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "inside.txt").symlink_to(folder / "own.txt")  # a link that stays inside is read
    found = discover([folder])
    refused = [f for f in found if isinstance(f, Skipped)]
    assert [Path(f.name).name for f in refused] == ["passwd.txt"]
    assert refused[0].reason.startswith("符号链接指向所选文件夹以外")
    assert sorted(f.path.name for f in found if isinstance(f, SourceRef)) == ["inside.txt", "own.txt"]


def test_a_device_or_pipe_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero")):
        skipped = _only(discover([path]))
        assert isinstance(skipped, Skipped) and skipped.reason.startswith("不是普通文件"), path
