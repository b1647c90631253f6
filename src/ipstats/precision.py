"""How precisely a published number is known, and whether a stated change fits two values.

Reports round their figures (17.93万 is 179,300 give or take 50), so a year-on-year change
computed from two published values only has to agree with the stated change within the
range the rounding allows.
"""

from __future__ import annotations

import math

from ipstats.model import Number

ROUNDED_FROM = 10_000  # below this, trailing zeros are taken as exact (340 agencies, 100 cases)


def decimal_parts(value: Number) -> tuple[int, int]:
    """``value`` as written, exactly: (coefficient, exponent) with the coefficient times ten to
    the exponent, and no trailing zeros in the coefficient. 20.51 -> (2051, -2), 179300 -> (1793, 2),
    1e-05 -> (1, -5), 0 -> (0, 0).

    A float is read from its shortest repr, the digits it is published with, not from its binary
    value (0.1 is one tenth here). Read from the text rather than with the decimal module, which a
    query would otherwise import for this alone.
    """
    if isinstance(value, int):
        digits, exponent = str(value), 0
    else:
        mantissa, _, power = repr(float(value)).partition("e")
        whole, _, fraction = mantissa.partition(".")
        if not (whole + fraction).lstrip("-").isdigit():
            raise ValueError(f"not a finite number: {value!r}")
        digits, exponent = whole + fraction, int(power or 0) - len(fraction)
    significant = digits.rstrip("0")
    if significant in ("", "-"):
        return (0, 0)
    return (int(significant), exponent + len(digits) - len(significant))


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
    return float(0.5 * 10.0 ** decimal_parts(value)[1])


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
    return len(str(abs(decimal_parts(float(value))[0])))


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
        place = max(place, decimal_parts(float(like))[1])
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
