"""The corpus generation: a number that grows with every write to the corpus, whoever makes it.

Database triggers (migration 0003) bump ``corpus_generation.value`` inside each
writing transaction on sources, reports, findings and reviews (and on any update of
cells or sections), so the store's writers need not remember to. A process that
caches figures over the corpus reads the number before computing and drops what it
computed under an older number; reading it is one primary-key lookup.
"""

from __future__ import annotations

from sqlalchemy import select

from .db import Database
from .models import CorpusGeneration


def corpus_generation(database: Database) -> int:
    """The current generation (0 for a corpus nobody has written to since migration 0003)."""
    with database.engine.connect() as conn:
        value = conn.execute(select(CorpusGeneration.value).where(CorpusGeneration.id == 1)).scalar()
    return int(value or 0)
