"""Ranking places of one level by a metric, with shares of the national and the parent figure.

A ranking sets side by side places none of which lies inside another (provinces, regions or
cities), in one year, one kind of period and the whole place (no scope): figures of another
scope or period are other series and are left out, and said to be. Equal figures share a rank
(1, 2, 2, 4). A bound ("more than 3,000") is placed at its figure, and every rank it leaves
open is given as the range the figures allow (1-3), for the bound and for the places it may
pass. Shares are of the figure the dataset holds for the nation and for the parent place,
never of a sum of the rows, and only of quantities that add up across places (counts, money,
people): a rate or a rank has no share.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ipstats import bounds, figures
from ipstats.bounds import Qualified
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
    Qualifier,
    Unit,
)
from ipstats.query import parse_year, source_lines, years_text
from ipstats.resolve import quote_input
from ipstats.table import Column, Kind, Table
from ipstats.terms import PLAIN, Terms

OTHER_YEAR_MARK = "*"
OTHER_SOURCE_MARK = "s"

# The places ranked when no level is asked for: those CNIPA's national tables list side by
# side, whose figures make up its domestic total. Cities lie inside them, so their shares
# would be counted twice.
DEFAULT_KINDS = PROVINCE_LEVEL | {CityKind.REGION}
# Quantities that add up across places: only they have a share of a total.
_ADDITIVE_UNITS = frozenset({Unit.COUNT, Unit.CNY, Unit.USD, Unit.MILLION_PEOPLE})
_ADDITIVE_MEASURES = frozenset({Measure.FLOW, Measure.STOCK})
_USUAL_PERIOD = {Measure.FLOW: Period.YEAR, Measure.STOCK: Period.YEAR_END}
_PERIOD_WORDS = {
    Period.YEAR: "calendar-year",
    Period.YEAR_END: "year-end",
    Period.AS_OF: "as-of-a-date",
    Period.CUMULATIVE: "running-total",
    Period.CAMPAIGN: "campaign",
}


def is_additive(indicator: Indicator) -> bool:
    """Whether the indicator's figures add up across places, so that a share means something."""
    return indicator.measure in _ADDITIVE_MEASURES and indicator.unit in _ADDITIVE_UNITS


def lowest_first(indicator: Indicator) -> bool:
    """Whether a smaller figure ranks higher: ranks (1 is the best), not amounts."""
    return indicator.unit is Unit.RANK


@dataclass(frozen=True, slots=True)
class Share:
    """A figure's share, in percent, of the figure of a place containing it (``of``).

    ``total`` is that place's own figure for the same year and period (None: the dataset has
    none, and there is no share); ``share`` carries the qualifier the two figures give it.
    """

    of: City
    total: Observation | None
    share: Qualified | None


@dataclass(frozen=True, slots=True)
class RankedPlace:
    """One place's figure and where it stands.

    ``best`` and ``worst`` are the highest and lowest rank the figures allow: equal unless a
    bound (its own or another place's) leaves the order open. ``tied``: an exact rank shared
    with another place. ``other_year``: the figure is not of the ranking's year (no figure of
    that year). ``others``: the same figure as other sources state it.
    """

    place: City
    observation: Observation
    best: int
    worst: int
    tied: bool
    national: Share | None
    parent: Share | None
    other_year: bool = False
    others: tuple[Observation, ...] = ()

    @property
    def rank_text(self) -> str:
        return str(self.best) if self.best == self.worst else f"{self.best}–{self.worst}"

    @property
    def marks(self) -> str:
        return (OTHER_YEAR_MARK if self.other_year else "") + (
            OTHER_SOURCE_MARK if self.disagreeing else ""
        )

    @property
    def disagreeing(self) -> tuple[Observation, ...]:
        """Other sources' figures that differ from the one ranked."""
        o = self.observation
        return tuple(x for x in self.others if (x.value, x.qualifier) != (o.value, o.qualifier))


