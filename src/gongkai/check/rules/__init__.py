"""Rule families; importing this package registers every rule."""

from . import arithmetic, completeness, metadata, narrative, units

__all__ = ["arithmetic", "completeness", "metadata", "narrative", "units"]
