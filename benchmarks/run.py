"""Benchmarks of the cache: its budgets, measured in one run.

Every figure is a median of runs alternated between the commands compared, in one run on one
machine, so that the ratios are fair even when the machine's speed drifts. Prints Markdown
tables (BENCHMARKS.md holds a copy with the machine it came from).

    python benchmarks/run.py                       # budgets: shipped data and 100k observations
    python benchmarks/run.py --sizes 1k,10k,100k   # a curve
    python benchmarks/run.py --only shipped --runs 21

Commands run as a user would run them: the ``ipstats`` console script next to this Python, in a
pipe (so output is TSV, as in scripts), with bytecode compiled (as pip installs it), and with a
cache directory of their own. Peak memory is the child's maximum resident set size (wait4).
Startup against a bare Typer program is measured by benchmarks/startup.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (the generator next to this script)

QUESTION = ["compare", "shanghai", "shenzhen", "--metric", "pct"]
# the same question asked of the same data as JSON: both cities' figures of the metric
JQ_FILTER = (
    '.observations[] | select(.indicator == "pct_applications" '
    'and (.city == "shanghai" or .city == "shenzhen")) | [.city, .year, .value, .qualifier]'
)
BARE_LOAD = "import sys, yaml; yaml.load(open(sys.argv[1], 'rb'), Loader=yaml.CSafeLoader)"


class Measured:
    """Wall times (s) and peak resident memory (KiB) of the runs of one command."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.peaks: list[int] = []

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mib(self) -> float:
        return max(self.peaks) / 1024


def run_once(command: Sequence[str], env: dict[str, str], into: Measured | None = None) -> None:
    """Run a command (output discarded), timing it and reading its peak memory.

    wait4's peak memory of a child also counts what it shared with this process before it
    started its program, so this process stays small (about 15 MiB, less than any command
    measured: `python -c "import typer"` alone takes 16 MiB).
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}\n{errors}")
    if into is not None:
        into.times.append(elapsed)
        into.peaks.append(usage.ru_maxrss)  # KiB on Linux


def alternate(
    commands: dict[str, Sequence[str]],
    runs: int,
    env: dict[str, str],
    before: dict[str, Callable[[], None]] | None = None,
) -> dict[str, Measured]:
    """Each command ``runs`` times, in turn (a, b, c, a, b, c, ...); ``before`` prepares a run."""
    results = {name: Measured() for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            if before and name in before:
                before[name]()
            run_once(command, env, results[name])
    return results


def environment(cache_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["IPSTATS_CACHE_DIR"] = str(cache_dir)
    for name in ("IPSTATS_DATA", "IPSTATS_MAX_FILE_BYTES"):
        env.pop(name, None)
    return env


# The 300k file is larger than the loader's default limit on dataset files (64 MiB): raised for
# that size only (with it set, each query also asks the loader for the limit, a few ms).
SCALE_LIMIT = {"IPSTATS_MAX_FILE_BYTES": str(2**30)}


def ipstats_command() -> list[str]:
    script = Path(sys.executable).parent / "ipstats"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ipstats"]


def shipped(runs: int, env: dict[str, str]) -> tuple[str, float]:
    """The warm main job on the shipped data against ``ipstats --version``."""
    ipstats = ipstats_command()
    commands = {"ipstats --version": [*ipstats, "--version"], "warm": [*ipstats, *QUESTION]}
    for command in commands.values():  # warm up: bytecode written, cache built
        run_once(command, env)
        run_once(command, env)
    results = alternate(commands, runs, env)
    version, warm = results["ipstats --version"], results["warm"]
    ratio = warm.median / version.median
    lines = [
        f"Shipped dataset, median of {runs} alternating runs:",
        "",
        "| command | median | peak memory |",
        "|---|---:|---:|",
        f"| `ipstats --version` | {version.median * 1000:.1f} ms | {version.peak_mib:.0f} MiB |",
        f"| `ipstats compare shanghai shenzhen --metric pct` (warm) | {warm.median * 1000:.1f} ms "
        f"| {warm.peak_mib:.0f} MiB |",
    ]
    return "\n".join(lines), ratio


def ensure_datasets(sizes: list[str], data_dir: Path) -> dict[str, tuple[Path, Path]]:
    found = {}
    for size in sizes:
        yaml_path, json_path = data_dir / f"obs-{size}.yaml", data_dir / f"obs-{size}.json"
        if not (yaml_path.exists() and json_path.exists()):
            print(f"generating {size} ...", file=sys.stderr)
            # in another process: this one stays small (see run_once)
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "generate.py"),
                    "--size",
                    size,
                    "--out-dir",
                    str(data_dir),
                ],
                check=True,
                stdout=sys.stderr,
            )
        found[size] = (yaml_path, json_path)
    return found


class Scaled:
    """One dataset size: its commands' measurements."""

    def __init__(self, size: str, observations: int, yaml_bytes: int) -> None:
        self.size, self.observations, self.yaml_bytes = size, observations, yaml_bytes
        self.results: dict[str, Measured] = {}
        self.cache_bytes = 0


