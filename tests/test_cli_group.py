"""ipstats._cli_group: the command group every command runs through, the one place that turns
errors into one `Error:` line and an exit status."""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from ipstats import _cli_group
from ipstats._cli_group import SHELLS, IpstatsGroup, State, state_of
from ipstats.errors import ExitStatus, NoDataError, UsageError

app = typer.Typer(cls=IpstatsGroup, pretty_exceptions_enable=False, rich_markup_mode=None)
sub = typer.Typer(cls=IpstatsGroup)
app.add_typer(sub, name="sub")


def _debug(ctx: typer.Context, value: bool) -> bool:
    state_of(ctx).debug = value
    return value


@app.callback()
def _root(
    ctx: typer.Context,
    data: Annotated[Path | None, typer.Option("--data")] = None,
    no_color: Annotated[bool, typer.Option("--no-color")] = False,
    debug: Annotated[bool, typer.Option("--debug", callback=_debug, is_eager=True)] = False,
) -> None:
    state = state_of(ctx)
    state.data = data
    state.color = not no_color


@app.command()
def say(
    ctx: typer.Context,
    words: Annotated[list[str] | None, typer.Argument()] = None,
    name: Annotated[str | None, typer.Option("--name", "-n")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag")] = None,
) -> None:
    state = state_of(ctx)
    typer.echo(f"{words} {name} {tag} data={state.data} color={state.color}")


FAILURES: dict[str, Callable[[], BaseException]] = {
    "usage": lambda: UsageError("unknown city 'gamma'"),
    "nodata": lambda: NoDataError("no figures for alpha"),
    "bug": lambda: RuntimeError("made to fail"),
    "interrupt": KeyboardInterrupt,
    "abort": typer.Abort,
    "pipe": BrokenPipeError,
    "full": lambda: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
    "file": lambda: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "out.csv"),
}


@app.command()
def fail(kind: str) -> None:
    typer.echo("partial output")
    raise FAILURES[kind]()


@sub.command()
def deep(limit: Annotated[int, typer.Option("--limit")] = 1) -> None:
    typer.echo(str(limit))


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def error_line(result: Any) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return str(lines[0])


@pytest.mark.parametrize(
    ("kind", "status", "line"),
    [
        ("usage", ExitStatus.USAGE, "Error: unknown city 'gamma'"),
        ("nodata", ExitStatus.ERROR, "Error: no figures for alpha"),
        (
            "bug",
            ExitStatus.ERROR,
            "Error: unexpected RuntimeError: made to fail (this is a bug in ipstats; rerun "
            "with --debug for details)",
        ),
        (
            "full",
            ExitStatus.ERROR,
            f"Error: cannot write to standard output: {os.strerror(errno.ENOSPC)}",
        ),
    ],
)
def test_an_error_is_one_line_and_its_exit_status(kind: str, status: ExitStatus, line: str) -> None:
    result = run("fail", kind)
    assert result.exit_code == status
    assert error_line(result) == line


def test_a_failure_to_write_a_named_file_is_not_taken_for_standard_output() -> None:
    result = run("fail", "file")
    assert result.exit_code == ExitStatus.ERROR
    assert error_line(result).startswith("Error: unexpected OSError:")


@pytest.mark.parametrize("kind", ["bug", "usage"])
def test_debug_lets_the_exception_through(kind: str) -> None:
    result = run("--debug", "fail", kind)
    assert isinstance(result.exception, type(FAILURES[kind]()))
    assert "Error:" not in result.stderr


def test_debug_after_the_command_is_a_root_option_too() -> None:
    assert isinstance(run("fail", "bug", "--debug").exception, RuntimeError)


@pytest.mark.parametrize("kind", ["interrupt", "abort"])
def test_an_interruption_exits_130_without_a_message(kind: str) -> None:
    result = run("fail", kind)
    assert result.exit_code == ExitStatus.INTERRUPTED == 130
    assert result.stderr.strip() == ""


def test_a_reader_that_went_away_is_no_error() -> None:
    result = run("fail", "pipe")
    assert result.exit_code == ExitStatus.OK
    assert result.stderr == ""


def test_a_usage_error_of_the_parser_is_one_line_pointing_to_help() -> None:
    result = run("sub", "deep", "--limit", "many")
    assert result.exit_code == ExitStatus.USAGE
    line = error_line(result)
    assert "--limit" in line and line.endswith(" sub deep --help')")


def test_an_unknown_option_close_to_one_of_the_command_is_suggested() -> None:
    result = run("say", "--nmae", "x")
    assert result.exit_code == ExitStatus.USAGE
    line = error_line(result)
    assert (
        line.startswith("Error: no such option --nmae for '") and "; did you mean: --name?" in line
    )


def test_an_option_of_another_command_names_that_command() -> None:
    result = run("say", "--limit", "3")
    assert result.exit_code == ExitStatus.USAGE
    assert "no such option --limit for '" in error_line(result)
    assert "; it is an option of sub deep (see '" in error_line(result)


