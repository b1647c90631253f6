"""ipstats.schema: a parsed document as a whole becomes a Dataset or every problem; its
versions and the checks across its figures."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import SOURCED, TINY
from ipstats.errors import DatasetError, Problem
from ipstats.loader import parse
from ipstats.model import Category, Dataset, Period, Qualifier
from ipstats.schema import build_dataset


def build(text: str) -> tuple[Dataset, tuple[Problem, ...]]:
    return build_dataset(parse(text, "d.yaml"), "d.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        build(text)
    return [f"{p.path}: {p.message}" for p in caught.value.errors]


def test_a_valid_document_becomes_a_dataset_of_typed_records() -> None:
    dataset, warnings = build(TINY)
    assert warnings == ()
    assert dataset.origin == "d.yaml"
    assert len(dataset.observations) == 13
    funding = [o for o in dataset.observations if o.indicator == "funding_amount"]
    assert funding[0].period is Period.AS_OF
    assert funding[0].as_of == dt.date(2025, 4, 21)
    assert dataset.indicator("widget_share").category is Category.PROTECTION
    assert dataset.source("src-a").languages == ("zh", "en")
    assert dataset.observations[1].yoy is not None
    assert dataset.observations[1].yoy.qualifier is Qualifier.EXACT


def test_the_top_level_must_be_a_mapping() -> None:
    with pytest.raises(DatasetError) as caught:
        build("- a\n- b\n")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message.endswith("got a list")


def test_a_contradicted_stated_change_is_a_warning() -> None:
    text = TINY.replace("year: 2022, value: 110,", "year: 2022, value: 150,")
    _, warnings = build(text)
    (warning,) = warnings
    assert warning.warning
    assert warning.path == "observations[1].yoy"
    assert warning.message.startswith("stated year-on-year change 10% disagrees with 2021 -> 2022")


V2 = TINY.replace("schema_version: 1", "schema_version: 2")


def test_a_version_1_file_loads_with_no_printed_figures_or_urls() -> None:
    dataset, _ = build(TINY)
    assert {o.printed for o in dataset.observations} == {""}
    assert {s.url for s in dataset.sources} == {""}


def test_version_2_carries_the_printed_figure_and_the_url() -> None:
    text = (
        V2.replace(
            "year: 2021, value: 100, qualifier: exact,",
            'year: 2021, value: 100, printed: "100", qualifier: exact,',
        )
        .replace(
            "value: 3353000000, qualifier: exact,",
            'value: 3353000000, printed: "33.53亿", qualifier: exact,',
        )
        .replace("  - id: src-b\n", "  - id: src-b\n    url: https://example.org/report-b\n", 1)
    )
    dataset, _ = build(text)
    printed = {o.printed for o in dataset.observations}
    assert printed == {"", "100", "33.53亿"}
    assert dataset.source("src-b").url == "https://example.org/report-b"
    assert dataset.source("src-a").url == ""


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "qualifier: exact, period: year, source: src-a, locator: Part 1}",
            'printed: "100", qualifier: exact, period: year, source: src-a, locator: Part 1}',
            "observations[0].printed",
        ),
        ("  - id: src-b\n", "  - id: src-b\n    url: https://example.org/b\n", "sources[1].url"),
    ],
)
def test_a_version_2_field_in_a_version_1_file_says_which_version_it_needs(
    old: str, new: str, field: str
) -> None:
    assert problems(TINY.replace(old, new, 1)) == [
        f"{field}: {field.rsplit('.', 1)[1]!r} needs schema_version: 2 (this file says 1); "
        "change schema_version to 2 to use it"
    ]


def test_an_unknown_schema_version_names_the_ones_read() -> None:
    assert problems(TINY.replace("schema_version: 1", "schema_version: 3")) == [
        "schema_version: unsupported schema version 3; this ipstats reads schema_version: 1 or 2"
    ]


def test_two_sources_may_state_one_figure_and_disagreements_are_warnings() -> None:
    dataset, warnings = build(SOURCED)
    assert len(dataset.observations) == 14
    assert [(w.path, w.warning) for w in warnings] == [
        ("observations[0].value", True),
        ("observations[4].value", True),
    ]
    assert warnings[0].message == (
        "wp-2023 gives 5,591 for pct of alpha in 2022 (year), but stat-2024 gives 5,590: "
        "they disagree beyond rounding (stat-2024 is the primary figure)"
    )
    assert warnings[1].message.startswith("stat-2023 gives 1,100 for pct of beta in 2022")
    assert warnings[0].line == 29  # the value of the figure that disagrees


def test_a_version_1_file_may_have_two_sources_for_one_figure() -> None:
    second = (
        "  - {indicator: widgets_granted, city: beta, year: 2024, value: 250, qualifier: exact,"
        " period: year, source: src-a, locator: p. 9}\n"
    )
    dataset, warnings = build(TINY + second)
    stated = [o for o in dataset.observations if o.figure[:3] == ("widgets_granted", "beta", 2024)]
    assert sorted(o.source for o in stated) == ["src-a", "src-b"]
    # version 1 sources have no type (report): the more recently published src-b is primary
    (warning,) = warnings
    assert "src-a gives 250" in warning.message and "src-b is the primary" in warning.message


def test_a_stated_change_is_checked_against_the_same_source_where_it_has_the_year() -> None:
    primary_2022 = (
        "  - {indicator: apps, city: beta, year: 2022, value: 1000, qualifier: exact,"
        " period: year, source: stat-2024, locator: T1}\n"
    )
    own_2022 = primary_2022.replace("1000", "1100").replace("stat-2024", "wp-2024")
    stated_2023 = (
        "  - {indicator: apps, city: beta, year: 2023, value: 1320, qualifier: exact,"
        " period: year, source: wp-2024, locator: p. 7, yoy: {percent: 20}}\n"
    )

    def yoy_warnings(text: str) -> list[str]:
        return [w.message for w in build(text)[1] if "year-on-year" in w.message]

    # +20% is true of the white paper's own 1,100, not of the primary 1,000
    assert yoy_warnings(SOURCED + primary_2022 + own_2022 + stated_2023) == []
    # without its own figure for 2022, the change is checked against the primary
    (message,) = yoy_warnings(SOURCED + primary_2022 + stated_2023)
    assert message.startswith("stated year-on-year change 20% disagrees with 2022 -> 2023")


def test_a_rate_per_head_is_not_chained_across_publications() -> None:
    """Each publication divides by its own population figure: a rate stated by one source is
    no base for another source's stated growth (Beijing end-2018: 111.2 and 112.0)."""
    text = SOURCED.replace(
        "indicators:\n",
        "indicators:\n  - {id: rate, name: Rate, aliases: [], category: creation,"
        " unit: per_10k_people, measure: rate, description: Patents per 10k people.}\n",
        1,
    )
    other_2018 = (
        "  - {indicator: rate, city: beta, year: 2018, value: 111.2, qualifier: exact,"
        " period: year_end, source: press-2024, locator: T1}\n"
    )
    stated_2019 = (
        "  - {indicator: rate, city: beta, year: 2019, value: 132.0, qualifier: exact,"
        " period: year_end, source: wp-2024, locator: p. 7, yoy: {percent: 17.86}}\n"
    )
    own_2018 = other_2018.replace("press-2024", "wp-2024")

    def yoy_warnings(text: str) -> list[str]:
        return [w.message for w in build(text)[1] if "year-on-year" in w.message]

    assert yoy_warnings(text + other_2018 + stated_2019) == []
    # the same publication's own previous year is still checked
    (message,) = yoy_warnings(text + own_2018 + stated_2019)
    assert message.startswith("stated year-on-year change 17.86% disagrees with 2018 -> 2019")
