"""Where the dataset lives and how a file becomes a validated Dataset."""

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from ipstats._collector import paused
from ipstats.errors import DatasetError, Problem
from ipstats.model import Dataset

if TYPE_CHECKING:
    from ipstats import cache

ENV_VAR = "IPSTATS_DATA"
_PACKAGED = Path(__file__).parent / "data" / "indicators.yaml"  # inside an installed wheel
_CHECKOUT = Path(__file__).resolve().parents[2] / "data" / "indicators.yaml"  # source tree


def default_path() -> Path:
    """The shipped dataset: packaged with the wheel, or in the checkout for editable installs."""
    return _PACKAGED if _PACKAGED.is_file() else _CHECKOUT


def choose_path(option: Path | None = None) -> Path:
    """--data wins over $IPSTATS_DATA, which wins over the shipped dataset."""
    if option is not None:
        return option
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else default_path()


class Loaded(NamedTuple):  # not a dataclass: defining one costs 0.5 ms of every query's startup
    dataset: Dataset
    warnings: tuple[Problem, ...]
    path: Path
    notes: tuple[str, ...] = ()  # about the cache, e.g. why there is none; not about the data


# Told what a slow step is about while it lasts: a message such as "reading FILE (20 MiB)".
Progress = Callable[[str], AbstractContextManager[object]]


def load(
    path: Path | None = None, use_cache: bool = True, progress: Progress | None = None
) -> Loaded:
    """Read, parse and validate a dataset file. Raises DatasetError with located problems.

    With ``use_cache``, a dataset read before comes from the cache (``ipstats.cache``) and a
    dataset read now is cached; the result is the same either way. When another process is
    reading the same file into the cache, this one waits for it and takes its result.
    ``progress`` is told when the file is read and when this process waits.
    """
    chosen = choose_path(path)
    name = str(chosen)
    step = progress or _quietly
    if not use_cache:
        with step(_reading(chosen)):
            dataset, warnings = read(chosen, name)
        return Loaded(dataset, warnings, chosen)
    from ipstats import cache

    with paused():
        found = cache.lookup(chosen, name)
    if found.dataset is not None:
        return Loaded(found.dataset, found.warnings, chosen)
    for _ in range(_WAITS):
        if found.cache_file is None:
            break
        with cache.locked(found.cache_file) as held:
            if held is not False:  # the one to build it (or there is no lock to share)
                with paused():
                    again = cache.lookup(chosen, name)  # perhaps written before the lock was had
                if again.dataset is not None:
                    return Loaded(again.dataset, again.warnings, chosen)
                return _read_and_save(chosen, again, step)
        with step(f"waiting for another ipstats process reading {name}..."):
            cache.wait_for_writer(found.cache_file)
        with paused():
            found = cache.lookup(chosen, name)
        if found.dataset is not None:
            return Loaded(found.dataset, found.warnings, chosen)
    return _read_and_save(chosen, found, step)  # no cache to keep it in, or none kept


_WAITS = 3  # for others' builds that left no snapshot (an unwritable directory), then build


def _read_and_save(chosen: Path, found: "cache.Found", step: Progress) -> Loaded:
    from ipstats import cache, loader

    name = str(chosen)
    with step(_reading(chosen)):
        data = found.data if found.data is not None else loader.read_bytes(chosen)
        dataset, warnings = read(chosen, name, data)
        note = cache.save(
            found, data, dataset, warnings, (loader.MAX_FILE_BYTES_VAR, loader.MAX_FILE_BYTES)
        )
    return Loaded(dataset, warnings, chosen, (note,) if note else ())


def _reading(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    return f"reading {path} ({size / 2**20:.0f} MiB)..." if size >= 2**20 else f"reading {path}..."


@contextlib.contextmanager
def _quietly(message: str) -> Iterator[None]:
    yield


def on_terminal(stream: TextIO, after: float = 1.0) -> Progress | None:
    """Progress shown on ``stream`` if it is a terminal: a step's message once it has taken
    ``after`` seconds, erased when the step is over. None if ``stream`` is not a terminal."""
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):  # replaced, or closed
        return None

    @contextlib.contextmanager
    def step(message: str) -> Iterator[None]:
        import threading

        shown = threading.Event()

        def show() -> None:
            with contextlib.suppress(OSError, ValueError):
                stream.write(message)
                stream.flush()
                shown.set()

        timer = threading.Timer(after, show)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            timer.join()
            if shown.is_set():
                with contextlib.suppress(OSError, ValueError):
                    stream.write("\r\x1b[K")  # back to the start of the line, and clear it
                    stream.flush()

    return step


def read(path: Path, name: str, data: bytes | None = None) -> tuple[Dataset, tuple[Problem, ...]]:
    """Parse and validate a dataset file (or its bytes, already read), without the cache."""
    from ipstats._tree import PositionsNeeded
    from ipstats.loader import decode, parse, parse_unplaced, read_bytes
    from ipstats.schema import build_dataset

    if data is None:
        data = read_bytes(path)
    with paused():
        try:
            # Without positions first: a valid file reads much faster. Validation asks for a
            # position only to report a problem (a warning too), and then the file is read
            # again with positions, so that every message is exactly as if read that way.
            dataset, warnings = build_dataset(parse_unplaced(data), name)
            if not warnings:
                return dataset, warnings
        except (PositionsNeeded, DatasetError):
            pass
        return build_dataset(parse(decode(data, name), name), name)
