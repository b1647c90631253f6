"""Exporting a dataset as a Frictionless Tabular Data Package: CSV files and a JSON descriptor."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ipstats import __version__
from ipstats.errors import ExportError
from ipstats.export import check_references, current_umask, terminate_as_interrupt
from ipstats.model import (
    SCHEMA_VERSION,
    Category,
    ChangeKind,
    City,
    CityKind,
    Dataset,
    Indicator,
    Measure,
    Observation,
    Period,
    Qualifier,
    Source,
    Unit,
)

DESCRIPTOR = "datapackage.json"
PACKAGE_NAME = "ipstats"
TITLE = "Intellectual-property statistics of Chinese cities"

_UNIT_MEANINGS = {
    Unit.COUNT: "a number of things (applications, grants, cases, ...)",
    Unit.CNY: "an amount in Chinese yuan (renminbi)",
    Unit.USD: "an amount in US dollars",
    Unit.PERCENT: "a percentage (5.3 means 5.3 %)",
    Unit.PER_10K_PEOPLE: "a number per 10,000 residents",
    Unit.RANK: "a place in a ranking, 1 being the first",
    Unit.DAYS: "a duration in days",
    Unit.MONTHS: "a duration in months",
    Unit.YEARS: "a duration in years",
    Unit.RATIO: "a ratio of two quantities",
    Unit.TIMES: "a multiple ('n times')",
}
_QUALIFIER_MEANINGS = {
    Qualifier.EXACT: "the source gives the figure as such",
    Qualifier.MORE_THAN: "'more than'",
    Qualifier.AT_LEAST: "'at least'",
    Qualifier.ABOUT: "'about'",
    Qualifier.NEARLY: "'nearly' (just under)",
    Qualifier.LESS_THAN: "'less than'",
    Qualifier.AT_MOST: "'at most'",
}
_PERIOD_MEANINGS = {
    Period.YEAR: "a flow during the calendar year",
    Period.YEAR_END: "a stock on 31 December of the year",
    Period.AS_OF: "a stock or running total on the as_of date",
    Period.CUMULATIVE: "a running total since some start ('to date'), up to as_of when given",
    Period.CAMPAIGN: "during a named campaign inside the year (see scope or note)",
}


def _meanings(table: dict[Any, str]) -> str:
    return "; ".join(f"{key.value}: {text}" for key, text in table.items())


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    kind: str  # the Table Schema type
    description: str
    required: bool = False
    enum: type[StrEnum] | None = None
    pattern: str = ""

    def descriptor(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "name": self.name,
            "type": self.kind,
            "description": self.description,
        }
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum is not None:
            constraints["enum"] = [member.value for member in self.enum]
        if self.pattern:
            constraints["pattern"] = self.pattern
        if constraints:
            result["constraints"] = constraints
        return result


@dataclass(frozen=True, slots=True)
class _Resource:
    name: str
    title: str
    description: str
    fields: tuple[_Field, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (field, resource whose id it names)

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def descriptor(self, content: bytes) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "fields": [f.descriptor() for f in self.fields],
            "primaryKey": ["id"],
            "missingValues": [""],
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": [name], "reference": {"resource": target, "fields": ["id"]}}
                for name, target in self.foreign_keys
            ]
        return {
            "name": self.name,
            "path": self.path,
            "profile": "tabular-data-resource",
            "title": self.title,
            "description": self.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(content),
            "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
            "schema": schema,
        }


_ALIASES = "Other names it answers to, as a JSON array of strings."

SOURCES = _Resource(
    "sources",
    "Sources",
    "The published reports every observation is taken from.",
    (
        _Field("id", "string", "Short identifier, referred to by observations.source.", True),
        _Field("title", "string", "Title in the report's own language.", True),
        _Field("title_en", "string", "Title in English.", True),
        _Field("publisher", "string", "Who published the report.", True),
        _Field(
            "published",
            "string",
            "When it was published: YYYY, YYYY-MM or YYYY-MM-DD, as precisely as known.",
            True,
            pattern=r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?",
        ),
        _Field(
            "languages", "array", "Languages of the report (ISO 639 codes), a JSON array.", True
        ),
    ),
)
CITIES = _Resource(
    "cities",
    "Places",
    "Cities and the other places observations are about (countries, clusters, ...).",
    (
        _Field("id", "string", "Short identifier, referred to by observations.city.", True),
        _Field("name", "string", "Name in English.", True),
        _Field("name_zh", "string", "Name in Chinese.", True),
        _Field("aliases", "array", _ALIASES, True),
        _Field("kind", "string", "What sort of place it is.", True, CityKind),
    ),
)
INDICATORS = _Resource(
    "indicators",
    "Indicators",
    "What is measured, in which unit.",
    (
        _Field("id", "string", "Identifier, referred to by observations.indicator.", True),
        _Field("name", "string", "Name in English.", True),
        _Field("aliases", "array", _ALIASES, True),
        _Field("category", "string", "Area of intellectual-property work.", True, Category),
        _Field(
            "unit",
            "string",
            f"Unit of every observation of this indicator. {_meanings(_UNIT_MEANINGS)}.",
            True,
            Unit,
        ),
        _Field(
            "measure",
            "string",
            "Kind of quantity: flow (during a period), stock (at a moment), rate or rank.",
            True,
            Measure,
        ),
        _Field("description", "string", "What exactly the indicator counts.", True),
    ),
)
OBSERVATIONS = _Resource(
    "observations",
    "Observations",
    "One figure each, as its source states it: value, unit, qualifier, period and where in "
    "which report it stands.",
    (
        _Field("id", "integer", "Row number in this export, from 1.", True),
        _Field("city", "string", "The place (cities.id).", True),
        _Field("year", "year", "The year the figure is about.", True),
        _Field("indicator", "string", "What is measured (indicators.id).", True),
        _Field(
            "value",
            "number",
            "The figure, a raw number in the unit named by this row's unit column "
            "(so 5.3 with unit percent is 5.3 %); read it together with qualifier and period.",
            True,
        ),
        _Field(
            "unit",
            "string",
            f"Unit of value, repeated from the indicator. {_meanings(_UNIT_MEANINGS)}.",
            True,
            Unit,
        ),
        _Field(
            "qualifier",
            "string",
            "How the source states value: exactly, or as a bound or approximation. "
            f"{_meanings(_QUALIFIER_MEANINGS)}.",
            True,
            Qualifier,
        ),
        _Field(
            "period",
            "string",
            f"What span of time value covers. {_meanings(_PERIOD_MEANINGS)}.",
            True,
            Period,
        ),
        _Field(
            "as_of",
            "date",
            "The date a stock or running total refers to; present when period is as_of, "
            "optional for cumulative, empty otherwise.",
        ),
        _Field(
            "reported_yoy_kind",
            "string",
            "Kind of year-on-year change the source states (empty if none): percent is a "
            "relative change in %; absolute is in the indicator's unit (points for percents, "
            "places for ranks).",
            enum=ChangeKind,
        ),
        _Field(
            "reported_yoy_value",
            "number",
            "The year-on-year change as the source states it, not computed from the values.",
        ),
        _Field(
            "reported_yoy_qualifier",
            "string",
            "How the source states the change (same words as qualifier).",
            enum=Qualifier,
        ),
        _Field(
            "scope",
            "string",
            "What part of the place or indicator the figure covers when narrower than both "
            "(e.g. a named cluster); empty when it is the whole.",
        ),
        _Field("source", "string", "The report it comes from (sources.id).", True),
        _Field("locator", "string", "Where in the report: section, table or page.", True),
        _Field("note", "string", "Anything else a reader needs to use the figure correctly."),
    ),
    foreign_keys=(("city", "cities"), ("indicator", "indicators"), ("source", "sources")),
)
RESOURCES = (OBSERVATIONS, INDICATORS, CITIES, SOURCES)


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
        OBSERVATIONS.path: _csv(
            OBSERVATIONS,
            (
                _observation_row(number, o, dataset.indicator(o.indicator).unit.value)
                for number, o in enumerate(chosen, start=1)
            ),
        ),
        INDICATORS.path: _csv(INDICATORS, (_indicator_row(i) for i in dataset.indicators)),
        CITIES.path: _csv(CITIES, (_city_row(c) for c in dataset.cities)),
        SOURCES.path: _csv(SOURCES, (_source_row(s) for s in dataset.sources)),
    }
    descriptor = _descriptor(dataset, contents, chosen != dataset.observations, created)
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
        "sources": [
            {"title": f"{s.title_en} ({s.publisher}, {s.published})"} for s in dataset.sources
        ],
        "resources": [r.descriptor(contents[r.path]) for r in RESOURCES],
        PACKAGE_NAME: {
            "version": __version__,
            "dataset_schema_version": SCHEMA_VERSION,
            "generated_from": Path(dataset.origin).name if dataset.origin else "",
            "observations": "subset" if subset else "all",
        },
    }


def _csv(resource: _Resource, rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF line ends, quoting only where needed
    writer.writerow([f.name for f in resource.fields])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return str(value)


def _observation_row(number: int, o: Observation, unit: str) -> tuple[Any, ...]:
    return (
        number,
        o.city,
        o.year,
        o.indicator,
        o.value,
        unit,
        o.qualifier.value,
        o.period.value,
        o.as_of.isoformat() if o.as_of else None,
        o.yoy.kind.value if o.yoy else None,
        o.yoy.value if o.yoy else None,
        o.yoy.qualifier.value if o.yoy else None,
        o.scope or None,
        o.source,
        o.locator,
        o.note or None,
    )


def _indicator_row(i: Indicator) -> tuple[Any, ...]:
    return (
        i.id,
        i.name,
        i.aliases,
        i.category.value,
        i.unit.value,
        i.measure.value,
        i.description,
    )


def _city_row(c: City) -> tuple[Any, ...]:
    return (c.id, c.name, c.name_zh, c.aliases, c.kind.value)


def _source_row(s: Source) -> tuple[Any, ...]:
    return (s.id, s.title, s.title_en, s.publisher, s.published, s.languages)
