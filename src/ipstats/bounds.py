"""Arithmetic on qualified numbers: a bound stays a bound, pointing the way it must.

A published figure is exact, approximate ("about", "nearly") or a bound ("more than 16,300").
Anything computed from a bound is a bound, never an exact value, and which way it points
follows from monotonicity alone: for a result that rises with an operand, a lower bound on
that operand gives a lower bound on the result; for a result that falls with it (what is
subtracted, a divisor), it gives an upper bound. Bounds pushing the result both ways bound
nothing, so no value is given. Approximations combine to "about". The rule is written once,
in ``combine``; difference, ratio, growth and values implied by a stated change all use it.
"""

import math
from enum import Enum
from typing import NamedTuple

from ipstats.model import Number, Qualifier


class Side(Enum):
    """Where the true value lies relative to the number given."""

    EXACT = "exact"
    NEAR = "near"  # about, nearly
    ABOVE = "above"  # more than, at least: the number is a lower bound
    BELOW = "below"  # less than, at most: the number is an upper bound


_SIDE = {
    Qualifier.EXACT: Side.EXACT,
    Qualifier.ABOUT: Side.NEAR,
    Qualifier.NEARLY: Side.NEAR,
    Qualifier.MORE_THAN: Side.ABOVE,
    Qualifier.AT_LEAST: Side.ABOVE,
    Qualifier.LESS_THAN: Side.BELOW,
    Qualifier.AT_MOST: Side.BELOW,
}
_STRICT = frozenset({Qualifier.MORE_THAN, Qualifier.LESS_THAN})
_FLIPPED = {
    Qualifier.EXACT: Qualifier.EXACT,
    Qualifier.ABOUT: Qualifier.ABOUT,
    Qualifier.NEARLY: Qualifier.ABOUT,
    Qualifier.MORE_THAN: Qualifier.LESS_THAN,
    Qualifier.AT_LEAST: Qualifier.AT_MOST,
    Qualifier.LESS_THAN: Qualifier.MORE_THAN,
    Qualifier.AT_MOST: Qualifier.AT_LEAST,
}
WORDS = {
    Qualifier.EXACT: "",
    Qualifier.ABOUT: "about",
    Qualifier.NEARLY: "nearly",
    Qualifier.MORE_THAN: "more than",
    Qualifier.AT_LEAST: "at least",
    Qualifier.LESS_THAN: "less than",
    Qualifier.AT_MOST: "at most",
}


def side(qualifier: Qualifier) -> Side:
    return _SIDE[qualifier]


def is_bound(qualifier: Qualifier) -> bool:
    return _SIDE[qualifier] in (Side.ABOVE, Side.BELOW)


def flipped(qualifier: Qualifier) -> Qualifier:
    """The qualifier of the negated value: -(more than 5) is less than -5."""
    return _FLIPPED[qualifier]


class Qualified(NamedTuple):
    """A number with how it is known: ``more_than 16300`` means the true value exceeds 16,300."""

    value: Number
    qualifier: Qualifier = Qualifier.EXACT

    @property
    def is_exact(self) -> bool:
        return self.qualifier is Qualifier.EXACT

    def admits(self, true_value: float, tolerance: float = 0.0) -> bool:
        """Whether ``true_value`` is consistent with this statement (approximations within
        ``tolerance``, relative)."""
        s, v, slack = (
            _SIDE[self.qualifier],
            float(self.value),
            tolerance * max(1.0, abs(self.value)),
        )
        if s is Side.ABOVE:
            return true_value > v - slack if self.qualifier in _STRICT else true_value >= v - slack
        if s is Side.BELOW:
            return true_value < v + slack if self.qualifier in _STRICT else true_value <= v + slack
        if s is Side.EXACT:
            return math.isclose(true_value, v, rel_tol=1e-9, abs_tol=slack + 1e-9)
        return True  # an approximation admits what is near it; how near is not stated


def combine(value: Number, operands: tuple[tuple[Qualifier, int], ...]) -> Qualified | None:
    """The qualifier of a result that moves with each operand in the direction given (+1: rises
    with it, -1: falls with it), or None when the operands' bounds pull it both ways."""
    pulls: set[Side] = set()
    strict, near = False, False
    for qualifier, direction in operands:
        s = _SIDE[qualifier]
        if s is Side.NEAR:
            near = True
        elif s is not Side.EXACT:
            if direction < 0:
                s = Side.BELOW if s is Side.ABOVE else Side.ABOVE
            pulls.add(s)
            strict = strict or qualifier in _STRICT
    if len(pulls) > 1:
        return None
    if pulls == {Side.ABOVE}:
        return Qualified(value, Qualifier.MORE_THAN if strict else Qualifier.AT_LEAST)
    if pulls == {Side.BELOW}:
        return Qualified(value, Qualifier.LESS_THAN if strict else Qualifier.AT_MOST)
    return Qualified(value, Qualifier.ABOUT if near else Qualifier.EXACT)


def subtract(a: Qualified, b: Qualified) -> Qualified | None:
    """a − b: rises with a, falls with b."""
    return combine(a.value - b.value, ((a.qualifier, 1), (b.qualifier, -1)))


def divide(a: Qualified, b: Qualified) -> Qualified | None:
    """a ÷ b for a ≥ 0 and b > 0 (where it rises with a and falls with b); None otherwise."""
    if a.value < 0 or b.value <= 0:
        return None
    return combine(a.value / b.value, ((a.qualifier, 1), (b.qualifier, -1)))


def relative_change(previous: Qualified, current: Qualified) -> Qualified | None:
    """Percent change from previous to current: rises with current, falls with previous."""
    ratio = divide(current, previous)
    if ratio is None:
        return None
    return Qualified((ratio.value - 1) * 100, ratio.qualifier)


def compound_rate(start: Qualified, end: Qualified, years: int) -> Qualified | None:
    """Compound annual growth rate in percent: it rises with the ratio end ÷ start."""
    ratio = divide(end, start)
    if ratio is None or years <= 0 or ratio.value <= 0:
        return None
    return Qualified((math.pow(ratio.value, 1 / years) - 1) * 100, ratio.qualifier)


def negate(a: Qualified) -> Qualified:
    return Qualified(-a.value, flipped(a.qualifier))


def scale(a: Qualified, factor: Qualified) -> Qualified | None:
    """a × factor for a ≥ 0 and factor > 0."""
    if a.value < 0 or factor.value <= 0:
        return None
    return combine(a.value * factor.value, ((a.qualifier, 1), (factor.qualifier, 1)))


def words(q: Qualified, text: str) -> str:
    """``text`` (the number as shown) after its qualifier in words: 'at most -13.13%'."""
    prefix = WORDS[q.qualifier]
    return f"{prefix} {text}" if prefix else text
