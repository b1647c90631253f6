"""Startup: ipstats's main job against the floor no Typer program can beat.

The floor is benchmarks/floor_app.py, a minimal app of the same Typer (two commands, a list of
texts, a text option and an enum option, one line printed). Each round runs every command once,
in turn, so that a machine whose speed drifts slows them alike; the figures are medians of wall
time and of CPU time (user + system), the steadier of the two on a machine shared with others.

    python benchmarks/startup.py --runs 41
    python benchmarks/startup.py --runs 41 --gc   # also the console script without its GC pause

ipstats runs as a user runs it: the ``ipstats`` console script next to this Python, bytecode
compiled, a warm cache in a directory of its own ($IPSTATS_CACHE_DIR). The main job and the
floor run both with their standard output a pipe (so ipstats writes TSV) and with it a
pseudo-terminal of 100 columns (so ipstats draws a Rich table).
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
WITH, WITHOUT = "console script's main, piped", "the same without the GC pause, piped"


def run_once(command: Sequence[str], env: dict[str, str], terminal: bool) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run, its standard output read to the end.

    On a terminal, standard output is a pseudo-terminal of COLUMNS x LINES; else a pipe.
    """
    leader, follower = os.openpty() if terminal else os.pipe()
    if terminal:
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=follower, stderr=subprocess.PIPE)
    os.close(follower)
    while True:
        try:
            if not os.read(leader, 65536):
                break
        except OSError:  # EIO: the child closed its end of the terminal
            break
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    os.close(leader)
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(
            f"failed ({process.returncode}): {' '.join(command)}\n{errors.decode(errors='replace')}"
        )
    return elapsed, usage.ru_utime + usage.ru_stime


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
        commands[WITH] = ([python, "-c", WITH_PAUSE, *QUESTION], False)
        commands[WITHOUT] = ([python, "-c", WITHOUT_PAUSE, *QUESTION], False)
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for command, terminal in commands.values():  # warm up: bytecode written, cache built
        for _ in range(2):
            run_once(command, env, terminal)
    for _ in range(runs):
        for name, (command, terminal) in commands.items():
            elapsed, used = run_once(command, env, terminal)
            wall[name].append(elapsed)
            cpu[name].append(used)
    median = {name: statistics.median(values) for name, values in wall.items()}
    median_cpu = {name: statistics.median(values) for name, values in cpu.items()}

    def row(name: str, base: str) -> str:
        return (
            f"| {name} | {median[name] * 1000:.1f} ms | {median[name] / median[base]:.2f} "
            f"| {median_cpu[name] * 1000:.1f} ms | {median_cpu[name] / median_cpu[base]:.2f} |"
        )

    lines = [
        f"Median of {runs} alternating runs; {platform.python_implementation()} "
        f"{platform.python_version()}, Typer {_version(python, 'typer')}, {os.cpu_count()} CPUs, "
        f"{platform.platform()}.",
        "",
        "| command | wall | ratio to the floor | CPU | ratio to the floor |",
        "|---|---:|---:|---:|---:|",
        row("floor, piped", "floor, piped"),
        row("ipstats, piped", "floor, piped"),
        row("floor, terminal", "floor, terminal"),
        row("ipstats, terminal", "floor, terminal"),
        *(row(name, "floor, piped") for name in list(commands)[4:]),
    ]
    if gc:
        with_pause, without = WITH, WITHOUT
        lines += [
            "",
            f"The GC pause saves {(median[without] - median[with_pause]) * 1000:.1f} ms wall, "
            f"{(median_cpu[without] - median_cpu[with_pause]) * 1000:.1f} ms CPU.",
        ]
    return "\n".join(lines)


def _version(python: str, package: str) -> str:
    done = subprocess.run(
        [python, "-c", f"import importlib.metadata as m; print(m.version({package!r}))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


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
