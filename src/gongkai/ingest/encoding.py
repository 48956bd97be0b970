"""Decode the bytes of a text-like source (txt, md, html).

Cascade (see DEPENDENCIES.md §5): byte-order mark, then strict UTF-8, then
strict GB18030 (a superset of GBK/GB2312), then the one of the two that needs
the fewest replacement characters (U+FFFD) if they are few (a stray byte, a GBK
line pasted into UTF-8), then charset-normalizer's guess. Detection alone
mislabels short GBK text, so it comes last. The reader reports every U+FFFD it
reads (rule ``text-damaged``), so a replaced character is never silent.

``decode_source`` is *the* decoding of a text-like source: the reader reads the
text it returns, every ``SourcePlace`` offset counts characters of it, and the
web's source view shows it. Both call this one function, so they cannot drift.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from ..document import REPLACEMENT
from ..errors import DecodeError

TEXT_KINDS = frozenset(("txt", "md", "html"))

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)``. Raises ``UnicodeDecodeError`` if nothing fits.

    ``declared`` is an encoding the container names (an HTML ``<meta charset>``);
    it is tried after the BOM. GB2312/GBK declarations are read as GB18030,
    since such pages routinely hold characters outside GB2312.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name), name
    candidates = []
    if declared:
        declared = declared.lower().strip()
        if declared in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936"):
            declared = "gb18030"
        candidates.append(declared)
    candidates += ["utf-8", "gb18030"]
    for name in candidates:
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    mostly = _mostly_valid(data)
    if mostly is not None:
        return mostly
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    raise UnicodeDecodeError("unknown", data, 0, len(data), "no encoding fits")


# a text is "mostly valid" in an encoding when at most this share of its characters must be replaced
MOSTLY_VALID_SHARE = 0.01


def _mostly_valid(data: bytes) -> tuple[str, str] | None:
    """UTF-8 or GB18030 with invalid bytes replaced by U+FFFD, whichever replaces fewer, if few enough."""
    best: tuple[int, str, str] | None = None
    for name in ("utf-8", "gb18030"):
        text = data.decode(name, errors="replace")
        replaced = text.count(REPLACEMENT)
        if best is None or replaced < best[0]:
            best = (replaced, text, name)
    assert best is not None
    replaced, text, name = best
    if replaced > max(1, len(text) * MOSTLY_VALID_SHARE):
        return None
    return text, name


def decode_html(data: bytes) -> tuple[str, str]:
    """Decode an HTML page: valid UTF-8 wins (saved pages often keep a stale gb2312 meta), then the meta charset."""
    declared = _META_CHARSET.search(data[:8192])
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return decode_bytes(data, declared=declared.group(1).decode("ascii") if declared else None)


def decode_source(data: bytes, kind: str, name: str | Path = "<bytes>") -> str:
    """The text of a text-like source (``kind`` txt, md or html) exactly as the reader reads it.

    HTML loses its NUL characters here (lxml refuses them), before any offset is
    counted. Raises ``DecodeError`` naming ``name`` when no encoding fits.
    """
    if kind not in TEXT_KINDS:
        raise ValueError(f"{kind!r} is not a text-like source kind ({', '.join(sorted(TEXT_KINDS))})")
    try:
        if kind == "html":
            return decode_html(data)[0].replace("\x00", "")
        return decode_bytes(data)[0]
    except UnicodeDecodeError as exc:
        raise DecodeError(name, "无法确定文本编码（the text encoding cannot be determined）", detail=str(exc)) from exc
