"""The cache: used only while valid, rebuilt when not, one builder at a time, never changes an answer."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from conftest import TINY
from ipstats import cache
from ipstats.cli import app
from ipstats.datafile import default_path, load
from ipstats.errors import DatasetError

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(path: Path, size: str) -> Path:
    module = _generator()
    module.write_yaml(module.build(*module.SIZES[size]), path)
    return path


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("IPSTATS_CACHE_DIR", str(where))
    return where


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic dataset in the real schema (benchmarks/generate.py, 1,000 observations)."""
    return generate(tmp_path_factory.mktemp("generated") / "obs-1k.yaml", "1k")


@pytest.fixture
def settle_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file's times prove its content once they are 10 ms old (2 s otherwise)."""
    monkeypatch.setattr(cache, "_SETTLED_NS", 10_000_000)


def steps_of(path: Path) -> list[str]:
    """What loading ``path`` now had to do: ``reading ...`` (the YAML), ``waiting ...``."""
    steps: list[str] = []

    @contextlib.contextmanager
    def record(message: str) -> Iterator[None]:
        steps.append(message)
        yield

    load(path, progress=record)
    return steps


def cached(path: Path) -> bool:
    """Whether loading ``path`` now comes from the cache (without reading the YAML)."""
    return not any(step.startswith("reading") for step in steps_of(path))


def snapshots(where: Path) -> list[Path]:
    return sorted(where.glob("*.snapshot")) if where.exists() else []


def leftovers(where: Path) -> list[str]:
    return sorted(p.name for p in where.glob(".*.tmp")) if where.exists() else []


