"""The cache: validated datasets kept in SQLite, so that a query need not read the YAML again.

One cache file per dataset file, in $IPSTATS_CACHE_DIR, else $XDG_CACHE_HOME/ipstats, else
~/.cache/ipstats. A query opens it and looks up only the observations it needs, through an
index on (indicator, city): its cost does not grow with the dataset.

A cache file is used only when all of these hold; otherwise the dataset is read from its file
and the cache is written again:

- it was written by this version of ipstats (and of Python), in this cache format, for this
  schema version;
- it is for the same file (resolved path) with the same content (a BLAKE2b hash of its bytes).
  The hash is checked whenever the file's size, times, inode or device differ from when the
  cache was written, or when the file had changed just before that (a change within the file
  system's timestamp resolution leaves the times unchanged, as git's "racy clean" problem);
- SQLite can read it, and what is read matches the checksums stored with it (SQLite itself
  does not checksum its pages, so damage could otherwise pass for data).

Cache files are written to a temporary file and renamed into place, so readers see a whole old
file or a whole new one, however many processes write at once. A cache directory that cannot
be written means no cache, with a note saying so; the answer is the same either way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import marshal
import os
import re
import sqlite3
import stat
import sys
import time
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ipstats import __version__
from ipstats.errors import IpstatsError, Problem
from ipstats.model import (
    SCHEMA_VERSION,
    TALLY_FIELDS,
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
    ReportedChange,
    Source,
    Unit,
)

if TYPE_CHECKING:
    from ipstats.table import Table

ENV_VAR = "IPSTATS_CACHE_DIR"
FORMAT = 2  # bump when the tables change
_APPLICATION_ID = 0x69707374  # "ipst", in the SQLite header
_SUFFIX = ".sqlite"
_NAME = re.compile(r"^[A-Za-z0-9_.-]*-[0-9a-f]{16}\.sqlite$")
_TEMP_PREFIX = ".ipstats-"
# File times change at most this often (Linux updates them every clock tick, a few ms; some
# file systems keep whole seconds, FAT two): a file changed closer than this to the moment the
# cache read it might change again without its times showing it.
_RACY_NS = 100_000_000
_RACY_WHOLE_SECONDS_NS = 2_000_000_000
_MAX_PARAMETERS = 500  # ids per lookup; more are filtered in Python

_OBSERVATION_COLUMNS = (
    "indicator, city, year, value, qualifier, period, source, locator, as_of, "
    "yoy_kind, yoy_value, yoy_qualifier, scope, note"
)
_TABLES = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID",
    "CREATE TABLE sources (pos INTEGER PRIMARY KEY, id, title, title_en, publisher, published, "
    "languages, crc)",
    f"CREATE TABLE observations (pos INTEGER PRIMARY KEY, {_OBSERVATION_COLUMNS}, crc)",
    "CREATE TABLE counts (indicator, city, n, crc, PRIMARY KEY (indicator, city)) WITHOUT ROWID",
    "CREATE TABLE tallies (fields TEXT PRIMARY KEY, data BLOB, crc) WITHOUT ROWID",
)
# Counts of observations. Every lookup checks that it found as many rows as there are (an index
# or a row damaged so as to hide a row would otherwise go unnoticed): per indicator and city,
# looked up by index like the rows. The list commands read the other tallies, each kept whole
# under a checksum, instead of every row.
_TALLIES = (("city", "year"), ("source",))
_INDEXES = (
    "CREATE INDEX observations_by_indicator ON observations (indicator, city)",
    "CREATE INDEX observations_by_city ON observations (city)",
    "CREATE UNIQUE INDEX sources_by_id ON sources (id)",
    "CREATE INDEX counts_by_city ON counts (city)",
)

T = TypeVar("T")

_QUALIFIERS = {m.value: m for m in Qualifier}
_CITY_KINDS = {m.value: m for m in CityKind}
_CATEGORIES = {m.value: m for m in Category}
_UNITS = {m.value: m for m in Unit}
_MEASURES = {m.value: m for m in Measure}
_PERIODS = {m.value: m for m in Period}
_CHANGES = {m.value: m for m in ChangeKind}


class CacheError(Exception):
    """A cache file that cannot be used: damaged, or written by something else."""


def directory() -> Path:
    """Where cache files live: $IPSTATS_CACHE_DIR, $XDG_CACHE_HOME/ipstats, ~/.cache/ipstats."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():  # the XDG specification: ignore a relative path
        return Path(xdg) / "ipstats"
    try:
        return Path.home() / ".cache" / "ipstats"
    except RuntimeError:
        raise IpstatsError(
            f"no directory for the cache: there is no home directory; set {ENV_VAR}"
        ) from None


