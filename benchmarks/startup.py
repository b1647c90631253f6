"""Startup: ipstats's main job against the floor no Typer program can beat.

The floor is benchmarks/floor_app.py, a minimal app of the same Typer (two commands, a list of
texts, a text option and an enum option, one line printed). Each round runs every command once,
in turn, so that a machine whose speed drifts slows them alike; the figures are medians.

    python benchmarks/startup.py --runs 21
    python benchmarks/startup.py --runs 21 --gc   # also the console script without its GC pause

ipstats runs as a user runs it: the ``ipstats`` console script next to this Python, bytecode
compiled, a warm cache in a directory of its own ($IPSTATS_CACHE_DIR). Each command runs twice
with its standard output a pipe (so ipstats writes TSV) and on a terminal (a pseudo-terminal of
100 columns, so ipstats draws a Rich table).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import platform
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUESTION = ["compare", "shanghai", "shenzhen", "--metric", "pct"]
FLOOR = [str(HERE / "floor_app.py"), "compare", "shanghai", "shenzhen", "--metric", "pct"]
COLUMNS, LINES = 100, 40
# The console script's own code, with and without the pause of the garbage collector.
WITH_PAUSE = "import sys; sys.argv[0] = 'ipstats'; from ipstats.__main__ import main; main()"
WITHOUT_PAUSE = "import sys; sys.argv[0] = 'ipstats'; from ipstats.cli import main; main()"


def run_piped(command: Sequence[str], env: dict[str, str]) -> float:
    """Wall time of one run with standard output a pipe read to its end."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    _check(command, done.returncode, done.stderr)
    return elapsed


def run_terminal(command: Sequence[str], env: dict[str, str]) -> float:
    """Wall time of one run with standard output a pseudo-terminal read to its end."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    output = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        output += chunk
    assert process.stderr is not None
    errors = process.stderr.read()
    process.wait()
    elapsed = time.perf_counter() - start
    os.close(leader)
    process.stderr.close()
    _check(command, process.returncode, errors)
    return elapsed


def _check(command: Sequence[str], code: int, errors: bytes) -> None:
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(command)}\n{errors.decode(errors='replace')}")


def environment(cache_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONDONTWRITEBYTECODE", "COLUMNS"}}
    for name in ("IPSTATS_DATA", "IPSTATS_MAX_FILE_BYTES", "NO_COLOR", "PYTHONIOENCODING"):
        env.pop(name, None)
    env["IPSTATS_CACHE_DIR"] = str(cache_dir)
    env["TERM"] = "xterm-256color"
    return env


def ipstats_command() -> list[str]:
    script = Path(sys.executable).parent / "ipstats"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ipstats"]


def measure(runs: int, gc: bool, env: dict[str, str]) -> str:
    python = sys.executable
    ipstats = ipstats_command()
    commands: dict[str, tuple[list[str], bool]] = {
        "floor, piped": ([python, *FLOOR], False),
        "ipstats, piped": ([*ipstats, *QUESTION], False),
        "floor, terminal": ([python, *FLOOR], True),
        "ipstats, terminal": ([*ipstats, *QUESTION], True),
        "python -c 'import typer'": ([python, "-c", "import typer"], False),
        "ipstats --version": ([*ipstats, "--version"], False),
        "python -c 'pass'": ([python, "-c", "pass"], False),
    }
    if gc:
        commands["console script with GC pause, piped"] = (
            [python, "-c", WITH_PAUSE, *QUESTION],
            False,
        )
        commands["console script without GC pause, piped"] = (
            [python, "-c", WITHOUT_PAUSE, *QUESTION],
            False,
        )
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command, terminal in commands.values():  # warm up: bytecode written, cache built
        for _ in range(2):
            (run_terminal if terminal else run_piped)(command, env)
    for _ in range(runs):
        for name, (command, terminal) in commands.items():
            times[name].append((run_terminal if terminal else run_piped)(command, env))
    median = {name: statistics.median(values) for name, values in times.items()}

    def row(name: str, base: str | None) -> str:
        ratio = f"{median[name] / median[base]:.2f}" if base else ""
        return f"| {name} | {median[name] * 1000:.1f} ms | {ratio} |"

    lines = [
        f"Median of {runs} alternating runs; {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}.",
        "",
        "| command | median | ratio to the floor |",
        "|---|---:|---:|",
        row("floor, piped", None),
        row("ipstats, piped", "floor, piped"),
        row("floor, terminal", None),
        row("ipstats, terminal", "floor, terminal"),
        row("python -c 'import typer'", "floor, piped"),
        row("ipstats --version", "floor, piped"),
        row("python -c 'pass'", "floor, piped"),
    ]
    if gc:
        with_pause, without = (
            "console script with GC pause, piped",
            "console script without GC pause, piped",
        )
        lines += [row(with_pause, "floor, piped"), row(without, "floor, piped")]
        lines += [
            "",
            f"GC pause saves {(median[without] - median[with_pause]) * 1000:.1f} ms "
            f"({median[without] / median[with_pause]:.3f} x without it).",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="Runs of each command (default 21).")
    parser.add_argument("--gc", action="store_true", help="Also time the GC pause's effect.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ipstats-startup-") as cache_dir:
        env = environment(Path(cache_dir))
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "src"), str(HERE)],
            env=env,
            check=True,
            capture_output=True,
        )
        print(measure(args.runs, args.gc, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
