"""The cache: used only while valid, rebuilt when not, safe with many writers, never changes an answer."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import TINY
from ipstats import cache
from ipstats.cli import app
from ipstats.datafile import default_path, load, read
from ipstats.errors import DatasetError
from ipstats.loader import decode, parse
from ipstats.schema import build_dataset

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("IPSTATS_CACHE_DIR", str(where))
    return where


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic dataset in the real schema (benchmarks/generate.py, 1,000 observations)."""
    generate = _generator()
    path = tmp_path_factory.mktemp("generated") / "obs-1k.yaml"
    generate.write_yaml(generate.build(*generate.SIZES["1k"]), path)
    return path


def cached(path: Path) -> bool:
    """Whether loading ``path`` now comes from the cache (without reading the YAML)."""
    return load(path).dataset._store is not None


def cache_files(where: Path) -> list[Path]:
    return sorted(p for p in where.iterdir() if p.suffix == ".sqlite") if where.exists() else []


def wait_until_settled() -> None:
    """Files changed less than the racy margin ago are checked by hash; let the margin pass."""
    time.sleep(cache._RACY_NS / 1e9 + 0.05)


# hits, misses, invalidation


def test_second_load_comes_from_the_cache_and_is_the_same(tiny_path: Path, cache_dir: Path) -> None:
    first = load(tiny_path)
    assert first.dataset._store is None and first.notes == ()
    assert len(cache_files(cache_dir)) == 1
    second = load(tiny_path)
    assert second.dataset._store is not None
    uncached = load(tiny_path, use_cache=False)
    assert second.dataset == first.dataset == uncached.dataset
    assert second.warnings == uncached.warnings
    assert second.dataset.observations == uncached.dataset.observations
    assert second.dataset.sources == uncached.dataset.sources
    assert second.dataset.origin == str(tiny_path)


def test_lookups_in_the_cache_match_memory(generated: Path, cache_dir: Path) -> None:
    load(generated)
    stored, memory = load(generated).dataset, load(generated, use_cache=False).dataset
    assert stored._store is not None and memory._store is None
    for indicators, cities in [
        (("pct_applications",), ("shanghai", "shenzhen")),
        (("indicator_03", "pct_applications"), ()),
        ((), ("city-007",)),
        (("no_such_indicator",), ("shanghai",)),
    ]:
        assert stored.observations_of(indicators, cities) == memory.observations_of(
            indicators, cities
        )
    for fields, cities in [
        (("city", "year"), ()),
        (("indicator",), ("shanghai",)),
        (("source",), ()),
    ]:
        assert stored.tally(*fields, cities=cities) == memory.tally(*fields, cities=cities)
    assert stored.source("shanghai-report-2010") == memory.source("shanghai-report-2010")
    with pytest.raises(KeyError):
        stored.source("no-such-source")


def test_an_edit_is_seen(tiny_path: Path, cache_dir: Path) -> None:
    load(tiny_path)
    tiny_path.write_text(TINY.replace("value: 242,", "value: 243,"), encoding="utf-8")
    assert 243 in [o.value for o in load(tiny_path).dataset.observations]


