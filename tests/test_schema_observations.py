"""ipstats.schema_observations: the observations section, each figure checked on its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SOURCED, TINY
from ipstats._checker import Checker
from ipstats.datafile import load
from ipstats.errors import DatasetError
from ipstats.loader import parse
from ipstats.model import Observation
from ipstats.schema_observations import check_observations
from ipstats.schema_records import check_cities, check_indicators, check_sources
from test_schema import V2


def checked(text: str) -> tuple[list[Observation], Checker]:
    """The observations the document gives, after the sections they refer to, and the checker
    holding every problem found."""
    tree = parse(text, "d.yaml")
    checker = Checker()
    version = tree["schema_version"]
    sources = check_sources(checker, tree, version)
    cities = check_cities(checker, tree, version)
    indicators = check_indicators(checker, tree)
    return check_observations(checker, tree, sources, cities, indicators, version), checker


def problems(text: str) -> list[str]:
    return [f"{p.path}: {p.message}" for p in checked(text)[1].problems]


def test_every_observation_of_a_valid_document_is_read_and_its_record_kept() -> None:
    found, checker = checked(TINY)
    assert checker.problems == []
    assert len(found) == 13 and len(checker.accepted) == 13
    assert found[0].indicator == "widgets_granted" and found[0].locator == "Part 1"
    assert checker.accepted[0].position[0] < checker.accepted[1].position[0]


def test_the_figures_of_a_broken_record_are_left_out() -> None:
    assert any(o.city == "beta" for o in checked(TINY)[0])
    text = TINY.replace("  - id: beta\n    name: Beta\n", "  - id: beta\n    name: 7\n")
    found, _ = checked(text)
    assert found and not any(o.city == "beta" for o in found)


def test_a_count_cannot_be_negative() -> None:
    text = TINY.replace("city: beta, year: 2024, value: 242", "city: beta, year: 2024, value: -242")
    assert problems(text) == [
        "observations[3].value: -242 is negative, but widgets_granted is measured in count"
    ]


def test_a_rank_must_be_a_whole_number_from_one() -> None:
    text = TINY.replace("year: 2021, value: 8,", "year: 2021, value: 8.5,")
    assert problems(text) == [
        "observations[9].value: a rank must be a whole number from 1, got 8.5"
    ]


def test_as_of_goes_only_with_dated_periods() -> None:
    text = TINY.replace(
        "year: 2021, value: 100, qualifier: exact, period: year,",
        'year: 2021, value: 100, qualifier: exact, period: year, as_of: "2021-12-31",',
    )
    assert problems(text) == [
        "observations[0].as_of: as_of only goes with period as_of or cumulative, not 'year'"
    ]


def test_a_stated_change_needs_exactly_one_kind() -> None:
    text = TINY.replace(
        "yoy: {percent: 10}, source: src-a", "yoy: {qualifier: about}, source: src-a"
    )
    assert problems(text) == ["observations[1].yoy: needs exactly one of 'percent' or 'absolute'"]


def test_a_broken_record_is_reported_once_not_at_each_reference() -> None:
    text = TINY.replace("  - id: beta\n    name: Beta\n", "  - id: beta\n    name: 7\n")
    assert problems(text) == ["cities[1].name: must be text, got 7"]


def test_an_unknown_reference_suggests_the_close_one() -> None:
    text = TINY.replace("city: beta, year: 2024, value: 242", "city: betta, year: 2024, value: 242")
    assert problems(text) == ["observations[3].city: unknown city 'betta'; did you mean: beta?"]


@pytest.mark.parametrize(
    ("value", "printed", "qualifier", "message"),
    [
        ("100", "1,000", "exact", "printed '1,000' is 1000, not the stored value 100"),
        (
            "100",
            "100余",
            "exact",
            "printed '100余' is worded as more_than, but the qualifier is exact",
        ),
        (
            "100",
            "100",
            "more_than",
            "printed '100' is a plain figure, but the qualifier is more_than",
        ),
        (
            "100",
            "100%",
            "exact",
            "printed '100%' is a percentage, but the indicator is measured in count",
        ),
        ("100", "a hundred-ish", "exact", "'a hundred-ish' is not a printed figure"),
    ],
)
def test_a_printed_figure_that_disagrees_is_a_located_error(
    write_dataset: Callable[[str], Path], value: str, printed: str, qualifier: str, message: str
) -> None:
    text = V2.replace(
        "year: 2021, value: 100, qualifier: exact,",
        f'year: 2021, value: {value}, printed: "{printed}", qualifier: {qualifier},',
    )
    path = write_dataset(text)
    with pytest.raises(DatasetError) as caught:
        load(path, use_cache=False)
    (problem,) = caught.value.errors
    assert problem.path == "observations[0].printed"
    assert problem.message.startswith(message)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if f'printed: "{printed}"' in t)
    assert problem.describe(path.name).startswith(f"data.yaml:{line}:")


def test_the_same_source_twice_for_one_figure_is_an_error() -> None:
    twice = SOURCED.replace("source: wp-2023, locator: p. 2", "source: stat-2024, locator: p. 2")
    (message,) = problems(twice)
    assert message.startswith(
        "observations[1]: duplicate observation of pct for alpha in 2022 (year) from stat-2024, "
        "first at observations[0]"
    )
