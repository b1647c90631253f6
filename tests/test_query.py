"""ipstats.query: years and filters, selecting observations, series and missing data."""

from __future__ import annotations

import pytest

from conftest import HEADER
from ipstats.datafile import load
from ipstats.errors import ExitStatus, NoDataError, UsageError
from ipstats.model import Category, Dataset, Period
from ipstats.query import (
    Filter,
    by_series,
    choose_scope,
    missing,
    parse_year,
    period_text,
    primaries,
    related_indicators,
    require,
    select,
    series,
    series_label,
    where,
    year_range,
)
from ipstats.terms import Terms

FLAGS = Terms(year="--year", start="--from", end="--to", bounds="--from/--to")


@pytest.mark.parametrize(("given", "expected"), [(2024, 2024), ("2024", 2024), (" 1900 ", 1900)])
def test_parse_year_takes_numbers_and_digits(given: int | str, expected: int) -> None:
    assert parse_year(given) == expected
    assert parse_year(None) is None


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("abc", "the year 'abc' is not a year; give one such as 2024"),
        ("2024.0", "the year '2024.0' is not a year; give one such as 2024"),
        ("-2024", "the year '-2024' is not a year; give one such as 2024"),
        (True, "the year True is not a year; give one such as 2024"),
        (2024.0, "the year 2024.0 is not a year; give one such as 2024"),
        (20244, "the year 20244 is not a plausible year (1900-2100)"),
        (-5, "the year -5 is not a plausible year (1900-2100)"),
        ("1899", "the year 1899 is not a plausible year (1900-2100)"),
        ("9" * 5000, "the year 999999999... is not a plausible year (1900-2100)"),
    ],
)
def test_parse_year_refuses_what_is_not_a_plausible_year(given: object, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_year(given)  # type: ignore[arg-type]
    assert str(caught.value) == message
    assert caught.value.exit_status is ExitStatus.USAGE


def test_parse_year_names_the_parameter_as_told() -> None:
    with pytest.raises(UsageError, match=r"^--to 'x' is not a year"):
        parse_year("x", "--to")


def test_year_range_of_one_year_or_a_span() -> None:
    assert year_range(2024) == (2024, 2024)
    assert year_range(None, "2021", None) == (2021, None)
    assert year_range(None, None, 2022) == (None, 2022)
    assert year_range(None, 2021, 2021) == (2021, 2021)
    assert year_range() == (None, None)


def test_year_range_refuses_a_start_after_the_end_in_neutral_words_or_flags() -> None:
    with pytest.raises(UsageError) as caught:
        year_range(None, 2025, 2021)
    assert str(caught.value) == "the start year 2025 is later than the end year 2021"
    with pytest.raises(UsageError) as caught:
        year_range(None, "2025", "2021", FLAGS)
    assert str(caught.value) == "--from 2025 is later than --to 2021"


def test_year_range_refuses_one_year_with_bounds() -> None:
    with pytest.raises(UsageError) as caught:
        year_range(2024, 2021)
    assert str(caught.value) == "the year cannot be combined with a start or end year"
    with pytest.raises(UsageError) as caught:
        year_range("2024", None, "2025", FLAGS)
    assert str(caught.value) == "--year cannot be combined with --from/--to"


def test_a_filter_with_its_years_reversed_is_refused(tiny: Dataset) -> None:
    with pytest.raises(UsageError, match="the start year 2024 is later than the end year 2023"):
        select(tiny, Filter(year_from=2024, year_to=2023))
    assert select(tiny, Filter(year_from=2024, year_to=2024))  # one year is not reversed


def test_an_empty_filter_admits_everything(tiny: Dataset) -> None:
    assert len(select(tiny, Filter())) == len(tiny.observations)


def test_filter_by_city_years_category_and_search(tiny: Dataset) -> None:
    def found(where: Filter) -> list[tuple[str, str, int]]:
        return [(o.indicator, o.city, o.year) for o in select(tiny, where)]

    assert found(Filter(cities=("beta",), year_from=2024, year_to=2024)) == [
        ("valid_widgets", "beta", 2024),
        ("widgets_granted", "beta", 2024),
    ]
    assert {o.indicator for o in select(tiny, Filter(category=Category.PROTECTION))} == {
        "widget_share"
    }
    # search looks in names, aliases and descriptions, folded ("Money raised" -> funding)
    assert {o.indicator for o in select(tiny, Filter(search="MONEY  raised"))} == {"funding_amount"}
    assert found(Filter(search="no such words")) == []
    assert found(Filter(indicators=("cluster_rank",), year_to=2020)) == [
        ("cluster_rank", "alpha", 2020)
    ]


def test_select_orders_by_indicator_city_year(tiny: Dataset) -> None:
    keys = [(o.indicator, o.city, o.year) for o in select(tiny, Filter())]
    assert keys == sorted(keys)
    assert keys[0] == ("cluster_rank", "alpha", 2020)


def test_series_is_one_city_and_indicator_by_year(tiny: Dataset) -> None:
    assert [o.year for o in series(tiny, "widgets_granted", "alpha")] == [2021, 2022, 2024]
    assert series(tiny, "widgets_granted", "nation") == ()


def test_by_series_keeps_scopes_and_kinds_of_period_apart(tiny: Dataset) -> None:
    funding = select(tiny, Filter(indicators=("funding_amount",)))
    grouped = by_series(funding)
    assert [(key, [o.city for o in found]) for key, found in grouped.items()] == [
        (("", Period.YEAR), ["alpha"]),
        (("", Period.AS_OF), ["beta"]),
    ]
    ranks = by_series(series(tiny, "cluster_rank", "alpha"))
    assert [[o.year for o in found] for found in ranks.values()] == [[2020, 2021]]


def test_series_of_one_year_in_two_scopes_are_two_series(write_dataset) -> None:  # type: ignore[no-untyped-def]
    dataset = load(write_dataset(HEADER + _TWO_SCOPES)).dataset
    grouped = by_series(series(dataset, "widgets_granted", "alpha"))
    assert sorted(grouped) == [
        ("", Period.CAMPAIGN),
        ("", Period.CUMULATIVE),
        ("Zone A", Period.YEAR),
        ("Zone B", Period.YEAR),
    ]


_TWO_SCOPES = """\
observations:
  - {indicator: widgets_granted, city: alpha, year: 2024, value: 30, qualifier: exact, period: year, scope: Zone A, source: src-a, locator: p}
  - {indicator: widgets_granted, city: alpha, year: 2024, value: 70, qualifier: exact, period: year, scope: Zone B, source: src-a, locator: p}
  - {indicator: widgets_granted, city: alpha, year: 2023, value: 9, qualifier: exact, period: cumulative, as_of: "2023-04-21", source: src-a, locator: p}
  - {indicator: widgets_granted, city: alpha, year: 2022, value: 5, qualifier: exact, period: campaign, source: src-a, locator: p}
"""


def test_the_period_is_said_where_it_is_not_the_calendar_year(write_dataset) -> None:  # type: ignore[no-untyped-def]
    dataset = load(write_dataset(HEADER + _TWO_SCOPES)).dataset
    by_year = {o.year: o for o in series(dataset, "widgets_granted", "alpha") if o.year != 2024}
    assert period_text(by_year[2023]) == "to 2023-04-21, running total"
    assert period_text(by_year[2022]) == "campaign in 2022"
    zone = next(o for o in series(dataset, "widgets_granted", "alpha") if o.scope == "Zone A")
    assert period_text(zone) == ""
    assert series_label(zone) == "Zone A"


def test_choose_scope_keeps_matching_scopes_or_lists_them(write_dataset) -> None:  # type: ignore[no-untyped-def]
    dataset = load(write_dataset(HEADER + _TWO_SCOPES)).dataset
    found = series(dataset, "widgets_granted", "alpha")
    assert [o.value for o in choose_scope(found, "zone b", "widgets")] == [70]
    assert {o.value for o in choose_scope(found, "whole", "widgets")} == {9, 5}
    assert choose_scope(found, None, "widgets") == found
    with pytest.raises(UsageError) as caught:
        choose_scope(found, "Zone C", "widgets", "--scope")
    assert str(caught.value) == (
        "--scope 'Zone C' matches no scope of widgets (scopes: 'Zone A'; 'Zone B'; 'whole place')"
    )


def test_missing_names_the_years_held_and_related_indicators(tiny: Dataset) -> None:
    beta, alpha = tiny.city("beta"), tiny.city("alpha")
    gone = missing(tiny, beta, tiny.indicator("widget_share"))
    assert gone.years_held == ()
    assert gone.line().startswith("beta has no widget_share; related indicators it has: ")
    later = missing(tiny, alpha, tiny.indicator("widgets_granted"), 2023, 2023)
    assert later.line().startswith(
        "alpha has no widgets_granted in 2023; it has it for 2021, 2022, 2024"
    )


def test_related_indicators_share_words_first_then_category_and_unit(tiny: Dataset) -> None:
    related = related_indicators(tiny, tiny.city("beta"), tiny.indicator("widget_share"))
    assert related == ("valid_widgets", "widgets_granted")  # share "widget"; nothing else does


def test_require_names_the_years_that_exist(tiny: Dataset) -> None:
    where = Filter(cities=("alpha",), indicators=("widget_share",), year_from=2024)
    with pytest.raises(NoDataError) as caught:
        require(select(tiny, where), "shares", tiny, where)
    assert str(caught.value) == "no shares in the years asked for; data exists for 2022, 2023"
    with pytest.raises(NoDataError) as caught:
        require((), "shares", tiny, Filter(cities=("nation",)))
    assert str(caught.value) == "no shares"
    require(select(tiny, Filter()), "anything", tiny, Filter())  # found: nothing to raise


def test_where_resolves_typed_names(tiny: Dataset) -> None:
    chosen = where(tiny, ["AL", "乙城"], "widgets", None, "2021", 2024, "Creation", "  ")
    assert chosen == Filter(
        cities=("alpha", "beta"),
        indicators=("widgets_granted",),
        year_from=2021,
        year_to=2024,
        category=Category.CREATION,
        search="  ",
    )
    assert where(tiny) == Filter()
    assert where(tiny, pinned=2022) == Filter(year_from=2022, year_to=2022)


def test_where_refuses_unknown_categories_and_empty_metrics(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        where(tiny, category="creaton")
    assert str(caught.value).startswith("unknown category 'creaton'; did you mean: creation?")
    with pytest.raises(UsageError, match=r"^empty metric name"):
        where(tiny, metric="")


def test_where_takes_several_metrics_and_years(tiny: Dataset) -> None:
    chosen = where(tiny, metric=["rank", "widgets", "cluster_rank"], pinned=["2024", 2021, "2024"])
    assert chosen == Filter(indicators=("cluster_rank", "widgets_granted"), years=(2021, 2024))
    assert {(o.indicator, o.year) for o in select(tiny, chosen)} == {
        ("cluster_rank", 2021),
        ("widgets_granted", 2021),
        ("widgets_granted", 2024),
    }
    assert where(tiny, pinned=["2022"]) == Filter(year_from=2022, year_to=2022)
    with pytest.raises(UsageError, match=r"^--year cannot be combined with --from/--to$"):
        where(tiny, pinned=[2021, 2022], start=2020, terms=FLAGS)
    with pytest.raises(UsageError, match=r"^--year 'x' is not a year"):
        where(tiny, pinned=[2021, "x"], terms=FLAGS)


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("granted widgets", {"widgets_granted"}),  # every word, in any order
        ("WIDG GRANT", {"widgets_granted"}),  # starts of words, any case
        ("widgets", {"widgets_granted", "valid_widgets"}),
        ("idgets", set()),  # not the middle of a word
        ("cases share", {"widget_share"}),  # from the description
        ("raised money", {"funding_amount"}),
        ("widgets raised", set()),  # every word must be found
    ],
)
def test_search_finds_every_word_in_any_order(tiny: Dataset, search: str, found: set[str]) -> None:
    assert {i.id for i in tiny.indicators if Filter(search=search).admits_indicator(i)} == found


