"""Why the cache is SQLite: what each way of keeping a validated dataset costs a query.

For a dataset file, each in a fresh process: the time from a cache file to the observations
the main query needs (both cities' PCT figures), and the process's peak memory, for

- sqlite: ipstats's cache, one indexed lookup;
- marshal: every observation as a tuple of plain values, records built again on loading (a
  lower bound: year-on-year changes are left out);
- pickle: every record, pickled (frozen dataclasses), the Dataset built again on loading.

    python benchmarks/cache_formats.py benchmarks/data/obs-100k.yaml
"""

from __future__ import annotations

import marshal
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ipstats.datafile import load, read
from ipstats.model import Dataset, Observation, Period, Qualifier

WANTED = (("pct_applications",), ("shanghai", "shenzhen"))


def _as_tuples(dataset: Dataset) -> bytes:
    return marshal.dumps(
        tuple(
            (
                o.indicator,
                o.city,
                o.year,
                o.value,
                o.qualifier.value,
                o.period.value,
                o.source,
                o.locator,
                None if o.as_of is None else o.as_of.isoformat(),
                o.scope,
                o.note,
            )
            for o in dataset.observations
        )
    )


def _from_tuples(data: bytes) -> tuple[Observation, ...]:
    qualifiers = {q.value: q for q in Qualifier}
    periods = {p.value: p for p in Period}
    return tuple(
        Observation(i, c, y, v, qualifiers[q], periods[p], s, loc, None, None, sc, n)
        for i, c, y, v, q, p, s, loc, _, sc, n in marshal.loads(data)
    )


def _child(kind: str, path: Path, pickled: Path, tuples: Path) -> None:
    """In a fresh process: get the observations asked for; print the time it took."""
    start = time.perf_counter()
    if kind == "sqlite":
        found: Any = load(path).dataset.observations_of(*WANTED)
    elif kind == "marshal":
        everything = _from_tuples(tuples.read_bytes())
        found = [o for o in everything if o.indicator in WANTED[0] and o.city in WANTED[1]]
    else:
        sources, cities, indicators, observations = pickle.loads(pickled.read_bytes())
        found = Dataset.build(sources, cities, indicators, observations).observations_of(*WANTED)
    print(f"{(time.perf_counter() - start) * 1000:.1f} {len(found)}")


def _measure(kind: str, arguments: list[str]) -> str:
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, *arguments], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    elapsed, found = process.stdout.read().split()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    if process.returncode:
        raise SystemExit(f"{kind} failed")
    return f"| {kind} | {elapsed} ms | {found} | {usage.ru_maxrss / 1024:.0f} MiB |"


def _prepare(path: Path, pickled: Path, tuples: Path) -> None:
    """Write the three caches (in a process of its own: parsing takes much memory)."""
    dataset, _ = read(path, str(path))
    records = (dataset.sources, dataset.cities, dataset.indicators, dataset.observations)
    pickled.write_bytes(pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
    tuples.write_bytes(_as_tuples(dataset))
    load(path)  # writes ipstats's cache


def main(argv: list[str]) -> int:
    if argv[1] in ("--child", "--prepare"):
        path, pickled, tuples = (Path(a) for a in argv[-3:])
        if argv[1] == "--child":
            _child(argv[2], path, pickled, tuples)
        else:
            _prepare(path, pickled, tuples)
        return 0
    path = Path(argv[1])
    with tempfile.TemporaryDirectory() as temp:
        # Peak memory is read with wait4, which also counts what a child shares with this
        # process before it starts its program: this process stays small.
        pickled, tuples = Path(temp) / "dataset.pickle", Path(temp) / "observations.marshal"
        os.environ["IPSTATS_CACHE_DIR"] = str(Path(temp) / "cache")
        arguments = [str(path), str(pickled), str(tuples)]
        subprocess.run([sys.executable, __file__, "--prepare", *arguments], check=True)
        sizes = ", ".join(
            f"{name} {file.stat().st_size / 2**20:.1f} MiB"
            for name, file in [("pickle", pickled), ("marshal", tuples)]
        )
        print(f"{path.name}: {sizes}")
        print()
        print("| format | time to the observations asked for | found | process peak memory |")
        print("|---|---:|---:|---:|")
        for kind in ("sqlite", "marshal", "pickle"):
            print(_measure(kind, arguments))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
