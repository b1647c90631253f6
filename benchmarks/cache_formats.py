"""Why the cache is a marshal snapshot: what each way of keeping a whole Dataset costs a query.

For a dataset file, each way is written once, then read back in fresh processes (median of
runs): the time from the file to the Dataset value (with its indexes) and the process's peak
memory. Every way holds the same plain values; only the container differs:

- marshal: ipstats's snapshot (``ipstats.snapshot``), Observations built as NamedTuples;
- marshal, dataclass records: the same, with Observation as a frozen slotted dataclass, as it
  was before (built field by field, as a dataclass must be);
- json: the same values as JSON (``json.loads``), then built the same way;
- sqlite blob: the marshal bytes in one SQLite blob, read back with ``sqlite3``;
- pickle: the records pickled, for comparison only: unpickling can run any code.

    python benchmarks/cache_formats.py benchmarks/data/obs-100k.yaml
"""

import json
import marshal
import os
import pickle
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ipstats import snapshot
from ipstats.datafile import read

READERS = {
    "marshal (chosen)": """
from ipstats import snapshot
with open(path, "rb") as f:
    dataset, _ = snapshot.loads(f.read(), "x")
""",
    "marshal, dataclass records": """
import dataclasses, marshal
from ipstats import model, snapshot
fields = [(n, object) for n in model.Observation._fields]
Record = dataclasses.make_dataclass("Record", fields, frozen=True, slots=True)
with open(path, "rb") as f:
    values = marshal.loads(f.read())
dataset, _ = snapshot.from_values(values, "x")
records = tuple(Record(*o) for o in dataset.observations)
""",
    "json": """
import json
from ipstats import snapshot
with open(path, "rb") as f:
    values = json.loads(f.read())
values[5], values[6] = bytes(values[5]), bytes(values[6])
values[8] = {int(k): v for k, v in values[8].items()}
values[9] = {int(k): v for k, v in values[9].items()}
dataset, _ = snapshot.from_values(values, "x")
""",
    "sqlite blob": """
import sqlite3
from ipstats import snapshot
connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
(payload,) = connection.execute("SELECT data FROM snapshot").fetchone()
connection.close()
dataset, _ = snapshot.loads(payload, "x")
""",
    "pickle (not safe to read)": """
import pickle
from ipstats.model import Dataset
with open(path, "rb") as f:
    dataset = Dataset(*pickle.load(f))
""",
}


def write_all(dataset_file: Path, where: Path) -> dict[str, Path]:
    dataset, warnings = read(dataset_file, str(dataset_file))
    payload = snapshot.dumps(dataset, warnings)
    values = list(marshal.loads(payload))
    values[5], values[6] = list(values[5]), list(values[6])
    files = {name: where / f"snapshot-{n}" for n, name in enumerate(READERS)}
    files["marshal (chosen)"].write_bytes(payload)
    files["marshal, dataclass records"].write_bytes(payload)
    files["json"].write_text(json.dumps(values), encoding="utf-8")
    connection = sqlite3.connect(files["sqlite blob"])
    with connection:
        connection.execute("CREATE TABLE snapshot (data BLOB)")
        connection.execute("INSERT INTO snapshot VALUES (?)", (payload,))
    connection.close()
    files["pickle (not safe to read)"].write_bytes(
        pickle.dumps(
            (dataset.sources, dataset.cities, dataset.indicators, dataset.observations, "x"),
            protocol=5,
        )
    )
    return files


def measure(files: dict[str, Path], runs: int) -> dict[str, tuple[float, float]]:
    """Per format, the median seconds to read its file (Python's own startup excluded; the
    cyclic garbage collector paused, as ipstats does while loading) and the peak MiB, runs
    alternated between formats.

    wait4's peak memory of a child counts what it shared with this process before it started
    its program, so this process stays small: the files are written by another.
    """
    times: dict[str, list[float]] = {name: [] for name in files}
    peaks: dict[str, list[float]] = {name: [] for name in files}
    for _ in range(runs):
        for name, path in files.items():
            timed = f"import gc, time\ngc.disable()\npath = {str(path)!r}\n"
            timed += f"start = time.perf_counter()\n{READERS[name]}\n"
            timed += "print(time.perf_counter() - start)\n"
            child = subprocess.Popen(
                [sys.executable, "-c", timed], stdout=subprocess.PIPE, text=True
            )
            assert child.stdout is not None
            out = child.stdout.read()
            _, status, usage = os.wait4(child.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"failed: {name}")
            times[name].append(float(out))
            peaks[name].append(usage.ru_maxrss / 1024)
    return {name: (statistics.median(times[name]), max(peaks[name])) for name in files}


def main() -> int:
    if sys.argv[1] == "--write":  # in a process of its own: see measure
        write_all(Path(sys.argv[2]), Path(sys.argv[3]))
        return 0
    dataset_file = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as temp:
        subprocess.run([sys.executable, __file__, "--write", str(dataset_file), temp], check=True)
        files = {name: Path(temp) / f"snapshot-{n}" for n, name in enumerate(READERS)}
        print(
            f"{dataset_file.name}, median of {runs} fresh processes ({time.strftime('%Y-%m-%d')})"
        )
        print()
        print("| format | file | time to the Dataset | peak memory |")
        print("|---|---:|---:|---:|")
        for name, (seconds, peak) in measure(files, runs).items():
            size = files[name].stat().st_size / 2**20
            print(f"| {name} | {size:.1f} MiB | {seconds * 1000:.0f} ms | {peak:.0f} MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