# NamedTuples and a plain class below, not dataclasses: a frozen dataclass costs half a
# millisecond to define, and this module is imported by every query.


class Fingerprint(NamedTuple):
    """What the file system says about a dataset file, taken before its bytes are read."""

    path: str  # resolved
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int
    trusted: bool  # unchanged times prove unchanged content (not changed just before reading)

    @classmethod
    def of(cls, path: Path) -> Fingerprint:
        """Raises OSError, or ValueError for what is not a regular file (a pipe, a device:
        their times say nothing about what reading them gives, so they are never cached)."""
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{path} is not a regular file")
        now = time.time_ns()
        whole_seconds = st.st_mtime_ns % 1_000_000_000 == 0 and st.st_ctime_ns % 1_000_000_000 == 0
        margin = _RACY_WHOLE_SECONDS_NS if whole_seconds else _RACY_NS
        return cls(
            os.path.realpath(path),
            st.st_size,
            st.st_mtime_ns,
            st.st_ctime_ns,
            st.st_ino,
            st.st_dev,
            now - max(st.st_mtime_ns, st.st_ctime_ns) > margin,
        )

    def same_file_state(self, other: Fingerprint) -> bool:
        return self[:-1] == other[:-1]  # all but ``trusted``


def digest(data: bytes) -> str:
    import hashlib

    return hashlib.blake2b(data, digest_size=32).hexdigest()


def file_for(resolved: str, cache_dir: Path | None = None) -> Path:
    """The cache file for a dataset file (by its resolved path)."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(resolved).stem)[:40]
    key = f"{zlib.crc32(resolved.encode('utf-8', 'surrogateescape')):08x}"
    key += f"{zlib.adler32(resolved.encode('utf-8', 'surrogateescape')):08x}"
    return (cache_dir or directory()) / f"{stem}-{key}{_SUFFIX}"


class Lookup:
    """The outcome of looking a dataset file up: a hit, or what is needed to write the cache."""

    __slots__ = ("cache_file", "data", "dataset", "fingerprint", "warnings")

    def __init__(self, fingerprint: Fingerprint | None, cache_file: Path | None = None) -> None:
        self.fingerprint = fingerprint  # None: the file cannot be looked at (reading says why)
        self.cache_file = cache_file
        self.dataset: Dataset | None = None  # set on a hit
        self.warnings: tuple[Problem, ...] = ()
        self.data: bytes | None = None  # the file's bytes, when read to check their hash


def miss(path: Path) -> Lookup:
    """What ``save`` needs to cache a dataset read now (without looking for a cached one)."""
    try:
        fingerprint = Fingerprint.of(path)
    except (OSError, ValueError):
        return Lookup(None)
    try:
        return Lookup(fingerprint, file_for(fingerprint.path))
    except IpstatsError:  # no home directory to put a cache in
        return Lookup(fingerprint)


def lookup(path: Path, origin: str, reload: Callable[[], Dataset]) -> Lookup:
    """The cached dataset for ``path`` if there is a valid one (``dataset`` set), else a miss.

    ``reload`` reads the dataset from its file: the answer if the cache turns out to be
    damaged after it was opened, which SQLite only finds when it reads the damaged part.
    """
    result = miss(path)
    fingerprint, cache_file = result.fingerprint, result.cache_file
    if fingerprint is None or cache_file is None:
        return result
    try:
        connection = _connect_read_only(cache_file)
    except (sqlite3.Error, CacheError, OSError):
        return result
    try:
        meta = _read_meta(connection)
        if not _meta_matches(meta) or not _within_size_limit(meta, fingerprint.size):
            connection.close()
            return result
        if not fingerprint.same_file_state(_stored_fingerprint(meta)):
            if fingerprint.path != meta["path"]:
                connection.close()
                return result
            result.data = _read(path, fingerprint.size)
            if result.data is None or digest(result.data) != meta["digest"]:
                connection.close()
                return result
            if fingerprint.trusted:  # the same content: record the file's new state
                _refresh_fingerprint(cache_file, fingerprint)
        elif not meta["trusted"]:
            result.data = _read(path, fingerprint.size)
            if result.data is None or digest(result.data) != meta["digest"]:
                connection.close()
                return result
            if fingerprint.trusted:  # no longer changed just now: the times will do from now on
                _refresh_fingerprint(cache_file, fingerprint)
        store = SQLiteStore(connection, reload, meta["observations"], meta["sources"])
        result.dataset = Dataset.from_store(_cities(meta), _indicators(meta), store, origin=origin)
        result.warnings = _warnings(meta)
    except (sqlite3.Error, CacheError, KeyError, ValueError, TypeError, EOFError):
        connection.close()
        result.dataset, result.warnings = None, ()
    except BaseException:  # e.g. a size limit set wrongly for this run: the user is told
        connection.close()
        raise
    return result


def _read(path: Path, size: int) -> bytes | None:
    """The file's bytes if there are ``size`` of them (else it is changing: None)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(size + 1)
    except OSError:
        return None
    return data if len(data) == size else None


