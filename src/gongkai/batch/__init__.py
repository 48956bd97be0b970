"""Batch ingest: many files (folders, zip archives) read in parallel and stored."""

from .pipeline import IngestOptions, IngestSummary, ingest
from .sources import Limits

__all__ = ["IngestOptions", "IngestSummary", "Limits", "ingest"]
