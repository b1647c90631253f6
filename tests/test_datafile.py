"""Where the dataset is, how a file becomes a Dataset, and what a slow read tells a terminal."""

from __future__ import annotations

import contextlib
import io
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TINY
from ipstats import cache
from ipstats.datafile import choose_path, default_path, load, on_terminal, read
from ipstats.errors import DatasetError
from ipstats.loader import decode, parse
from ipstats.schema import build_dataset


def test_data_option_wins_over_the_environment_over_the_shipped_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert choose_path() == default_path()
    monkeypatch.setenv("IPSTATS_DATA", "~/mine.yaml")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert choose_path() == tmp_path / "mine.yaml"
    assert choose_path(Path("given.yaml")) == Path("given.yaml")
    monkeypatch.setenv("IPSTATS_DATA", "  ")
    assert choose_path() == default_path()


def test_load_gives_the_same_with_and_without_the_cache(tiny_path: Path) -> None:
    uncached = load(tiny_path, use_cache=False)
    for _ in range(2):
        loaded = load(tiny_path)
        assert (loaded.dataset, loaded.warnings, loaded.path) == (
            uncached.dataset,
            uncached.warnings,
            uncached.path,
        )


def test_a_missing_file_is_one_located_problem(tmp_path: Path) -> None:
    for use_cache in (True, False):
        with pytest.raises(DatasetError) as caught:
            load(tmp_path / "nowhere.yaml", use_cache=use_cache)
        assert [p.message for p in caught.value.problems] == ["no such file"]


@pytest.mark.slow
def test_100000_observations_with_long_notes_are_within_the_default_size_limit(
    tmp_path: Path,
) -> None:
    from ipstats import loader

    generate = _generator()
    path = tmp_path / "obs-100k-notes.yaml"
    generate.write_yaml(generate.build(*generate.SIZES["100k"], long_notes=True), path)
    assert len(loader.read_bytes(path)) == path.stat().st_size > loader.MAX_FILE_BYTES // 2


def _generator() -> Any:
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("generate", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# progress


def _recorder() -> tuple[list[str], Callable[[str], contextlib.AbstractContextManager[None]]]:
    steps: list[str] = []

    @contextlib.contextmanager
    def record(message: str) -> Iterator[None]:
        steps.append(message)
        yield

    return steps, record


def test_progress_is_told_of_reading_only_when_the_file_is_read(tiny_path: Path) -> None:
    steps, record = _recorder()
    load(tiny_path, progress=record)
    assert steps == [f"reading {tiny_path}..."]
    load(tiny_path, progress=record)  # from the cache
    assert len(steps) == 1
    load(tiny_path, use_cache=False, progress=record)
    assert steps[1:] == [f"reading {tiny_path}..."]


def test_a_large_file_is_announced_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "large.yaml"
    path.write_text(TINY + "\n" + "# padding\n" * 300_000, encoding="utf-8")
    steps, record = _recorder()
    load(path, use_cache=False, progress=record)
    assert steps == [f"reading {path} (3 MiB)..."]


def test_waiting_for_another_builder_is_told(tiny_path: Path) -> None:
    found = cache.lookup(tiny_path, str(tiny_path))
    assert found.cache_file is not None
    steps, record = _recorder()
    with cache.locked(found.cache_file) as held:
        assert held  # as another process building the cache would
        done: list[object] = []
        loader = threading.Thread(target=lambda: done.append(load(tiny_path, progress=record)))
        loader.start()
        time.sleep(0.3)
        assert not done  # it waits
    loader.join(timeout=30)
    assert done and steps[0] == f"waiting for another ipstats process reading {tiny_path}..."


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_a_slow_step_is_shown_then_erased() -> None:
    stream = _Terminal()
    progress = on_terminal(stream, after=0.05)
    assert progress is not None
    with progress("reading big.yaml (20 MiB)..."):
        time.sleep(0.3)
    assert stream.getvalue() == "reading big.yaml (20 MiB)...\r\x1b[K"
    with progress("reading small.yaml..."):
        pass
    assert stream.getvalue() == "reading big.yaml (20 MiB)...\r\x1b[K"  # too quick to show


def test_nothing_is_shown_where_there_is_no_terminal() -> None:
    assert on_terminal(io.StringIO()) is None
    closed = io.StringIO()
    closed.close()
    assert on_terminal(closed) is None


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="no pseudo-terminals")
def test_the_command_line_shows_a_wait_on_the_terminal_and_erases_it(
    tiny_path: Path, tmp_path: Path
) -> None:
    import pty

    where = tmp_path / "cache"
    env = {**os.environ, "IPSTATS_CACHE_DIR": str(where), "COLUMNS": "120"}
    snapshot = cache.file_for(cache.Fingerprint.of(tiny_path), where)
    primary, secondary = pty.openpty()
    message = f"waiting for another ipstats process reading {tiny_path}..."
    shown = b""
    with cache.locked(snapshot) as held:
        assert held
        child = subprocess.Popen(
            [sys.executable, "-m", "ipstats", "--data", str(tiny_path), "list", "cities"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=secondary,
            text=True,
        )
        os.close(secondary)
        deadline = time.monotonic() + 60
        while message.encode() not in shown and time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 1)
            if ready:
                shown += os.read(primary, 4096)
    out, _ = child.communicate(timeout=60)
    with contextlib.suppress(OSError):  # the terminal is gone once the child is
        while chunk := os.read(primary, 4096):
            shown += chunk
    os.close(primary)
    assert child.returncode == 0 and "alpha" in out
    assert shown.decode() == message + "\r\x1b[K"


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


def test_the_fast_reader_agrees_on_real_and_generated_data(tmp_path: Path) -> None:
    generate = _generator()
    generated = tmp_path / "obs-1k.yaml"
    generate.write_yaml(generate.build(*generate.SIZES["1k"]), generated)
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
