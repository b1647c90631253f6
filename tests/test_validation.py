"""ipstats.validation: a report of every problem in a dataset file, and its exit status."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import TINY
from ipstats.datafile import default_path
from ipstats.errors import ExitStatus, IpstatsError
from ipstats.validation import validate


def test_a_valid_file_reports_what_it_holds(tiny_path: Path) -> None:
    report = validate(tiny_path, use_cache=False)
    assert report.exit_status is ExitStatus.OK
    assert report.problem_lines() == []
    report.raise_if_invalid()
    assert report.summary() == (
        f"{tiny_path}: valid: 2 sources, 3 cities, 5 indicators, 13 observations"
    )


def test_the_shipped_dataset_is_named_so() -> None:
    assert validate(default_path()).summary().startswith("shipped dataset: valid: ")


def test_warnings_are_counted_and_located(write_dataset: Callable[[str], Path]) -> None:
    path = write_dataset(TINY.replace("year: 2022, value: 110,", "year: 2022, value: 150,"))
    report = validate(path, use_cache=False)
    assert report.exit_status is ExitStatus.OK
    (line,) = report.problem_lines()
    assert line.startswith(f"warning: {path}:")
    assert "stated year-on-year change 10% disagrees" in line
    assert report.summary().endswith(", 1 warnings")


def test_an_invalid_file_reports_every_error(write_dataset: Callable[[str], Path]) -> None:
    path = write_dataset(
        TINY.replace("value: 100,", "value: many,").replace("kind: country", "kind: moon")
    )
    report = validate(path, use_cache=False)
    assert report.dataset is None
    assert report.exit_status is ExitStatus.ERROR
    lines = report.problem_lines()
    assert len(lines) == len(report.errors) == 2
    assert all(line.startswith(f"error: {path}:") for line in lines)
    with pytest.raises(IpstatsError) as caught:
        report.raise_if_invalid()
    assert str(caught.value) == f"{path} is not a valid dataset (2 problems)"
    assert caught.value.exit_status == report.exit_status
