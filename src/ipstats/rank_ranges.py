"""Rank ranges: the best and worst rank each figure allows, bounds included, and the order.

A bound ("more than 3,000") is placed at its figure, and every rank it leaves open is given as
the range the figures allow (1-3), for the bound and for the places it may pass. Equal exact
figures share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ipstats import bounds
from ipstats.model import City, Indicator, Observation, Qualifier, Unit


def lowest_first(indicator: Indicator) -> bool:
    """Whether a smaller figure ranks higher: ranks (1 is the best), not amounts."""
    return indicator.unit is Unit.RANK


# Where a figure's true value may lie, in the order of ranking (a higher value ranks higher):
# (low, low open, high, high open).
_Interval = tuple[float, bool, float, bool]


def _interval(o: Observation, indicator: Indicator) -> _Interval:
    value = float(o.value)
    floor = -math.inf if indicator.unit is Unit.PERCENT else 0.0
    side = bounds.side(o.qualifier)
    strict = o.qualifier in (Qualifier.MORE_THAN, Qualifier.LESS_THAN)
    if side is bounds.Side.ABOVE:
        low, low_open, high, high_open = value, strict, math.inf, True
    elif side is bounds.Side.BELOW:
        low, low_open, high, high_open = floor, False, value, strict
    else:
        low, low_open, high, high_open = value, False, value, False
    if lowest_first(indicator):
        return (-high, high_open, -low, low_open)
    return (low, low_open, high, high_open)


def _surely_above(a: _Interval, b: _Interval) -> bool:
    """Whether every value ``a`` allows ranks above every value ``b`` allows."""
    return a[0] > b[2] or (a[0] == b[2] and (a[1] or b[3]))


def _maybe_above(a: _Interval, b: _Interval) -> bool:
    """Whether some value ``a`` allows ranks above some value ``b`` allows."""
    return a[2] > b[0]


def _order_key(o: Observation, indicator: Indicator, place: City) -> tuple[float, int, str]:
    """Where a row stands in the table: by its stated figure, a lower bound just above an
    exact equal figure and an upper bound just below it, then by name."""
    side = {bounds.Side.ABOVE: -1, bounds.Side.BELOW: 1}.get(bounds.side(o.qualifier), 0)
    if lowest_first(indicator):
        return (float(o.value), side, place.name)
    return (-float(o.value), side, place.name)


def rank_places(
    figures: Sequence[tuple[City, Observation]], indicator: Indicator
) -> list[tuple[City, Observation, int, int, bool]]:
    """Each place with its figure, best and worst rank and whether it shares an exact rank,
    in the order of the table."""
    intervals = [_interval(o, indicator) for _, o in figures]
    ranked = []
    for index, (place, o) in enumerate(figures):
        mine = intervals[index]
        others = [x for i, x in enumerate(intervals) if i != index]
        best = 1 + sum(_surely_above(x, mine) for x in others)
        worst = 1 + sum(_maybe_above(x, mine) for x in others)
        ranked.append((place, o, best, worst))
    exact = [(b, w) for _, _, b, w in ranked if b == w]
    out = [(p, o, b, w, b == w and exact.count((b, w)) > 1) for p, o, b, w in ranked]
    out.sort(key=lambda row: _order_key(row[1], indicator, row[0]))
    return out
