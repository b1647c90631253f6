"""Help that a stranger can use: real examples, plain placeholders, options where people type
them, suggestions that fit, and completion for the shell asked for."""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from ipstats._cli_export import CITE_FORMATS
from ipstats.cli import app
from ipstats.datafile import default_path
from ipstats.formats import EXPORT, SCREEN
from ipstats.model import Category

runner = CliRunner()


def _paths(group: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in sorted(getattr(group, "commands", {}).items()):
        yield from _paths(command, (*path, name))


COMMANDS = tuple(_paths(typer.main.get_command(app)))


def help_of(path: tuple[str, ...], columns: int = 80) -> str:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, (path, result.stderr)
    return result.stdout


def examples(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("ipstats ")]


def test_every_command_is_covered() -> None:
    assert ("compare",) in COMMANDS
    assert ("list", "observations") in COMMANDS
    assert ("cache", "clear") in COMMANDS
    assert len(COMMANDS) >= 12


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "ipstats")
def test_help_has_no_type_placeholders_and_whole_choice_lists(path: tuple[str, ...]) -> None:
    text = help_of(path)
    for placeholder in ("<str>", "<bool>", "<list", "<path>", "<int>", "<table|", "<csv|"):
        assert placeholder not in text, (path, placeholder)
    assert max(map(len, text.splitlines())) <= 80
    words = set(
        text.replace(",", " ").replace(".", " ").replace(";", " ").replace(":", " ").split()
    )
    if "--format" in text:
        offered = {
            ("export",): [f.value for f in EXPORT],
            ("cite",): list(CITE_FORMATS),
        }.get(path, [f.value for f in SCREEN])
        assert set(offered) <= words, path
    if "--category" in text:
        assert {c.value for c in Category} <= words, path


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "ipstats")
def test_help_gives_two_examples_that_work(
    path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = examples(help_of(path))
    assert len(found) >= 2, (path, found)
    # the examples run where a user of the checkout would run them
    (tmp_path / "data").mkdir()
    shutil.copy(default_path(), tmp_path / "data" / "indicators.yaml")
    monkeypatch.chdir(tmp_path)
    for example in found:
        args = shlex.split(example)[1:]
        assert path == tuple(args[: len(path)]), (path, example)
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (example, result.stderr)


@pytest.mark.parametrize(
    "where",
    [
        ["--no-color", "--no-cache", "show", "pct", "--format", "csv"],
        ["show", "pct", "--no-color", "--no-cache", "--format", "csv"],
        ["show", "pct", "--format", "csv", "--no-cache", "--no-color"],
    ],
)
def test_root_flags_work_before_and_after_the_command(where: list[str]) -> None:
    result = runner.invoke(app, where)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("city,year,indicator,")


def test_data_after_the_command_is_the_dataset_used(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("schema_version: [\n", encoding="utf-8")
    for args in (["show", "pct", "--data", str(broken)], ["show", "pct", f"--data={broken}"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, args
        assert "broken.yaml" in result.stderr


def test_debug_after_the_command_shows_the_traceback() -> None:
    result = runner.invoke(app, ["compare", "shanghai", "atlantis", "--debug"])
    assert type(result.exception).__name__ == "UsageError"


def test_a_value_that_looks_like_a_root_flag_stays_the_option_value() -> None:
    result = runner.invoke(app, ["list", "observations", "--search", "--debug"])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "--search" in result.stderr


def test_after_a_double_dash_nothing_is_moved() -> None:
    result = runner.invoke(app, ["list", "observations", "--search", "x", "--", "--no-color"])
    assert result.exit_code == 2


def test_an_option_of_another_command_names_the_commands_that_have_it() -> None:
    result = runner.invoke(app, ["show", "pct", "--year", "2024"])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and "--year" in line
    assert "compare" in line and "list observations" in line


def test_a_misspelt_option_suggests_the_close_ones_only() -> None:
    result = runner.invoke(app, ["compare", "shanghai", "shenzhen", "--yaer", "2024"])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "--year" in line
    assert "--chart" not in line and "--category" not in line


@pytest.mark.parametrize(("shell", "marker"), [("zsh", "#compdef ipstats"), ("fish", "complete ")])
def test_show_completion_prints_the_script_of_the_shell_named(shell: str, marker: str) -> None:
    for args in (["--show-completion", shell], [f"--show-completion={shell}"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.stderr
        assert marker in result.stdout
        assert "complete_" + shell in result.stdout


def test_show_completion_refuses_an_unknown_shell() -> None:
    result = runner.invoke(app, ["--show-completion", "tcsh"])
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: ") and "tcsh" in line and "zsh" in line
