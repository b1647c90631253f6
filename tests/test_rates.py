"""ipstats.rates: relative change, CAGR, and the previous value a stated growth rate implies."""

from __future__ import annotations

import pytest

from ipstats.bounds import Qualified
from ipstats.model import ChangeKind, Observation, Period, Qualifier, ReportedChange, Unit
from ipstats.rates import cagr, cagr_blank_reason, implied_previous, relative_change, shown_like


def stated(
    value: float,
    qualifier: Qualifier,
    change: ReportedChange | None,
) -> Observation:
    return Observation("m", "alpha", 2024, value, qualifier, Period.YEAR, "src", "p", yoy=change)


def test_cagr_formula() -> None:
    assert cagr(100, 121, 2) == pytest.approx(10)
    assert cagr(200, 100, 1) == pytest.approx(-50)
    assert cagr(50, 400, 3) == pytest.approx(100)


@pytest.mark.parametrize(
    ("unit", "start", "years", "reason"),
    [
        (Unit.COUNT, 0, 3, "start value is not positive"),
        (Unit.COUNT, -5, 3, "start value is not positive"),
        (Unit.COUNT, 100, 0, "span of zero years"),
        (Unit.RANK, 9, 3, "not meaningful for ranks"),
        (Unit.PERCENT, 5.3, 3, "percent values change in points"),
        (Unit.COUNT, 100, 3, None),
        (Unit.CNY, 0.5, 1, None),
    ],
)
def test_cagr_blank_reason(unit: Unit, start: float, years: int, reason: str | None) -> None:
    assert cagr_blank_reason(unit, start, years) == reason


def test_relative_change_in_percent() -> None:
    assert relative_change(100, 110) == pytest.approx(10)
    assert relative_change(200, 150) == pytest.approx(-25)


@pytest.mark.parametrize("previous", [0, -5])
def test_no_relative_change_from_a_value_that_is_not_positive(previous: float) -> None:
    assert relative_change(previous, 10) is None


def test_nothing_is_implied_without_a_stated_change() -> None:
    assert implied_previous(stated(110, Qualifier.EXACT, None)) is None


def test_an_exact_figure_and_its_rounded_rate_imply_an_approximation() -> None:
    found = implied_previous(stated(110, Qualifier.EXACT, ReportedChange(ChangeKind.PERCENT, 10)))
    assert found is not None
    assert found.value == pytest.approx(100) and found.qualifier is Qualifier.ABOUT


def test_an_absolute_change_is_subtracted() -> None:
    change = ReportedChange(ChangeKind.ABSOLUTE, 50)
    assert implied_previous(stated(1000, Qualifier.EXACT, change)) == Qualified(
        950, Qualifier.ABOUT
    )


def test_a_bound_implies_a_bound() -> None:
    change = ReportedChange(ChangeKind.PERCENT, 8)
    found = implied_previous(stated(410_000, Qualifier.MORE_THAN, change))
    assert found is not None
    assert found.value == pytest.approx(410_000 / 1.08) and found.qualifier is Qualifier.MORE_THAN


@pytest.mark.parametrize("rate", [-100, -120, -150])
def test_a_fall_of_all_or_more_implies_nothing(rate: float) -> None:
    change = ReportedChange(ChangeKind.PERCENT, rate)
    assert implied_previous(stated(100, Qualifier.EXACT, change)) is None


def test_bounds_that_say_nothing_together_imply_nothing() -> None:
    # more than 100 now after a rise of more than 10: the previous year could be anything below 90
    change = ReportedChange(ChangeKind.ABSOLUTE, 10, Qualifier.MORE_THAN)
    assert implied_previous(stated(100, Qualifier.MORE_THAN, change)) is None


@pytest.mark.parametrize(
    ("qualifier", "shown"),
    [
        (Qualifier.MORE_THAN, 370_000),  # a lower bound rounds down: it stays true
        (Qualifier.LESS_THAN, 380_000),  # an upper bound rounds up
        (Qualifier.ABOUT, 380_000),  # an approximation to the nearest
    ],
)
def test_a_derived_value_takes_the_published_precision_outward_for_a_bound(
    qualifier: Qualifier, shown: float
) -> None:
    assert shown_like(Qualified(379_629.63, qualifier), 410_000) == Qualified(shown, qualifier)


def test_a_derived_value_is_never_finer_than_the_published_one() -> None:
    found = shown_like(Qualified(379_629.63, Qualifier.ABOUT), 410_123)
    assert found == Qualified(379_630, Qualifier.ABOUT)