class Hashes:
    """Counts how often a dataset file's content is hashed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = cache.content_digest

        def counted(data: bytes) -> str:
            self.count += 1
            return real(data)

        monkeypatch.setattr(cache, "content_digest", counted)

    def during(self, action: Callable[[], object]) -> int:
        before = self.count
        action()
        return self.count - before


# hits, misses, invalidation


def test_second_load_comes_from_the_cache_and_is_the_same(tiny_path: Path, cache_dir: Path) -> None:
    first = load(tiny_path)
    assert first.notes == ()
    (snapshot,) = snapshots(cache_dir)
    assert f"-py{sys.version_info[0]}.{sys.version_info[1]}-" in snapshot.name
    assert cached(tiny_path)
    second, uncached = load(tiny_path), load(tiny_path, use_cache=False)
    assert second.dataset == first.dataset == uncached.dataset
    assert second.warnings == uncached.warnings
    assert second.dataset.origin == str(tiny_path)


def test_an_edit_is_seen(tiny_path: Path, cache_dir: Path) -> None:
    load(tiny_path)
    tiny_path.write_text(TINY.replace("value: 242,", "value: 243,"), encoding="utf-8")
    assert 243 in [o.value for o in load(tiny_path).dataset.observations]


def test_an_edit_keeping_size_and_modification_time_is_seen(
    tiny_path: Path, cache_dir: Path, settle_fast: None
) -> None:
    time.sleep(0.05)
    load(tiny_path)
    assert cached(tiny_path)
    before = tiny_path.stat()
    tiny_path.write_text(TINY.replace("value: 242,", "value: 999,"), encoding="utf-8")
    os.utime(tiny_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = tiny_path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    values = [o.value for o in load(tiny_path).dataset.observations]
    assert 999 in values and 242 not in values


def test_a_settled_file_is_not_hashed_again(
    tiny_path: Path, cache_dir: Path, settle_fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    time.sleep(0.05)
    load(tiny_path)
    hashes = Hashes(monkeypatch)
    assert hashes.during(lambda: load(tiny_path)) == 0
    assert cached(tiny_path)


def test_a_file_changed_just_before_it_was_cached_is_hashed_once_more(
    tiny_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashes = Hashes(monkeypatch)
    monkeypatch.setattr(cache, "_SETTLED_NS", 3600 * 10**9)  # "just now" lasts an hour here
    load(tiny_path)  # written just now: its times prove nothing yet
    assert hashes.during(lambda: load(tiny_path)) == 1
    assert hashes.during(lambda: load(tiny_path)) == 1  # still just now
    monkeypatch.setattr(cache, "_SETTLED_NS", 1)
    assert hashes.during(lambda: load(tiny_path)) == 1  # proved now, and recorded
    assert hashes.during(lambda: load(tiny_path)) == 0
    assert cached(tiny_path)


def test_a_modification_time_in_the_future_is_hashed_once(
    tiny_path: Path, cache_dir: Path, settle_fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    tomorrow = time.time_ns() + 86_400 * 10**9
    os.utime(tiny_path, ns=(tomorrow, tomorrow))
    time.sleep(0.05)
    hashes = Hashes(monkeypatch)
    load(tiny_path)
    assert [hashes.during(lambda: load(tiny_path)) for _ in range(3)] == [0, 0, 0]
    assert cached(tiny_path)


def test_touching_the_file_keeps_the_cache_and_hashes_once(
    tiny_path: Path, cache_dir: Path, settle_fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(tiny_path)
    (snapshot,) = snapshots(cache_dir)
    os.utime(tiny_path, ns=(1_000_000_000, 1_000_000_000))  # same content, other times
    time.sleep(0.05)
    hashes = Hashes(monkeypatch)
    assert cached(tiny_path)
    assert hashes.count == 1
    assert hashes.during(lambda: load(tiny_path)) == 0
    assert snapshots(cache_dir) == [snapshot]


def test_the_same_content_at_another_path_has_its_own_cache(
    tiny_path: Path, cache_dir: Path, write_dataset: Callable[..., Path]
) -> None:
    other = write_dataset(TINY, "other.yaml")
    load(tiny_path)
    assert not cached(other)
    assert cached(other)
    assert len(snapshots(cache_dir)) == 2
    assert load(other).dataset.origin == str(other)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_is_never_cached(tmp_path: Path, cache_dir: Path) -> None:
    import threading

    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    for value in ("242", "243"):

        def feed(text: str = TINY.replace("value: 242,", f"value: {value},")) -> None:
            pipe.write_text(text, encoding="utf-8")

        writer = threading.Thread(target=feed)
        writer.start()
        loaded = load(pipe)
        writer.join()
        assert int(value) in [o.value for o in loaded.dataset.observations]
        assert loaded.notes == ()
    assert not cache_dir.exists() or list(cache_dir.iterdir()) == []


def test_an_invalid_file_is_not_cached(write_dataset: Callable[..., Path], cache_dir: Path) -> None:
    path = write_dataset(TINY.replace("value: 242,", "value: lots,"))
    for _ in range(2):
        with pytest.raises(DatasetError, match="must be a number"):
            load(path)
    assert snapshots(cache_dir) == []


def test_warnings_come_back_from_the_cache(
    write_dataset: Callable[..., Path], cache_dir: Path
) -> None:
    path = write_dataset(
        TINY.replace("yoy: {percent: 10}, source: src-a", "yoy: {percent: 30}, source: src-a")
    )
    first = load(path)
    assert first.warnings and all(p.warning and p.line for p in first.warnings)
    assert cached(path)
    assert load(path).warnings == first.warnings


def test_every_field_survives_the_cache(generated: Path, cache_dir: Path) -> None:
    load(generated)
    assert cached(generated)
    stored, memory = load(generated).dataset, load(generated, use_cache=False).dataset
    assert stored == memory
    assert any(o.yoy is not None for o in stored.observations)
    assert any(o.note for o in stored.observations)
    for mine, theirs in zip(stored.observations, memory.observations, strict=True):
        assert [type(v) for v in mine] == [type(v) for v in theirs]


# damage of every kind, other versions


def _rewrite(transform: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        path.write_bytes(transform(path.read_bytes()))

    damage.__name__ = transform.__name__
    return damage


def _flip(offset: int) -> Callable[[bytes], bytes]:
    def flipped(data: bytes) -> bytes:
        at = offset % len(data)
        return data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1 :]

    flipped.__name__ = f"byte_{offset}_flipped"
    return flipped


def _garbage(data: bytes) -> bytes:
    return b"not a snapshot at all" * 100


def _empty(data: bytes) -> bytes:
    return b""


def _magic_only(data: bytes) -> bytes:
    return data[: len(cache._MAGIC)]


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 3]


def _one_byte_short(data: bytes) -> bytes:
    return data[:-1]


def _one_byte_more(data: bytes) -> bytes:
    return data + b"\0"


def _sqlite_file(data: bytes) -> bytes:  # what the previous format wrote
    return b"SQLite format 3\0" + data[16:]


def _checksummed(body: bytes) -> bytes:
    """A snapshot file whose checksum matches ``body``, whatever it holds."""
    import zlib

    return cache._MAGIC + zlib.crc32(body).to_bytes(4) + body


def _payload_not_ours(data: bytes) -> bytes:
    import marshal

    start = len(cache._MAGIC) + 4
    length = int.from_bytes(data[start : start + 4])
    return _checksummed(data[start : start + 4 + length] + marshal.dumps(("a", 1, None)))


def _description_not_a_dict(data: bytes) -> bytes:
    import marshal

    described = marshal.dumps([1, 2, 3])
    return _checksummed(len(described).to_bytes(4) + described)


def _length_past_the_end(data: bytes) -> bytes:
    start = len(cache._MAGIC) + 4
    return _checksummed((2**31).to_bytes(4) + data[start + 4 :])


DAMAGE = [
    _rewrite(t)
    for t in (
        _garbage,
        _empty,
        _magic_only,
        _truncated,
        _one_byte_short,
        _one_byte_more,
        _sqlite_file,
        _flip(0),
        _flip(len(cache._MAGIC) + 1),  # the checksum
        _flip(len(cache._MAGIC) + 5),  # the length of the description
        _flip(len(cache._MAGIC) + 40),  # the description
        _flip(-100),  # the payload
        _payload_not_ours,
        _description_not_a_dict,
        _length_past_the_end,
    )
]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda d: d.__name__)
def test_a_damaged_snapshot_is_rebuilt(
    damage: Callable[[Path], None], tiny_path: Path, cache_dir: Path
) -> None:
    expected = load(tiny_path, use_cache=False)
    load(tiny_path)
    (snapshot,) = snapshots(cache_dir)
    damage(snapshot)
    assert not cached(tiny_path)  # read from the YAML, and written again
    again = load(tiny_path)
    assert (again.dataset, again.warnings, again.notes) == (expected.dataset, expected.warnings, ())
    assert cached(tiny_path)
    [entry] = cache.entries(cache_dir)
    assert entry.current and entry.observations == 13


def test_a_damaged_snapshot_is_listed_as_damaged(tiny_path: Path, cache_dir: Path) -> None:
    load(tiny_path)
    (snapshot,) = snapshots(cache_dir)
    _rewrite(_flip(-10))(snapshot)
    code, out, _ = _cli("cache", "info", "--format", "json")
    assert code == 0
    [row] = json.loads(out)
    assert (row["state"], row["dataset"], row["observations"]) == ("damaged", None, None)


@pytest.mark.parametrize(
    ("attribute", "other"),
    [("__version__", "0.0.0-other"), ("FORMAT", 999), ("_PYTHON", "3.99")],
)
def test_each_version_keeps_a_snapshot_of_its_own(
    attribute: str, other: object, tiny_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(tiny_path)
    with monkeypatch.context() as patch:
        patch.setattr(cache, attribute, other)
        assert not cached(tiny_path)  # "the other version" builds its own
        assert cached(tiny_path)
    assert cached(tiny_path)  # and this one's is still there
    assert len(snapshots(cache_dir)) == 2
    states = sorted((e.current, e.observations) for e in cache.entries(cache_dir))
    assert states == [(False, 13), (True, 13)]


@pytest.mark.parametrize(("attribute", "other"), [("SCHEMA_VERSION", 999), ("LAYOUT", (("id",),))])
def test_a_snapshot_of_another_schema_or_record_layout_is_rebuilt(
    attribute: str, other: object, tiny_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(cache, attribute, other)
        load(tiny_path)
        assert cached(tiny_path)
    assert not cached(tiny_path)
    assert cached(tiny_path)


def test_the_size_limit_of_this_run_applies_to_cached_datasets_too(
    tiny_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(tiny_path)
    assert cached(tiny_path)
    monkeypatch.setenv("IPSTATS_MAX_FILE_BYTES", "1000")
    expected = _cli("--no-cache", "--data", str(tiny_path), "list", "cities")
    assert expected[0] == 1 and "limit" in expected[2]
    assert _cli("--data", str(tiny_path), "list", "cities") == expected
    monkeypatch.setenv("IPSTATS_MAX_FILE_BYTES", "lots")
    expected = _cli("--no-cache", "--data", str(tiny_path), "list", "cities")
    assert expected[0] == 2
    assert _cli("--data", str(tiny_path), "list", "cities") == expected
    monkeypatch.delenv("IPSTATS_MAX_FILE_BYTES")
    assert cached(tiny_path)


def test_a_file_read_under_a_raised_limit_is_not_served_under_the_default(
    tiny_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipstats import loader

    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 1000)  # the tiny file is over the default
    monkeypatch.setenv("IPSTATS_MAX_FILE_BYTES", "100000")
    load(tiny_path)
    assert cached(tiny_path)
    monkeypatch.delenv("IPSTATS_MAX_FILE_BYTES")
    with pytest.raises(DatasetError, match="is larger than the 1000 bytes limit"):
        load(tiny_path)


# builders at once, killed writers


def _child(code: str, cache_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "IPSTATS_CACHE_DIR": str(cache_dir)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


LOAD_AND_TELL = """
    import contextlib, hashlib, sys
    from pathlib import Path
    from ipstats.datafile import load

    steps = []

    @contextlib.contextmanager
    def record(message):
        steps.append(message.split()[0])
        yield

    dataset = load(Path(sys.argv[1]), progress=record).dataset
    digest = hashlib.sha256(repr(dataset).encode()).hexdigest()
    print(",".join(steps) or "cached", len(dataset.observations), digest)
