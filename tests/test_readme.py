"""The README's commands work as printed (issue 10 §9).

Every ``gongkai`` call in a ``bash`` block is spelled ``.venv/bin/gongkai`` (a fresh machine has no
``gongkai`` on its PATH), names a real command and only options that command has, and the ones that are
cheap run, in README order, from a folder beside ``../shared`` on a database of their own — as a user
following the README would run them.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from gongkai.cli import app

from .conftest import REPO, SHARED, shared_or_skip

README = REPO / "README.md"
ROOT = typer.main.get_command(app)
NOT_RUN = {"serve", "user", "bench", "review"}  # a server, a password prompt, a timed loop, a made-up fingerprint
EXITS = {"check": {0, 1}}  # check exits 1 when a report has an error-level finding, as documented


def _bash_blocks(text: str) -> Iterator[str]:
    yield from re.findall(r"```bash\n(.*?)```", text, re.DOTALL)


def readme_calls() -> list[list[str]]:
    """The argument lists of every gongkai call in the README's bash blocks, in order."""
    calls = []
    for block in _bash_blocks(README.read_text(encoding="utf-8")):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            command: list[str] = []
            for word in [*words, "&&"]:
                if word in ("&&", "||", ";", "|"):
                    if command and Path(command[0]).name == "gongkai":
                        calls.append(command)
                    command = []
                else:
                    command.append(word)
    return calls


CALLS = readme_calls()


def _command(args: list[str]) -> tuple[typer.core.TyperCommand, list[str]]:
    """The command an argument list names, and the rest of the arguments."""
    command = ROOT
    rest = list(args)
    while isinstance(command, typer.core.TyperGroup) and rest and not rest[0].startswith("-"):
        assert rest[0] in command.commands, f"gongkai has no command {rest[0]!r}: {args}"
        command = command.commands[rest.pop(0)]
    assert isinstance(command, typer.core.TyperCommand), args
    return command, rest


def test_the_readme_shows_the_commands() -> None:
    named = {_command(call[1:])[0].name for call in CALLS}
    assert {"read", "check", "ingest", "list", "show", "compare", "stats", "export", "serve"} <= named
    assert len(CALLS) >= 15


@pytest.mark.parametrize("call", CALLS, ids=lambda c: " ".join(c[1:3]))
def test_every_call_runs_from_the_venv_and_names_real_options(call: list[str]) -> None:
    assert call[0] == ".venv/bin/gongkai", f"{shlex.join(call)}: a fresh machine has no gongkai on its PATH"
    command, rest = _command(call[1:])
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    for word in rest:
        if word.startswith("-") and not re.fullmatch(r"-?\d+", word):
            assert word.split("=")[0] in known, f"{shlex.join(call)}: {command.name} has no option {word}"


def test_inline_commands_name_real_commands() -> None:
    text = README.read_text(encoding="utf-8")
    spans = re.findall(r"`(?:\.venv/bin/)?gongkai ([a-z][a-z-]*)", text)
    assert spans
    for name in spans:
        assert name in ROOT.commands, f"the README names a command gongkai does not have: {name}"


def test_the_cheap_calls_work_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared_or_skip(SHARED / "corpus" / "seeds")
    (tmp_path / "shared").symlink_to(SHARED)
    workdir = tmp_path / "gongkai"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # ../shared resolves as beside the repository; -o files land here
    runner = CliRunner()
    env = {"GONGKAI_DB": f"sqlite:///{tmp_path / 'readme.sqlite'}"}
    ran = []
    for call in CALLS:
        command, _rest = _command(call[1:])
        name = call[1]
        if name in NOT_RUN or "--cluster" in call:
            continue
        args = call[1:]
        if name == "ingest":
            args = [*args, "--workers", "0"]  # the same reading, in this process
        result = runner.invoke(app, args, env=env)
        assert result.exit_code in EXITS.get(name, {0}), (shlex.join(call), result.output[-2000:])
        ran.append(command.name)
    assert {"ingest", "list", "show", "compare", "stats", "export", "read", "check", "rules", "eval"} <= set(ran)
    assert (workdir / "reports.xlsx").stat().st_size > 10_000
