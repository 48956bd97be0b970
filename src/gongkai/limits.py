"""Budgets that bound the work one source may cause: one ``Limits`` object for the whole library.

Reading a file (``read_file``, ``read_bytes``), a batch (``gongkai ingest``, uploads) and the
zip archives a batch opens all take their budgets from here, so a hostile or broken source
stops at the same line everywhere. A source over a budget raises
``gongkai.errors.LimitExceeded`` with a Chinese message naming the file and the limit; a batch
records the refusal and goes on. Every size is in bytes.

This module imports nothing of gongkai, so that every layer may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one source may hold. The defaults are far above any real annual report.

    The glued-digit budgets do not refuse a source: a run over them is left unread, as
    an ambiguous one is. The time and memory budgets are kept by the batch (``gongkai.batch.budget``:
    each source is read in a process that can be killed); reading one file directly does not keep
    them. Every other budget refuses the source with ``LimitExceeded``.
    """

    max_file: int = 200 * MIB
    """Bytes of one source: a file, an upload, the bytes given to ``read_bytes``, or one
    member of a zip archive (checked on the inflated bytes, never the declared size)."""
    max_archive_total: int = 2048 * MIB
    """Bytes of all members of one zip archive together, uncompressed; members past it are skipped."""
    max_ratio: int = 100
    """A zip member that inflates more than this many times its compressed size is a suspected
    zip bomb and is skipped (members under ``ratio_floor`` are never judged by ratio)."""
    ratio_floor: int = MIB
    """Zip members smaller than this many bytes (uncompressed) are not judged by ``max_ratio``."""
    max_pages: int = 1000
    """Pages of one PDF."""
    max_frames: int = 200
    """Frames of one image file (the pages of a multi-page TIFF)."""
    max_span: int = 1000
    """Grid columns one table cell may span (HTML ``colspan``, Word ``gridSpan``); a larger
    span is cut to this, as a bogus ``colspan="65535"`` must not blow up the grid."""
    max_grid_cells: int = 200_000
    """Slots (rows × columns, spans expanded) of all the table grids of one HTML or Word source together."""
    max_page_pixels: int = 60_000_000
    """Pixels of one page image, scanned or rendered for OCR (about A4 at 1000 dpi); checked before
    the page is decoded or drawn."""
    max_glued_digits: int = 64
    """Digits in one run of glued cell values that the reader tries to split; a longer run stays unread."""
    max_glued_work: int = 20_000
    """Steps the search for the splits of one glued run may take (the search is exponential in the
    run's length; counting results alone does not bound it). Past it the run stays unread."""
    max_ocr_pages: int = 200
    """Pages of one source read by OCR (scanned PDF pages, image frames): about 2 s of work each."""
    max_seconds: int = 600
    """Seconds (wall clock) a batch worker may spend reading and checking one source; past it the
    process reading the source is killed and the source is recorded as failed (``batch.budget``)."""
    max_memory: int = 4096 * MIB
    """Bytes of memory reading one source may take in a batch worker, on top of what the worker already
    holds (its address space, ``RLIMIT_AS``); past it the source is recorded as failed (``batch.budget``)."""

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"Limits.{field.name} must be a positive whole number, not {value!r}")

    def over(self, name: str, found: int) -> str:
        """The Chinese problem text for ``found`` going over the limit ``name``.

        >>> Limits().over("max_pages", 1200)
        'PDF 有 1200 页，超过上限 1000 页（Limits.max_pages）'
        """
        template, unit = _WORDS[name]
        text = template.format(found=_amount(found, unit), allowed=_amount(getattr(self, name), unit))
        return f"{text}（Limits.{name}）"

    def allowed(self, name: str) -> str:
        """The limit ``name`` in words, for a problem whose amount is unknown: ``上限 200.0 MiB（Limits.max_file）``."""
        return f"上限 {_amount(getattr(self, name), _WORDS[name][1])}（Limits.{name}）"


# limit → (problem text, unit of its amounts); byte amounts are shown in MiB once they are large
_WORDS = {
    "max_file": ("文件有 {found}，超过上限 {allowed}", "字节"),
    "max_archive_total": ("压缩包解压后共 {found}，超过上限 {allowed}", "字节"),
    "max_ratio": ("成员膨胀 {found}，超过上限 {allowed}，疑似压缩炸弹", "倍"),
    "ratio_floor": ("成员有 {found}，超过 {allowed}", "字节"),
    "max_pages": ("PDF 有 {found}，超过上限 {allowed}", "页"),
    "max_frames": ("图像文件有 {found}，超过上限 {allowed}", "帧"),
    "max_span": ("表格单元格跨 {found}，超过上限 {allowed}", "列"),
    "max_grid_cells": ("表格共 {found}，超过上限 {allowed}", "格"),
    "max_page_pixels": ("页面图像有 {found}，超过上限 {allowed}", "像素"),
    "max_glued_digits": ("粘连的数字串有 {found}，超过上限 {allowed}", "位"),
    "max_glued_work": ("拆分粘连数字需 {found}，超过上限 {allowed}", "步"),
    "max_ocr_pages": ("需要文字识别的页面有 {found}，超过上限 {allowed}", "页"),
    "max_seconds": ("读取用时 {found}，超过上限 {allowed}", "秒"),
    "max_memory": ("读取所需内存 {found}，超过上限 {allowed}", "字节"),
}


def _amount(value: int, unit: str) -> str:
    if unit == "字节" and value >= MIB:
        return f"{value / MIB:.1f} MiB"
    return f"{value} {unit}"


DEFAULT_LIMITS = Limits()
