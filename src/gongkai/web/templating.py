"""Jinja2 templates: autoescaped always (report text is untrusted), partial or full page per request."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..check import RULES, Severity
from ..formats import FORMATS
from ..model import EntityType
from ..store.views import REVIEW_STATUS_ZH
from ..store.workflow import ACTION_ZH, TRANSITIONS
from .layout import table_html
from .security import csrf_token

TEMPLATES = Path(__file__).parent / "templates"
# a template is compiled once per process; GONGKAI_TEMPLATE_RELOAD=1 (while editing templates) checks
# each file's time on every render, which costs about a tenth of a page's time
RELOAD = os.environ.get("GONGKAI_TEMPLATE_RELOAD", "").strip().lower() in ("1", "true", "yes", "on")

LEVELS = {e.value: e.zh for e in EntityType}
FORMAT_NAMES = {f.id: f.short_name for f in FORMATS.values()}
SEVERITY_NAMES = {s.value: s.zh for s in Severity}
STATUS_NAMES = REVIEW_STATUS_ZH


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name; never mark report text |safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=RELOAD,
    )
    env.globals.update(
        LEVELS=LEVELS,
        FORMAT_NAMES=FORMAT_NAMES,
        SEVERITY_NAMES=SEVERITY_NAMES,
        STATUS_NAMES=STATUS_NAMES,
        RULES=RULES,
        TRANSITIONS=TRANSITIONS,
        ACTION_NAMES=ACTION_ZH,
        table_html=table_html,
    )
    env.filters["level_zh"] = lambda v: LEVELS.get(v, v or "—")
    env.filters["format_zh"] = lambda v: FORMAT_NAMES.get(v, v or "未识别")
    env.filters["rule_zh"] = lambda v: RULES[v].zh if v in RULES else v
    env.filters["thousands"] = lambda v: f"{v:,.0f}" if isinstance(v, int | float) else v
    return env


templates = Jinja2Templates(env=_environment())


def is_htmx(request: Request) -> bool:
    """An htmx request that will swap a fragment (not a boosted full navigation)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    base = {
        "request": request,
        "csrf_token": csrf_token(request),
        "user": request.session.get("user") if "session" in request.scope else None,
        "login_required": request.app.state.settings.login_required,
    }
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status_code)
