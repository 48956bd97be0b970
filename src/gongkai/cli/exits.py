"""The exit codes of ``gongkai``, kept in one place: the console entry point turns every escape into one.

    0  正常 fine
    1  有错误级问题 error findings (``check``)
    2  无法读取的输入、用法错误、数据库或设置的问题 unreadable input, usage, database or settings
    3  内部错误 internal failure: gongkai itself went wrong (a bug; please report it)

Commands exit 0, 1 or 2 themselves. What still escapes one reaches ``GongkaiApp.__call__``: a
``GongkaiError`` is a sentence and exit 2; any other exception is an internal failure, one Chinese
line and exit 3, with the traceback only when ``GONGKAI_DEBUG=1``.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

from ..errors import GongkaiError
from .chinese import ChineseTyper

FINE, ERROR_FINDINGS, UNREADABLE, INTERNAL = 0, 1, 2, 3
DEBUG_VARIABLE = "GONGKAI_DEBUG"

EXIT_CODES = (
    "退出码：0 正常；1 有错误级问题（check）；2 无法读取的输入、用法错误、数据库或设置问题；"
    f"3 内部错误（gongkai 自身出错，请报告；设 {DEBUG_VARIABLE}=1 显示调用栈）。"
)
"""The exit codes in words, for the help's epilog."""


class GongkaiApp(ChineseTyper):
    """``typer.Typer`` whose call (the console entry point) exits 2 or 3 for what a command let escape."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except GongkaiError as exc:
            sys.stderr.write(f"错误：{exc}\n")
            sys.exit(UNREADABLE)
        except Exception as exc:
            sys.exit(internal_failure(exc))


def internal_failure(exc: BaseException) -> int:
    """Say on stderr, in one Chinese line, that gongkai itself failed; the traceback too under ``GONGKAI_DEBUG``."""
    line = str(exc).splitlines()[0] if str(exc) else ""
    sys.stderr.write(
        f"内部错误：gongkai 自身出错（{type(exc).__name__}{'：' + line if line else ''}），请报告此问题；"
        f"设 {DEBUG_VARIABLE}=1 可显示调用栈。\n"
    )
    if os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0"):
        traceback.print_exception(exc, file=sys.stderr)
    return INTERNAL
