"""The exception family of ipstats and the exit codes it maps to."""

from enum import IntEnum
from typing import NamedTuple


class ExitStatus(IntEnum):
    """Process exit codes, documented in the README and ``--help``."""

    OK = 0
    ERROR = 1  # no data for a valid query, or an invalid dataset
    USAGE = 2  # a name, option or argument the user can correct
    INTERRUPTED = 130


class IpstatsError(Exception):
    """Base of every error ipstats raises on purpose; its message is shown to the user."""

    exit_status: ExitStatus = ExitStatus.ERROR


class UsageError(IpstatsError):
    """The user asked for something that cannot be: an unknown name, a bad option value."""

    exit_status = ExitStatus.USAGE


class NoDataError(IpstatsError):
    """A valid query that matched nothing in the dataset."""


class ExportError(IpstatsError):
    """An export could not be written."""


class Problem(NamedTuple):
    """One thing wrong (or suspicious) in a dataset file, located where the parser knows it."""

    message: str
    path: str = ""  # where in the document, e.g. "observations[3].value"
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    warning: bool = False

    def describe(self, filename: str) -> str:
        where = filename
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        inside = f"{self.path}: " if self.path else ""
        return f"{where}: {inside}{self.message}"


class DatasetError(IpstatsError):
    """A dataset file that cannot be used; carries every problem found, not only the first."""

    def __init__(self, filename: str, problems: tuple[Problem, ...]) -> None:
        self.filename = filename
        self.problems = problems
        errors = [p for p in problems if not p.warning]
        first = errors[0].describe(filename) if errors else filename
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        super().__init__(f"invalid dataset {first}{more}")

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.warning)
