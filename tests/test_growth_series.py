"""ipstats.growth_series: one series' changes, span, CAGR and values implied by stated growth."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstats.growth_series import GrowthPoint, PointKind, build_series
from ipstats.model import ChangeKind, Observation, Period, Qualifier, Unit
from test_growth import CITY, make_dataset, obs


def points(unit: Unit, *observations: Observation, **options: Any) -> tuple[GrowthPoint, ...]:
    """The points of the one series the observations make."""
    dataset = make_dataset(unit, *observations)
    (series,) = build_series(dataset, CITY, dataset.indicator("metric"), **options)
    return series.points


def test_rank_falling_is_negative_places() -> None:
    _, fallen, span = points(Unit.RANK, obs(2020, 3), obs(2021, 7))
    assert (fallen.kind, fallen.from_year, fallen.change, fallen.change_pct) == (
        PointKind.OBSERVED,
        2020,
        -4,
        None,
    )
    assert span.kind is PointKind.SPAN and span.cagr is None


def test_a_single_observation_has_no_span_row() -> None:
    assert [p.kind for p in points(Unit.COUNT, obs(2020, 10))] == [PointKind.OBSERVED]


def test_implied_value_from_an_absolute_change() -> None:
    implied, _ = points(Unit.COUNT, obs(2024, 500, 120, yoy_kind=ChangeKind.ABSOLUTE))
    assert (implied.kind, implied.year, implied.value) == (PointKind.IMPLIED, 2023, 380)


def test_no_implied_value_from_a_fall_of_100_percent_or_more() -> None:
    assert [p.kind for p in points(Unit.COUNT, obs(2024, 0, -100))] == [PointKind.OBSERVED]


def test_a_value_implied_from_a_lower_bound_is_a_lower_bound_rounded_down() -> None:
    implied, _ = points(Unit.COUNT, obs(2024, 410000, 8, qualifier=Qualifier.MORE_THAN))
    assert (implied.year, implied.value, implied.qualifier) == (2023, 370000, Qualifier.MORE_THAN)


def test_a_value_implied_from_exact_figures_is_about_to_their_precision() -> None:
    implied, _ = points(Unit.CNY, obs(2021, 7634000000, 98.75))
    assert (implied.year, implied.value, implied.qualifier) == (2020, 3841000000, Qualifier.ABOUT)


def test_no_implied_values_when_not_asked_for_or_before_the_first_year() -> None:
    stated = (obs(2022, 100), obs(2024, 121, 10))
    assert PointKind.IMPLIED in {p.kind for p in points(Unit.COUNT, *stated)}
    assert PointKind.IMPLIED not in {p.kind for p in points(Unit.COUNT, *stated, implied=False)}
    later = points(Unit.COUNT, *stated, year_from=2024)
    assert [(p.kind, p.year) for p in later] == [(PointKind.OBSERVED, 2024)]


def test_a_stated_change_is_checked_against_the_previous_year_beyond_rounding() -> None:
    _, wrong, _ = points(Unit.COUNT, obs(2023, 6185), obs(2024, 6822, 20))
    _, right, _ = points(Unit.COUNT, obs(2023, 6185), obs(2024, 6822, 10.3))
    assert wrong.disagrees and not right.disagrees
    assert wrong.reported is not None and wrong.reported.year == 2024


@given(
    value=st.integers(min_value=1, max_value=10**12) | st.floats(min_value=0.001, max_value=1e12),
    first=st.integers(min_value=1990, max_value=2020),
    count=st.integers(min_value=2, max_value=8),
)
def test_constant_series_grows_zero(value: float, first: int, count: int) -> None:
    found = points(Unit.COUNT, *(obs(first + i, value) for i in range(count)))
    changes = [p for p in found if p.kind is PointKind.OBSERVED][1:]
    assert len(changes) == count - 1
    assert all(p.change == 0 and p.change_pct == 0 for p in changes)
    span = found[-1]
    assert span.kind is PointKind.SPAN
    assert (span.change, span.change_pct, span.cagr) == (0, 0, 0)


@given(
    start=st.integers(min_value=1, max_value=10**12),
    years=st.integers(min_value=1, max_value=40),
)
def test_doubling_over_n_years(start: int, years: int) -> None:
    span = points(Unit.COUNT, obs(2000, start), obs(2000 + years, 2 * start))[-1]
    assert span.kind is PointKind.SPAN
    assert span.cagr is not None
    assert math.isclose(span.cagr, (2 ** (1 / years) - 1) * 100, rel_tol=1e-9)
    assert span.change_pct == pytest.approx(100)


@given(
    st.dictionaries(
        st.tuples(st.integers(min_value=2000, max_value=2012), st.sampled_from(list(Period))),
        st.tuples(
            st.integers(min_value=1, max_value=10**6),
            st.sampled_from(list(Qualifier)),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_no_rate_is_ever_computed_across_a_change_of_period_kind(
    figures: dict[tuple[int, Period], tuple[int, Qualifier]],
) -> None:
    observations = [
        Observation(
            "metric",
            "alpha",
            year,
            value,
            qualifier,
            period,
            "src",
            "p. 1",
            dt.date(year, 6, 30) if period in (Period.AS_OF, Period.CUMULATIVE) else None,
        )
        for (year, period), (value, qualifier) in figures.items()
    ]
    dataset = make_dataset(Unit.COUNT, *observations)
    found = build_series(dataset, CITY, dataset.indicator("metric"))
    periods = {(year, period) for year, period in figures}
    for series in found:
        for p in series.points:
            if p.change is not None or p.change_pct is not None or p.cagr is not None:
                assert p.from_year is not None
                # both ends of every computed change lie in this one series' kind of period
                assert (p.from_year, series.period) in periods
                assert (p.year, series.period) in periods
            if p.kind is PointKind.OBSERVED:
                assert (p.year, series.period) in periods
    kinds = {period for _, period in figures}
    assert {s.period for s in found} == kinds


def test_a_series_label_names_its_scope_and_period_only_where_they_are_not_the_usual() -> None:
    campaign = Observation(
        "metric", "alpha", 2021, 1106, Qualifier.EXACT, Period.CAMPAIGN, "src", "p. 1"
    )
    dataset = make_dataset(Unit.COUNT, campaign, obs(2023, 4266))
    found = build_series(dataset, CITY, dataset.indicator("metric"))
    assert [(s.period, s.label) for s in found] == [
        (Period.CAMPAIGN, "campaign"),
        (Period.YEAR, ""),
    ]