def _connect_read_only(cache_file: Path) -> sqlite3.Connection:
    if not cache_file.is_file():
        raise CacheError("no cache file")
    uri = f"{cache_file.absolute().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
    try:
        header = connection.execute("PRAGMA application_id").fetchone()
        version = connection.execute("PRAGMA user_version").fetchone()
        if header != (_APPLICATION_ID,) or version != (FORMAT,):
            raise CacheError("not an ipstats cache file, or another format")
    except BaseException:
        connection.close()
        raise
    return connection


def _checksum(values: Sequence[Any]) -> int:
    return zlib.crc32(repr(tuple(values)).encode("utf-8", "surrogatepass"))


def _checked(row: Sequence[Any]) -> Sequence[Any]:
    """A row without its checksum, which must match (SQLite does not checksum its pages)."""
    *values, crc = row
    if _checksum(values) != crc:
        raise CacheError("a row does not match its checksum")
    return values


def _read_meta(connection: sqlite3.Connection) -> dict[str, Any]:
    meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
    crc = meta.pop("crc", None)
    if _checksum(sorted(meta.items())) != crc:
        raise CacheError("the description of the cache does not match its checksum")
    return meta


def _meta_matches(meta: dict[str, Any]) -> bool:
    return (
        meta.get("format") == FORMAT
        and meta.get("ipstats") == __version__
        and meta.get("python") == _PYTHON
        and meta.get("schema") == SCHEMA_VERSION
    )


def _within_size_limit(meta: dict[str, Any], size: int) -> bool:
    """Whether the loader would read a file of this size now (its limit can be set per run)."""
    if os.environ.get(meta["limit_variable"], "").strip():
        from ipstats.loader import max_file_bytes  # imports yaml: only when a limit is set

        return size <= max_file_bytes()
    return bool(meta["within_default_limit"])


def _stored_fingerprint(meta: dict[str, Any]) -> Fingerprint:
    return Fingerprint(
        meta["path"],
        meta["size"],
        meta["mtime_ns"],
        meta["ctime_ns"],
        int(meta["inode"]),
        int(meta["device"]),
        bool(meta["trusted"]),
    )


