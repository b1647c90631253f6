"""Writing files atomically: the new content replaces the old only once it is complete."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import IO, Any

from ipstats.errors import ExportError


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
