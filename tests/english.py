"""Find English a user would read in captured CLI output or a web page.

What may be English, and why (kept short on purpose):

- ``ALLOWED``: names of formats, standards and programs a Chinese user reads as such (PDF, XLSX, JSON,
  SQLite, LibreOffice …) and a few units (MB, ID);
- tokens a user types or copies: option names (``--json``, ``-o``), the command's own words (passed in by the
  caller: the CLI's command names, the codes an option accepts), environment variables (``$GONGKAI_DB``),
  URLs, e-mail addresses, paths and file names (anything with ``/`` or a file extension);
- identifiers: rule ids (``row-total``), cell ids (``applications.new.person``), hex digests;
- a translation standing beside Chinese: an English sentence right after a Chinese full stop ``。`` on the
  same line (``列出规则目录。List the rule catalog.``), or English in full-width brackets right after a Chinese
  character (``PDF 已损坏或无法读取（damaged or unreadable PDF）``). Nothing else: an English message after a
  file name or a colon (a library's error text) is English a user is left with.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

ALLOWED = frozenset(
    {
        # formats and standards
        "PDF", "DOCX", "DOC", "WPS", "XLSX", "CSV", "JSON", "HTML", "TXT", "MD", "ZIP", "Parquet", "OCR",
        "API", "URL", "CSRF", "TCP", "HTTP", "PNG", "JPG", "DPI",
        # programs and libraries named to the user
        "gongkai", "SQLite", "PostgreSQL", "LibreOffice", "Dask", "argon2", "gold", "OpenAPI", "Swagger", "UI",
        "Markdown", "Cookie", "Word",
        # units and ids
        "MB", "ID", "id", "A4",
    }
)  # fmt: skip

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_GLOSS = re.compile(rf"。[ \t]*[A-Za-z][^{CJK}\n]*|(?<=[{CJK}])（[^（）{CJK}\n]*）")
_TOKENS = re.compile(
    r"https?://\S+|\S+@\S+"  # URLs and e-mail addresses
    r"|\S*[/\\]\S*"  # paths
    r"|[\w.-]*\.(?:txt|md|html?|docx?|wps|pdf|xlsx|csv|json|parquet|zip|sqlite|png|jpe?g|tsv|py|sh)\b"  # files
    r"|\$?GONGKAI_[A-Z_]*\*?"  # environment variables
    r"|(?<![\w-])--?[A-Za-z][\w-]*"  # option names
    r"|\b[a-z]+(?:-[a-z0-9]+)+\b"  # rule ids and other hyphenated identifiers
    r"|\b[a-z_]+(?:\.[a-z_0-9]+)+\b"  # cell ids (applications.new.person)
    r"|\b[0-9a-f]{6,}\b",  # fingerprints and hashes
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9']*")
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]+>", re.DOTALL | re.IGNORECASE)


def page_text(markup: str) -> str:
    """The text of an HTML page as a reader sees it: no tags, attributes, scripts or styles."""
    return html.unescape(_TAG.sub("\n", markup))


def english_words(text: str, also_allowed: Iterable[str] = ()) -> list[str]:
    """The English words in ``text`` that are not allowed, each with a little of its line for context."""
    allowed = {word.casefold() for word in (*ALLOWED, *also_allowed)}
    found = []
    for line in text.splitlines():
        kept = _TOKENS.sub(" ", _GLOSS.sub("。", line))
        for word in _WORD.findall(kept):
            if word.casefold() not in allowed and word.strip("'").casefold() not in allowed:
                found.append(f"{word!r} in {line.strip()[:100]!r}")
    return found
