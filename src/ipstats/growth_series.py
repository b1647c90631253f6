"""Growth series: a place's figures of one indicator with their changes, CAGR and implied years.

Percent indicators change in percentage points and ranks in places (moving from 9th to 8th is
one place up, not -11%); relative change and CAGR are only given where they mean something.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from ipstats import bounds
from ipstats.bounds import Qualified
from ipstats.figures import disagreement_note
from ipstats.model import (
    ChangeKind,
    City,
    Dataset,
    Indicator,
    Number,
    Observation,
    Period,
    Qualifier,
    Unit,
)
from ipstats.precision import absolute_change_bounds, agrees, relative_change_bounds
from ipstats.query import (
    Filter,
    SeriesKey,
    by_series,
    choose_scope,
    period_text,
    primaries,
    reported_yoy_text,
    select,
    series_key,
    series_name,
)
from ipstats.rates import cagr_blank_reason, implied_previous, shown_like
from ipstats.terms import PLAIN, Terms


class PointKind(StrEnum):
    OBSERVED = "observed"
    IMPLIED = "implied"  # back-calculated from the next year's stated growth
    SPAN = "span"  # a summary row: first to last observed year


@dataclass(frozen=True, slots=True)
class GrowthPoint:
    kind: PointKind
    year: int
    value: Number
    qualifier: Qualifier
    from_year: int | None = None
    change: Number | None = None  # absolute; points for percents; places up for ranks
    change_pct: float | None = None
    cagr: float | None = None
    reported: Observation | None = None  # the observation carrying a stated change
    disagrees: bool = False
    note: str = ""
    change_qualifier: Qualifier | None = None  # how change, change_pct and cagr are known
    period: str = ""  # the period in words where it is not the calendar year


@dataclass(frozen=True, slots=True)
class Series:
    """One series: a city's figures of one indicator in one scope and kind of period."""

    city: City
    indicator: Indicator
    points: tuple[GrowthPoint, ...]
    scope: str = ""
    period: Period = Period.YEAR
    sources: tuple[str, ...] = ()  # the ids of the documents its figures come from
    disagreements: tuple[str, ...] = ()  # where another source gives a different figure

    @property
    def label(self) -> str:
        """The scope and kind of period where they are not the whole place's calendar year."""
        return series_name((self.scope, self.period))


def _change(
    unit: Unit, previous: Observation, current: Observation
) -> tuple[Qualified | None, Qualified | None]:
    """The change from previous to current and the relative change, each qualified; None
    where it means nothing (relative change of ranks and percents) or bounds cannot give it."""
    before, after = (
        Qualified(previous.value, previous.qualifier),
        Qualified(current.value, current.qualifier),
    )
    if unit is Unit.RANK:
        return bounds.subtract(before, after), None  # places up
    if unit is Unit.PERCENT:
        return bounds.subtract(after, before), None
    relative = bounds.relative_change(before, after) if previous.value > 0 else None
    return bounds.subtract(after, before), relative


def _caveat(change: Qualified | None) -> str:
    """What the note says about a change computed from bounds or approximations."""
    if change is None:
        return "no change: the values are bounds pointing opposite ways"
    if bounds.is_bound(change.qualifier):
        return f"{bounds.WORDS[change.qualifier]}: from a bound"
    if change.qualifier is Qualifier.ABOUT:
        return "about: from an approximation"
    return ""


def _disagrees(previous: Observation, current: Observation) -> bool:
    yoy = current.yoy
    if yoy is None:
        return False
    if yoy.kind is ChangeKind.PERCENT:
        found = relative_change_bounds(previous.value, current.value)
    else:
        found = absolute_change_bounds(previous.value, current.value)
    return found is not None and not agrees(found, yoy.value)


