"""How precisely a published number is known, and whether a stated change fits two values.

Reports round their figures (17.93万 is 179,300 give or take 50), so a year-on-year change
computed from two published values only has to agree with the stated change within the
range the rounding allows.
"""

from __future__ import annotations

import math
from decimal import Decimal

from ipstats.model import Number

ROUNDED_FROM = 10_000  # below this, trailing zeros are taken as exact (340 agencies, 100 cases)


def half_unit(value: Number) -> float:
    """Half of the last significant digit's place: 179300 -> 50, 20.51 -> 0.005, 7 -> 0.5.

    Trailing zeros of large whole numbers are read as rounding (17.93万 is published as
    179,300); in numbers below ten thousand they are read as exact.
    """
    if value == 0:
        return 0.5
    if isinstance(value, int) or float(value).is_integer():
        if abs(value) < ROUNDED_FROM:
            return 0.5
        digits = str(abs(int(value)))
        trailing = len(digits) - len(digits.rstrip("0"))
        return 0.5 * 10.0**trailing
    exponent = Decimal(repr(value)).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return float(0.5 * 10.0**exponent)


def relative_change_bounds(previous: Number, current: Number) -> tuple[float, float] | None:
    """The range of percent changes consistent with both values' rounding (None if prev <= 0)."""
    p_err, c_err = half_unit(previous), half_unit(current)
    low_prev, high_prev = previous - p_err, previous + p_err
    if low_prev <= 0:
        return None
    low = ((current - c_err) / high_prev - 1) * 100
    high = ((current + c_err) / low_prev - 1) * 100
    return (low, high)


def absolute_change_bounds(previous: Number, current: Number) -> tuple[float, float]:
    err = half_unit(previous) + half_unit(current)
    delta = current - previous
    return (delta - err, delta + err)


def agrees(bounds: tuple[float, float], stated: Number) -> bool:
    """True when a stated change, itself rounded, lies within the computed range."""
    slack = half_unit(stated)
    low, high = bounds
    return low - slack <= stated <= high + slack


def significant_digits(value: Number) -> int:
    """How many digits of a published number are significant: 7634000000 -> 4, 20.51 -> 4.

    Whole numbers below ROUNDED_FROM count every digit, as ``half_unit`` reads them.
    """
    if value == 0:
        return 1
    if isinstance(value, int) or float(value).is_integer():
        digits = str(abs(int(value)))
        if abs(value) < ROUNDED_FROM:
            return len(digits)
        return max(1, len(digits.rstrip("0")))
    return len(Decimal(repr(float(value))).normalize().as_tuple().digits)


def round_like(value: float, like: Number, direction: int = 0) -> Number:
    """``value`` to as many significant digits as the published ``like`` it was derived from.

    ``direction`` keeps a bound true: -1 rounds down (a lower bound), +1 up (an upper bound),
    0 to the nearest. Never finer than ``like``'s own last digit.
    """
    if value == 0 or not math.isfinite(value):
        return value
    digits = significant_digits(like)
    place = math.floor(math.log10(abs(value))) - digits + 1
    if isinstance(like, int) or float(like).is_integer():
        place = max(place, 0)
    else:
        exponent = Decimal(repr(float(like))).normalize().as_tuple().exponent
        assert isinstance(exponent, int)
        place = max(place, exponent)
    step = 10.0**place
    scaled = value / step
    if direction < 0:
        rounded = math.floor(scaled + 1e-9)
    elif direction > 0:
        rounded = math.ceil(scaled - 1e-9)
    else:
        rounded = round(scaled)
    result = rounded * step
    if place >= 0:
        return round(result)
    return round(result, -place)
