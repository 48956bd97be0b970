"""Rule families; importing this package registers every rule."""

from . import arithmetic, completeness, crossyear, metadata, narrative, recognition, units

__all__ = ["arithmetic", "completeness", "crossyear", "metadata", "narrative", "recognition", "units"]
