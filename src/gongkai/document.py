"""The Document: what every source form is turned into before reading.

An ingest module turns one file (text, HTML, Word, PDF, scan) into a
``Document``: an ordered list of blocks, each a paragraph of text or a table
grid, and every piece of text carries the place in the source it came from.
The reader never opens files; it walks these blocks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, TypeVar

LOW_CONFIDENCE = 0.9
"""Below this OCR confidence (0-1) a cell's reading deserves a human look: the one threshold for all."""

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Give a frozen, slotted dataclass a quicker ``__init__``: same signature, same defaults, same object.

    The generated ``__init__`` of a frozen dataclass sets each field through
    ``object.__setattr__`` (its own ``__setattr__`` refuses); setting the slots
    through their descriptors does the same in about half the time. The class stays
    frozen, equal and hashed as before; only building one is quicker (a read builds
    places, paragraphs and characters by the thousand).
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    assert cls.__dataclass_params__.frozen and "__slots__" in cls.__dict__, f"{cls.__name__}: not frozen and slotted"  # type: ignore[attr-defined]
    assert not hasattr(cls, "__post_init__"), f"{cls.__name__} has a __post_init__"
    names: dict[str, Any] = {}
    args, body = [], []
    for f in fields:
        assert f.init and not f.kw_only and f.default_factory is dataclasses.MISSING, f"{cls.__name__}.{f.name}"
        names[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is dataclasses.MISSING:
            args.append(f.name)
        else:
            names[f"_default_{f.name}"] = f.default
            args.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _set_{f.name}(self, {f.name})")
    exec(f"def __init__(self, {', '.join(args)}):\n" + "\n".join(body or ["    pass"]) + "\n", names)
    init = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


REPLACEMENT = "\ufffd"
"""What decoding puts where bytes could not be decoded; the reader reports each one (rule ``text-damaged``)."""


@quick_init
@dataclass(frozen=True, slots=True)
class SourcePlace:
    """Where a piece of text sits in the original file.

    Text-like sources (txt, md, html) give a 1-based ``line`` and character
    offsets ``start``/``end`` into the decoded source text. Paged sources
    (PDF, scans) give a 1-based ``page`` and a ``bbox`` (x0, y0, x1, y1) in
    PDF points from the top-left corner. OCR adds its ``confidence`` (0-1).
    """

    line: int | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float | None = None

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name in ("line", "start", "end", "page", "bbox", "confidence"):
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if name == "bbox" else value
        return out


@quick_init
@dataclass(frozen=True, slots=True)
class Paragraph:
    """A run of text. For plain-text sources one paragraph is one line."""

    text: str
    place: SourcePlace


@quick_init
@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell of a table grid.

    ``covered`` marks a grid slot that belongs to a merged cell whose text
    sits in another slot (rowspan/colspan); it carries no text of its own.
    """

    text: str
    place: SourcePlace
    covered: bool = False


@dataclass(frozen=True, slots=True)
class Grid:
    """A table as a true grid: rows of equal length after merges are expanded."""

    rows: tuple[tuple[GridCell, ...], ...]
    place: SourcePlace


Block = Paragraph | Grid


@dataclass(frozen=True, slots=True)
class Document:
    """A source file as blocks, ready for the reader.

    ``kind`` names the source form (``txt``, ``md``, ``html``, ``docx``,
    ``pdf``, ``ocr``...); ``name`` is the file name shown to users.
    ``metadata`` holds facts the container itself states (a PDF's creation
    date, an HTML ``<title>``); the reader may use them as weak evidence.
    """

    name: str
    kind: str
    blocks: tuple[Block, ...]
    metadata: dict[str, str] = field(default_factory=dict)
