"""Exporting a dataset as one SQLite database file, with keys, constraints and indexes."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path

from ipstats._version import __version__
from ipstats.atomic import atomic_writer
from ipstats.errors import ExportError
from ipstats.model import (
    SCHEMA_VERSION,
    YEAR_RANGE,
    Category,
    ChangeKind,
    CityKind,
    Dataset,
    Measure,
    Observation,
    Period,
    Qualifier,
    SourceType,
    Unit,
)
from ipstats.rows import check_references, fields_except, numbered_values

# The layout of the database file; bump it when a table or column changes meaning.
# Also stored as PRAGMA user_version so tools can check it without reading a table.
SQLITE_SCHEMA_VERSION = 2  # 2 adds observations.printed and sources.url, type and retrieved

# The observations table's columns after its id: the indicator's unit is in the view, the
# source's address in the sources table.
OBSERVATION_FIELDS = fields_except("unit", "source_url")


def _one_of(column: str, enum: type[StrEnum]) -> str:
    """A CHECK that the column holds a member of the enum (NULL passes, as in every CHECK)."""
    values = ", ".join("'" + member.value.replace("'", "''") + "'" for member in enum)
    return f"CHECK ({column} IN ({values}))"


def _number(column: str) -> str:
    return f"CHECK ({column} IS NULL OR typeof({column}) IN ('integer', 'real'))"


def _schema() -> str:
    first_year, last_year = YEAR_RANGE.start, YEAR_RANGE.stop - 1
    return f"""
CREATE TABLE meta (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sources (
    id TEXT NOT NULL PRIMARY KEY,
    title TEXT NOT NULL,
    title_en TEXT NOT NULL,
    publisher TEXT NOT NULL,
    published TEXT NOT NULL CHECK (published GLOB '[0-9][0-9][0-9][0-9]*'),
    languages TEXT NOT NULL,  -- ISO 639 codes separated by commas, e.g. 'zh,en'
    url TEXT CHECK (url <> ''),  -- where the document is published, when it is online
    type TEXT NOT NULL {_one_of("type", SourceType)},
    -- when the figures were taken from the document
    retrieved TEXT CHECK (retrieved IS NULL OR retrieved = date(retrieved))
);

CREATE TABLE cities (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    kind TEXT NOT NULL {_one_of("kind", CityKind)}
);

CREATE TABLE city_aliases (
    city TEXT NOT NULL REFERENCES cities (id),
    alias TEXT NOT NULL,
    position INTEGER NOT NULL,  -- order in the dataset file, from 1
    PRIMARY KEY (city, alias)
);
CREATE INDEX city_aliases_alias ON city_aliases (alias);

CREATE TABLE indicators (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    name_zh TEXT,
    category TEXT NOT NULL {_one_of("category", Category)},
    unit TEXT NOT NULL {_one_of("unit", Unit)},
    measure TEXT NOT NULL {_one_of("measure", Measure)},
    description TEXT NOT NULL
);

CREATE TABLE indicator_aliases (
    indicator TEXT NOT NULL REFERENCES indicators (id),
    alias TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (indicator, alias)
);
CREATE INDEX indicator_aliases_alias ON indicator_aliases (alias);

CREATE TABLE observations (
    id INTEGER PRIMARY KEY,  -- order of export, from 1
    city TEXT NOT NULL REFERENCES cities (id),
    year INTEGER NOT NULL
        CHECK (typeof(year) = 'integer' AND year BETWEEN {first_year} AND {last_year}),
    indicator TEXT NOT NULL REFERENCES indicators (id),
    -- NUMERIC keeps whole figures as INTEGER (exact up to 2^63) and the rest as REAL
    value NUMERIC NOT NULL {_number("value")},
    qualifier TEXT NOT NULL {_one_of("qualifier", Qualifier)},
    period TEXT NOT NULL {_one_of("period", Period)},
    as_of TEXT CHECK (as_of IS NULL OR as_of = date(as_of)),
    reported_yoy_kind TEXT {_one_of("reported_yoy_kind", ChangeKind)},
    reported_yoy_value NUMERIC {_number("reported_yoy_value")},
    reported_yoy_qualifier TEXT {_one_of("reported_yoy_qualifier", Qualifier)},
    scope TEXT CHECK (scope <> ''),
    source TEXT NOT NULL REFERENCES sources (id),
    -- 1 for the figure used where several sources state it; "primary" is an SQL keyword: quote it
    "primary" INTEGER NOT NULL CHECK ("primary" IN (0, 1)),
    locator TEXT NOT NULL,
    note TEXT CHECK (note <> ''),
    printed TEXT CHECK (printed <> ''),  -- the figure as the source prints it
    CHECK (period <> 'as_of' OR as_of IS NOT NULL),
    CHECK (as_of IS NULL OR period IN ('as_of', 'cumulative')),
    CHECK ((reported_yoy_kind IS NULL) = (reported_yoy_value IS NULL)
        AND (reported_yoy_kind IS NULL) = (reported_yoy_qualifier IS NULL))
);
-- What makes an observation unique (Observation.key); NULLs would never collide, so coalesce.
CREATE UNIQUE INDEX observations_key
    ON observations (indicator, city, year, period, coalesce(as_of, ''), coalesce(scope, ''), source);
CREATE INDEX observations_city ON observations (city, year);
CREATE INDEX observations_year ON observations (year);
CREATE INDEX observations_source ON observations (source);

-- The columns of the data package's observations.csv: each value next to its unit.
CREATE VIEW observations_with_unit AS
SELECT o.id, o.city, o.year, o.indicator, o.value, i.unit, o.qualifier, o.period, o.as_of,
       o.reported_yoy_kind, o.reported_yoy_value, o.reported_yoy_qualifier,
       o.scope, o.source, o."primary", o.locator, o.note, o.printed
FROM observations AS o JOIN indicators AS i ON i.id = o.indicator;
"""


def write_sqlite(
    dataset: Dataset, path: Path, observations: Iterable[Observation] | None = None
) -> int:
    """Write ``dataset`` to a new SQLite file at ``path``, replacing it atomically.

    Tables: ``meta`` (key/value: ipstats and schema versions, the dataset file name, whether the
    observations are all or a subset), ``sources``, ``cities``, ``indicators``, ``observations``,
    and ``city_aliases`` / ``indicator_aliases`` (one row per alias, so a name can be looked up
    with an indexed ``WHERE alias = ?`` and every alias is checked against its owner by a foreign
    key, which a JSON column could not do). Source languages are a comma-separated column: they
    are short codes that never contain a comma and nobody joins on them. A view,
    ``observations_with_unit``, adds each indicator's unit to its observations.

    ``observations`` defaults to all of the dataset's; pass a subset (e.g. from
    :func:`ipstats.query.select`) to export only those. The sources, cities and indicators
    tables always hold the whole dataset's, cited or not: they are small, they keep every alias
    available for lookups, and they make exports of different subsets agree on their reference
    tables. Observation ids number the exported observations from 1, in the order given.

    The database is built in memory, then its bytes replace ``path`` by renaming a temporary
    file in the same directory; on any failure ``path`` is untouched and no temporary file
    remains. Returns the number of observations written. Raises ExportError.
    """
    chosen = tuple(dataset.observations if observations is None else observations)
    check_references(dataset, chosen)
    # a selection of the dataset's observations: all of them when none is left out
    subset = len(chosen) != len(dataset.observations)
    try:
        image = _build(dataset, chosen, subset)
    except sqlite3.Error as exc:
        raise ExportError(f"cannot write {path}: {exc}") from None
    with atomic_writer(Path(path), binary=True) as handle:
        handle.write(image)
    return len(chosen)


def _build(dataset: Dataset, observations: Sequence[Observation], subset: bool) -> bytes:
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        connection.executescript(_schema())
        with connection:
            _insert(connection, dataset, observations, subset)
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:  # unreachable while foreign_keys is ON; a guard against that changing
            raise sqlite3.IntegrityError(f"foreign key check failed: {problems[:3]}")
        connection.execute(f"PRAGMA user_version = {SQLITE_SCHEMA_VERSION}")
        return _image(connection)
    finally:
        connection.close()


def _image(connection: sqlite3.Connection) -> bytes:
    """The database file's bytes."""
    if hasattr(connection, "serialize"):
        return connection.serialize()
    return _image_by_backup(connection)


