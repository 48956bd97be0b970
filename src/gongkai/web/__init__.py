"""The web workbench: FastAPI pages (Jinja2 + htmx) and a JSON API over the corpus store."""

from .app import create_app
from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]
