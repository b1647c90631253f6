"""The cache: each dataset file's validated Dataset kept whole, so no query reads YAML twice.

One snapshot per dataset file (by resolved path) and version of ipstats, of Python and of the
cache format, in $IPSTATS_CACHE_DIR, else $XDG_CACHE_HOME/ipstats, else ~/.cache/ipstats. It
holds the Dataset as plain tuples, strings and numbers in ``marshal`` format (which builds
values and runs nothing) behind a CRC-32 of it all, and is used only if the checksum matches,
the versions, schema and record layout are this one's and the file has the same content
(BLAKE2b). The content is hashed again only when the file's size, times, inode or device
changed, or its change time was too recent to prove anything (git's "racy clean"). Anything
else means reading the YAML and writing the snapshot again: under a lock file, so that other
processes wait for that one and read its result; to a temporary file renamed into place, so
that readers see a whole snapshot or none, and the next writer removes what a killed one left.
"""

# Annotations are not postponed here (nor in model.py): a NamedTuple would compile each one.

import contextlib
import datetime as dt
import marshal
import os
import stat
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from ipstats import __version__
from ipstats.errors import ExportError, IpstatsError, Problem
from ipstats.model import SCHEMA_VERSION, Dataset
from ipstats.snapshot import LAYOUT, dumps, loads

ENV_VAR = "IPSTATS_CACHE_DIR"
FORMAT = 4  # bump when what a snapshot holds, or how, changes
_MAGIC = b"ipstats snapshot\n"
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"  # marshal's format follows Python's
_SUFFIX = ".snapshot"
# A change time closer than this to the moment a file was read proves nothing: a change just
# after, within the file system's timestamp resolution (a clock tick on Linux, two seconds on
# FAT), would leave it the same.
_SETTLED_NS = 2_000_000_000
_STALE_SECONDS = 3600  # a temporary file this old was left by a writer that died


class CacheError(Exception):
    """A snapshot that cannot be used: damaged, of another version, or not ours."""


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


# NamedTuples here, not dataclasses: a frozen dataclass costs half a millisecond to define.


class Fingerprint(NamedTuple):
    """What the file system says about a dataset file, taken before its bytes are read."""

    path: str  # resolved
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, path: Path) -> "Fingerprint":
        """Raises OSError, or ValueError for what is not a regular file (a pipe, a device:
        their times say nothing about what reading them gives, so they are never cached)."""
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"{path} is not a regular file")
        real = os.path.realpath(path)
        return cls(real, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)

    def settled(self, now_ns: int) -> bool:
        """Whether the file's times, as they are now, will show any later change.

        Only the change time counts: the kernel sets it from its clock on every change of
        content or times, while a modification time can be set to anything (``touch -d``, tar),
        in the future too. A change time far in the future (a file server whose clock is ahead)
        is as good as one in the past, unless it is in whole seconds.
        """
        age = now_ns - self.ctime_ns
        return age >= _SETTLED_NS or (age <= -_SETTLED_NS and self.ctime_ns % 10**9 != 0)


def content_digest(data: bytes) -> str:
    import hashlib  # 3 ms to import (OpenSSL): only when a file's content must be hashed

    return hashlib.blake2b(data, digest_size=32).hexdigest()


def _safe(text: str, allowed: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in allowed) else "_" for c in text)


def file_for(fingerprint: Fingerprint, cache_dir: Path | None = None) -> Path:
    """The snapshot of a dataset file (by its resolved path) for this version of everything."""
    resolved = fingerprint.path.encode("utf-8", "surrogateescape")
    key = f"{zlib.crc32(resolved):08x}{zlib.adler32(resolved):08x}"
    stem = _safe(Path(fingerprint.path).stem, "_.-")[:40]
    version = f"ipstats{_safe(__version__, '.+')}-py{_PYTHON}-c{FORMAT}"
    return (cache_dir or directory()) / f"{stem}-{key}-{version}{_SUFFIX}"


class Found(NamedTuple):
    """What looking a dataset file up gave: a dataset (a hit), or what writing one needs."""

    dataset: Dataset | None
    warnings: tuple[Problem, ...]
    fingerprint: Fingerprint | None  # None: not a file that can be cached
    cache_file: Path | None  # None: no cache directory
    seen_ns: int = 0  # when the fingerprint was taken (before any byte was read)
    data: bytes | None = None  # the file's bytes, when read to hash them


def lookup(path: Path, origin: str) -> Found:
    """The cached dataset of ``path`` if there is a valid snapshot, else a miss."""
    seen = time.time_ns()
    try:
        fingerprint = Fingerprint.of(path)
    except (OSError, ValueError):
        return Found(None, (), None, None)
    try:
        cache_file = file_for(fingerprint)
    except IpstatsError:  # no home directory to keep a cache in
        return Found(None, (), fingerprint, None)
    miss = Found(None, (), fingerprint, cache_file, seen)
    try:
        meta, payload = _read_snapshot(cache_file)
        if not _within_size_limit(meta, fingerprint.size):
            return miss
        data = None
        if tuple(meta["file"]) != fingerprint or not meta["settled"]:
            data = _read(path, fingerprint.size)
            if data is None or content_digest(data) != meta["digest"]:
                return miss._replace(data=data)
        dataset, warnings = loads(payload, origin)
    except (OSError, CacheError, ValueError, TypeError, KeyError, IndexError, EOFError):
        return miss
    if data is not None and fingerprint.settled(seen):  # record what was proved: hash no more
        with locked(cache_file) as held, contextlib.suppress(OSError, ExportError):
            if held:
                _write(cache_file, _described(fingerprint, seen, meta), payload)
    return Found(dataset, warnings, fingerprint, cache_file, seen, data)