# Cities, indicators and warnings are few, and every command needs them: they are kept in the
# description of the cache, under its checksum, as tuples of plain values in Python's own
# marshal format (the fastest to read back, and built in: no module to import at startup).
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]} marshal {marshal.version}"


def _cities(meta: dict[str, Any]) -> tuple[City, ...]:
    return tuple(
        City(c_id, name, name_zh, tuple(aliases), _CITY_KINDS[kind])
        for c_id, name, name_zh, aliases, kind in marshal.loads(meta["cities"])
    )


def _indicators(meta: dict[str, Any]) -> tuple[Indicator, ...]:
    return tuple(
        Indicator(
            i_id,
            name,
            tuple(aliases),
            _CATEGORIES[category],
            _UNITS[unit],
            _MEASURES[measure],
            description,
            name_zh,
        )
        for i_id, name, aliases, category, unit, measure, description, name_zh in marshal.loads(
            meta["indicators"]
        )
    )


def _warnings(meta: dict[str, Any]) -> tuple[Problem, ...]:
    return tuple(
        Problem(message, path, line, column, warning=True)
        for message, path, line, column in marshal.loads(meta["warnings"])
    )


def _small_tables(dataset: Dataset, warnings: Iterable[Problem]) -> dict[str, bytes]:
    return {
        "cities": marshal.dumps(
            tuple((c.id, c.name, c.name_zh, c.aliases, c.kind.value) for c in dataset.cities)
        ),
        "indicators": marshal.dumps(
            tuple(
                (
                    i.id,
                    i.name,
                    i.aliases,
                    i.category.value,
                    i.unit.value,
                    i.measure.value,
                    i.description,
                    i.name_zh,
                )
                for i in dataset.indicators
            )
        ),
        "warnings": marshal.dumps(tuple((p.message, p.path, p.line, p.column) for p in warnings)),
    }


_DESCRIBED = (
    "cities",
    "indicators",
    "warnings",
    "observations",
    "sources",
    "limit_variable",
    "within_default_limit",
)


