"""What every command shares: consoles, option types, JSON output."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console

PIPED_WIDTH = 160  # rich assumes 80 columns when output is not a terminal: too narrow for Chinese tables


def make_console(stderr: bool = False) -> Console:
    """A console for the CLI: the terminal's width, or a wide one when output is piped."""
    console = Console(stderr=stderr)
    if not console.is_terminal:
        console = Console(stderr=stderr, width=PIPED_WIDTH)
    return console


console = make_console()
errors = make_console(stderr=True)

JsonOption = Annotated[bool, typer.Option("--json", help="输出 JSON 而不是表格。")]
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="数据库地址或 SQLite 文件（默认 $GONGKAI_DB，否则 ./gongkai.sqlite）。"),
]


def dump(data: object) -> None:
    """Print ``data`` as JSON on stdout (Chinese kept, dates and decimals as text)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