def _read(path: Path, size: int) -> bytes | None:
    """The file's bytes if there are ``size`` of them (else it is changing: None)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(size + 1)
    except OSError:
        return None
    return data if len(data) == size else None


def _within_size_limit(meta: dict[str, Any], size: int) -> bool:
    """Whether the loader would read a file of this size now (its limit can be set per run)."""
    if os.environ.get(meta["limit_variable"], "").strip():
        from ipstats.loader import max_file_bytes  # imports yaml: only when a limit is set

        return size <= max_file_bytes()
    return size <= int(meta["default_limit"])


# A snapshot file: the magic line, a CRC-32 of the rest and the length of the description (4
# bytes each), the description (a marshalled dict), the payload (a marshalled tuple).


def _read_snapshot(cache_file: Path, current: bool = True) -> tuple[dict[str, Any], memoryview]:
    """A snapshot's description and its payload, undecoded; CacheError if it is damaged or
    (when ``current``) not of this version."""
    with cache_file.open("rb") as handle:
        content = handle.read()
    start = len(_MAGIC) + 8
    if len(content) < start or not content.startswith(_MAGIC):
        raise CacheError("not a snapshot")
    crc = int.from_bytes(content[start - 8 : start - 4])
    length = int.from_bytes(content[start - 4 : start])
    body = memoryview(content)[start - 4 :]
    if zlib.crc32(body) != crc or length > len(body) - 4:
        raise CacheError("damaged")
    try:
        meta = marshal.loads(body[4 : 4 + length])
    except (ValueError, TypeError, EOFError):
        raise CacheError("damaged") from None
    if not isinstance(meta, dict) or (current and not _current(meta)):
        raise CacheError("of another version")
    return meta, body[4 + length :]


def _current(meta: dict[str, Any]) -> bool:
    return (
        meta.get("format") == FORMAT
        and meta.get("ipstats") == __version__
        and meta.get("python") == _PYTHON
        and meta.get("schema") == SCHEMA_VERSION
        and meta.get("layout") == LAYOUT
    )


def _described(fingerprint: Fingerprint, seen_ns: int, known: dict[str, Any]) -> dict[str, Any]:
    return {
        **known,
        "format": FORMAT,
        "ipstats": __version__,
        "python": _PYTHON,
        "schema": SCHEMA_VERSION,
        "layout": LAYOUT,
        "file": tuple(fingerprint),
        "settled": fingerprint.settled(seen_ns),
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def _write(cache_file: Path, meta: dict[str, Any], payload: bytes | memoryview) -> None:
    """Replace a snapshot, holding its lock; raises OSError or ExportError."""
    from ipstats.atomic import atomic_writer  # temporary file, fsync, rename; SIGTERM cleans up

    _sweep(cache_file)
    described = marshal.dumps(meta)
    body = len(described).to_bytes(4) + described + payload
    with atomic_writer(cache_file, binary=True) as handle:
        handle.write(_MAGIC + zlib.crc32(body).to_bytes(4) + body)


def save(
    found: Found,
    data: bytes,
    dataset: Dataset,
    warnings: tuple[Problem, ...],
    size_limit: tuple[str, int],
) -> str | None:
    """Write the snapshot of a dataset just read, holding ``locked(found.cache_file)``; a note
    saying why not when it cannot be.

    ``size_limit`` is the loader's limit on dataset files: the variable that sets it for a
    run, and its default; a cached dataset is only used for a file the loader would read.
    """
    if found.fingerprint is None or found.cache_file is None:
        return None if found.fingerprint is None else "no cache: no home directory to keep it in"
    cache_file, fingerprint = found.cache_file, found.fingerprint
    variable, default = size_limit
    known = {
        "digest": content_digest(data),
        "limit_variable": variable,
        "default_limit": default,
        "observations": len(dataset.observations),
    }
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"no cache: cannot write to {cache_file.parent} ({exc.strerror or exc})"
    try:
        payload = dumps(dataset, warnings)
        _write(cache_file, _described(fingerprint, found.seen_ns, known), payload)
    except ExportError as exc:
        return f"no cache: {exc}"
    except (OSError, ValueError) as exc:  # ValueError: a value marshal cannot write
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        return f"no cache: cannot write {cache_file} ({reason})"
    return None


# locking, and what killed writers leave behind


@contextlib.contextmanager
def locked(cache_file: Path) -> Iterator[bool | None]:
    """Hold the lock of a snapshot (a file next to it) if it is free: True if held, False if
    another process holds it (see ``wait_for_writer``), None if there is no lock to be had (the
    lock file cannot be made, or the file system has no locks)."""
    fd = _open_lock(cache_file)
    if fd is None:
        yield None
        return
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held: bool | None = True
        except BlockingIOError:
            held = False
        except (OSError, ImportError):  # no locks here (the file system, or not POSIX)
            held = None
        yield held
    finally:
        os.close(fd)  # which releases the lock


def wait_for_writer(cache_file: Path) -> None:
    """Return once no process holds the lock of a snapshot."""
    fd = _open_lock(cache_file)
    if fd is None:
        return
    try:
        with contextlib.suppress(OSError, ImportError):
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_SH)  # granted once the writer's lock is released
    finally:
        os.close(fd)


def _open_lock(cache_file: Path) -> int | None:
    lock = cache_file.with_name(cache_file.name + ".lock")
    with contextlib.suppress(OSError):
        lock.parent.mkdir(parents=True, exist_ok=True)
        return os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    with contextlib.suppress(OSError):
        return os.open(lock, os.O_RDONLY)  # a read-only directory: the lock file may be there
    return None


def _temporary(path: Path) -> str | None:
    """The snapshot a temporary file was to become (``.NAME.random.tmp``), if it is one."""
    name = path.name
    if not (name.startswith(".") and name.endswith(".tmp")):
        return None
    target = name[1:].rsplit(".", 2)[0]
    return target if target.endswith(_SUFFIX) else None


def _sweep(cache_file: Path) -> None:
    """Remove what killed writers left: temporary files of this snapshot (whose lock the
    caller holds, so no one is writing them) and any over an hour old."""
    old = time.time() - _STALE_SECONDS
    for path in _files(cache_file.parent):
        target = _temporary(path)
        if target is not None:
            with contextlib.suppress(OSError):
                if target == cache_file.name or path.stat().st_mtime < old:
                    path.unlink()


# managing the cache


def _files(cache_dir: Path) -> list[Path]:
    try:
        return sorted(cache_dir.iterdir())
    except OSError:
        return []


def clear(cache_dir: Path | None = None, *, stale: bool = False) -> tuple[Path, int]:
    """Remove every snapshot, and what writers leave unless one is writing (with ``stale``,
    only the snapshots no ipstats can use: damaged, or for a dataset file that is gone);
    returns the directory and how many files were removed."""
    where = cache_dir or directory()
    if stale:
        return where, sum(_removed(e.file) for e in entries(where) if e.stale)
    removed = 0
    for path in _files(where):
        target = _temporary(path)
        if (path.name.endswith(_SUFFIX) and not path.name.startswith(".")) or _earlier(path.name):
            removed += _removed(path)
        elif target is not None:
            with locked(where / target) as held:
                removed += bool(held) and _removed(path)
    for path in _files(where):  # lock files last: looking at a lock may have made one
        if path.name.endswith(_SUFFIX + ".lock"):
            with locked(path.with_name(path.name.removesuffix(".lock"))) as held:
                if held:
                    _removed(path)
    return where, removed


def _earlier(name: str) -> bool:
    """A file of the SQLite cache of earlier builds: NAME-<16 hex digits>.sqlite, or one of
    its temporary files (.ipstats-NAME.random.tmp)."""
    if name.startswith(".ipstats-") and name.endswith(".tmp"):
        return True
    key = name.removesuffix(".sqlite")[-17:]
    return (
        name.endswith(".sqlite")
        and key[:1] == "-"
        and all(c in "0123456789abcdef" for c in key[1:])
        and len(key) == 17
    )


def _removed(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


class Entry(NamedTuple):
    """One snapshot, as ``ipstats cache info`` lists it."""

    file: Path
    dataset: str  # the dataset file it is for ("" if damaged)
    size: int
    observations: int | None  # None if damaged or of another version
    written: str
    version: str  # "ipstats 0.1.0, Python 3.11" ("" if damaged)
    current: bool  # of this version, and whole: used by this ipstats

    @property
    def stale(self) -> bool:
        """Of no use to any ipstats: damaged, or its dataset file is gone."""
        return not self.dataset or not Path(self.dataset).exists()


def entries(cache_dir: Path | None = None) -> list[Entry]:
    """The snapshots in the cache directory."""
    found = []
    for path in _files(cache_dir or directory()):
        if not path.name.endswith(_SUFFIX) or path.name.startswith("."):
            continue
        dataset, observations, written, version, current = "", None, "", "", False
        with contextlib.suppress(OSError, CacheError, LookupError, TypeError):
            meta, _ = _read_snapshot(path, current=False)
            dataset, written = str(meta["file"][0]), str(meta["written"])
            version = f"ipstats {meta['ipstats']}, Python {meta['python']}"
            current = _current(meta)
            observations = int(meta["observations"])
        with contextlib.suppress(OSError):
            size = path.stat().st_size
            found.append(Entry(path, dataset, size, observations, written, version, current))
    return found
