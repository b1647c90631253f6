"""Shares: a place's figure as a percentage of the figure of a place containing it.

Shares are of the figure the dataset holds for the nation and for the parent place, never of
a sum of the rows, and only of quantities that add up across places (counts, money, people):
a rate or a rank has no share.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipstats import bounds, figures
from ipstats.bounds import Qualified
from ipstats.model import City, CityKind, Dataset, Indicator, Measure, Observation, Unit

# Quantities that add up across places: only they have a share of a total.
_ADDITIVE_UNITS = frozenset({Unit.COUNT, Unit.CNY, Unit.USD, Unit.MILLION_PEOPLE})
_ADDITIVE_MEASURES = frozenset({Measure.FLOW, Measure.STOCK})


def is_additive(indicator: Indicator) -> bool:
    """Whether the indicator's figures add up across places, so that a share means something."""
    return indicator.measure in _ADDITIVE_MEASURES and indicator.unit in _ADDITIVE_UNITS


@dataclass(frozen=True, slots=True)
class Share:
    """A figure's share, in percent, of the figure of a place containing it (``of``).

    ``total`` is that place's own figure for the same year and period (None: the dataset has
    none, and there is no share); ``share`` carries the qualifier the two figures give it.
    """

    of: City
    total: Observation | None
    share: Qualified | None


def nation_of(dataset: Dataset, place: City) -> City | None:
    """The country a place lies in, through its parents; for a place that names none, the
    dataset's only country, if it has exactly one."""
    seen = {place.id}
    current = place
    while current.parent:
        if current.parent in seen:
            return None
        seen.add(current.parent)
        current = dataset.city(current.parent)
        if current.kind is CityKind.COUNTRY:
            return current
    countries = [c for c in dataset.cities if c.kind is CityKind.COUNTRY]
    return countries[0] if len(countries) == 1 else None


def share_of(
    dataset: Dataset, indicator: Indicator, o: Observation, of: City | None
) -> Share | None:
    """The figure's share of the same figure of the place ``of`` (None: no such place)."""
    if of is None:
        return None
    totals = [
        t
        for t in dataset.observations_of((indicator.id,), (of.id,))
        if t.year == o.year and t.period is o.period and t.as_of == o.as_of and not t.scope
    ]
    if not totals:
        return Share(of, None, None)
    total = figures.primary(totals, dataset.source)
    ratio = bounds.divide(Qualified(o.value, o.qualifier), Qualified(total.value, total.qualifier))
    share = Qualified(ratio.value * 100, ratio.qualifier) if ratio is not None else None
    return Share(of, total, share)
