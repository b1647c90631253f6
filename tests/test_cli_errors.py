"""The edges of the command line: standard output that cannot be written, and --debug.

These run the real console script in a subprocess: what is checked (a full device, a file size
limit, an encoding, a closed pipe, a traceback) only exists in a real process's streams.
"""

from __future__ import annotations

import errno
import os
import pty
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

STDOUT_ERROR = "Error: cannot write to standard output: "


def _command() -> list[str]:
    script = Path(sys.executable).parent / "ipstats"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ipstats"]


def _run(*args: str, stdout: int | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_command(), *args],
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, **env},
        check=False,
        timeout=60,
    )


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    assert "this is a bug" not in lines[0], stderr
    return lines[0]


COMMANDS = [
    ("export",),
    ("export", "--format", "json"),
    ("list", "cities"),
    ("compare", "shanghai", "shenzhen", "--metric", "pct"),
    ("validate",),
    ("--version",),
]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_device_is_one_error_line_naming_standard_output(args: tuple[str, ...]) -> None:
    with Path("/dev/full").open("w") as full:
        done = _run(*args, stdout=full.fileno())
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert line == STDOUT_ERROR + os.strerror(errno.ENOSPC)


@pytest.mark.parametrize("args", [("export",), ("list", "sources")], ids=" ".join)
def test_a_file_size_limit_is_one_error_line_even_for_buffered_output(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    # A regular file keeps what could not be written in Python's buffer, to be written again at
    # the interpreter's exit: that must not add a second message or change the exit status.
    out = tmp_path / "out.txt"
    with out.open("w") as handle:
        done = subprocess.run(
            ["bash", "-c", 'ulimit -f 0 && exec "$@"', "bash", *_command(), *args],
            stdout=handle,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            timeout=60,
        )
    assert done.returncode == 1, done.stderr
    assert _one_error_line(done.stderr) == STDOUT_ERROR + os.strerror(errno.EFBIG)
    assert out.stat().st_size == 0


def test_a_closed_standard_output_is_one_error_line(tmp_path: Path) -> None:
    done = subprocess.run(
        ["bash", "-c", 'exec "$@" >&-', "bash", *_command(), "list", "cities"],
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert _one_error_line(done.stderr) == STDOUT_ERROR + "it is closed"
    # a command that writes only files and messages does not need it
    out = tmp_path / "out.csv"
    done = subprocess.run(
        ["bash", "-c", 'exec "$@" >&-', "bash", *_command(), "export", "-o", str(out)],
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0


def _first_non_ascii(text: str) -> str:
    return next(c for c in text if not c.isascii())


def test_an_encoding_that_cannot_represent_the_output_is_one_error_line() -> None:
    expected = _first_non_ascii(_run("list", "cities").stdout)
    done = _run("list", "cities", PYTHONIOENCODING="ascii")
    assert done.returncode == 1
    line = _one_error_line(done.stderr)
    assert line.startswith(STDOUT_ERROR + "its encoding ascii cannot represent "), line
    assert line.endswith("(set PYTHONIOENCODING=utf-8)"), line
    # the character is named, escaped if standard error cannot show it either
    assert repr(expected) in line or ascii(expected) in line, line


def test_an_unrepresentable_character_on_a_terminal_is_one_error_line() -> None:
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [*_command(), "list", "cities"],
            stdout=follower,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONIOENCODING": "ascii", "TERM": "xterm"},
        )
        os.close(follower)
        while True:  # the terminal is read, as a terminal would be, so the child never blocks
            try:
                if not os.read(leader, 65536):
                    break
            except OSError:
                break
        _, stderr = process.communicate(timeout=60)
    finally:
        os.close(leader)
    assert process.returncode == 1
    line = _one_error_line(stderr.decode("utf-8", "replace"))
    assert line.startswith(STDOUT_ERROR + "its encoding ascii cannot represent "), line


def test_a_reader_that_went_away_gets_no_message() -> None:
    reader, writer = os.pipe()
    os.close(reader)  # before the first write: the pipe is broken for every write
    try:
        done = _run("export", stdout=writer)
    finally:
        os.close(writer)
    assert done.returncode == 0
    assert done.stderr == ""


@pytest.mark.parametrize(
    "command",
    [
        "export | head -1",
        "export --format json | head -c 10",
        "list observations | head -n 2",
        "--no-cache export --format yaml | head -1",
    ],
)
def test_a_closed_pipe_does_not_fail_a_pipefail_script(command: str) -> None:
    ipstats = f"{shlex.quote(sys.executable)} -m ipstats"
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {ipstats} {command}; s=$?; echo; echo status=$s"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.splitlines()[-1] == "status=0", done.stderr
    assert done.stderr == ""


# --debug is an option of ipstats, parsed as such


def test_debug_as_the_missing_value_of_an_option_stays_a_usage_error() -> None:
    done = _run("list", "observations", "--search", "--debug")
    assert done.returncode == 2
    line = _one_error_line(done.stderr)
    assert "--search" in line and "'--debug'" in line, line
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "option", "given"),
    [
        (("list", "observations", "--city", "--metric", "pct"), "--city", "--metric"),
        (("compare", "shanghai", "shenzhen", "-m", "--year", "2024"), "--metric", "--year"),
        (("export", "--year", "--format", "json"), "--year", "--format"),
        (("list", "indicators", "--search=--data"), "--search", "--data"),
        (("growth", "shanghai", "--from", "-h"), "--from", "-h"),
    ],
)
def test_an_option_given_as_another_options_value_is_a_usage_error(
    args: tuple[str, ...], option: str, given: str
) -> None:
    done = _run(*args)
    assert done.returncode == 2
    line = _one_error_line(done.stderr)
    assert option in line and repr(given) in line, line


def test_text_that_only_starts_with_a_dash_is_still_a_value() -> None:
    done = _run("list", "indicators", "--search", "-not-an-option")
    assert done.returncode == 1  # searched for, and not found
    assert _one_error_line(done.stderr) != ""
    assert "option" not in done.stderr


# A bug, made on purpose: the dataset cannot be fetched. The console script's own main runs.
_BROKEN = (
    "import sys\n"
    "from ipstats import _cli_group\n"
    "def broken(self):\n"
    "    raise RuntimeError('made to fail')\n"
    "_cli_group.State.dataset = broken\n"
    "sys.argv[0] = 'ipstats'\n"
    "from ipstats.__main__ import main\n"
    "main()\n"
)


def _broken(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _BROKEN, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_a_bug_is_one_line_without_debug() -> None:
    done = _broken("list", "cities")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "Error: unexpected RuntimeError: made to fail (this is a bug in ipstats; rerun with --debug for details)"
    ]


def test_debug_shows_the_traceback_of_a_bug() -> None:
    done = _broken("--debug", "list", "cities")
    assert done.returncode == 1
    assert "Traceback (most recent call last)" in done.stderr
    assert done.stderr.rstrip().endswith("RuntimeError: made to fail")


def test_debug_after_a_command_shows_the_traceback_of_its_error() -> None:
    assert _run("list", "cities", "--debug").returncode == 0
    done = _run("compare", "shanghai", "atlantis", "--debug")
    assert done.returncode != 0
    assert "Traceback (most recent call last)" in done.stderr


@pytest.mark.parametrize("args", [(), ("list",), ("cache",)])
def test_a_group_given_no_command_prints_its_help_once(args: tuple[str, ...]) -> None:
    done = _run(*args)
    both = done.stdout + done.stderr
    assert both.count("Usage:") == 1, both
    assert "Commands" in both
    assert done.returncode == 2
