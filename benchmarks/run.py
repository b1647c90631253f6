"""Benchmarks: startup, and the cost of a query from 1,000 to 300,000 observations, cold and warm.

Every figure is a median of runs alternated between the commands compared, in one run on one
machine, so that the ratios are fair even when the machine's speed drifts. Prints Markdown
tables (BENCHMARKS.md holds a copy with the machine it came from).

    python benchmarks/run.py                       # everything (generates missing datasets)
    python benchmarks/run.py --sizes 1k,10k        # a quicker curve
    python benchmarks/run.py --only startup --runs 21

Commands run as a user would run them: the ``ipstats`` console script next to this Python, in a
pipe (so output is TSV, as in scripts), with bytecode compiled (as pip installs it), and with a
cache directory of their own. Peak memory is the child's maximum resident set size (wait4).
hyperfine, if installed, additionally checks the startup figures (``--hyperfine``).
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


# The 300k file is larger than the loader's default limit on dataset files (32 MiB), which this
# raises for every size alike. With it set, each query also asks the loader for the limit.
SCALE_LIMIT = {"IPSTATS_MAX_FILE_BYTES": str(2**30)}


def ipstats_command() -> list[str]:
    script = Path(sys.executable).parent / "ipstats"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ipstats"]


def startup(runs: int, env: dict[str, str], hyperfine: bool) -> str:
    ipstats = ipstats_command()
    python = sys.executable
    commands = {
        "python -c 'import typer'": [python, "-c", "import typer"],
        "ipstats compare shanghai shenzhen --metric pct": [*ipstats, *QUESTION],
        "ipstats --no-cache compare shanghai shenzhen --metric pct": [
            *ipstats,
            "--no-cache",
            *QUESTION,
        ],
        "python -c 'import typer, rich, tabulate, yaml'": [
            python,
            "-c",
            "import typer, rich, tabulate, yaml",
        ],
        "python -c 'pass'": [python, "-c", "pass"],
    }
    for command in commands.values():  # warm up: bytecode written, cache built
        run_once(command, env)
        run_once(command, env)
    results = alternate(commands, runs, env)
    base = results["python -c 'import typer'"].median
    lines = [
        f"Startup on the shipped dataset: median of {runs} alternating runs.",
        "",
        "| command | median | ratio to `import typer` |",
        "|---|---:|---:|",
    ]
    for name, measured in results.items():
        lines.append(
            f"| `{name}` | {measured.median * 1000:.1f} ms | {measured.median / base:.2f} |"
        )
    if hyperfine and shutil.which("hyperfine"):
        done = subprocess.run(
            [
                "hyperfine",
                "-N",
                "--warmup",
                "3",
                "--runs",
                str(runs),
                f"{python} -c 'import typer'",
                " ".join([*ipstats, *QUESTION]),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        lines += ["", "hyperfine:", "", "```", done.stdout.strip(), "```"]
    return "\n".join(lines)


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


def scale(
    sizes: list[str],
    data_dir: Path,
    runs: int,
    cold_runs: int,
    cache_dir: Path,
    env: dict[str, str],
) -> str:
    ipstats = ipstats_command()
    has_jq = shutil.which("jq") is not None
    env = {**env, **SCALE_LIMIT}
    rows = []
    for size, (yaml_path, json_path) in ensure_datasets(sizes, data_dir).items():
        cities, indicators, years = generate.SIZES[size]
        observations = cities * indicators * years
        query = [*ipstats, "--data", str(yaml_path), *QUESTION]

        def clear() -> None:
            shutil.rmtree(cache_dir, ignore_errors=True)

        # cold: no cache, so the query reads and validates the YAML and writes the cache
        n = cold_runs if observations >= 100_000 else max(cold_runs, 5)
        print(f"{size}: cold and bare parse, {n} runs each ...", file=sys.stderr)
        cold = alternate(
            {"bare": [sys.executable, "-c", BARE_LOAD, str(yaml_path)], "cold": query},
            n,
            env,
            before={"cold": clear},
        )
        print(f"{size}: warm and jq, {runs} runs each ...", file=sys.stderr)
        run_once(query, env)  # the cache is there
        warm_commands: dict[str, Sequence[str]] = {"warm": query}
        if has_jq:
            warm_commands["jq"] = ["jq", "-c", JQ_FILTER, str(json_path)]
        warm = alternate(warm_commands, runs, env)
        cache_bytes = sum(p.stat().st_size for p in cache_dir.glob("*.sqlite"))
        bare, built, hit = cold["bare"], cold["cold"], warm["warm"]
        jq = warm.get("jq")
        rows.append(
            f"| {observations:,} | {yaml_path.stat().st_size / 2**20:.1f} MiB "
            f"| {bare.median:.2f} s | {built.median:.2f} s | **{built.median / bare.median:.2f}** "
            f"| {hit.median * 1000:.0f} ms "
            + (
                f"| {jq.median * 1000:.0f} ms | **{hit.median / jq.median:.2f}** "
                if jq
                else "| - | - "
            )
            + f"| {hit.peak_mib:.0f} MiB | {built.peak_mib:.0f} MiB | {bare.peak_mib:.0f} MiB "
            f"| {cache_bytes / 2**20:.1f} MiB |"
        )
    header = [
        f"`ipstats --data obs-N.yaml compare shanghai shenzhen --metric pct`, with "
        f"IPSTATS_MAX_FILE_BYTES={SCALE_LIMIT['IPSTATS_MAX_FILE_BYTES']}: cold = no cache "
        f"(parse, validate, write the cache), warm = from the cache. Medians: {runs} runs "
        f"warm and jq, {cold_runs} or more cold and bare (at least 5 below 100k). Peak memory "
        "is the largest of the runs.",
        "",
        "| observations | YAML | bare C-loader parse | cold | cold / bare | warm | jq on JSON "
        "| warm / jq | warm peak memory | cold peak memory | bare parse peak memory | cache file |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    return "\n".join(header + rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["startup", "scale"], help="One part only.")
    parser.add_argument("--sizes", default=",".join(generate.SIZES), help="e.g. 1k,10k,100k")
    parser.add_argument("--runs", type=int, default=15, help="Runs of fast commands (>= 10).")
    parser.add_argument("--cold-runs", type=int, default=3, help="Runs of parsing commands.")
    parser.add_argument("--data-dir", type=Path, default=HERE / "data")
    parser.add_argument("--hyperfine", action="store_true", help="Also time startup with it.")
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
        if args.only in (None, "startup"):
            print()
            print(startup(args.runs, env, args.hyperfine))
        if args.only in (None, "scale"):
            print()
            print(scale(sizes, args.data_dir, args.runs, args.cold_runs, cache_dir, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