def scale(
    sizes: list[str],
    data_dir: Path,
    runs: int,
    cold_runs: int,
    cache_dir: Path,
    env: dict[str, str],
) -> list[Scaled]:
    ipstats = ipstats_command()
    found = []
    for size, (yaml_path, json_path) in ensure_datasets(sizes, data_dir).items():
        cities, indicators, years = generate.SIZES[size]
        scaled = Scaled(size, cities * indicators * years, yaml_path.stat().st_size)
        run_env = {**env, **SCALE_LIMIT} if scaled.yaml_bytes > 64 * 2**20 else env
        query = [*ipstats, "--data", str(yaml_path), *QUESTION]

        def clear() -> None:
            shutil.rmtree(cache_dir, ignore_errors=True)

        # cold: no cache, so the query reads and validates the YAML and writes the cache
        n = cold_runs if scaled.observations >= 100_000 else max(cold_runs, 5)
        print(f"{size}: cold and bare parse, {n} runs each ...", file=sys.stderr)
        scaled.results = alternate(
            {"bare": [sys.executable, "-c", BARE_LOAD, str(yaml_path)], "cold": query},
            n,
            run_env,
            before={"cold": clear},
        )
        print(f"{size}: warm and jq, {runs} runs each ...", file=sys.stderr)
        run_once(query, run_env)  # the cache is there
        warm_commands: dict[str, Sequence[str]] = {"warm": query}
        if shutil.which("jq"):
            warm_commands["jq"] = ["jq", "-c", JQ_FILTER, str(json_path)]
        scaled.results |= alternate(warm_commands, runs, run_env)
        scaled.cache_bytes = sum(p.stat().st_size for p in cache_dir.glob("*.snapshot"))
        found.append(scaled)
    return found


