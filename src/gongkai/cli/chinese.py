"""The command line's own words in Chinese: help panels, usage lines, metavars and usage errors.

typer 0.29 vendors its own click without gettext, so there is no catalog to translate. gongkai uses the hooks
typer offers: ``Typer(cls=…)`` / ``command(cls=…)`` with subclasses of ``typer.core.TyperGroup`` and
``TyperCommand`` (the documented way to customise a command), overriding public click methods
(``format_usage``, ``get_help_option``, ``make_context``, ``invoke``), and the configuration constants of
``typer.rich_utils`` (panel titles, ``[default: …]``). A usage error raised while parsing is re-raised as
a ``ChineseUsageError`` with its message written in Chinese from the exception's parts (the option, the
parameter, the value pydantic could not read), and typer prints that as usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

import typer
from typer import rich_utils
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
USAGE_PREFIX = "用法："
HELP_OPTION_HELP = "显示此帮助并退出。"

rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
rich_utils.OPTIONS_PANEL_TITLE = "选项"
rich_utils.COMMANDS_PANEL_TITLE = "命令"
rich_utils.ERRORS_PANEL_TITLE = "错误"
rich_utils.ABORTED_TEXT = "已中止。"
rich_utils.RICH_HELP = "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。"
rich_utils.DEFAULT_STRING = "[默认：{}]"
rich_utils.ENVVAR_STRING = "[环境变量：{}]"
rich_utils.REQUIRED_LONG_STRING = "[必填]"
rich_utils.DEPRECATED_STRING = "（已弃用）"

# what an option takes, by the type typer shows (``bare_type``); a flag takes nothing
_TYPE_WORDS = {
    "int": "整数",
    "float": "数字",
    "str": "文字",
    "Path": "路径",
    "path": "路径",
    "list[int]": "整数",
    "list[float]": "数字",
    "list[str]": "文字",
    "list[Path]": "路径",
}

# pydantic's error types (the cause of typer's BadParameter) → what the value is not
_VALUE_PROBLEMS = {
    "int_parsing": "不是整数",
    "int_from_float": "不是整数",
    "int_type": "不是整数",
    "float_parsing": "不是数字",
    "float_type": "不是数字",
    "bool_parsing": "不是是/否值",
    "bool_type": "不是是/否值",
}

# the vendored click's messages that carry no parts of their own
_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Got unexpected extra arguments? ?\(s?\)? ?\((.*)\)"), lambda m: f"多余的参数：{m[1]}"),
    (
        re.compile(r"No such command '(.+?)'\.?(?: Did you mean (.+)\?)?$"),
        lambda m: f"没有这个命令：{m[1]}" + (f"（是否想用 {m[2].replace(', ', '、')}）" if m[2] else ""),
    ),
    (re.compile(r"Missing command\.?"), lambda m: "缺少命令。"),
    (re.compile(r"Argument '(.+)' takes (\d+) values\.?"), lambda m: f"参数 {m[1]} 需要 {m[2]} 个值。"),
    (re.compile(r"Option '(.+)' requires an argument\.?"), lambda m: f"选项 {m[1]} 需要一个值。"),
    (re.compile(r"Option '(.+)' requires (\d+) arguments\.?"), lambda m: f"选项 {m[1]} 需要 {m[2]} 个值。"),
    (re.compile(r"Option '(.+)' does not take a value\.?"), lambda m: f"选项 {m[1]} 不带值。"),
    (re.compile(r"No such option: (\S+)"), lambda m: f"没有这个选项：{m[1]}"),
]


class ChineseUsageError(typer.BadParameter):
    """A usage error whose message is already the Chinese one shown to the user."""

    def __init__(self, message: str, ctx: Any = None, exit_code: int = 2) -> None:
        super().__init__(message, ctx=ctx)
        self.exit_code = exit_code

    def format_message(self) -> str:
        return self.message


def chinese_message(exc: typer.TyperException) -> str:
    """The Chinese message for one of typer's usage errors, built from its parts."""
    if hasattr(exc, "param_type"):  # a missing parameter
        param_type = getattr(exc, "param_type", None) or getattr(getattr(exc, "param", None), "param_type_name", "")
        kind = "参数" if param_type == "argument" else "选项"
        return f"缺少{kind} {_hint(exc)}。"
    if hasattr(exc, "possibilities"):  # an unknown option
        name = getattr(exc, "option_name", "")
        possible: Sequence[str] = getattr(exc, "possibilities", None) or ()
        return f"没有这个选项：{name}" + (f"（是否想用 {'、'.join(sorted(possible))}）" if possible else "")
    if isinstance(exc, typer.BadParameter) and (exc.param is not None or exc.param_hint is not None):
        return f"{_hint(exc)} 的值无效：{_value_problem(exc)}。"
    for pattern, write in _MESSAGES:
        match = pattern.search(exc.message)
        if match:
            return write(match)
    return "命令行用法有误。"


