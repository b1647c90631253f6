"""Ranking places of one level by a metric, with shares of the national and the parent figure.

A ranking sets side by side places none of which lies inside another (provinces, regions or
cities), in one year, one kind of period and the whole place (no scope): figures of another
scope or period are other series and are left out, and said to be. Where a bound leaves the
order open a rank is a range (rank_ranges); a share is of a containing place's own figure
(shares).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ipstats import figures
from ipstats.errors import NoDataError, UsageError
from ipstats.model import (
    PROVINCE_LEVEL,
    City,
    CityKind,
    Dataset,
    Indicator,
    Measure,
    Observation,
    Period,
    PlaceLevel,
)
from ipstats.query import parse_year, source_lines, years_text
from ipstats.rank_ranges import rank_places
from ipstats.ranking import RankedPlace, Ranking, Unranked
from ipstats.resolve import quote_input
from ipstats.shares import is_additive, nation_of, share_of
from ipstats.terms import PLAIN, Terms

# The places ranked when no level is asked for: those CNIPA's national tables list side by
# side, whose figures make up its domestic total. Cities lie inside them, so their shares
# would be counted twice.
DEFAULT_KINDS = PROVINCE_LEVEL | {CityKind.REGION}
_USUAL_PERIOD = {Measure.FLOW: Period.YEAR, Measure.STOCK: Period.YEAR_END}


def _figure(
    dataset: Dataset, observations: Sequence[Observation]
) -> tuple[Observation, tuple[Observation, ...]]:
    """One place's figure of a year: the latest date's, from the primary source; and the same
    figure from the other sources."""
    latest = (
        max(o.as_of for o in observations if o.as_of is not None)
        if any(o.as_of is not None for o in observations)
        else None
    )
    same = [o for o in observations if o.as_of == latest]
    chosen = figures.primary(same, dataset.source)
    return chosen, tuple(o for o in same if o is not chosen)


def _places(
    dataset: Dataset, level: PlaceLevel | None, within: City | None
) -> tuple[tuple[City, ...], str]:
    """The places to rank and what they are, in words."""
    if within is None:
        kinds = level.kinds if level is not None else DEFAULT_KINDS
        chosen = tuple(c for c in dataset.cities if c.kind in kinds)
        words = _level_words(level)
        if not chosen:
            present = ", ".join(sorted({c.kind.value for c in dataset.cities}))
            raise NoDataError(
                f"the dataset has no {words} to rank (kinds of place it has: {present}); "
                "rank another kind of place: province, region or city"
            )
        return chosen, words
    inside = [c for c in dataset.cities if c.parent == within.id]
    chosen = tuple(c for c in inside if level is None or c.kind in level.kinds)
    words = f"{_level_words(level) if level is not None else 'places'} in {within.name}"
    if not chosen:
        parents = sorted({c.parent for c in dataset.cities if c.parent})
        if inside:
            held = ", ".join(sorted({c.kind.value for c in inside}))
            raise UsageError(
                f"no {_LEVEL_NOUNS[level] if level else 'place'} lies within {within.id} "
                "(the places in it are of "
                f"kind {held})"
            )
        raise UsageError(
            f"no place lies within {within.id} (places that contain others: "
            f"{', '.join(parents) or 'none'})"
        )
    return chosen, words


_LEVEL_NOUNS = {
    PlaceLevel.PROVINCE: "province-level place",
    PlaceLevel.REGION: "region",
    PlaceLevel.CITY: "city",
}


def _level_words(level: PlaceLevel | None) -> str:
    if level is PlaceLevel.PROVINCE:
        return "province-level places"
    if level is PlaceLevel.REGION:
        return "regions"
    if level is PlaceLevel.CITY:
        return "cities"
    return "province-level places and regions"


def _usual_period(indicator: Indicator, observations: Iterable[Observation]) -> Period:
    """The kind of period most of the figures have; on a tie, the indicator's usual one."""
    counts: dict[Period, int] = {}
    for o in observations:
        counts[o.period] = counts.get(o.period, 0) + 1
    usual = _USUAL_PERIOD.get(indicator.measure)
    order = list(Period)
    return max(counts, key=lambda p: (counts[p], p is usual, -order.index(p)))


