"""ipstats.compare: one metric across years, or every shared indicator in a common year."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstats.bounds import flipped
from ipstats.compare import compare, compare_all, compare_metric
from ipstats.errors import NoDataError
from ipstats.model import (
    Category,
    City,
    CityKind,
    Dataset,
    Indicator,
    Measure,
    Observation,
    Period,
    Qualifier,
    Source,
    Unit,
)
from ipstats.table import places_text

SOURCE = Source("src", "报告", "Report", "Office", "2025", ("zh",))
ALPHA = City("alpha", "Alpha", "甲城", (), CityKind.CITY)
BETA = City("beta", "Beta", "乙城", (), CityKind.CITY)
METRIC = Indicator("metric", "Metric", (), Category.CREATION, Unit.COUNT, Measure.FLOW, "A metric.")
OTHER = Indicator("other", "Other", (), Category.TALENT, Unit.COUNT, Measure.FLOW, "Another.")


def obs(
    city: str,
    year: int,
    value: float,
    *,
    indicator: str = "metric",
    period: Period = Period.YEAR,
    as_of: dt.date | None = None,
    scope: str = "",
    qualifier: Qualifier = Qualifier.EXACT,
) -> Observation:
    return Observation(
        indicator, city, year, value, qualifier, period, "src", "p. 1", as_of, scope=scope
    )


def make_dataset(*observations: Observation) -> Dataset:
    return Dataset.build((SOURCE,), (ALPHA, BETA), (METRIC, OTHER), observations)


def pair(tiny: Dataset, first: str = "alpha", second: str = "beta") -> tuple[City, ...]:
    return (tiny.city(first), tiny.city(second))


def rows(tiny: Dataset, metric: str, **options: Any) -> list[dict[str, Any]]:
    return compare_metric(tiny, pair(tiny), tiny.indicator(metric), **options).to_records()


def test_one_row_per_year_with_difference_and_ratio(tiny: Dataset) -> None:
    records = rows(tiny, "widgets_granted")
    assert [r["year"] for r in records] == [2021, 2022, 2024]
    latest = records[-1]
    assert (latest["alpha"], latest["beta"], latest["difference"], latest["ratio"]) == (
        121,
        242,
        -121,
        0.5,
    )
    assert (latest["alpha_source"], latest["beta_source"], latest["unit"]) == (
        "src-b",
        "src-b",
        "count",
    )
    assert latest["marks"] is None


def test_year_held_by_one_city_has_no_difference(tiny: Dataset) -> None:
    first = rows(tiny, "widgets_granted")[0]
    assert (first["alpha"], first["beta"], first["difference"], first["ratio"]) == (
        100,
        None,
        None,
        None,
    )


def test_difference_is_first_minus_second(tiny: Dataset) -> None:
    result = compare_metric(tiny, pair(tiny, "beta", "alpha"), tiny.indicator("widgets_granted"))
    latest = result.to_records()[-1]
    assert (latest["difference"], latest["ratio"]) == (121, 2.0)
    assert result.to_table().footnotes[0] == "Difference = Beta − Alpha; ratio = Beta ÷ Alpha"


def test_ratio_is_blank_when_the_second_value_is_zero() -> None:
    dataset = make_dataset(obs("alpha", 2024, 10), obs("beta", 2024, 0))
    record = compare_metric(dataset, (ALPHA, BETA), METRIC).to_records()[0]
    assert (record["difference"], record["ratio"]) == (10, None)


def test_a_bound_gives_bounds_with_their_direction_as_data(tiny: Dataset) -> None:
    result = compare_metric(tiny, pair(tiny), tiny.indicator("valid_widgets"))
    (record,) = result.to_records()
    assert (record["alpha_qualifier"], record["difference"], record["ratio"]) == (
        "more_than",
        1000,
        1.25,
    )
    assert (record["difference_qualifier"], record["ratio_qualifier"]) == ("more_than", "more_than")
    assert record["marks"] is None
    assert result.footnotes() == (
        "a difference or ratio from a bound is itself a bound: "
        "< means the true figure is lower, > higher",
    )


def test_exact_minus_a_lower_bound_is_an_upper_bound(tiny: Dataset) -> None:
    result = compare_metric(tiny, pair(tiny, "beta", "alpha"), tiny.indicator("valid_widgets"))
    (record,) = result.to_records()
    assert (record["difference"], record["difference_qualifier"]) == (-1000, "less_than")
    assert (record["ratio"], record["ratio_qualifier"]) == (0.8, "less_than")


def test_bounds_pointing_opposite_ways_give_no_difference() -> None:
    dataset = make_dataset(
        obs("alpha", 2024, 10, qualifier=Qualifier.MORE_THAN),
        obs("beta", 2024, 20, qualifier=Qualifier.MORE_THAN),
    )
    result = compare_metric(dataset, (ALPHA, BETA), METRIC)
    (record,) = result.to_records()
    assert (record["difference"], record["ratio"], record["difference_qualifier"]) == (None,) * 3
    assert result.footnotes() == (
        "metric 2024: the values are bounds pointing opposite ways, "
        "so no difference or ratio follows from them",
    )


def test_different_scopes_mark_the_row_and_name_both(tiny: Dataset) -> None:
    result = compare_metric(tiny, pair(tiny), tiny.indicator("cluster_rank"))
    marks = {r["year"]: r["marks"] for r in result.to_records()}
    assert marks == {2020: None, 2021: "†"}
    assert result.footnotes() == (
        "† cluster_rank 2021: coverage differs "
        "(Alpha: Alpha-Gamma cluster; Beta: Beta-Delta cluster)",
    )


def test_unscoped_value_is_the_whole_city() -> None:
    dataset = make_dataset(obs("alpha", 2024, 10, scope="Zone A"), obs("beta", 2024, 20))
    result = compare_metric(dataset, (ALPHA, BETA), METRIC)
    assert result.to_records()[0]["marks"] == "†"
    assert result.footnotes() == (
        "† metric 2024: coverage differs (Alpha: Zone A; Beta: whole place)",
    )


def test_as_of_against_calendar_year_marks_the_row(tiny: Dataset) -> None:
    result = compare_metric(tiny, pair(tiny), tiny.indicator("funding_amount"))
    (record,) = result.to_records()
    assert record["marks"] == "‡"
    assert (record["difference"], record["ratio"]) == (None, None)
    assert (record["alpha_period"], record["beta_period"]) == ("year", "as_of")
    assert (record["alpha_as_of"], record["beta_as_of"]) == (None, "2025-04-21")
    assert result.footnotes() == (
        "‡ funding_amount 2025: periods differ (Alpha: calendar year; Beta: as of 2025-04-21); "
        "no difference or ratio across them",
    )


def test_several_marks_combine() -> None:
    dataset = make_dataset(
        obs("alpha", 2024, 10, scope="Zone A"),
        obs("beta", 2024, 20, period=Period.AS_OF, as_of=dt.date(2024, 6, 30)),
    )
    assert compare_metric(dataset, (ALPHA, BETA), METRIC).to_records()[0]["marks"] == "†‡"


def test_stated_growth_becomes_a_footnote(tiny: Dataset) -> None:
    result = compare_metric(tiny, pair(tiny), tiny.indicator("widgets_granted"))
    assert result.footnotes() == ("Stated growth, Alpha: +10% (2022), +10% (2024)",)


def test_year_pins_one_year(tiny: Dataset) -> None:
    records = rows(tiny, "widgets_granted", year_from=2022, year_to=2022)
    assert [(r["year"], r["alpha"], r["beta"]) for r in records] == [(2022, 110, None)]


def test_missing_year_names_the_years_that_exist(tiny: Dataset) -> None:
    with pytest.raises(NoDataError) as caught:
        rows(tiny, "widgets_granted", year_from=2023, year_to=2023)
    assert str(caught.value) == (
        "no widgets_granted for alpha or beta in 2023; alpha has it for 2021, 2022, 2024; "
        "beta has it for 2024; related indicators with data: valid_widgets, widget_share"
    )


def test_metric_nobody_has(tiny: Dataset) -> None:
    with pytest.raises(NoDataError) as caught:
        compare_metric(tiny, pair(tiny, "nation", "beta"), tiny.indicator("widget_share"))
    assert str(caught.value) == (
        "no widget_share for nation or beta; "
        "related indicators with data: valid_widgets, widgets_granted"
    )


def test_compare_all_takes_the_latest_common_year_of_shared_indicators(tiny: Dataset) -> None:
    result = compare_all(tiny, pair(tiny))
    assert [(r["indicator"], r["year"]) for r in result.to_records()] == [
        ("cluster_rank", 2021),
        ("valid_widgets", 2024),
        ("widgets_granted", 2024),  # alpha also has 2021 and 2022; beta only 2024
        ("funding_amount", 2025),
    ]  # widget_share is alpha's alone, so it is skipped
    assert result.metric is None


def test_compare_all_prefers_the_latest_of_several_common_years() -> None:
    dataset = make_dataset(
        obs("alpha", 2021, 1),
        obs("alpha", 2022, 2),
        obs("alpha", 2023, 3),
        obs("beta", 2021, 10),
        obs("beta", 2022, 20),
        obs("beta", 2024, 40),
        obs("alpha", 2020, 5, indicator="other"),
    )
    records = compare_all(dataset, (ALPHA, BETA)).to_records()
    assert [(r["indicator"], r["year"], r["alpha"], r["beta"]) for r in records] == [
        ("metric", 2022, 2, 20)
    ]


def test_compare_all_in_a_pinned_year(tiny: Dataset) -> None:
    records = compare_all(tiny, pair(tiny), 2021, 2021).to_records()
    assert [(r["indicator"], r["year"]) for r in records] == [("cluster_rank", 2021)]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (
            None,
            "alpha and nation share no indicator in any common year; "
            "try `ipstats show CITY` to see what each has",
        ),
        (
            2024,
            "alpha and nation share no indicator in 2024; "
            "try `ipstats show CITY` to see what each has",
        ),
    ],
)
def test_compare_all_with_nothing_shared(tiny: Dataset, year: int | None, message: str) -> None:
    with pytest.raises(NoDataError) as caught:
        compare_all(tiny, pair(tiny, "alpha", "nation"), year, year)
    assert str(caught.value) == message


positive = st.integers(min_value=1, max_value=10**12) | st.floats(min_value=1e-3, max_value=1e12)


@given(
    values=st.lists(st.tuples(positive, positive), min_size=1, max_size=5),
    first_year=st.integers(min_value=1990, max_value=2020),
)
def test_swapping_the_cities_flips_the_difference_and_inverts_the_ratio(
    values: list[tuple[float, float]], first_year: int
) -> None:
    dataset = make_dataset(
        *(
            o
            for i, (a, b) in enumerate(values)
            for o in (obs("alpha", first_year + i, a), obs("beta", first_year + i, b))
        )
    )
    forward = compare_metric(dataset, (ALPHA, BETA), METRIC).rows
    backward = compare_metric(dataset, (BETA, ALPHA), METRIC).rows
    assert len(forward) == len(backward) == len(values)
    for f, b in zip(forward, backward, strict=True):
        assert f.year == b.year
        assert f.difference is not None and b.difference is not None
        assert f.difference.value == -b.difference.value
        assert f.ratio is not None and b.ratio is not None
        assert math.isclose(f.ratio.value * b.ratio.value, 1, rel_tol=1e-12)
        assert f.marks == b.marks == ""


RANK = Indicator("place", "Place", (), Category.CREATION, Unit.RANK, Measure.RANK, "A rank.")
stated = st.sampled_from(list(Qualifier))


@given(
    a=positive,
    b=positive,
    qa=stated,
    qb=stated,
    rank=st.booleans(),
)
def test_swapping_the_places_swaps_the_direction_in_words_and_the_sign(
    a: float, b: float, qa: Qualifier, qb: Qualifier, rank: bool
) -> None:
    indicator = RANK if rank else METRIC
    dataset = Dataset.build(
        (SOURCE,),
        (ALPHA, BETA),
        (indicator,),
        (
            obs("alpha", 2024, a, indicator=indicator.id, qualifier=qa),
            obs("beta", 2024, b, indicator=indicator.id, qualifier=qb),
        ),
    )
    (forward,) = compare_metric(dataset, (ALPHA, BETA), indicator).rows
    (backward,) = compare_metric(dataset, (BETA, ALPHA), indicator).rows
    assert (forward.difference is None) == (backward.difference is None)
    if forward.difference is None or backward.difference is None:
        return
    assert forward.difference.value == -backward.difference.value
    assert flipped(forward.difference.qualifier) is backward.difference.qualifier
    if qa is not Qualifier.EXACT or qb is not Qualifier.EXACT:
        assert not forward.difference.is_exact  # a bound or approximation stays one
    if rank:
        assert forward.ratio is None
        words, back = places_text(forward.difference.value), places_text(backward.difference.value)
        if words != "level":
            assert {words.split()[-1], back.split()[-1]} == {"ahead", "behind"}
            assert words.split()[0] == back.split()[0]


def test_a_rank_difference_is_places_ahead_with_no_ratio(tiny: Dataset) -> None:
    result = compare_metric(tiny, pair(tiny), tiny.indicator("cluster_rank"))
    latest = result.to_records()[-1]
    assert (latest["alpha"], latest["beta"]) == (8, 2)
    assert (latest["difference"], latest["difference_unit"], latest["ratio"]) == (
        -6,
        "places ahead",
        None,
    )
    assert places_text(latest["difference"]) == "6 places behind"
    assert result.to_table().footnotes[0] == (
        "For ranks, the difference says how many places Alpha is ahead of or behind Beta"
    )


def test_compare_uses_the_primary_figure_and_says_where_another_source_differs(
    sourced: Dataset,
) -> None:
    cities = (sourced.city("alpha"), sourced.city("beta"))
    result = compare_metric(sourced, cities, sourced.indicator("pct"))
    by_year = {r["year"]: r for r in result.to_records()}
    assert (by_year[2022]["alpha"], by_year[2022]["alpha_source"]) == (5590, "stat-2024")
    assert (by_year[2022]["beta"], by_year[2022]["beta_source"]) == (1000, "stat-2024")
    assert (by_year[2023]["beta"], by_year[2023]["beta_source"]) == (1234, "rep-y")
    assert by_year[2022]["difference"] == 4590
    notes = [n for n in result.to_table().footnotes if "gives" in n]
    # 2023's 6,185 is in two sources alike: not worth a line
    assert notes == [
        "Alpha 2022: wp-2023 gives 5,591 (shown: 5,590 from stat-2024)",
        "Beta 2022: stat-2023 gives 1,100 (shown: 1,000 from stat-2024)",
    ]
    # the sources named in the notes are listed with the others
    assert any(line.startswith("wp-2023 ") for line in result.sources)


def test_compare_of_one_source_takes_its_figures_alone(sourced: Dataset) -> None:
    cities = (sourced.city("alpha"), sourced.city("beta"))
    result = compare(sourced, cities, sourced.indicator("pct"), source="wp-2023")
    (row,) = result.to_records()
    assert (row["year"], row["alpha"], row["alpha_source"], row["beta"]) == (
        2022,
        5591,
        "wp-2023",
        None,
    )
    assert [m.city.id for m in result.missing] == ["beta"]
    assert not [n for n in result.to_table().footnotes if "gives" in n]


def test_compare_all_uses_primaries_and_names_the_indicator_in_its_notes(
    sourced: Dataset,
) -> None:
    alpha, beta = sourced.city("alpha"), sourced.city("beta")
    result = compare_all(sourced, (alpha, beta))
    (row,) = result.to_records()
    assert (row["indicator"], row["year"], row["alpha"], row["beta"]) == ("pct", 2023, 6185, 1234)
    assert result.disagreements == ()
    earlier = compare_all(sourced, (alpha, beta), year_to=2022)
    assert earlier.disagreements == (
        "Alpha pct 2022: wp-2023 gives 5,591 (shown: 5,590 from stat-2024)",
        "Beta pct 2022: stat-2023 gives 1,100 (shown: 1,000 from stat-2024)",
    )
