"""How precisely a published number is known, and whether a stated change fits two values.

Reports round their figures (17.93万 is 179,300 give or take 50), so a year-on-year change
computed from two published values only has to agree with the stated change within the
range the rounding allows.
"""

from __future__ import annotations

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
