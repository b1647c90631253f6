"""Rates of change: relative change, CAGR, and the value a stated growth rate implies."""

from __future__ import annotations

import math

from ipstats import bounds
from ipstats.bounds import Qualified
from ipstats.model import ChangeKind, Number, Observation, Qualifier, Unit
from ipstats.precision import round_like


def cagr(start: Number, end: Number, years: int) -> float:
    """Compound annual growth rate in percent; callers check ``cagr_blank_reason`` first."""
    return (math.pow(end / start, 1 / years) - 1) * 100


def cagr_blank_reason(unit: Unit, start: Number, years: int) -> str | None:
    if unit is Unit.RANK:
        return "not meaningful for ranks"
    if unit is Unit.PERCENT:
        return "percent values change in points"
    if years <= 0:
        return "span of zero years"
    if start <= 0:
        return "start value is not positive"
    return None


def relative_change(previous: Number, current: Number) -> float | None:
    return (current / previous - 1) * 100 if previous > 0 else None


def implied_previous(observation: Observation) -> Qualified | None:
    """The previous year's value that this observation's stated growth implies, qualified.

    A bound implies a bound (from "more than 410,000" after +8%: more than 379,629); exact
    figures imply an approximation, as the stated rate is rounded.
    """
    yoy = observation.yoy
    if yoy is None:
        return None
    current = Qualified(observation.value, observation.qualifier)
    if yoy.kind is ChangeKind.ABSOLUTE:
        found = bounds.subtract(current, Qualified(yoy.value, yoy.qualifier))
    else:
        if yoy.value <= -100:
            return None
        found = bounds.divide(current, Qualified(1 + yoy.value / 100, yoy.qualifier))
    if found is None:
        return None
    if found.is_exact:
        return Qualified(found.value, Qualifier.ABOUT)
    return found


def shown_like(found: Qualified, like: Number) -> Qualified:
    """A derived value to the precision of the published one, rounded outward for a bound."""
    direction = {bounds.Side.ABOVE: -1, bounds.Side.BELOW: 1}.get(bounds.side(found.qualifier), 0)
    return Qualified(round_like(found.value, like, direction), found.qualifier)
