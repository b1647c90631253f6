"""ipstats.precision: how precisely a published number is known, and stated-change checks."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstats.model import Number
from ipstats.precision import (
    ROUNDED_FROM,
    absolute_change_bounds,
    agrees,
    decimal_parts,
    half_unit,
    relative_change_bounds,
    round_like,
    significant_digits,
)

# Numbers as reports print them (20.51, 1.5e-07, 17.93万) and every other finite float and int,
# down to subnormal floats and up to ints of sixty digits.
PUBLISHED = st.builds(
    lambda count, exponent: float(f"{count}e{exponent}"),
    st.integers(-(10**17), 10**17),
    st.integers(-30, 30),
)
NUMBERS = st.one_of(
    PUBLISHED,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**60), 10**60),
    st.integers(-(10**6), 10**6),
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (179300, 50),  # 17.93万: known to the nearest hundred
        (10000, 5000),
        (-25000, 500),
        (12000.0, 500),  # a float holding a whole number reads like the integer
        (9990, 0.5),  # below ten thousand trailing zeros are exact
        (100, 0.5),
        (6185, 0.5),
        (7, 0.5),
        (0, 0.5),
        (20.51, 0.005),
        (5.3, 0.05),
        (-5.25, 0.005),
    ],
)
def test_half_unit(value: float, expected: float) -> None:
    assert half_unit(value) == pytest.approx(expected)


def test_relative_change_bounds_widen_by_both_roundings() -> None:
    low, high = relative_change_bounds(6185, 6822)  # type: ignore[misc]
    assert low == pytest.approx((6821.5 / 6185.5 - 1) * 100)
    assert high == pytest.approx((6822.5 / 6184.5 - 1) * 100)
    assert low < (6822 / 6185 - 1) * 100 < high


@pytest.mark.parametrize("previous", [0, -5])
def test_relative_change_bounds_none_when_previous_not_positive(previous: int) -> None:
    assert relative_change_bounds(previous, 10) is None


def test_absolute_change_bounds() -> None:
    assert absolute_change_bounds(100, 110) == (9, 11)
    assert absolute_change_bounds(179300, 182000) == (2150, 3250)  # +-50 and +-500


def test_stated_change_within_rounding_agrees() -> None:
    assert agrees(relative_change_bounds(6185, 6822), 10.3)  # type: ignore[arg-type]


def test_stated_change_beyond_rounding_disagrees() -> None:
    assert not agrees(relative_change_bounds(6185, 6822), 10.5)  # type: ignore[arg-type]
    assert not agrees(relative_change_bounds(101, 111), 20)  # type: ignore[arg-type]
    assert agrees(relative_change_bounds(101, 111), 9.9)  # type: ignore[arg-type]


def test_small_round_numbers_are_exact() -> None:
    # 100 -> 110 is exactly +10%: a stated +20% is wrong, a stated +10% is right.
    assert not agrees(relative_change_bounds(100, 110), 20)  # type: ignore[arg-type]
    assert agrees(relative_change_bounds(100, 110), 10)  # type: ignore[arg-type]


def test_large_round_numbers_are_read_as_rounded() -> None:
    # 20000 could be 15000..25000 and 22000 could be 21500..22500: +10% and +30% both fit.
    bounds = relative_change_bounds(20000, 22000)
    assert bounds == pytest.approx(((21500 / 25000 - 1) * 100, (22500 / 15000 - 1) * 100))
    assert agrees(bounds, 30)  # type: ignore[arg-type]
    assert not agrees(bounds, 51)  # type: ignore[arg-type]


def test_agrees_uses_the_stated_values_own_rounding() -> None:
    # A stated 10 (read as 9.5..10.5) reaches a computed 10.02..10.2; a stated 9.9 does not.
    assert agrees((10.02, 10.2), 10)
    assert not agrees((10.02, 10.2), 9.9)
    assert not agrees((10.02, 10.2), 10.3)


@given(
    previous=st.integers(min_value=1, max_value=10**9),
    current=st.integers(min_value=0, max_value=10**9),
)
def test_bounds_contain_the_computed_change(previous: int, current: int) -> None:
    bounds = relative_change_bounds(previous, current)
    assert bounds is not None
    computed = (current / previous - 1) * 100
    assert bounds[0] <= computed <= bounds[1]
    # A source that rounds the true change to one decimal is never flagged.
    assert agrees(bounds, round(computed, 1))


@pytest.mark.parametrize(
    ("value", "digits"),
    [(7634000000, 4), (410000, 2), (2613500, 5), (1500, 4), (20.51, 4), (0, 1)],
)
def test_significant_digits(value: float, digits: int) -> None:
    assert significant_digits(value) == digits


@pytest.mark.parametrize(
    ("value", "like", "direction", "expected"),
    [
        (3841006289.4, 7634000000, 0, 3841000000),  # never to the yuan
        (379629.6, 410000, -1, 370000),  # a lower bound rounds down, and stays true
        (379629.6, 410000, 1, 380000),  # an upper bound rounds up
        (2427549.7, 2613500, 0, 2427500),
        (750.0, 1500, 0, 750),
        (80.333, 83.5, 0, 80.3),
    ],
)
def test_round_like_the_published_figure(
    value: float, like: float, direction: int, expected: float
) -> None:
    assert round_like(value, like, direction) == expected


@given(
    value=st.floats(min_value=1, max_value=1e12),
    like=st.integers(min_value=1, max_value=10**12),
)
def test_rounding_a_bound_outward_keeps_it_true(value: float, like: int) -> None:
    # within floating-point noise, which is far below any published precision
    slack = value * 1e-9
    assert round_like(value, like, -1) <= value + slack
    assert value - slack <= round_like(value, like, 1)


# The decimal module's reading of a number, which precision.py does without importing it.


def reference_parts(value: Number) -> tuple[int, int]:
    with localcontext() as context:
        context.prec = 100  # more than any int drawn here has digits: normalize stays exact
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        sign, digits, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)
    coefficient = int("".join(map(str, digits)))
    return (-coefficient if sign else coefficient, exponent if coefficient else 0)


def reference_exponent(value: float) -> int:
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return exponent


def reference_half_unit(value: Number) -> float:
    if value == 0:
        return 0.5
    if isinstance(value, int) or float(value).is_integer():
        if abs(value) < ROUNDED_FROM:
            return 0.5
        digits = str(abs(int(value)))
        return 0.5 * 10.0 ** (len(digits) - len(digits.rstrip("0")))
    return float(0.5 * 10.0 ** reference_exponent(value))


def reference_significant_digits(value: Number) -> int:
    if value == 0:
        return 1
    if isinstance(value, int) or float(value).is_integer():
        digits = str(abs(int(value)))
        return len(digits) if abs(value) < ROUNDED_FROM else max(1, len(digits.rstrip("0")))
    return len(Decimal(repr(float(value))).normalize().as_tuple().digits)


def reference_round_like(value: float, like: Number, direction: int) -> Number:
    if value == 0 or not math.isfinite(value):
        return value
    place = math.floor(math.log10(abs(value))) - reference_significant_digits(like) + 1
    if isinstance(like, int) or float(like).is_integer():
        place = max(place, 0)
    else:
        place = max(place, reference_exponent(float(like)))
    step = 10.0**place
    scaled = value / step
    if direction < 0:
        rounded = math.floor(scaled + 1e-9)
    elif direction > 0:
        rounded = math.ceil(scaled - 1e-9)
    else:
        rounded = round(scaled)
    result = rounded * step
    return round(result) if place >= 0 else round(result, -place)


def outcome(function: Callable[..., object], *args: object) -> tuple[object, ...]:
    """What a call gives: its result, or the kind of error it raises (10.0**400 overflows)."""
    try:
        result = function(*args)
    except (ArithmeticError, ValueError) as error:
        return ("raises", type(error))
    return ("gives", result, type(result))


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        (20.51, (2051, -2)),
        (179300, (1793, 2)),
        (-5.25, (-525, -2)),
        (1e-05, (1, -5)),
        (1.5e16, (15, 15)),
        (-2.5e-07, (-25, -8)),
        (123.0, (123, 0)),
        (0.1, (1, -1)),  # the digits it is written with, not its binary value
        (0, (0, 0)),
        (-0.0, (0, 0)),
        (10**40 + 10, (10**39 + 1, 1)),
    ],
)
def test_decimal_parts_read_the_number_as_written(value: Number, parts: tuple[int, int]) -> None:
    assert decimal_parts(value) == parts


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_decimal_parts_refuse_what_is_not_a_finite_number(value: float) -> None:
    with pytest.raises(ValueError, match="not a finite number"):
        decimal_parts(value)


@given(NUMBERS)
def test_decimal_parts_read_as_the_decimal_module_does(value: Number) -> None:
    assert decimal_parts(value) == reference_parts(value)


@given(NUMBERS)
def test_half_unit_and_significant_digits_as_the_decimal_reading_gives(value: Number) -> None:
    assert outcome(half_unit, value) == outcome(reference_half_unit, value)
    assert outcome(significant_digits, value) == outcome(reference_significant_digits, value)


@given(
    value=st.one_of(PUBLISHED, st.floats(allow_nan=False, allow_infinity=False)),
    like=NUMBERS,
    direction=st.sampled_from([-1, 0, 1]),
)
def test_round_like_as_the_decimal_reading_gives(
    value: float, like: Number, direction: int
) -> None:
    assert outcome(round_like, value, like, direction) == outcome(
        reference_round_like, value, like, direction
    )