def test_a_source_keeps_its_own_figures_only(sourced: Dataset) -> None:
    chosen = where(sourced, ["alpha"], "pct", source="wp-2023")
    assert chosen.sources == ("wp-2023",)
    assert [(o.year, o.value, o.source) for o in select(sourced, chosen)] == [
        (2022, 5591, "wp-2023")
    ]
    assert where(sourced, source="WP-2023").sources == ("wp-2023",)  # ids in any case
    assert where(sourced).sources == ()  # no source named: every source
    everyone = select(sourced, where(sourced, ["alpha"], "pct"))
    assert sorted({o.source for o in everyone}) == ["stat-2024", "wp-2023", "wp-2024"]


def test_an_unknown_source_names_the_known_ones(sourced: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        where(sourced, source="wp-2025")
    assert str(caught.value) == (
        "unknown source 'wp-2025'; did you mean: wp-2024, wp-2023? (known sources: stat-2024, "
        "stat-2023, wp-2023, wp-2024, press-2024, rep-x, rep-y)"
    )


def test_nothing_from_a_source_in_the_years_asked_says_which_years_it_has(
    sourced: Dataset,
) -> None:
    chosen = where(sourced, ["alpha"], "pct", 2023, source="wp-2023")
    with pytest.raises(NoDataError, match=r"data exists for 2022$"):
        require(select(sourced, chosen), "observations", sourced, chosen)


def test_primaries_choose_one_figure_per_year_of_a_series(sourced: Dataset) -> None:
    found = primaries(sourced, select(sourced, Filter(cities=("beta",), indicators=("pct",))))
    assert [(f.primary.year, f.primary.source, len(f.others)) for f in found] == [
        (2021, "rep-x", 1),  # equal in all but the id
        (2022, "stat-2024", 1),  # the newer yearbook
        (2023, "rep-y", 1),  # the exact figure before the bound
    ]
