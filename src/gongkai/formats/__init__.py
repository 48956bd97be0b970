"""The national report formats, declared once as data."""

from .model import Block, BlockLayout, Column, Format, Identity, IdentityKind, Row, RowGroup, Section, Table
from .national import FORMAT_2019, FORMAT_2021, FORMAT_PRE2019, FORMATS

__all__ = [
    "FORMATS",
    "FORMAT_2019",
    "FORMAT_2021",
    "FORMAT_PRE2019",
    "Block",
    "BlockLayout",
    "Column",
    "Format",
    "Identity",
    "IdentityKind",
    "Row",
    "RowGroup",
    "Section",
    "Table",
]
