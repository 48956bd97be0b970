"""Page geometry → Document blocks: lines, paragraphs and ruled table grids.

Shared by the text-PDF reader (one ``Word`` per character) and OCR (one
``Word`` per recognised character box): ``geometry`` names the pieces,
``lines`` builds text lines and paragraphs, ``grid`` rebuilds ruled tables on a
page, ``pages`` puts pages together and stitches tables over page breaks.
"""

from .geometry import DEFAULT_SETTINGS, Box, LayoutSettings, PageLayout, Rule, Word, rule_from_box
from .pages import document_blocks, page_items

__all__ = [
    "DEFAULT_SETTINGS",
    "Box",
    "LayoutSettings",
    "PageLayout",
    "Rule",
    "Word",
    "document_blocks",
    "page_items",
    "rule_from_box",
]
