"""Checking a dataset file: every problem found, a one-line verdict and its exit status."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ipstats.datafile import Progress, default_path, load
from ipstats.errors import DatasetError, ExitStatus, IpstatsError, Problem
from ipstats.model import Dataset


@dataclass(frozen=True, slots=True)
class Report:
    """What checking one dataset file found; ``dataset`` is None when the file is not valid."""

    path: Path
    filename: str  # how the problems name the file
    dataset: Dataset | None
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()  # about the cache, not about the data

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.warning)

    @property
    def exit_status(self) -> ExitStatus:
        return ExitStatus.OK if self.dataset is not None else ExitStatus.ERROR

    def problem_lines(self) -> list[str]:
        """One line per problem, marked as an error or a warning and located in the file."""
        return [
            f"{'warning' if p.warning else 'error'}: {p.describe(self.filename)}"
            for p in self.problems
        ]

    def raise_if_invalid(self) -> None:
        """Raise the error that says the file is not a valid dataset, if it is not."""
        if self.dataset is None:
            count = len(self.errors)
            raise IpstatsError(
                f"{self.path} is not a valid dataset ({count} problem{'s' if count != 1 else ''})"
            )

    def summary(self) -> str:
        """'shipped dataset: valid: 5 sources, ...' for a valid file."""
        ds = self.dataset
        if ds is None:
            return f"{self._label()}: not valid"
        warned = len(self.problems)
        return (
            f"{self._label()}: valid: {len(ds.sources)} sources, {len(ds.cities)} cities, "
            f"{len(ds.indicators)} indicators, {len(ds.observations)} observations"
            + (f", {warned} warnings" if warned else "")
        )

    def _label(self) -> str:
        return "shipped dataset" if self.path == default_path() else str(self.path)


def validate(path: Path, use_cache: bool = True, progress: Progress | None = None) -> Report:
    """Check the dataset file at ``path``, collecting every problem instead of stopping."""
    try:
        loaded = load(path, use_cache=use_cache, progress=progress)
    except DatasetError as exc:
        return Report(path, exc.filename, None, exc.problems)
    return Report(loaded.path, str(loaded.path), loaded.dataset, loaded.warnings, loaded.notes)