def build_series(
    dataset: Dataset,
    city: City,
    indicator: Indicator,
    year_from: int | None = None,
    year_to: int | None = None,
    implied: bool = True,
    scope: str | None = None,
    terms: Terms = PLAIN,
    sources: tuple[str, ...] = (),
) -> tuple[Series, ...]:
    """The city's series of the indicator, one per scope and kind of period, in the years asked
    for; changes and rates are computed only within a series, from each year's primary figure
    where several sources state it (of ``sources`` alone, when given)."""
    where = Filter((city.id,), (indicator.id,), year_from, year_to, sources=sources)
    found = select(dataset, where)
    if scope is not None and found:
        found = choose_scope(found, scope, f"{indicator.id} for {city.id}", terms.scope)
    figures = primaries(dataset, found)
    percent = indicator.unit is Unit.PERCENT
    result = []
    for key, observed in by_series(f.primary for f in figures).items():
        mine = [f for f in figures if series_key(f.primary) == key and f.disagreeing()]
        notes = [disagreement_note(f"{city.name} {f.primary.year}", f, percent) for f in mine]
        made = _one_series(city, indicator, key, observed, year_from, implied)
        others = tuple(o.source for f in mine for o in f.disagreeing())
        sourced = tuple(dict.fromkeys((*made.sources, *others)))
        result.append(replace(made, sources=sourced, disagreements=tuple(n for n in notes if n)))
    return tuple(result)


def _one_series(
    city: City,
    indicator: Indicator,
    key: SeriesKey,
    observed: tuple[Observation, ...],
    year_from: int | None,
    implied: bool,
) -> Series:
    years = {o.year for o in observed}
    points: list[GrowthPoint] = []
    unit = indicator.unit
    previous: Observation | None = None
    for o in observed:
        if implied and (o.year - 1) not in years and (year_from is None or o.year - 1 >= year_from):
            value = implied_previous(o)
            if value is not None:
                shown = shown_like(value, o.value)
                points.append(
                    GrowthPoint(
                        PointKind.IMPLIED,
                        o.year - 1,
                        shown.value,
                        shown.qualifier,
                        note=f"implied by {o.year}'s stated {reported_yoy_text(o)}",
                    )
                )
        reported = o if o.yoy else None
        if previous is None:
            points.append(
                GrowthPoint(
                    PointKind.OBSERVED,
                    o.year,
                    o.value,
                    o.qualifier,
                    reported=reported,
                    period=period_text(o),
                )
            )
        else:
            change, relative = _change(unit, previous, o)
            exact = change is not None and change.is_exact
            consecutive = previous.year == o.year - 1
            points.append(
                GrowthPoint(
                    PointKind.OBSERVED,
                    o.year,
                    o.value,
                    o.qualifier,
                    previous.year,
                    change.value if change else None,
                    relative.value if relative else None,
                    None,
                    reported,
                    consecutive and exact and _disagrees(previous, o),
                    _caveat(change),
                    change.qualifier if change else None,
                    period_text(o),
                )
            )
        previous = o
    if len(observed) >= 2:
        first, last = observed[0], observed[-1]
        span = last.year - first.year
        change, relative = _change(unit, first, last)
        reason = cagr_blank_reason(unit, first.value, span)
        rate = (
            None
            if reason
            else bounds.compound_rate(
                Qualified(first.value, first.qualifier), Qualified(last.value, last.qualifier), span
            )
        )
        notes = [f"CAGR blank: {reason}" if reason else "", _caveat(change)]
        points.append(
            GrowthPoint(
                PointKind.SPAN,
                last.year,
                last.value,
                last.qualifier,
                first.year,
                change.value if change else None,
                relative.value if relative else None,
                rate.value if rate else None,
                note="; ".join(n for n in notes if n),
                change_qualifier=change.qualifier if change else None,
                period=period_text(last),
            )
        )
    scope, period = key
    return Series(
        city,
        indicator,
        tuple(points),
        scope,
        period,
        tuple(dict.fromkeys(o.source for o in observed)),
    )