def scale_table(found: list[Scaled], runs: int, cold_runs: int) -> str:
    lines = [
        "`ipstats --data obs-N.yaml compare shanghai shenzhen --metric pct`: cold = no cache "
        "(parse, validate, write the cache), warm = from the cache. Medians: "
        f"{runs} runs warm and jq, {cold_runs} or more cold and bare (at least 5 below 100k). "
        "Peak memory is the largest of the runs.",
        "",
        "| observations | YAML | bare C-loader parse | cold | cold / bare | warm | jq on JSON "
        "| warm / jq | warm peak | cold peak | bare parse peak | cold peak / bare | cache file |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in found:
        bare, cold, warm = s.results["bare"], s.results["cold"], s.results["warm"]
        jq = s.results.get("jq")
        lines.append(
            f"| {s.observations:,} | {s.yaml_bytes / 2**20:.1f} MiB | {bare.median:.2f} s "
            f"| {cold.median:.2f} s | {cold.median / bare.median:.2f} | {warm.median * 1000:.0f} ms "
            + (
                f"| {jq.median * 1000:.0f} ms | {warm.median / jq.median:.2f} "
                if jq
                else "| - | - "
            )
            + f"| {warm.peak_mib:.0f} MiB | {cold.peak_mib:.0f} MiB | {bare.peak_mib:.0f} MiB "
            f"| {cold.peak_mib / bare.peak_mib:.2f} | {s.cache_bytes / 2**20:.1f} MiB |"
        )
    return "\n".join(lines)


def concurrent(
    size: str, data_dir: Path, processes: int, cache_dir: Path, env: dict[str, str]
) -> str:
    """``processes`` cold queries of one dataset started at once: one builds, the rest wait."""
    ((yaml_path, _),) = ensure_datasets([size], data_dir).values()
    shutil.rmtree(cache_dir, ignore_errors=True)
    query = [*ipstats_command(), "--data", str(yaml_path), *QUESTION]
    print(f"{size}: {processes} cold queries at once ...", file=sys.stderr)
    start = time.perf_counter()
    children = [
        subprocess.Popen(query, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(processes)
    ]
    peaks = []
    for child in children:
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"failed ({child.returncode}): {' '.join(query)}")
        peaks.append(usage.ru_maxrss / 1024)
    elapsed = time.perf_counter() - start
    peaks.sort()
    return (
        f"{processes} cold `compare` queries of obs-{size}.yaml started at once: all done in "
        f"{elapsed:.1f} s; peak memory {peaks[-1]:.0f} MiB for one, "
        f"{peaks[0]:.0f}-{peaks[-2]:.0f} MiB for the others."
    )


def budgets(ratio_shipped: float, found: list[Scaled]) -> str:
    at = {s.size: s for s in found}
    lines = ["| budget | measured | |", "|---|---|---|"]

    def row(text: str, value: float, limit: float, unit: str = "") -> None:
        shown = f"{value:.0f} {unit}" if unit else f"**{value:.2f}**"
        lines.append(f"| {text} | {shown} | {'met' if value <= limit else 'MISSED'} |")

    row("warm main job, shipped data ≤ 1.1 × `ipstats --version`", ratio_shipped, 1.1)
    if "100k" in at:
        big = at["100k"].results
        if "jq" in big:
            row("warm, 100k observations ≤ 0.75 × jq", big["warm"].median / big["jq"].median, 0.75)
        row("cold, 100k ≤ 1.0 × bare C-loader parse", big["cold"].median / big["bare"].median, 1.0)
        row("warm peak memory, 100k ≤ 100 MB (95.4 MiB)", big["warm"].peak_mib, 95.4, "MiB")
        cold_ratio = big["cold"].peak_mib / big["bare"].peak_mib
        row("cold peak memory, 100k ≤ 1.5 × the bare parse's", cold_ratio, 1.5)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["shipped", "scale", "concurrent"], help="One part only.")
    parser.add_argument("--sizes", default="100k", help="e.g. 1k,10k,100k,300k")
    parser.add_argument("--runs", type=int, default=15, help="Runs of fast commands (>= 10).")
    parser.add_argument("--cold-runs", type=int, default=3, help="Runs of parsing commands.")
    parser.add_argument("--processes", type=int, default=8, help="Cold queries at once.")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in generate.SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}; known: {', '.join(generate.SIZES)}")
    with tempfile.TemporaryDirectory(prefix="ipstats-bench-") as temp:
        cache_dir = Path(temp) / "cache"
        env = environment(cache_dir)
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], env=env, check=False
        )
        print(
            f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {time.strftime('%Y-%m-%d')}"
        )
        ratio, found = float("nan"), []
        if args.only in (None, "shipped"):
            table, ratio = shipped(args.runs, env)
            print()
            print(table)
        if args.only in (None, "scale"):
            found = scale(sizes, args.data_dir, args.runs, args.cold_runs, cache_dir, env)
            print()
            print(scale_table(found, args.runs, args.cold_runs))
        if args.only in (None, "concurrent"):
            print()
            print(concurrent(sizes[-1], args.data_dir, args.processes, cache_dir, env))
        if args.only is None:
            print()
            print(budgets(ratio, found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
