"""Exporting observations: long or wide tables, written atomically."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import IO, Any

from ipstats.errors import ExportError
from ipstats.model import Dataset, Observation
from ipstats.query import (
    OBSERVATION_COLUMNS,
    Filter,
    observation_row,
    require,
    select,
    source_lines,
)
from ipstats.table import Column, Kind, Table

_BY_KEY = {c.key: c for c in OBSERVATION_COLUMNS}
LONG_COLUMNS = (
    *(_BY_KEY[k] for k in ("city", "year", "indicator", "value", "unit", "qualifier", "period")),
    Column("reported_yoy_kind", "Reported YoY kind"),
    Column("reported_yoy_value", "Reported YoY value", Kind.CHANGE),
    Column("reported_yoy_qualifier", "Reported YoY qualifier"),
    *(_BY_KEY[k] for k in ("scope", "source", "locator", "note")),
)


def long_table(dataset: Dataset, where: Filter) -> Table:
    """One row per observation, every field a reader needs to cite it."""
    found = select(dataset, where)
    require(found, "observations match these filters", dataset, where)
    return Table(
        title="Observations",
        columns=LONG_COLUMNS,
        rows=tuple(observation_row(dataset, o) for o in found),
        sources=source_lines(dataset, (o.source for o in found)),
    )


def wide_table(dataset: Dataset, where: Filter) -> Table:
    """One row per city, indicator (and period/scope), one column per year."""
    found = select(dataset, where)
    require(found, "observations match these filters", dataset, where)
    years = sorted({o.year for o in found})
    rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for o in found:
        kind = o.period.value if o.as_of is None else f"{o.period.value} {o.as_of.isoformat()}"
        key = (o.city, o.indicator, kind, o.scope)
        row = rows.setdefault(
            key,
            {
                "city": o.city,
                "indicator": o.indicator,
                "unit": dataset.indicator(o.indicator).unit.value,
                "period": kind,
                "scope": o.scope or None,
            },
        )
        row[str(o.year)] = o.value
        if not o.qualifier.is_exact:
            row[f"{o.year}_qualifier"] = o.qualifier.value
    columns = [
        Column("city", "City"),
        Column("indicator", "Indicator"),
        Column("unit", "Unit"),
        Column("period", "Period"),
        Column("scope", "Scope"),
    ]
    for year in years:
        columns.append(Column(str(year), str(year), Kind.VALUE, qualifier_key=f"{year}_qualifier"))
        columns.append(Column(f"{year}_qualifier", f"{year} qualifier"))
    return Table(
        title="Observations by year",
        columns=tuple(columns),
        rows=tuple(rows.values()),
        sources=source_lines(dataset, (o.source for o in found)),
        hidden=frozenset(f"{y}_qualifier" for y in years),
    )


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Let SIGTERM unwind the stack (so temporary files are removed) while writing."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def atomic_writer(path: Path, binary: bool = False) -> Iterator[IO[Any]]:
    """A file handle whose content replaces ``path`` only if the block finishes without error.

    A symbolic link keeps pointing where it did, at the new content. A device or a pipe
    (``-o /dev/stdout``) cannot be replaced, only written to, so it is written to.
    """
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        if directory.exists():
            raise ExportError(f"cannot write {path}: {directory} is not a directory")
        raise ExportError(f"cannot write {path}: directory {directory} does not exist")
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a directory")
    mode = "wb" if binary else "w"
    encoding = None if binary else "utf-8"
    newline = None if binary else ""
    if path.exists() and not path.is_file():
        try:
            with path.open(mode, encoding=encoding, newline=newline) as handle:
                yield handle
        except OSError as exc:
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
        return
    target = Path(os.path.realpath(path))
    temp: Path | None = None
    # From before the temporary file exists until after it is gone, SIGTERM unwinds the
    # stack instead of ending the process where it stands.
    with terminate_as_interrupt():
        try:
            with _sigterm_held():  # never a temporary file without its name in hand
                fd, temp_name = tempfile.mkstemp(
                    prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
                )
                temp = Path(temp_name)
            with os.fdopen(fd, mode, encoding=encoding, newline=newline) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(OSError):
                temp.chmod(0o644 & ~current_umask())
            temp.replace(target)
        except OSError as exc:
            raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
        finally:
            if temp is not None:
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()


@contextlib.contextmanager
def _sigterm_held() -> Iterator[None]:
    """SIGTERM waits until the block is over (where signals can be held: POSIX)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def current_umask() -> int:
    """The process's file-creation mask (reading it means setting it, so set it back)."""
    current = os.umask(0)
    os.umask(current)
    return current


def write_chunks(path: Path, chunks: Iterable[str]) -> None:
    with atomic_writer(path) as handle:
        for chunk in chunks:
            handle.write(chunk)


def check_references(dataset: Dataset, observations: Sequence[Observation]) -> None:
    """Name the first observation that points outside the dataset (the FKs would only say 'failed')."""
    known = {
        "city": {c.id for c in dataset.cities},
        "indicator": {i.id for i in dataset.indicators},
        "source": {s.id for s in dataset.sources},
    }
    for o in observations:
        for what, ids in known.items():
            value = getattr(o, what)
            if value not in ids:
                raise ExportError(
                    f"cannot export the observation of {o.indicator} for {o.city} in {o.year}: "
                    f"unknown {what} {value!r}"
                )