@dataclass(frozen=True, slots=True)
class Unranked:
    """A place of the level asked for without a figure to rank; ``years``: those it has."""

    place: City
    years: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    """The result of a ranking; ``to_table`` gives what machine formats and exporters show."""

    indicator: Indicator
    year: int
    period: Period
    pinned: bool  # the year was asked for (else: the latest year most places have)
    places: str  # what is ranked, in words: "province-level places", "cities in Guangdong"
    within: City | None
    rows: tuple[RankedPlace, ...]
    unranked: tuple[Unranked, ...] = ()
    scoped: int = 0  # figures of a scope (part of a place) left out
    other_periods: tuple[Period, ...] = ()  # kinds of period of the figures left out
    other_period_count: int = 0
    sources: tuple[str, ...] = ()
    year_term: str = PLAIN.year  # what messages call the year asked for

    @property
    def additive(self) -> bool:
        return is_additive(self.indicator)

    @property
    def nation(self) -> City | None:
        """The national place whose figure the shares are of (the first row's)."""
        found = [r.national.of for r in self.rows if r.national is not None]
        return found[0] if found else None

    @property
    def parent_differs_from_nation(self) -> bool:
        """Whether some place's parent is not the nation: its share of the parent says more."""
        return any(
            r.parent is not None and r.national is not None and r.parent.of != r.national.of
            for r in self.rows
        )

    @property
    def when(self) -> str:
        """The year and kind of period ranked, in words: 'in 2016', 'at the end of 2016'."""
        if self.period is Period.YEAR_END:
            return f"at the end of {self.year}"
        if self.period is Period.YEAR:
            return f"in {self.year}"
        return f"in {self.year} ({_PERIOD_WORDS[self.period]} figures)"

    @property
    def title(self) -> str:
        i = self.indicator
        return f"{i.name} ({i.id}, {i.unit.label}) {self.when}: {self.places} ranked"

    def to_records(self) -> list[dict[str, Any]]:
        return self.to_table().records()

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs the optional pandas extra)."""
        return self.to_table().to_pandas()

    def to_table(self) -> Table:
        """One row per place ranked, every number raw with its qualifier, unit, period, scope
        and source."""
        rows = tuple(self._record(r) for r in self.rows)
        return Table(
            title=self.title,
            columns=_COLUMNS,
            rows=rows,
            footnotes=self.footnotes(),
            sources=self.sources,
        )

    def _record(self, r: RankedPlace) -> dict[str, Any]:
        o = r.observation
        record: dict[str, Any] = {
            "rank": r.best,
            "rank_worst": r.worst,
            "tied": r.tied,
            "place": r.place.id,
            "name": r.place.name,
            "kind": r.place.kind.value,
            "parent": r.place.parent or None,
            "indicator": self.indicator.id,
            "year": o.year,
            "other_year": r.other_year,
            "value": o.value,
            "qualifier": o.qualifier.value,
            "unit": self.indicator.unit.value,
            "period": o.period_label,
            "scope": o.scope or None,
            "source": o.source,
            "locator": o.locator,
        }
        for prefix, share in (("national", r.national), ("parent", r.parent)):
            total = share.total if share is not None else None
            figure = share.share if share is not None else None
            record[f"{prefix}_share"] = figure.value if figure is not None else None
            record[f"{prefix}_share_qualifier"] = figure.qualifier.value if figure else None
            record[f"{prefix}_place"] = share.of.id if share is not None else None
            record[f"{prefix}_value"] = total.value if total is not None else None
            record[f"{prefix}_qualifier"] = total.qualifier.value if total is not None else None
            record[f"{prefix}_source"] = total.source if total is not None else None
        record["other_sources"] = (
            "; ".join(f"{x.source}: {x.qualifier.symbol}{x.value}" for x in r.others) or None
        )
        record["marks"] = r.marks or None
        return record

    def footnotes(self) -> tuple[str, ...]:
        """What a reader must know to read the ranking: order, bounds, shares, years, sources."""
        notes = [self._order_note()]
        if not self.pinned:
            notes.append(
                f"{self.year}: the latest year most of the {self.places} have a figure for; "
                f"{self.year_term} ranks another"
            )
        if any(r.best != r.worst for r in self.rows):
            notes.append(
                "a bound (> more than, < less than) is placed at its figure; where it leaves "
                "the order open the rank is the range the figures allow (1–3), for the bound "
                "and for the places it may pass"
            )
        if any(bounds.side(r.observation.qualifier) is bounds.Side.NEAR for r in self.rows):
            notes.append("an approximate figure (~) is ranked at the figure stated")
        notes += self._share_notes()
        off = [r for r in self.rows if r.other_year]
        if off:
            listed = ", ".join(f"{r.place.name} {r.observation.year}" for r in off)
            notes.append(
                f"{OTHER_YEAR_MARK} no figure of {self.year}; ranked with its figure of the "
                f"closest year: {listed}"
            )
        for r in self.rows:
            if r.disagreeing:
                said = "; ".join(
                    f"{x.source} gives {x.qualifier.symbol}{x.value:,}" for x in r.disagreeing
                )
                notes.append(
                    f"{OTHER_SOURCE_MARK} {r.place.name} {r.observation.year}: ranked by "
                    f"{r.observation.source}'s {r.observation.qualifier.symbol}"
                    f"{r.observation.value:,}; {said}"
                )
        notes += self._left_out_notes()
        return tuple(notes)

    def _order_note(self) -> str:
        order = (
            "lowest first (rank 1 is the best)" if lowest_first(self.indicator) else "highest first"
        )
        return f"Ranked {order}; equal figures share a rank (1, 2, 2, 4)"

    def _share_notes(self) -> list[str]:
        if not self.additive:
            return [
                f"no shares: {self.indicator.id} is a {self.indicator.measure.value} in "
                f"{self.indicator.unit.label}, which does not add up across places"
            ]
        notes = []
        nation = self.nation
        if nation is not None:
            totals = {
                (r.national.total.year, r.national.total.source): r.national.total
                for r in self.rows
                if r.national is not None and r.national.total is not None
            }
            stated = "; ".join(
                f"{t.qualifier.symbol}{t.value:,} in {t.year} ({t.source})" for t in totals.values()
            )
            if totals:
                notes.append(
                    f"% of {nation.name}: share of {nation.name}'s own figure, {stated}, "
                    "not of the sum of the rows"
                )
            missing = sorted(
                {
                    r.observation.year
                    for r in self.rows
                    if r.national is not None and r.national.total is None
                }
            )
            if missing:
                notes.append(
                    f"% of {nation.name}: not given for {years_text(missing)}: the dataset has "
                    f"no whole-place {_PERIOD_WORDS[self.period]} figure of {nation.name} for it"
                )
        elif self.rows:
            notes.append("no national share: the places belong to no country in the dataset")
        if self.parent_differs_from_nation:
            lacking = [
                r.place.name for r in self.rows if r.parent is not None and r.parent.total is None
            ]
            note = (
                "% of province or parent: share of the own figure of the place it lies in, "
                "same year and period"
            )
            if lacking:
                note += f"; not given where the dataset has none ({', '.join(lacking)})"
            notes.append(note)
        return notes

    def _left_out_notes(self) -> list[str]:
        notes = []
        if self.other_period_count:
            kinds = ", ".join(_PERIOD_WORDS[p] for p in self.other_periods)
            notes.append(
                f"only {_PERIOD_WORDS[self.period]} figures are ranked; "
                f"{self.other_period_count} {kinds} figure"
                f"{'' if self.other_period_count == 1 else 's'} left out"
            )
        if self.scoped:
            notes.append(
                f"only whole-place figures are ranked; {self.scoped} figure"
                f"{'' if self.scoped == 1 else 's'} of a part of a place (a scope) left out"
            )
        return notes

    def notes(self) -> tuple[str, ...]:
        """What is said beside the table (on stderr): the places with nothing ranked."""
        if not self.unranked:
            return ()
        none = [u.place.id for u in self.unranked if not u.years]
        other = [f"{u.place.id} ({years_text(u.years)})" for u in self.unranked if u.years]
        lines = []
        of = f"no whole-place {_PERIOD_WORDS[self.period]} figure of {self.indicator.id}"
        if other:
            lines.append(f"{of} {self.when} for: {', '.join(other)}")
        if none:
            lines.append(f"{of} in any year for: {', '.join(none)}")
        return tuple(lines)


_COLUMNS = (
    Column("rank", "Rank", Kind.INTEGER),
    Column("rank_worst", "Lowest possible rank", Kind.INTEGER),
    Column("tied", "Tied"),
    Column("place", "Place"),
    Column("name", "Name"),
    Column("kind", "Kind"),
    Column("parent", "Parent"),
    Column("indicator", "Indicator"),
    Column("year", "Year", Kind.INTEGER),
    Column("other_year", "Other year"),
    Column("value", "Value", Kind.VALUE, qualifier_key="qualifier"),
    Column("qualifier", "Qualifier"),
    Column("unit", "Unit"),
    Column("period", "Period"),
    Column("scope", "Scope"),
    Column("source", "Source"),
    Column("locator", "Locator"),
    Column("national_share", "National share (%)", Kind.SHARE, "national_share_qualifier"),
    Column("national_share_qualifier", "National share qualifier"),
    Column("national_place", "National place"),
    Column("national_value", "National value", Kind.VALUE, "national_qualifier"),
    Column("national_qualifier", "National value qualifier"),
    Column("national_source", "National value source"),
    Column("parent_share", "Parent share (%)", Kind.SHARE, "parent_share_qualifier"),
    Column("parent_share_qualifier", "Parent share qualifier"),
    Column("parent_place", "Parent place"),
    Column("parent_value", "Parent value", Kind.VALUE, "parent_qualifier"),
    Column("parent_qualifier", "Parent value qualifier"),
    Column("parent_source", "Parent value source"),
    Column("other_sources", "Other sources"),
    Column("marks", "Notes"),
)


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


def _nation(dataset: Dataset, place: City) -> City | None:
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


def _share(dataset: Dataset, indicator: Indicator, o: Observation, of: City | None) -> Share | None:
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
    nation = _nation(dataset, place)
    parent = dataset.city(place.parent) if place.parent else None
    additive = is_additive(indicator)
    national = _share(dataset, indicator, o, nation) if additive else None
    if parent is not None and nation is not None and parent.id == nation.id:
        of_parent = national
    else:
        of_parent = _share(dataset, indicator, o, parent) if additive else None
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