def test_an_edit_keeping_size_and_modification_time_is_seen(
    tiny_path: Path, cache_dir: Path
) -> None:
    wait_until_settled()
    load(tiny_path)
    assert cached(tiny_path)
    before = tiny_path.stat()
    tiny_path.write_text(TINY.replace("value: 242,", "value: 999,"), encoding="utf-8")
    os.utime(tiny_path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = tiny_path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    values = [o.value for o in load(tiny_path).dataset.observations]
    assert 999 in values and 242 not in values


def test_a_settled_file_is_not_read_again(
    tiny_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wait_until_settled()
    load(tiny_path)

    def no_hashing(data: bytes) -> str:
        raise AssertionError("the file's unchanged state should be enough")

    monkeypatch.setattr(cache, "digest", no_hashing)
    assert cached(tiny_path)


def test_touching_the_file_keeps_the_cache(tiny_path: Path, cache_dir: Path) -> None:
    load(tiny_path)
    (cache_file,) = cache_files(cache_dir)
    os.utime(tiny_path, ns=(1_000_000_000, 1_000_000_000))  # same content, other times
    assert cached(tiny_path)
    assert cache_files(cache_dir) == [cache_file]


def test_the_same_content_at_another_path_has_its_own_cache(
    tiny_path: Path, cache_dir: Path, write_dataset: Callable[..., Path]
) -> None:
    other = write_dataset(TINY, "other.yaml")
    load(tiny_path)
    assert not cached(other)
    assert cached(other)
    assert len(cache_files(cache_dir)) == 2
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
        assert loaded.dataset._store is None and loaded.notes == ()
    assert cache_files(cache_dir) == []


def test_an_invalid_file_is_not_cached(write_dataset: Callable[..., Path], cache_dir: Path) -> None:
    path = write_dataset(TINY.replace("value: 242,", "value: lots,"))
    for _ in range(2):
        with pytest.raises(DatasetError, match="must be a number"):
            load(path)
    assert cache_files(cache_dir) == []


def test_warnings_come_back_from_the_cache(
    write_dataset: Callable[..., Path], cache_dir: Path
) -> None:
    path = write_dataset(
        TINY.replace("yoy: {percent: 10}, source: src-a", "yoy: {percent: 30}, source: src-a")
    )
    first = load(path)
    assert first.warnings and all(p.warning and p.line for p in first.warnings)
    second = load(path)
    assert second.dataset._store is not None
    assert second.warnings == first.warnings


# damage and other versions


def _damage_by_garbage(path: Path) -> None:
    path.write_bytes(b"not a database at all" * 100)


def _damage_by_truncation(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _damage_by_flipped_bytes(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for offset in range(len(data) // 2, len(data), 97):
        data[offset] ^= 0x55
    path.write_bytes(bytes(data))


def _damage_a_value_silently(path: Path) -> None:
    # a valid SQLite file whose stored row no longer matches its checksum
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE observations SET value = 1 WHERE value = 242")
    connection.close()


def _damage_by_removing_a_row(path: Path) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("DELETE FROM observations WHERE value = 242")
    connection.close()


def _damage_by_moving_a_row(path: Path) -> None:
    # the row leaves beta's lookups (its index entry follows the new city)
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE observations SET city = 'alpha' WHERE value = 242")
    connection.close()


def _damage_a_tally(path: Path) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE tallies SET data = x'00' || data")
    connection.close()


def _damage_a_count(path: Path) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("DELETE FROM counts WHERE city = 'beta'")
    connection.close()


def _damage_the_description(path: Path) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE meta SET value = 'x' WHERE key = 'digest'")
    connection.close()


@pytest.mark.parametrize(
    "damage",
    [
        _damage_by_garbage,
        _damage_by_truncation,
        _damage_by_flipped_bytes,
        _damage_a_value_silently,
        _damage_by_removing_a_row,
        _damage_by_moving_a_row,
        _damage_a_tally,
        _damage_a_count,
        _damage_the_description,
    ],
)
def test_a_damaged_cache_is_never_trusted(
    damage: Callable[[Path], None], tiny_path: Path, cache_dir: Path
) -> None:
    expected = load(tiny_path, use_cache=False)
    load(tiny_path)
    (cache_file,) = cache_files(cache_dir)
    damage(cache_file)
    again = load(tiny_path)
    assert again.dataset == expected.dataset
    assert again.warnings == expected.warnings
    assert again.notes == ()
    # and the cache is whole again
    assert cached(tiny_path)
    assert load(tiny_path).dataset == expected.dataset


@pytest.mark.parametrize(
    "damage",
    [
        _damage_a_value_silently,
        _damage_by_removing_a_row,
        _damage_by_moving_a_row,
        _damage_a_tally,
        _damage_a_count,
    ],
)
def test_damage_found_only_when_looking_up_falls_back_to_the_file(
    damage: Callable[[Path], None], tiny_path: Path, cache_dir: Path
) -> None:
    load(tiny_path)
    (cache_file,) = cache_files(cache_dir)
    damage(cache_file)
    opened = load(tiny_path).dataset  # the damage does not show when the cache is opened
    assert opened._store is not None
    found = opened.observations_of(("widgets_granted",), ("beta",))
    assert [o.value for o in found] == [242]
    assert opened.tally("city", "year") == load(tiny_path, use_cache=False).dataset.tally(
        "city", "year"
    )
    assert cached(tiny_path)  # written again


@pytest.mark.parametrize(
    ("attribute", "other"),
    [("__version__", "0.0.0-other"), ("FORMAT", 999), ("_PYTHON", "2.7 marshal 0")],
)
def test_a_cache_from_another_version_is_rebuilt(
    attribute: str, other: object, tiny_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(cache, attribute, other)
        load(tiny_path)
        assert cached(tiny_path)
    assert not cached(tiny_path)  # written by "another version": read the YAML, write again
    assert cached(tiny_path)
    [entry] = cache.entries(cache_dir)
    assert entry.observations == 13


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


# writers at once, unwritable directories


@pytest.mark.slow
def test_concurrent_builders_leave_a_valid_cache(tmp_path: Path, cache_dir: Path) -> None:
    generate = _generator()
    path = tmp_path / "obs-10k.yaml"
    generate.write_yaml(generate.build(*generate.SIZES["10k"]), path)
    command = [
        sys.executable,
        "-m",
        "ipstats",
        "--data",
        str(path),
        "compare",
        "shanghai",
        "shenzhen",
        "--metric",
        "pct",
        "--format",
        "csv",
    ]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [p.communicate(timeout=300) for p in processes]
    assert all(p.returncode == 0 for p in processes), results
    assert {out for out, _ in results} == {results[0][0]}
    assert all(err == "" for _, err in results)
    assert [p.name for p in cache_dir.iterdir()] == [cache_files(cache_dir)[0].name]  # no leftovers
    after = subprocess.run(command, capture_output=True, text=True, check=True)
    assert after.stdout == results[0][0]
    assert cached(path)
    assert load(path).dataset == load(path, use_cache=False).dataset


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
    assert len(cache_files(where)) == 1


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
    assert cache_files(cache_dir) == []


def test_cache_clear_and_info(tiny_path: Path, cache_dir: Path) -> None:
    load(tiny_path)
    code, out, err = _cli("cache", "info", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == "dataset,observations,bytes,written,cache_file,state"
    assert f"{tiny_path.resolve()},13," in out
    (cache_dir / ".ipstats-half-written.tmp").write_text("left by a crash", encoding="utf-8")
    (cache_dir / "not-ours.txt").write_text("kept", encoding="utf-8")
    code, out, err = _cli("cache", "clear")
    assert (code, out, err) == (0, "", f"removed 2 cache files from {cache_dir}\n")
    assert [p.name for p in cache_dir.iterdir()] == ["not-ours.txt"]
    assert not cached(tiny_path)
    code, _, err = _cli("cache", "clear")
    assert err == f"removed 1 cache file from {cache_dir}\n"


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


def _same_with_and_without_cache(data: Path, commands: list[list[str]]) -> None:
    for command in commands:
        args = ["--data", str(data), *command]
        without = _cli("--no-cache", *args)
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
        data, _commands("shanghai", "shenzhen", "pct_applications", "2023")
    )


def test_every_command_answers_the_same_with_and_without_cache_on_generated_data(
    generated: Path, cache_dir: Path
) -> None:
    _same_with_and_without_cache(
        generated, _commands("shanghai", "city-004", "pct_applications", "2015")
    )


def test_a_warm_query_imports_no_parser_nor_pydantic(cache_dir: Path, tmp_path: Path) -> None:
    """The startup budget, checked without timing: what a cached query must not import."""
    data = tmp_path / "indicators.yaml"  # a copy: the shipped file may be edited meanwhile
    data.write_bytes(default_path().read_bytes())
    code = (
        "import sys\n"
        "from ipstats.cli import app\n"
        f"args = ['--data', {str(data)!r}, 'compare', 'shanghai', 'shenzhen', '--metric', 'pct']\n"
        "for _ in range(2):\n"
        "    app(args, standalone_mode=False)\n"
        "heavy = ('yaml', 'pydantic', 'rich', 'tabulate', 'importlib.metadata', 'ipstats.schema')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    # the first run builds the cache (and imports yaml): look at a second process
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]", done.stdout


# the fast reader gives exactly what the positioned one gives


def _slow(path: Path) -> object:
    name = str(path)
    try:
        return build_dataset(parse(decode(path.read_bytes(), name), name), name)
    except DatasetError as error:
        return [p.describe(name) for p in error.problems]


def _fast(path: Path) -> object:
    name = str(path)
    try:
        return read(path, name)
    except DatasetError as error:
        return [p.describe(name) for p in error.problems]


def test_the_fast_reader_agrees_on_real_and_generated_data(generated: Path) -> None:
    for path in (default_path(), generated):
        assert _fast(path) == _slow(path)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_the_fast_reader_agrees_on_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "encoded.yaml"
    path.write_bytes(TINY.encode(encoding))
    assert _fast(path) == _slow(path)


_EDITS = st.sampled_from(
    [
        "",
        "&a ",
        "*a",
        "!!str ",
        "!!python/none ",
        "<<: ",
        "- ",
        ": ",
        "{",
        "]",
        "\t",
        "'",
        '"',
        "#",
        "yes",
        "1e3",
        "0x1F",
        "-5",
        "2023-01-02",
        "null",
        "~",
        ".inf",
        "1_000",
        "\ufeff",
        "\x00",
        "é",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    position=st.integers(min_value=0, max_value=len(TINY)), cut=st.integers(0, 12), insert=_EDITS
)
def test_the_fast_reader_agrees_on_damaged_files(
    tmp_path: Path, position: int, cut: int, insert: str
) -> None:
    path = tmp_path / "edited.yaml"
    path.write_bytes((TINY[:position] + insert + TINY[position + cut :]).encode("utf-8"))
    assert _fast(path) == _slow(path)
