"""ipstats.atomic: files replaced only once complete, never left half-written or behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ipstats.atomic import atomic_writer, current_umask, terminate_as_interrupt, write_chunks
from ipstats.errors import ExportError


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_atomic_writer_replaces_content_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    with atomic_writer(target) as handle:
        handle.write("new,甲城\r\n")
        assert target.read_text(encoding="utf-8") == "old\n"  # not yet replaced
    assert target.read_bytes() == "new,甲城\r\n".encode()  # utf-8, newlines untranslated
    assert leftovers(tmp_path) == []


def test_atomic_writer_creates_a_readable_file(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with atomic_writer(target, binary=True) as handle:
        handle.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o644 & ~umask


def test_failure_inside_the_block_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="boom"), atomic_writer(target) as handle:
        handle.write("partial")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_failure_inside_the_block_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt), atomic_writer(target) as handle:
        handle.write("partial")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_missing_directory_is_an_export_error(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "out.csv"
    with pytest.raises(ExportError) as caught, atomic_writer(target):
        pytest.fail("the block must not run")
    assert str(caught.value) == f"cannot write {target}: directory {target.parent} does not exist"
    assert not target.parent.exists()


def test_directory_as_target_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as caught, atomic_writer(tmp_path):
        pytest.fail("the block must not run")
    assert str(caught.value) == f"cannot write {tmp_path}: it is a directory"


def test_os_error_while_writing_is_an_export_error(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(ExportError) as caught, atomic_writer(target):
        raise OSError(28, "No space left on device")
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert list(tmp_path.iterdir()) == []


def test_sigterm_handler_is_restored(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    with atomic_writer(tmp_path / "out.csv") as handle:
        handle.write("x")
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before


def test_write_chunks(tmp_path: Path) -> None:
    target = tmp_path / "out.tsv"
    write_chunks(target, iter(["a\tb\n", "1\t2\n"]))
    assert target.read_text(encoding="utf-8") == "a\tb\n1\t2\n"


SIGTERM_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from ipstats.atomic import atomic_writer

    with atomic_writer(Path(sys.argv[1])) as handle:
        handle.write("city,value\\n" * 1000)
        handle.flush()
        os.kill(os.getpid(), signal.SIGTERM)
        handle.write("never written\\n")
    print("survived")
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("existing", [None, "old\n"])
def test_sigterm_during_export_leaves_no_partial_file(tmp_path: Path, existing: str | None) -> None:
    target = tmp_path / "out.csv"
    if existing is not None:
        target.write_text(existing, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", SIGTERM_SCRIPT, str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "survived" not in done.stdout
    assert "KeyboardInterrupt" in done.stderr
    assert leftovers(tmp_path) == []
    if existing is None:
        assert not target.exists()
    else:
        assert target.read_text(encoding="utf-8") == existing


def test_current_umask_reads_without_changing_it() -> None:
    before = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        assert current_umask() == 0o027
    finally:
        os.umask(before)


def test_terminate_as_interrupt_turns_sigterm_into_keyboard_interrupt() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), terminate_as_interrupt():
        signal.raise_signal(signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before
