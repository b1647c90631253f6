"""ipstats.errors: the exception family, its exit statuses, and located dataset problems."""

from __future__ import annotations

import pytest

from ipstats.errors import (
    DatasetError,
    ExitStatus,
    ExportError,
    IpstatsError,
    NoDataError,
    Problem,
    UsageError,
)


def test_exit_statuses_are_the_documented_codes() -> None:
    assert [int(s) for s in ExitStatus] == [0, 1, 2, 130]
    assert (ExitStatus.OK, ExitStatus.ERROR, ExitStatus.USAGE) == (0, 1, 2)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (IpstatsError("x"), ExitStatus.ERROR),
        (UsageError("x"), ExitStatus.USAGE),
        (NoDataError("x"), ExitStatus.ERROR),
        (ExportError("x"), ExitStatus.ERROR),
        (DatasetError("d.yaml", (Problem("bad"),)), ExitStatus.ERROR),
    ],
)
def test_every_error_is_an_ipstats_error_with_its_exit_status(
    error: IpstatsError, status: ExitStatus
) -> None:
    assert isinstance(error, IpstatsError)
    assert error.exit_status is status


@pytest.mark.parametrize(
    ("problem", "described"),
    [
        (Problem("bad", "cities[0].id", 3, 7), "d.yaml:3:7: cities[0].id: bad"),
        (Problem("bad", "cities[0].id", 3), "d.yaml:3: cities[0].id: bad"),
        (Problem("bad", line=3, column=7), "d.yaml:3:7: bad"),
        (Problem("bad"), "d.yaml: bad"),
    ],
)
def test_a_problem_is_described_where_it_stands(problem: Problem, described: str) -> None:
    assert problem.describe("d.yaml") == described


def test_a_problem_is_an_error_unless_it_is_a_warning() -> None:
    assert not Problem("bad").warning
    assert Problem("odd", warning=True).warning


def test_a_dataset_error_names_its_first_error_and_counts_the_others() -> None:
    problems = (
        Problem("odd", "a", 1, 1, warning=True),
        Problem("first", "b", 2, 3),
        Problem("second", "c", 4, 5),
        Problem("third", "d", 6, 7),
    )
    error = DatasetError("d.yaml", problems)
    assert str(error) == "invalid dataset d.yaml:2:3: b: first (and 2 more problems)"
    assert error.filename == "d.yaml"
    assert error.problems == problems
    assert error.errors == problems[1:]


def test_a_dataset_error_of_one_problem_says_no_more() -> None:
    error = DatasetError("d.yaml", (Problem("bad", "x", 1, 2), Problem("odd", warning=True)))
    assert str(error) == "invalid dataset d.yaml:1:2: x: bad"


def test_a_dataset_error_of_two_problems_counts_one_more() -> None:
    error = DatasetError("d.yaml", (Problem("bad", "x", 1, 2), Problem("worse", "y", 3, 4)))
    assert str(error) == "invalid dataset d.yaml:1:2: x: bad (and 1 more problems)"


def test_a_dataset_error_of_warnings_alone_names_the_file() -> None:
    error = DatasetError("d.yaml", (Problem("odd", warning=True),))
    assert str(error) == "invalid dataset d.yaml"
    assert error.errors == ()
