"""Shared by the adversarial tests: run the CLI as a user would and read its one error line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from ipstats.cli import app

runner = CliRunner()


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def error(self) -> str:
        """The one `Error:` line, without its prefix; fails unless stderr is exactly that."""
        assert "Traceback" not in self.err, self.err
        assert self.err.startswith("Error: "), self.err
        assert self.err.endswith("\n") and self.err.count("\n") == 1, self.err
        return self.err[len("Error: ") : -1]


def run(*args: str, env: dict[str, str] | None = None) -> Run:
    result = runner.invoke(app, list(args), env=env)
    return Run(result.exit_code, result.stdout, result.stderr)


def with_data(path: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """A command on the dataset at ``path`` (``list cities`` unless told otherwise)."""
    return run("--data", str(path), *(args or ("list", "cities", "-f", "csv")), env=env)


def where(text: str, marker: str, skip: int = 0) -> str:
    """line:column (1-based) of ``marker`` in ``text`` (which must hold it once), plus ``skip``."""
    assert text.count(marker) == 1, f"{marker!r} occurs {text.count(marker)} times"
    index = text.index(marker) + skip
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"
