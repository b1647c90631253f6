"""Exporting a dataset as a Frictionless Tabular Data Package: CSV files and a JSON descriptor."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ipstats._version import __version__
from ipstats.atomic import current_umask, terminate_as_interrupt
from ipstats.errors import ExportError
from ipstats.model import SCHEMA_VERSION, City, Dataset, Indicator, Observation, Source
from ipstats.rows import check_references, fields_except, numbered_values
from ipstats.tableschema import CITIES, INDICATORS, OBSERVATIONS, RESOURCES, SOURCES, Resource

DESCRIPTOR = "datapackage.json"
PACKAGE_NAME = "ipstats"
# observations.csv names each row's source; the source's address is in sources.csv.
OBSERVATION_FIELDS = fields_except("source_url")
TITLE = "Intellectual-property statistics of Chinese cities"


def write_datapackage(
    dataset: Dataset,
    directory: Path,
    observations: Iterable[Observation] | None = None,
    *,
    created: dt.datetime | None = None,
) -> int:
    """Write ``dataset`` as a Tabular Data Package into ``directory``; return the observation count.

    The package holds observations.csv, indicators.csv, cities.csv and sources.csv (UTF-8,
    RFC 4180, a header row, raw numbers, no spreadsheet-formula escaping: this is machine data)
    and datapackage.json: the package's metadata, its sources, and a Table Schema for each CSV
    with field types, descriptions, primary and foreign keys. List cells (aliases, languages)
    are JSON arrays. ``version`` is the ipstats version; ``created`` defaults to now (UTC).

    ``observations`` defaults to all of the dataset's; pass a subset to export only those.
    The sources, cities and indicators resources always hold the whole dataset's, cited or
    not, as in :func:`ipstats.sqlite_export.write_sqlite`.

    ``directory`` is created if missing (its parent must exist). An existing empty directory,
    or an earlier ipstats data package holding nothing but its files, is replaced; anything
    else is refused. The package is built complete in a temporary directory beside the target
    and then renamed into place, so a failure leaves the target as it was and no temporary
    directory behind; replacing an old package takes two renames (old aside, new in), so a
    reader may briefly find no directory, but never a half-written one. Raises ExportError.
    """
    directory = Path(directory)
    where = f"cannot write data package {directory}"
    if directory.name in ("", ".", ".."):
        raise ExportError(f"{where}: give the package directory a name, e.g. ipstats-data")
    parent = directory.parent
    if not parent.is_dir():
        raise ExportError(f"{where}: directory {parent} does not exist")
    replacing = _replaceable(directory, where)

    chosen = tuple(dataset.observations if observations is None else observations)
    check_references(dataset, chosen)
    contents = {
        OBSERVATIONS.path: _csv(OBSERVATIONS, numbered_values(dataset, chosen, OBSERVATION_FIELDS)),
        INDICATORS.path: _csv(INDICATORS, (_indicator_row(i) for i in dataset.indicators)),
        CITIES.path: _csv(CITIES, (_city_row(c) for c in dataset.cities)),
        SOURCES.path: _csv(SOURCES, (_source_row(s) for s in dataset.sources)),
    }
    descriptor = _descriptor(dataset, contents, len(chosen) != len(dataset.observations), created)
    contents[DESCRIPTOR] = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode()

    with terminate_as_interrupt():
        try:
            temp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".tmp", dir=parent))
        except OSError as exc:
            raise ExportError(f"{where}: {exc.strerror or exc}") from None
        try:
            for name, content in contents.items():
                _write_file(temp / name, content)
            temp.chmod(0o777 & ~current_umask())
            _move_into_place(temp, directory, replacing)
        except OSError as exc:
            raise ExportError(f"{where}: {exc.strerror or exc}") from None
        finally:
            if temp.exists():
                shutil.rmtree(temp, ignore_errors=True)
    return len(chosen)


def _replaceable(directory: Path, where: str) -> bool:
    """Whether ``directory`` exists and may be replaced; raises ExportError if it may not."""
    if directory.is_symlink():
        raise ExportError(f"{where}: it is a symbolic link; give the real directory")
    if not directory.exists():
        return False
    if not directory.is_dir():
        raise ExportError(f"{where}: it exists and is not a directory")
    try:
        entries = {entry.name: entry for entry in os.scandir(directory)}
    except OSError as exc:
        raise ExportError(f"{where}: {exc.strerror or exc}") from None
    if not entries:
        return True
    listed = _previous_package_files(directory / DESCRIPTOR)
    if listed is None:
        raise ExportError(
            f"{where}: it is a non-empty directory that is not an ipstats data package; "
            "choose a new or empty directory"
        )
    extra = sorted(
        name for name, entry in entries.items() if name not in listed or not entry.is_file()
    )
    if extra:
        raise ExportError(
            f"{where}: the earlier data package there also holds {', '.join(extra)}; "
            "move them away or choose another directory"
        )
    return True


def _previous_package_files(descriptor: Path) -> set[str] | None:
    """The file names an ipstats data package's descriptor lists, or None if it is not one."""
    try:
        document = json.loads(descriptor.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get(PACKAGE_NAME), dict):
        return None
    names = {DESCRIPTOR}
    for resource in document.get("resources", []):
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or Path(path).name != path:
            return None  # not one of ours: ours are plain file names beside the descriptor
        names.add(path)
    return names


