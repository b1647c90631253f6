"""Startup: ipstats's main job against the floor no Typer program can beat.

The floor is benchmarks/floor_app.py, a minimal app of the same Typer (two commands, a list of
texts, a text option and an enum option, one line printed). Each round runs every command once,
in turn, so that a machine whose speed drifts slows them alike; the figures are medians of wall
time and of CPU time (user + system), the steadier of the two on a machine shared with others.

    python benchmarks/startup.py --runs 41
    python benchmarks/startup.py --runs 41 --gc   # also the console script without its GC pause
    python benchmarks/startup.py --steps --runs 21  # what a terminal costs, step by step

ipstats runs as a user runs it: the ``ipstats`` console script next to this Python, bytecode
compiled, a warm cache in a directory of its own ($IPSTATS_CACHE_DIR). The main job and the
floor run both with their standard output a pipe (so ipstats writes TSV) and with it a
pseudo-terminal of 100 columns (so ipstats draws a Rich table). On the terminal the floor also
runs as benchmarks/rich_floor.py, which draws its answer as a small Rich table: what Rich alone
costs a Typer program there.

``--steps`` times, inside fresh processes on a pseudo-terminal, each thing ipstats does there
and not in a pipe, as ``_cli_output._emit`` does it: importing Rich's console, its table and ipstats's
renderer, making the Console, building the renderables and printing them, and the collector's
share of that time; with the collector paused for the imports and their objects frozen, as
``_emit`` does, and without, in alternation.
"""

from __future__ import annotations

import argparse
import fcntl
import json
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
RICH_FLOOR = [str(HERE / "rich_floor.py"), *FLOOR[1:]]  # the floor drawing a Rich table
COLUMNS, LINES = 100, 40
# The console script's own code, with and without the pause of the garbage collector.
WITH_PAUSE = "import sys; sys.argv[0] = 'ipstats'; from ipstats.__main__ import main; main()"
WITHOUT_PAUSE = "import sys; sys.argv[0] = 'ipstats'; from ipstats.cli import main; main()"
WITH, WITHOUT = "console script's main, piped", "the same without the GC pause, piped"


def run_once(
    command: Sequence[str], env: dict[str, str], terminal: bool
) -> tuple[float, float, str]:
    """Wall time, CPU time (user + system) and standard error of one run, its standard output
    read to the end; SystemExit if it fails.

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
    errors = process.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    os.close(leader)
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{errors}")
    return elapsed, usage.ru_utime + usage.ru_stime, errors


# One process's terminal-only steps, timed as _cli_output._emit takes them; a JSON line on stderr.
STEPS = """
import gc, json, sys, time
gc.disable()
import ipstats.cli
gc.freeze()
gc.enable()
from ipstats import api
table = api.load().compare("shanghai", "shenzhen", metric="pct").to_table()
spent, took, started = {}, [0.0], [0.0]
def collected(phase, info):
    if phase == "start":
        started[0] = time.perf_counter()
    else:
        took[0] += time.perf_counter() - started[0]
gc.callbacks.append(collected)
def step(name, since=[time.perf_counter(), time.process_time()]):
    wall, cpu = time.perf_counter(), time.process_time()
    spent[name] = ((wall - since[0]) * 1000, (cpu - since[1]) * 1000)
    since[:] = [time.perf_counter(), time.process_time()]
step("start")
if PAUSE:
    gc.disable()
import rich.console
step("import rich.console")
import rich.table
step("import rich.table")
import ipstats.render
step("import ipstats.render, cells")
if PAUSE:
    gc.freeze()
    gc.enable()
console = rich.console.Console(
    no_color=False, highlight=False, soft_wrap=False, emoji=False, markup=False
)
width = console.width
step("Console(), its width")
drawing = ipstats.render.rich_tables([table], width)
step("build the renderables")
console.print(drawing)
step("console.print")
spent["collector, in all of these"] = (took[0] * 1000, took[0] * 1000)
del spent["start"]
print(json.dumps(spent), file=sys.stderr)
"""


def steps(runs: int, env: dict[str, str]) -> str:
    """Medians and minimums of each terminal-only step, with and without the collector's pause."""
    found: dict[bool, list[dict[str, list[float]]]] = {True: [], False: []}
    for round_ in range(runs + 2):
        for pause in (True, False):
            code = f"PAUSE = {pause}\n{STEPS}"
            report = run_steps(code, env)
            if round_ >= 2:  # the first rounds write bytecode and the cache
                found[pause].append(report)
    lines = [
        f"Terminal-only steps in-process, {runs} fresh processes each on a pseudo-terminal of "
        f"{COLUMNS} columns (ms; wall, then CPU):",
        "",
        "| step | paused: median wall | min wall | median CPU | not paused: median wall "
        "| min wall | median CPU |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    names = list(found[True][0])
    totals = {p: [sum(r[n][0] for n in names[:-1]) for r in found[p]] for p in found}
    for name in names:
        cells = []
        for pause in (True, False):
            wall = [r[name][0] for r in found[pause]]
            cpu = [r[name][1] for r in found[pause]]
            cells += [statistics.median(wall), min(wall), statistics.median(cpu)]
        lines.append(f"| {name} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")
    lines.append(
        f"| all the steps | {statistics.median(totals[True]):.2f} | {min(totals[True]):.2f} | "
        f"| {statistics.median(totals[False]):.2f} | {min(totals[False]):.2f} | |"
    )
    return "\n".join(lines)


def run_steps(code: str, env: dict[str, str]) -> dict[str, list[float]]:
    _, _, errors = run_once([sys.executable, "-c", code], env, terminal=True)
    report: dict[str, list[float]] = json.loads(errors.strip().splitlines()[-1])
    return report


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
        "floor drawing a Rich table, terminal": ([python, *RICH_FLOOR], True),
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
            elapsed, used, _ = run_once(command, env, terminal)
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
        row("floor drawing a Rich table, terminal", "floor, terminal"),
        *(row(name, "floor, piped") for name in list(commands)[5:]),
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
    parser.add_argument(
        "--steps", action="store_true", help="Time the terminal-only steps in-process instead."
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ipstats-startup-") as cache_dir:
        env = environment(Path(cache_dir))
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "src"), str(HERE)],
            env=env,
            check=True,
            capture_output=True,
        )
        print(steps(args.runs, env) if args.steps else measure(args.runs, args.gc, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
