"""Where the dataset lives and how a file becomes a validated Dataset."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ipstats.errors import DatasetError, Problem
from ipstats.model import Dataset

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


def load(path: Path | None = None, use_cache: bool = True) -> Loaded:
    """Read, parse and validate a dataset file. Raises DatasetError with located problems.

    With ``use_cache``, a dataset read before comes from the cache (``ipstats.cache``) and a
    dataset read now is cached; the result is the same either way.
    """
    chosen = choose_path(path)
    name = str(chosen)
    if not use_cache:
        dataset, warnings = read(chosen, name)
        return Loaded(dataset, warnings, chosen)
    from ipstats import cache

    def reload() -> Dataset:  # the cache turned out damaged: read the file, cache it again
        again = cache.miss(chosen)
        data = _read_bytes(chosen)
        dataset, warnings = read(chosen, name, data)
        cache.save(again, data, dataset, warnings, _size_limit())
        return dataset

    found = cache.lookup(chosen, name, reload)
    if found.dataset is not None:
        return Loaded(found.dataset, found.warnings, chosen)
    data = found.data if found.data is not None else _read_bytes(chosen)
    dataset, warnings = read(chosen, name, data)
    note = cache.save(found, data, dataset, warnings, _size_limit())
    return Loaded(dataset, warnings, chosen, (note,) if note else ())


def _size_limit() -> tuple[str, int]:
    from ipstats import loader

    return loader.MAX_FILE_BYTES_VAR, loader.MAX_FILE_BYTES


def _read_bytes(path: Path) -> bytes:
    from ipstats.loader import read_bytes  # imports yaml: only when the YAML is to be read

    return read_bytes(path)


def read(path: Path, name: str, data: bytes | None = None) -> tuple[Dataset, tuple[Problem, ...]]:
    """Parse and validate a dataset file (or its bytes, already read), without the cache."""
    from ipstats._tree import PositionsNeeded
    from ipstats.loader import decode, parse, parse_unplaced, read_bytes
    from ipstats.schema import build_dataset

    if data is None:
        data = read_bytes(path)
    with _collector_paused():
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


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing makes millions of objects and no cycles; the cyclic garbage collector would
    scan them again and again as they pile up (it doubles the time of a large file)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