def rank(
    dataset: Dataset,
    indicator: Indicator,
    year: int | str | None = None,
    level: PlaceLevel | str | None = None,
    within: City | None = None,
    terms: Terms = PLAIN,
) -> Ranking:
    """Places of one level ordered by their figure of ``indicator`` in one year.

    ``level`` ranks province-level places, regions or cities (default: province-level places
    and regions, or with ``within``, every place in it); ``within`` the places whose parent
    it is. Without ``year``, the latest year most of the places have a figure for: a place
    without one is ranked with its figure of the closest year, marked. Only whole-place
    figures of one kind of period are ranked (the kind most figures have).
    """
    pinned = parse_year(year, terms.year)
    chosen_level = _level(level)
    places, words = _places(dataset, chosen_level, within)
    ids = tuple(p.id for p in places)
    found = dataset.observations_of((indicator.id,), ids)
    whole = [o for o in found if not o.scope]
    scoped = sum(1 for o in found if o.scope and (pinned is None or o.year == pinned))
    considered = [o for o in whole if pinned is None or o.year == pinned]
    if not considered:
        held = years_text(o.year for o in whole)
        what = f"{indicator.id} figure of the whole place"
        when = f" in {pinned}" if pinned is not None else ""
        hint = f"; figures exist for {held}" if whole else ""
        raise NoDataError(f"no {what}{when} for any of the {words}{hint}")
    period = _usual_period(indicator, considered)
    kept = [o for o in whole if o.period is period]
    other = [o for o in considered if o.period is not period]
    by_place: dict[str, dict[int, list[Observation]]] = {}
    for o in kept:
        by_place.setdefault(o.city, {}).setdefault(o.year, []).append(o)
    the_year = pinned if pinned is not None else _common_year(by_place)
    figures, unranked = _pick(dataset, places, by_place, the_year, pinned is None)
    ranked = rank_places([(place, figure) for place, figure, _, _ in figures], indicator)
    extra = {place.id: (others, off) for place, _, others, off in figures}
    rows = [
        _row(dataset, indicator, place, o, (best, worst, tied), *extra[place.id])
        for place, o, best, worst, tied in ranked
    ]
    used = (
        [r.observation.source for r in rows]
        + [
            s.total.source
            for r in rows
            for s in (r.national, r.parent)
            if s is not None and s.total is not None
        ]
        + [x.source for r in rows for x in r.others]
    )
    return Ranking(
        indicator=indicator,
        year=the_year,
        period=period,
        pinned=pinned is not None,
        places=words,
        within=within,
        rows=tuple(rows),
        unranked=tuple(unranked),
        scoped=scoped,
        other_periods=tuple(sorted({o.period for o in other}, key=list(Period).index)),
        other_period_count=len(other),
        sources=source_lines(dataset, used),
        year_term=terms.year,
    )


_Picked = tuple[City, Observation, tuple[Observation, ...], bool]


def _pick(
    dataset: Dataset,
    places: Sequence[City],
    by_place: dict[str, dict[int, list[Observation]]],
    year: int,
    closest: bool,
) -> tuple[list[_Picked], list[Unranked]]:
    """Each place's figure of the year (or with ``closest``, where it has none, of the closest
    year, the earlier of two as close), with the other sources' and whether it is of another
    year; and the places without one."""
    figures: list[_Picked] = []
    unranked = []
    for place in places:
        years = by_place.get(place.id, {})
        use = year if year in years else None
        if use is None and closest and years:
            use = min(years, key=lambda y: (abs(y - year), y))
        if use is None:
            unranked.append(Unranked(place, tuple(sorted(years))))
            continue
        figure, others = _figure(dataset, years[use])
        figures.append((place, figure, others, use != year))
    return figures, unranked


def _row(
    dataset: Dataset,
    indicator: Indicator,
    place: City,
    o: Observation,
    rank: tuple[int, int, bool],
    others: tuple[Observation, ...],
    other_year: bool,
) -> RankedPlace:
    """A place's row: its rank and its shares of the nation's and its parent's figure."""
    nation = nation_of(dataset, place)
    parent = dataset.city(place.parent) if place.parent else None
    additive = is_additive(indicator)
    national = share_of(dataset, indicator, o, nation) if additive else None
    if parent is not None and nation is not None and parent.id == nation.id:
        of_parent = national
    else:
        of_parent = share_of(dataset, indicator, o, parent) if additive else None
    best, worst, tied = rank
    return RankedPlace(place, o, best, worst, tied, national, of_parent, other_year, others)


def _common_year(by_place: dict[str, dict[int, list[Observation]]]) -> int:
    """The latest of the years most places have a figure for."""
    counts: dict[int, int] = {}
    for years in by_place.values():
        for y in years:
            counts[y] = counts.get(y, 0) + 1
    return max(counts, key=lambda y: (counts[y], y))


def _level(level: PlaceLevel | str | None) -> PlaceLevel | None:
    if level is None or isinstance(level, PlaceLevel):
        return level
    for member in PlaceLevel:
        if member.value == level.strip().casefold():
            return member
    valid = ", ".join(m.value for m in PlaceLevel)
    raise UsageError(f"unknown kind of place {quote_input(level)} (valid: {valid})")