def _meta_rows(
    fingerprint: Fingerprint, content_digest: str, described: dict[str, Any]
) -> list[tuple[str, Any]]:
    meta: dict[str, Any] = {
        **described,
        "format": FORMAT,
        "ipstats": __version__,
        "python": _PYTHON,
        "schema": SCHEMA_VERSION,
        "path": fingerprint.path,
        "size": fingerprint.size,
        "mtime_ns": fingerprint.mtime_ns,
        "ctime_ns": fingerprint.ctime_ns,
        "inode": str(fingerprint.inode),  # may not fit SQLite's 64-bit signed integers
        "device": str(fingerprint.device),
        "trusted": int(fingerprint.trusted),
        "digest": content_digest,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    rows = sorted(meta.items())
    return [*rows, ("crc", _checksum(rows))]


class SQLiteStore:
    """A dataset's sources and observations in a cache file, read as queries ask for them.

    Rows are checked against their checksums as they are read; if the file turns out to be
    damaged, the store answers from the dataset file instead (``reload``), which also writes
    a new cache.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        reload: Callable[[], Dataset],
        observations: int,
        sources: int,
    ) -> None:
        self._connection = connection
        self._reload = reload
        self._totals = (observations, sources)
        self._fallback: Dataset | None = None
        self._sources: dict[str, Source] = {}
        self._looked_up: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[Observation, ...]] = {}
        self._tallies: dict[str, dict[tuple[Any, ...], int]] = {}
        weakref.finalize(self, connection.close)

    # the Store protocol

    def sources(self) -> tuple[Source, ...]:
        def read() -> tuple[Source, ...]:
            found = tuple(
                map(
                    _source,
                    self._connection.execute(
                        "SELECT id, title, title_en, publisher, published, languages, crc "
                        "FROM sources ORDER BY pos"
                    ),
                )
            )
            if len(found) != self._totals[1]:
                raise CacheError("sources are missing")
            return found

        return self._guarded(read, lambda dataset: dataset.sources)

    def source(self, source_id: str) -> Source:
        found = self._sources.get(source_id)
        if found is None:
            found = self._guarded(
                lambda: _source(
                    self._one(
                        "SELECT id, title, title_en, publisher, published, languages, crc "
                        "FROM sources WHERE id = ?",
                        (source_id,),
                    )
                ),
                lambda dataset: dataset.source(source_id),
            )
            self._sources[source_id] = found
        return found

    def observations(self) -> tuple[Observation, ...]:
        def read() -> tuple[Observation, ...]:
            rows = self._connection.execute(
                f"SELECT {_OBSERVATION_COLUMNS}, crc FROM observations ORDER BY pos"
            )
            found = tuple(map(_observation, rows))
            if len(found) != self._expected((), ()):
                raise CacheError("observations are missing")
            return found

        return self._guarded(read, lambda dataset: dataset.observations)

    def observations_of(
        self, indicators: tuple[str, ...], cities: tuple[str, ...]
    ) -> tuple[Observation, ...]:
        key = (indicators, cities)
        found = self._looked_up.get(key)
        if found is None:
            found = self._guarded(
                lambda: self._select(indicators, cities),
                lambda dataset: dataset.observations_of(indicators, cities),
            )
            self._looked_up[key] = found
        return found

    def tally(self, fields: tuple[str, ...], cities: tuple[str, ...]) -> dict[tuple[Any, ...], int]:
        if not fields or not TALLY_FIELDS.issuperset(fields):
            raise ValueError(f"cannot tally by {fields}")

        def count() -> dict[tuple[Any, ...], int]:
            pair = ("indicator", "city")
            if set(fields) <= set(pair):
                return _project(self._pair_counts((), cities), pair, fields, ())
            for stored in _TALLIES:
                if set(fields) <= set(stored) and (not cities or "city" in stored):
                    return _project(self._stored_tally(stored), stored, fields, cities)
            return _tally(self._select((), cities), fields)

        return self._guarded(count, lambda dataset: dataset.tally(*fields, cities=cities))

    # helpers

    def _stored_tally(self, fields: tuple[str, ...]) -> dict[tuple[Any, ...], int]:
        name = ",".join(fields)
        found = self._tallies.get(name)
        if found is None:
            row = self._connection.execute(
                "SELECT data, crc FROM tallies WHERE fields = ?", (name,)
            ).fetchone()
            if row is None or zlib.crc32(row[0]) != row[1]:
                raise CacheError(f"the tally by {name} is missing or damaged")
            found = self._tallies[name] = dict(marshal.loads(row[0]))
        return found

    def _expected(self, indicators: tuple[str, ...], cities: tuple[str, ...]) -> int:
        """How many observations a lookup must find."""
        if not indicators and not cities:
            return self._totals[0]
        return sum(self._pair_counts(indicators, cities).values())

    def _pair_counts(
        self, indicators: tuple[str, ...], cities: tuple[str, ...]
    ) -> dict[tuple[Any, ...], int]:
        """Observations per indicator and city, of these indicators and cities (empty: any)."""
        where, parameters = _where(indicators, cities)
        rows = self._connection.execute(
            f"SELECT indicator, city, n, crc FROM counts{where}", parameters or ()
        )
        counts = {(indicator, city): n for indicator, city, n in map(_checked, rows)}
        if parameters is None:  # too many ids for one statement
            wanted_i, wanted_c = set(indicators), set(cities)
            counts = {
                (i, c): n
                for (i, c), n in counts.items()
                if (not wanted_i or i in wanted_i) and (not wanted_c or c in wanted_c)
            }
        return counts

    def _select(
        self, indicators: tuple[str, ...], cities: tuple[str, ...]
    ) -> tuple[Observation, ...]:
        where, parameters = _where(indicators, cities)
        if parameters is None:  # too many ids for one statement
            wanted_i, wanted_c = set(indicators), set(cities)
            return tuple(
                o
                for o in self.observations()
                if (not wanted_i or o.indicator in wanted_i)
                and (not wanted_c or o.city in wanted_c)
            )
        rows = self._connection.execute(
            f"SELECT {_OBSERVATION_COLUMNS}, crc FROM observations{where} ORDER BY pos", parameters
        )
        found = tuple(map(_observation, rows))
        if len(found) != self._expected(indicators, cities):
            raise CacheError("observations are missing")
        return found

    def _one(self, sql: str, parameters: tuple[Any, ...]) -> Sequence[Any]:
        row = self._connection.execute(sql, parameters).fetchone()
        if row is None:
            # Sources are only asked for by the ids observations name, so a missing one is
            # damage; the dataset file then says whether it exists (KeyError if not).
            raise CacheError(f"no row for {parameters[0]!r}")
        return row  # type: ignore[no-any-return]

    def _guarded(self, read: Callable[[], T], instead: Callable[[Dataset], T]) -> T:
        if self._fallback is None:
            try:
                return read()
            except (sqlite3.Error, CacheError, ValueError, TypeError):
                self._connection.close()
                self._fallback = self._reload()
        return instead(self._fallback)


def _project(
    counts: dict[tuple[Any, ...], int],
    stored: tuple[str, ...],
    fields: tuple[str, ...],
    cities: tuple[str, ...],
) -> dict[tuple[Any, ...], int]:
    """A stored tally summed up to fewer fields, optionally only in some cities."""
    positions = [stored.index(f) for f in fields]
    city = stored.index("city") if cities else -1
    wanted = set(cities)
    result: dict[tuple[Any, ...], int] = {}
    for key, n in counts.items():
        if not n or (city >= 0 and key[city] not in wanted):
            continue
        projected = tuple(key[p] for p in positions)
        result[projected] = result.get(projected, 0) + n
    return result


def _tally(
    observations: Iterable[Observation], fields: tuple[str, ...]
) -> dict[tuple[Any, ...], int]:
    counts: dict[tuple[Any, ...], int] = {}
    for o in observations:
        key = tuple(getattr(o, f) for f in fields)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _where(
    indicators: tuple[str, ...], cities: tuple[str, ...]
) -> tuple[str, tuple[str, ...] | None]:
    if len(indicators) + len(cities) > _MAX_PARAMETERS:
        return "", None
    clauses = []
    if indicators:
        clauses.append(f"indicator IN ({', '.join('?' * len(indicators))})")
    if cities:
        clauses.append(f"city IN ({', '.join('?' * len(cities))})")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return where, (*indicators, *cities)


def _source(row: Sequence[Any]) -> Source:
    s_id, title, title_en, publisher, published, languages = _checked(row)
    codes = tuple(languages.split(",")) if languages else ()  # codes are [a-z]{2,3}
    return Source(s_id, title, title_en, publisher, published, codes)


def _observation(row: Sequence[Any]) -> Observation:
    try:
        return _unchecked_observation(row)
    except KeyError as exc:  # a code no version of the schema has
        raise CacheError(f"unknown code {exc}") from None


def _unchecked_observation(row: Sequence[Any]) -> Observation:
    (
        indicator,
        city,
        year,
        value,
        qualifier,
        period,
        source,
        locator,
        as_of,
        yoy_kind,
        yoy_value,
        yoy_qualifier,
        scope,
        note,
    ) = _checked(row)
    return Observation(
        indicator,
        city,
        year,
        value,
        _QUALIFIERS[qualifier],
        _PERIODS[period],
        source,
        locator,
        None if as_of is None else dt.date.fromisoformat(as_of),
        None
        if yoy_kind is None
        else ReportedChange(_CHANGES[yoy_kind], yoy_value, _QUALIFIERS[yoy_qualifier]),
        scope,
        note,
    )


# writing


def _rows(dataset: Dataset) -> dict[str, Iterator[tuple[Any, ...]]]:
    def with_crc(values: tuple[Any, ...]) -> tuple[Any, ...]:
        return (*values, _checksum(values))

    return {
        "sources": (
            with_crc((s.id, s.title, s.title_en, s.publisher, s.published, ",".join(s.languages)))
            for s in dataset.sources
        ),
        "observations": (
            with_crc(
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
                    None if o.yoy is None else o.yoy.kind.value,
                    None if o.yoy is None else o.yoy.value,
                    None if o.yoy is None else o.yoy.qualifier.value,
                    o.scope,
                    o.note,
                )
            )
            for o in dataset.observations
        ),
    }


_COLUMNS = {
    "sources": 7,
    "observations": 15,
}


def save(
    found: Lookup,
    data: bytes,
    dataset: Dataset,
    warnings: tuple[Problem, ...],
    size_limit: tuple[str, int],
) -> str | None:
    """Write the cache for a dataset just read; a note saying why not when it cannot be.

    ``size_limit`` is the loader's limit on dataset files: the variable that sets it for a
    run, and its default. A cached dataset is only used for a file the loader would read.
    """
    if found.fingerprint is None or found.cache_file is None:
        return None if found.fingerprint is None else "no cache: no home directory to keep it in"
    cache_file = found.cache_file
    try:
        import tempfile

        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(
            prefix=f"{_TEMP_PREFIX}{cache_file.stem}.", suffix=".tmp", dir=cache_file.parent
        )
    except OSError as exc:
        return f"no cache: cannot write to {cache_file.parent} ({exc.strerror or exc})"
    os.close(fd)
    temp = Path(temp_name)
    try:
        variable, default = size_limit
        described = {
            **_small_tables(dataset, warnings),
            "observations": len(dataset.observations),
            "sources": len(dataset.sources),
            "limit_variable": variable,
            "within_default_limit": int(found.fingerprint.size <= default),
        }
        _write(temp, found.fingerprint, digest(data), dataset, described)
        temp.replace(cache_file)
    except (OSError, sqlite3.Error, UnicodeError, ValueError, OverflowError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return f"no cache: cannot write {cache_file} ({reason})"
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return None


def _write(
    temp: Path,
    fingerprint: Fingerprint,
    content_digest: str,
    dataset: Dataset,
    described: dict[str, Any],
) -> None:
    connection = sqlite3.connect(temp)
    try:
        # a private file until it is renamed into place: no journal needed
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {FORMAT}")
        with connection:
            for statement in _TABLES:
                connection.execute(statement)
            for table, rows in _rows(dataset).items():
                marks = ", ".join("?" * (_COLUMNS[table] + 1))
                connection.executemany(f"INSERT INTO {table} VALUES ({marks})", _numbered(rows))
            for statement in _INDEXES:
                connection.execute(statement)
            pairs, tallies = _tally_rows(dataset)
            connection.executemany("INSERT INTO counts VALUES (?, ?, ?, ?)", pairs)
            connection.executemany("INSERT INTO tallies VALUES (?, ?, ?)", tallies)
            connection.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                _meta_rows(fingerprint, content_digest, described),
            )
    finally:
        connection.close()
    _fsync(temp)


def _tally_rows(dataset: Dataset) -> tuple[list[tuple[Any, ...]], list[tuple[str, bytes, int]]]:
    """Rows of the counts table, and of the tallies table."""
    counts: dict[tuple[str, ...], dict[tuple[Any, ...], int]] = {f: {} for f in _TALLIES}
    by_indicator_city: dict[tuple[Any, ...], int] = {}
    by_city_year = counts[("city", "year")]
    by_source = counts[("source",)]
    for o in dataset.observations:  # one pass, each count spelled out: 300,000 rows is a lot
        key: tuple[Any, ...] = (o.indicator, o.city)
        by_indicator_city[key] = by_indicator_city.get(key, 0) + 1
        key = (o.city, o.year)
        by_city_year[key] = by_city_year.get(key, 0) + 1
        key = (o.source,)
        by_source[key] = by_source.get(key, 0) + 1
    for s in dataset.sources:  # sources nothing cites still count as sources
        by_source.setdefault((s.id,), 0)
    rows = []
    for fields, tally in counts.items():
        data = marshal.dumps(tuple(tally.items()))
        rows.append((",".join(fields), data, zlib.crc32(data)))
    pairs = [(*key, n, _checksum((*key, n))) for key, n in by_indicator_city.items()]
    return pairs, rows


def _numbered(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for position, row in enumerate(rows):
        yield (position, *row)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _refresh_fingerprint(cache_file: Path, fingerprint: Fingerprint) -> None:
    """Record that the file changed state but not content (touched, checked out again), so
    that later queries need not hash it. Best effort, on a copy renamed into place."""
    import shutil
    import tempfile

    try:
        fd, temp_name = tempfile.mkstemp(
            prefix=f"{_TEMP_PREFIX}{cache_file.stem}.", suffix=".tmp", dir=cache_file.parent
        )
    except OSError:
        return
    os.close(fd)
    temp = Path(temp_name)
    try:
        shutil.copyfile(cache_file, temp)
        connection = sqlite3.connect(temp)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            meta = _read_meta(connection)
            with connection:
                connection.execute("DELETE FROM meta")
                connection.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    _meta_rows(fingerprint, meta["digest"], {k: meta[k] for k in _DESCRIBED}),
                )
        finally:
            connection.close()
        _fsync(temp)
        temp.replace(cache_file)
    except (OSError, sqlite3.Error, CacheError, KeyError):
        pass
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


# managing the cache


def _cache_files(cache_dir: Path) -> list[Path]:
    try:
        paths = sorted(cache_dir.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [
        path
        for path in paths
        if _NAME.match(path.name)
        or (path.name.startswith(_TEMP_PREFIX) and path.name.endswith(".tmp"))
    ]


def clear(cache_dir: Path | None = None) -> tuple[Path, int]:
    """Remove every cache file (and any left half-written); returns the directory and count."""
    where = cache_dir or directory()
    removed = 0
    for path in _cache_files(where):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return where, removed


class Entry(NamedTuple):
    """One cache file, as ``ipstats cache info`` lists it."""

    file: Path
    dataset: str  # the dataset file it is for ("" if unreadable)
    size: int
    observations: int | None  # None if the cache file is damaged or of another version
    written: str


def entries(cache_dir: Path | None = None) -> list[Entry]:
    """The cache files in the cache directory."""
    found = []
    for path in _cache_files(cache_dir or directory()):
        if not _NAME.match(path.name):
            continue
        dataset, observations, written = "", None, ""
        try:
            connection = _connect_read_only(path)
            try:
                meta = _read_meta(connection)
                dataset, written = str(meta.get("path", "")), str(meta.get("written", ""))
                if _meta_matches(meta):
                    (observations,) = connection.execute(
                        "SELECT count(*) FROM observations"
                    ).fetchone()
            finally:
                connection.close()
        except (sqlite3.Error, CacheError, OSError, ValueError):
            pass
        with contextlib.suppress(OSError):
            found.append(Entry(path, dataset, path.stat().st_size, observations, written))
    return found


def info_table(cache_dir: Path | None = None) -> Table:
    """The cache files in the cache directory, for ``ipstats cache info``."""
    from ipstats.table import Column, Kind, Table

    where = cache_dir or directory()
    rows = tuple(
        {
            "dataset": e.dataset or None,
            "observations": e.observations,
            "bytes": e.size,
            "written": e.written or None,
            "cache_file": e.file.name,
            "state": "ok" if e.observations is not None else "unusable: will be written again",
        }
        for e in entries(where)
    )
    columns = (
        Column("dataset", "Dataset file"),
        Column("observations", "Observations", Kind.INTEGER),
        Column("bytes", "Bytes", Kind.INTEGER),
        Column("written", "Written"),
        Column("cache_file", "Cache file"),
        Column("state", "State"),
    )
    return Table(f"Cache in {where}", columns, rows, footnotes=(f"cache directory: {where}",))
