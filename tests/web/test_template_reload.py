"""Templates are compiled once per process; GONGKAI_TEMPLATE_RELOAD=1 re-checks their files (while editing them)."""

from __future__ import annotations

import os
import subprocess
import sys


def _reloads(value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "GONGKAI_TEMPLATE_RELOAD"}
    if value is not None:
        env["GONGKAI_TEMPLATE_RELOAD"] = value
    code = "from gongkai.web.templating import templates; print(templates.env.auto_reload)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_templates_are_not_rechecked_by_default() -> None:
    from gongkai.web.templating import templates

    if not os.environ.get("GONGKAI_TEMPLATE_RELOAD"):
        assert templates.env.auto_reload is False
    assert _reloads(None) == "False"


def test_the_setting_turns_the_check_on() -> None:
    assert _reloads("1") == "True"
    assert _reloads("0") == "False"