def _hint(exc: typer.TyperException) -> str:
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        hint = param.get_error_hint()
    if hint is None:
        return ""
    return hint if isinstance(hint, str) else " / ".join(hint)


def _value_problem(exc: typer.BadParameter) -> str:
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        for error in errors():
            problem = _VALUE_PROBLEMS.get(str(error.get("type")))
            if problem:
                return f"“{error.get('input')}”{problem}"
    if "does not exist" in exc.message:
        return "不存在"
    return "格式不对"


class _Chinese:
    """What the gongkai group and its commands share: Chinese usage, help option and usage errors."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE_PREFIX)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_HELP
            option.metavar = ""
        return option

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        with _in_chinese():
            return super().make_context(info_name, args, parent=parent, **extra)  # type: ignore[misc]

    def invoke(self, ctx: Any) -> Any:
        with _in_chinese():
            return super().invoke(ctx)  # type: ignore[misc]


class _in_chinese:
    """Re-raises typer's usage errors (not the help shown for no arguments) with a Chinese message."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if not isinstance(exc, typer.TyperException) or isinstance(exc, ChineseUsageError):
            return
        if type(exc).__name__ == "NoArgsIsHelpError":  # its message is the help page, already printed
            return
        raise ChineseUsageError(chinese_message(exc), getattr(exc, "ctx", None), exc.exit_code) from exc


class _NamedArgument(TyperArgument):
    """A positional argument whose Chinese metavar says what it is: no English type beside it."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class _RangedOption(TyperOption):
    """A number option whose allowed range is written in Chinese (``1 至 200``), not ``1<=x<=200``."""

    def _get_number_range_help_str(self) -> str | None:
        low, high = getattr(self, "min", None), getattr(self, "max", None)
        if low is not None and high is not None:
            return f"{low} 至 {high}"
        if low is not None:
            return f"不小于 {low}"
        if high is not None:
            return f"不大于 {high}"
        return None


def _chinese_metavars(params: Sequence[Any]) -> None:
    """Options show what they take in Chinese (整数, 路径 …); flags show nothing; arguments show their name.

    typer has no setting for the type it prints beside a positional argument, so an argument with a metavar
    of its own becomes a ``_NamedArgument`` (the same object, one method different).
    """
    for param in params:
        if type(param) is TyperArgument and param.metavar is not None:
            param.__class__ = _NamedArgument
        if type(param) is TyperOption and (getattr(param, "min", None), getattr(param, "max", None)) != (None, None):
            param.__class__ = _RangedOption
        if isinstance(param, TyperOption) and param.metavar is None:
            if param.is_flag:
                param.metavar = ""
            else:
                param.metavar = _TYPE_WORDS.get(param.bare_type())


class ChineseCommand(_Chinese, TyperCommand):
    """A gongkai command: typer's command speaking Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _chinese_metavars(self.params)


class ChineseGroup(_Chinese, TyperGroup):
    """The gongkai command group (and its sub-groups) speaking Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _chinese_metavars(self.params)


class ChineseTyper(typer.Typer):
    """``typer.Typer`` whose group and commands are the Chinese ones."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", ChineseGroup)
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(**kwargs)

    def command(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("cls", ChineseCommand)
        return super().command(*args, **kwargs)


__all__ = ["ChineseCommand", "ChineseGroup", "ChineseTyper", "ChineseUsageError", "chinese_message"]