"""


@pytest.mark.slow
def test_eight_cold_processes_build_once(tmp_path: Path, cache_dir: Path) -> None:
    path = generate(tmp_path / "obs-10k.yaml", "10k")
    children = [_child(LOAD_AND_TELL, cache_dir, str(path)) for _ in range(8)]
    results = [c.communicate(timeout=300) for c in children]
    assert all(c.returncode == 0 for c in children), results
    told = [out.split() for out, _ in results]
    assert sum(t[0].split(",").count("reading") for t in told) == 1, told
    assert {tuple(t[1:]) for t in told} == {(str(10_000), told[0][2])}
    assert leftovers(cache_dir) == [] and len(snapshots(cache_dir)) == 1
    assert load(path).dataset == load(path, use_cache=False).dataset


@pytest.mark.slow
def test_concurrent_commands_answer_alike_and_leave_one_snapshot(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = generate(tmp_path / "obs-10k.yaml", "10k")
    command = [sys.executable, "-m", "ipstats", "--data", str(path), "compare", "shanghai"]
    command += ["shenzhen", "--metric", "pct", "--format", "csv"]
    env = {**os.environ, "IPSTATS_CACHE_DIR": str(cache_dir)}
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(8)
    ]
    results = [p.communicate(timeout=300) for p in processes]
    assert all(p.returncode == 0 for p in processes), results
    assert {out for out, _ in results} == {results[0][0]}
    assert all(err == "" for _, err in results)
    assert leftovers(cache_dir) == [] and len(snapshots(cache_dir)) == 1
    expected = subprocess.run(
        [*command[:3], "--no-cache", *command[3:]],
        env=env,
        text=True,
        capture_output=True,
        check=True,
    )
    assert expected.stdout == results[0][0]


KILLED_MID_WRITE = """
    import os, signal, sys, time, contextlib
    from pathlib import Path
    from ipstats import atomic
    from ipstats.datafile import load

    real = atomic.atomic_writer

    @contextlib.contextmanager
    def writer(path, binary=False):
        with real(path, binary) as handle:
            handle.write(b"half a snapshot")
            handle.flush()
            os.kill(os.getpid(), getattr(signal, sys.argv[2]))  # a real signal, mid-write
            time.sleep(30)
            yield handle

    atomic.atomic_writer = writer
    try:
        load(Path(sys.argv[1]))
    except KeyboardInterrupt:
        sys.exit(130)