def _move_into_place(temp: Path, directory: Path, replacing: bool) -> None:
    if not replacing:
        # Fails (rather than merging) if a non-empty directory appeared there meanwhile.
        temp.rename(directory)
        return
    aside = directory.with_name(f".{directory.name}.{uuid.uuid4().hex[:12]}.old")
    directory.rename(aside)
    moved = False
    try:
        temp.rename(directory)
        moved = True
    finally:
        if not moved:
            aside.rename(directory)
    shutil.rmtree(aside, ignore_errors=True)


def _write_file(path: Path, content: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _descriptor(
    dataset: Dataset,
    contents: dict[str, bytes],
    subset: bool,
    created: dt.datetime | None,
) -> dict[str, Any]:
    moment = created or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    stamp = moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": TITLE,
        "description": (
            "Intellectual-property indicators of Chinese cities by year, each figure with its "
            "unit, qualifier (exact, more than, about, ...), period and the report it comes from."
        ),
        "version": __version__,
        "created": stamp,
        "sources": [_package_source(s) for s in dataset.sources],
        "resources": [r.descriptor(contents[r.path]) for r in RESOURCES],
        PACKAGE_NAME: {
            "version": __version__,
            "dataset_schema_version": SCHEMA_VERSION,
            "generated_from": Path(dataset.origin).name if dataset.origin else "",
            "observations": "subset" if subset else "all",
        },
    }


def _package_source(s: Source) -> dict[str, str]:
    """A source as the descriptor's ``sources`` list gives it: a title and, if online, its path."""
    entry = {"title": f"{s.title_en} ({s.publisher}, {s.published})"}
    if s.url:
        entry["path"] = s.url
    return entry


def _csv(resource: Resource, rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF line ends, quoting only where needed
    writer.writerow([f.name for f in resource.fields])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return str(value)


def _indicator_row(i: Indicator) -> tuple[Any, ...]:
    return (
        i.id,
        i.name,
        i.name_zh or None,
        i.aliases,
        i.category.value,
        i.unit.value,
        i.measure.value,
        i.description,
    )


def _city_row(c: City) -> tuple[Any, ...]:
    return (c.id, c.name, c.name_zh, c.aliases, c.kind.value)


def _source_row(s: Source) -> tuple[Any, ...]:
    return (
        s.id,
        s.title,
        s.title_en,
        s.publisher,
        s.published,
        s.languages,
        s.url or None,
        s.type.value,
        s.retrieved or None,
    )
