"""Decode the bytes of a text-like source.

Cascade (see DEPENDENCIES.md §5): byte-order mark, then strict UTF-8, then
strict GB18030 (a superset of GBK/GB2312), then charset-normalizer's guess.
Detection alone mislabels short GBK text, so it is only the third resort.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

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
    best = from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), best.encoding
    raise UnicodeDecodeError("unknown", data, 0, len(data), "no encoding fits")
