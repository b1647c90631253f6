"""The README stays true: its examples are real output, its Quickstart is what CI runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from ipstats import _cli_output, cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = re.findall(r"```console\n\$ (ipstats[^\n]*)\n(.*?)```", README, flags=re.S)


def test_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 10


# Box-drawing characters (U+2500-U+257F) and runs of white space are Rich's way of drawing a
# table, which may change between its versions; the words and numbers, in order, are ours.
_DRAWING = re.compile(r"[\u2500-\u257f]+")


def words(text: str) -> list[str]:
    """The text without table drawing: its words, numbers and signs, in order."""
    return _DRAWING.sub(" ", text).split()


def test_words_keep_numbers_and_order_and_drop_only_drawing() -> None:
    table = "  Year   Shanghai\n ━━━━━━━━━━━━━━━\n  2024      6,822  −9,478 ÷\n"
    assert words(table) == ["Year", "Shanghai", "2024", "6,822", "−9,478", "÷"]
    assert words("a │ b") != words("b │ a")


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example_output_is_real(
    command: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_cli_output, "_is_terminal", lambda: True)
    result = CliRunner().invoke(cli.app, shlex.split(command)[1:], env={"COLUMNS": "100"})
    assert words(result.stdout + result.stderr) == words(expected)


def _quickstart() -> list[str]:
    section = README.split("## Quickstart", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_is_two_commands_main_job_then_tests() -> None:
    first, second = _quickstart()
    assert first.endswith("ipstats compare shanghai shenzhen --metric pct")
    assert "pytest" in second


def test_ci_runs_the_readme_test_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "## Quickstart" in script
    assert "sed -n 2p" in script  # the second Quickstart line, run as written


def _commands() -> list[tuple[str, object]]:
    group = typer.main.get_command(cli.app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found += [(f"{name} {sub}", c) for sub, c in subcommands.items()]
        else:
            found.append((name, command))
    return found


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_every_command_has_help_and_is_in_the_readme(name: str, command: object) -> None:
    help_text = getattr(command, "help", "") or ""
    assert help_text.strip(), name
    assert "Examples:" in help_text and help_text.count("ipstats ") >= 2, name
    top = name.split()[0]
    assert f"ipstats {top}" in README or f"### {top}" in README, name