def _image_by_backup(connection: sqlite3.Connection) -> bytes:
    """The database file's bytes, for SQLite builds without the serialize API."""
    with tempfile.TemporaryDirectory() as directory:
        copy_path = Path(directory) / "copy.sqlite"
        copy = sqlite3.connect(copy_path)
        try:
            connection.backup(copy)
        finally:
            copy.close()
        return copy_path.read_bytes()


def _insert(
    connection: sqlite3.Connection,
    dataset: Dataset,
    observations: Sequence[Observation],
    subset: bool,
) -> None:
    meta = {
        "ipstats_version": __version__,
        "dataset_schema_version": str(SCHEMA_VERSION),
        "sqlite_schema_version": str(SQLITE_SCHEMA_VERSION),
        "generated_from": Path(dataset.origin).name if dataset.origin else "",
        "observations": "subset" if subset else "all",
    }
    connection.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    connection.executemany(
        "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                s.id,
                s.title,
                s.title_en,
                s.publisher,
                s.published,
                ",".join(s.languages),
                s.url or None,
                s.type.value,
                s.retrieved or None,
            )
            for s in dataset.sources
        ),
    )
    connection.executemany(
        "INSERT INTO cities VALUES (?, ?, ?, ?)",
        ((c.id, c.name, c.name_zh, c.kind.value) for c in dataset.cities),
    )
    connection.executemany(
        "INSERT INTO city_aliases VALUES (?, ?, ?)",
        _aliases((c.id, c.aliases) for c in dataset.cities),
    )
    connection.executemany(
        "INSERT INTO indicators VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                i.id,
                i.name,
                i.name_zh or None,
                i.category.value,
                i.unit.value,
                i.measure.value,
                i.description,
            )
            for i in dataset.indicators
        ),
    )
    connection.executemany(
        "INSERT INTO indicator_aliases VALUES (?, ?, ?)",
        _aliases((i.id, i.aliases) for i in dataset.indicators),
    )
    columns = ", ".join(f'"{name}"' for name in ("id", *OBSERVATION_FIELDS))
    connection.executemany(
        f"INSERT INTO observations ({columns}) VALUES (?{', ?' * len(OBSERVATION_FIELDS)})",
        numbered_values(dataset, observations, OBSERVATION_FIELDS),
    )


def _aliases(owners: Iterable[tuple[str, tuple[str, ...]]]) -> Iterable[tuple[str, str, int]]:
    for owner, aliases in owners:
        # The loader folds names when it checks for clashes but keeps exact repeats; drop those.
        for position, alias in enumerate(dict.fromkeys(aliases), start=1):
            yield owner, alias, position