@pytest.mark.parametrize(
    "args",
    [("--name", "a", "--name", "b"), ("--name=a", "-n", "b"), ("-na", "--name", "b")],
)
def test_an_option_of_one_value_given_twice_is_a_usage_error(args: tuple[str, ...]) -> None:
    result = run("say", *args)
    assert result.exit_code == ExitStatus.USAGE
    assert error_line(result) == "Error: --name takes one value, got 2: a, b"
    assert result.stdout == ""


def test_an_option_of_many_values_may_be_repeated_and_after_a_double_dash_nothing_counts() -> None:
    result = run("say", "--tag", "a", "--tag", "b", "--name", "n", "--", "--name", "m")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("['--name', 'm'] n ['a', 'b']")


def test_root_options_after_a_command_are_root_options() -> None:
    result = run("say", "hi", "--no-color", "--data", "d.yaml", "-n", "x")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "['hi'] x None data=d.yaml color=False"
    assert run("say", "--data=e.yaml").stdout.strip().endswith("data=e.yaml color=True")


def test_a_root_option_given_as_a_value_or_after_a_double_dash_stays_where_it_is() -> None:
    result = run("say", "--name", "--no-color", "--", "--no-color")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "['--no-color'] --no-color None data=None color=True"


def test_outside_standalone_mode_the_exit_status_is_returned() -> None:
    command = typer.main.get_command(app)
    assert command.main(["fail", "usage"], standalone_mode=False) == ExitStatus.USAGE
    assert command.main(["say"], standalone_mode=False) == ExitStatus.OK


def test_an_unknown_completion_shell_is_a_usage_error_naming_the_known_ones() -> None:
    result = run("--show-completion", "tcsh")
    assert result.exit_code == ExitStatus.USAGE
    assert error_line(result) == (
        f"Error: --show-completion: unknown shell 'tcsh'; known: {', '.join(SHELLS)}"
    )


@pytest.mark.parametrize(
    ("args", "shell"),
    [
        (["--show-completion", "bash"], "bash"),
        (["--show-completion=fish", "say"], "fish"),
        (["--show-completion"], None),
        (["say", "--show-completion", "bash"], None),
        ([], None),
    ],
)
def test_the_completion_shell_is_the_one_named_first(args: list[str], shell: str | None) -> None:
    assert _cli_group._completion_shell(args) == shell


def test_a_shell_named_is_asked_for_through_the_environment_and_put_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    variable = _cli_group._complete_var("ip-stats")
    assert variable == "_IP_STATS_COMPLETE"
    monkeypatch.delenv(variable, raising=False)
    with _cli_group._shell_named("zsh", variable):
        assert os.environ[variable] == "source_zsh"
    assert variable not in os.environ
    monkeypatch.setenv(variable, "before")
    with _cli_group._shell_named("bash", variable):
        assert os.environ[variable] == "source_bash"
    assert os.environ[variable] == "before"


def test_an_encoding_that_cannot_write_a_character_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    try:
        "甲".encode("ascii")
    except UnicodeEncodeError as exc:
        caught = exc
    assert _cli_group._stdout_failure(caught) == (
        "cannot write to standard output: its encoding ascii cannot represent '甲' "
        "(set PYTHONIOENCODING=utf-8)"
    )
    other = UnicodeEncodeError("latin-1", "甲", 0, 1, "ordinal not in range")
    assert _cli_group._stdout_failure(other) is None  # not standard output's encoding


def test_a_closed_standard_output_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    assert _cli_group._stdout_failure(AttributeError("write")) == (
        "cannot write to standard output: it is closed"
    )
    assert _cli_group._stdout_failure(ValueError("x")) is None


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EBADF])
def test_a_device_that_takes_no_more_output_is_said(code: int) -> None:
    assert _cli_group._stdout_failure(OSError(code, "why")) == (
        "cannot write to standard output: why"
    )


def test_other_os_errors_are_not_taken_for_standard_output() -> None:
    assert _cli_group._stdout_failure(OSError(errno.ENOENT, "gone")) is None
    assert _cli_group._stdout_failure(OSError(errno.ENOSPC, "full", "out.csv")) is None


def test_the_state_starts_with_the_defaults_and_is_kept_in_the_root_context() -> None:
    state = State()
    assert (state.data, state.color, state.use_cache, state.debug) == (None, True, True, False)
    root = typer.Context(typer.main.get_command(app))
    child = typer.Context(typer.main.get_command(app), parent=root)
    found = state_of(child)
    assert isinstance(found, State) and root.obj is found and state_of(root) is found


def test_the_dataset_is_loaded_once_and_its_notes_said_once(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tiny_path.parent / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("IPSTATS_CACHE_DIR", str(blocker / "cache"))  # no cache can be written
    state = State()
    state.data = tiny_path
    first = state.dataset()
    assert state.dataset() is first
    assert len(first.observations) == 13
    (warning,) = capsys.readouterr().err.splitlines()
    assert warning.startswith("warning: ") and "cache" in warning
