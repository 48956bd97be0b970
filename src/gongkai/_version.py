"""The package version, kept apart from the public face so inner modules can import it."""

__version__ = "0.1.0"