"""


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SIGTERM", "SIGKILL"])
def test_a_writer_killed_mid_write_leaves_nothing_for_long(
    name: str, tiny_path: Path, cache_dir: Path
) -> None:
    child = _child(KILLED_MID_WRITE, cache_dir, str(tiny_path), name)
    _, err = child.communicate(timeout=60)
    if name == "SIGTERM":
        assert child.returncode == 130, err
        assert leftovers(cache_dir) == []  # cleaned up on the way out
    else:
        assert child.returncode == -signal.SIGKILL
        assert len(leftovers(cache_dir)) == 1  # nothing can clean up after SIGKILL...
    assert snapshots(cache_dir) == []
    assert not cached(tiny_path)  # ...but the next writer does
    assert leftovers(cache_dir) == [] and cached(tiny_path)


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_a_usable_cache(
    tmp_path: Path, cache_dir: Path
) -> None:
    path = generate(tmp_path / "obs-10k.yaml", "10k")
    expected = load(path, use_cache=False).dataset
    for delay in (0.2, 0.5, 0.8, 1.1, 1.4):
        cache.clear(cache_dir)
        child = _child(LOAD_AND_TELL, cache_dir, str(path))
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        assert load(path).dataset == expected
        assert leftovers(cache_dir) == [] and len(snapshots(cache_dir)) == 1


def test_stale_temporary_files_are_swept_when_a_snapshot_is_written(
    tiny_path: Path, cache_dir: Path, write_dataset: Callable[..., Path]
) -> None:
    load(tiny_path)
    (snapshot,) = snapshots(cache_dir)
    mine = cache_dir / f".{snapshot.name}.left.tmp"  # its writer died: its lock is free
    fresh = cache_dir / ".other-0-ipstats9-py3.99-c2.snapshot.busy.tmp"  # another's, recent
    old = cache_dir / ".other-0-ipstats9-py3.99-c2.snapshot.old.tmp"  # another's, hours old
    for path in (mine, fresh, old):
        path.write_bytes(b"half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    snapshot.unlink()
    load(tiny_path)
    assert leftovers(cache_dir) == [fresh.name]


# the cache directory


def _cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_an_unwritable_cache_directory_means_no_cache_and_one_warning(
    tiny_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("IPSTATS_CACHE_DIR", str(blocker / "cache"))
    expected = _cli("--no-cache", "--data", str(tiny_path), "list", "observations")
    for _ in range(2):
        code, out, err = _cli("--data", str(tiny_path), "list", "observations")
        assert (code, out) == expected[:2]
        assert err.count("warning:") == 1
        assert err.startswith(f"warning: no cache: cannot write to {blocker / 'cache'} (")


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not bind root")
def test_a_read_only_cache_directory_is_read_but_not_written(
    tiny_path: Path, cache_dir: Path, write_dataset: Callable[..., Path]
) -> None:
    load(tiny_path)
    cache_dir.chmod(0o555)
    try:
        assert cached(tiny_path)  # reading still works
        other = write_dataset(TINY, "other.yaml")
        loaded = load(other)
        assert loaded.dataset == load(other, use_cache=False).dataset
        assert len(loaded.notes) == 1 and "cannot write" in loaded.notes[0]
    finally:
        cache_dir.chmod(0o755)


def test_a_missing_cache_directory_is_made(
    tiny_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tmp_path / "not" / "yet" / "there"
    monkeypatch.setenv("IPSTATS_CACHE_DIR", str(where))
    assert load(tiny_path).notes == ()
    assert len(snapshots(where)) == 1


def test_cache_directory_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("IPSTATS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory() == tmp_path / "xdg" / "ipstats"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory() == tmp_path / "home" / ".cache" / "ipstats"
    monkeypatch.setenv("IPSTATS_CACHE_DIR", "~/elsewhere")
    assert cache.directory() == tmp_path / "home" / "elsewhere"


def test_without_a_home_directory_there_is_no_cache_and_one_warning(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("IPSTATS_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def homeless() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", homeless)
    code, out, err = _cli("--data", str(tiny_path), "list", "cities")
    assert code == 0 and "alpha" in out
    assert err == "warning: no cache: no home directory to keep it in\n"
    code, _, err = _cli("cache", "clear")
    assert (code, err) == (
        1,
        "Error: no directory for the cache: there is no home directory; set IPSTATS_CACHE_DIR\n",
    )


# the command line


def test_no_cache_neither_reads_nor_writes_it(
    tiny_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("--no-cache must not touch the cache")

    monkeypatch.setattr(cache, "lookup", refuse)
    monkeypatch.setattr(cache, "save", refuse)
    code, out, err = _cli("--no-cache", "--data", str(tiny_path), "compare", "alpha", "beta")
    assert code == 0, err
    assert "widgets_granted" in out
    assert not cache_dir.exists()


def test_cache_info_lists_each_snapshot(tiny_path: Path, cache_dir: Path) -> None:
    load(tiny_path)
    code, out, err = _cli("cache", "info", "--format", "json")
    assert code == 0, err
    [row] = json.loads(out)
    assert (row["dataset"], row["observations"], row["state"]) == (
        str(tiny_path.resolve()),
        13,
        "ok",
    )
    assert row["bytes"] == snapshots(cache_dir)[0].stat().st_size
    assert row["cache_file"] == snapshots(cache_dir)[0].name


def test_cache_clear_removes_snapshots_and_leftovers_but_not_a_write_in_progress(
    tiny_path: Path, cache_dir: Path
) -> None:
    load(tiny_path)
    (snapshot,) = snapshots(cache_dir)
    (cache_dir / f".{snapshot.name}.dead.tmp").write_bytes(b"left by a crash")
    busy = cache_dir / "busy-0-ipstats9-py3.99-c2.snapshot"
    (cache_dir / f".{busy.name}.live.tmp").write_bytes(b"being written")
    (cache_dir / "not-ours.txt").write_text("kept", encoding="utf-8")
    (cache_dir / "indicators-0123456789abcdef.sqlite").write_bytes(b"an earlier build's cache")
    (cache_dir / ".ipstats-indicators-0123456789abcdef.x1.tmp").write_bytes(b"its leftover")
    (cache_dir / "notes-0123.sqlite").write_bytes(b"not ours")
    with cache.locked(busy) as held:
        assert held
        code, out, err = _cli("cache", "clear")
    assert (code, out, err) == (0, "", f"removed 4 cache files from {cache_dir}\n")
    assert sorted(p.name for p in cache_dir.iterdir()) == sorted(
        [f".{busy.name}.live.tmp", f"{busy.name}.lock", "not-ours.txt", "notes-0123.sqlite"]
    )
    assert not cached(tiny_path)
    code, _, err = _cli("cache", "clear")
    assert err == f"removed 2 cache files from {cache_dir}\n"  # the snapshot, the other's leftover


def _commands(city_a: str, city_b: str, metric: str, year: str) -> list[list[str]]:
    return [
        ["validate"],
        ["list", "cities"],
        ["list", "indicators"],
        ["list", "indicators", "--city", city_a, "--category", "creation"],
        ["list", "indicators", "--search", "patent"],
        ["list", "sources"],
        ["list", "observations"],
        ["list", "observations", "--city", city_a, "--metric", metric],
        ["list", "observations", "--category", "protection", "--from", year],
        ["list", "observations", "--city", city_b, "--year", year, "-f", "json"],
        ["list", "observations", "--metric", metric, "--year", "1901"],
        ["show", city_a],
        ["show", metric],
        ["show", "nowhere"],
        ["compare", city_a, city_b],
        ["compare", city_a, city_b, "--metric", metric],
        ["compare", city_a, city_b, "--metric", metric, "--year", year, "-f", "csv"],
        ["compare", city_a, city_b, "--year", "1901"],
        ["compare", city_a, "nowhere"],
        ["growth", city_a],
        ["growth", city_a, city_b, "--metric", metric, "--from", year],
        ["export"],
        ["export", "--wide", "--format", "tsv"],
        ["export", "--city", city_b, "--format", "jsonl"],
        ["export", "--metric", metric, "--format", "yaml"],
        ["list", "observations", "-f", "table"],
        ["compare", city_a, city_b, "-f", "markdown"],
    ]


def _same_with_and_without_cache(data: Path, commands: list[list[str]], where: Path) -> None:
    for command in commands:
        args = ["--data", str(data), *command]
        without = _cli("--no-cache", *args)
        cache.clear(where)
        cold = _cli(*args)
        warm = _cli(*args)
        assert cold == without, command
        assert warm == without, command


def test_every_command_answers_the_same_with_and_without_cache_on_shipped_data(
    cache_dir: Path, tmp_path: Path
) -> None:
    data = tmp_path / "indicators.yaml"  # a copy: the shipped file may be edited meanwhile
    data.write_bytes(default_path().read_bytes())
    _same_with_and_without_cache(
        data, _commands("shanghai", "shenzhen", "pct_applications", "2023"), cache_dir
    )


def test_every_command_answers_the_same_with_and_without_cache_on_generated_data(
    generated: Path, cache_dir: Path
) -> None:
    _same_with_and_without_cache(
        generated, _commands("shanghai", "city-004", "pct_applications", "2015"), cache_dir
    )


def test_info_marks_a_snapshot_whose_file_is_gone_and_clear_stale_removes_only_it(
    tiny_path: Path, cache_dir: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    doomed = tmp_path / "doomed.yaml"
    doomed.write_bytes(tiny_path.read_bytes())
    load(doomed)
    load(tiny_path)
    doomed.unlink()
    runner = CliRunner()
    info = runner.invoke(app, ["cache", "info", "--format", "json"])
    assert info.exit_code == 0, info.stderr
    states = {Path(e["dataset"]).name: e["state"] for e in json.loads(info.stdout)}
    assert states == {"doomed.yaml": "dataset file gone", tiny_path.name: "ok"}

    cleared = runner.invoke(app, ["cache", "clear", "--stale"])
    assert cleared.exit_code == 0, cleared.stderr
    assert "removed 1 cache file" in cleared.stderr
    left = runner.invoke(app, ["cache", "info", "--format", "json"])
    assert [Path(e["dataset"]).name for e in json.loads(left.stdout)] == [tiny_path.name]
    assert cached(tiny_path)
