"""Growth maths: year-on-year changes, span changes, CAGR and values implied by stated growth.

Percent indicators change in percentage points and ranks in places (moving from 9th to 8th is
one place up, not -11%); relative change and CAGR are only given where they mean something.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from ipstats import bounds
from ipstats.bounds import Qualified
from ipstats.errors import NoDataError, UsageError
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
    Missing,
    SeriesKey,
    by_series,
    choose_scope,
    missing,
    nothing_found,
    period_text,
    primaries,
    reported_yoy_text,
    select,
    series_key,
    series_name,
    source_lines,
    sources_named,
    span_text,
    year_range,
    years_text,
)
from ipstats.rates import cagr_blank_reason, implied_previous, shown_like
from ipstats.resolve import known_cities
from ipstats.table import Column, Kind, Table
from ipstats.terms import PLAIN, Terms

DISAGREE_MARK = "≠"


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


@dataclass(frozen=True, slots=True)
class Growth:
    """Growth series; ``missing`` names each city without the metric in the years asked for."""

    series: tuple[Series, ...]
    sources: tuple[str, ...]
    missing: tuple[Missing, ...] = ()

    def to_records(self) -> list[dict[str, Any]]:
        return self.to_table().records()

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs the optional pandas extra)."""
        return self.to_table().to_pandas()

    def notes(self) -> tuple[str, ...]:
        """What a reader must be told beside the tables: the places without data."""
        return tuple(m.line() for m in self.missing)

    def to_table(self) -> Table:
        """All series in one table: what machine formats and the API give."""
        return self._table("Growth", self.series, hide=frozenset())

    def series_tables(self) -> list[Table]:
        """One table per series, titled with its city, indicator and series: what a terminal
        shows."""
        return [
            self._table(
                f"{s.city.name}: {s.indicator.name} ({s.indicator.id}, {s.indicator.unit.label})"
                + (f" [{s.label}]" if s.label else ""),
                (s,),
                hide=frozenset({"city", "indicator", "unit", "scope", "period"}),
            )
            for s in self.series
        ]

    def split_notes(self, series: tuple[Series, ...]) -> list[str]:
        """Where a city's indicator falls into several series, say so (once, under the last of
        them): nothing is computed across them."""
        groups: dict[tuple[str, str], list[Series]] = {}
        for s in self.series:
            groups.setdefault((s.city.id, s.indicator.id), []).append(s)
        notes = []
        for (city_id, indicator_id), found in groups.items():
            if len(found) < 2 or found[-1] not in series:
                continue
            parts = "; ".join(
                f"{s.label or 'whole place, calendar year'}: "
                f"{years_text(p.year for p in s.points if p.kind is PointKind.OBSERVED)}"
                for s in found
            )
            notes.append(
                f"{city_id} {indicator_id} has {len(found)} series ({parts}); "
                "no change or rate is computed between series"
            )
        return notes

    def _table(self, title: str, series: tuple[Series, ...], hide: frozenset[str]) -> Table:
        rows = []
        for s in series:
            for p in s.points:
                rows.append(
                    {
                        "city": s.city.id,
                        "indicator": s.indicator.id,
                        "kind": p.kind.value,
                        "year": p.year,
                        "from_year": p.from_year,
                        "value": p.value,
                        "qualifier": p.qualifier.value,
                        "unit": s.indicator.unit.value,
                        "change": p.change,
                        "change_qualifier": None
                        if p.change_qualifier is None
                        else p.change_qualifier.value,
                        "change_unit": _change_unit(s.indicator.unit),
                        "change_pct": p.change_pct,
                        "reported_yoy_value": p.reported.yoy.value
                        if p.reported and p.reported.yoy
                        else None,
                        "reported_yoy_kind": p.reported.yoy.kind.value
                        if p.reported and p.reported.yoy
                        else None,
                        "reported_yoy_qualifier": p.reported.yoy.qualifier.value
                        if p.reported and p.reported.yoy
                        else None,
                        "yoy_check": (DISAGREE_MARK if p.disagrees else "ok")
                        if p.reported
                        and p.from_year == p.year - 1
                        and p.kind is PointKind.OBSERVED
                        and not p.note
                        else None,
                        "cagr_pct": p.cagr,
                        "cagr_qualifier": None
                        if p.cagr is None or p.change_qualifier is None
                        else p.change_qualifier.value,
                        "note": p.note or None,
                        "scope": s.scope or None,
                        "period": s.period.value,
                    }
                )
        columns = (
            Column("city", "City"),
            Column("indicator", "Indicator"),
            Column("kind", "Kind"),
            Column("year", "Year", Kind.INTEGER),
            Column("from_year", "From", Kind.INTEGER),
            Column("value", "Value", Kind.VALUE, qualifier_key="qualifier"),
            Column("qualifier", "Qualifier"),
            Column("unit", "Unit"),
            Column(
                "change",
                "Change",
                Kind.CHANGE,
                qualifier_key="change_qualifier",
                unit_key="change_unit",
            ),
            Column("change_qualifier", "Change qualifier"),
            Column("change_unit", "Change unit"),
            Column("change_pct", "Change %", Kind.PERCENT, qualifier_key="change_qualifier"),
            Column(
                "reported_yoy_value",
                "Stated",
                Kind.REPORTED,
                qualifier_key="reported_yoy_qualifier",
                unit_key="reported_yoy_kind",
            ),
            Column("reported_yoy_kind", "Reported YoY kind"),
            Column("reported_yoy_qualifier", "Reported YoY qualifier"),
            Column("yoy_check", "Check"),
            Column("cagr_pct", "CAGR %", Kind.PERCENT, qualifier_key="cagr_qualifier"),
            Column("cagr_qualifier", "CAGR qualifier"),
            Column("note", "Note"),
            Column("scope", "Scope"),
            Column("period", "Period"),
        )
        notes = []
        if any(p.kind is PointKind.IMPLIED for s in series for p in s.points):
            notes.append(
                "implied rows are back-calculated from the next year's stated change, not observed"
            )
        if any(p.disagrees for s in series for p in s.points):
            notes.append(
                f"{DISAGREE_MARK}: the stated change disagrees with the two published values beyond rounding"
            )
        units = {_change_unit(s.indicator.unit) for s in series}
        if "pp" in units:
            notes.append("change is in percentage points (pp) for percents")
        if any(
            p.change_qualifier is not None and bounds.is_bound(p.change_qualifier)
            for s in series
            for p in s.points
        ):
            notes.append(
                "a change from a bound is itself a bound: "
                "< means the true change is lower, > higher"
            )
        notes += self.split_notes(series)
        notes += [line for s in series for line in s.disagreements]
        used = {source for s in series for source in s.sources}
        return Table(
            title,
            columns,
            tuple(rows),
            tuple(notes),
            tuple(line for line in self.sources if line.partition(" ")[0] in used),
            hidden=hide
            | {
                "qualifier",
                "change_qualifier",
                "change_unit",
                "cagr_qualifier",
                "reported_yoy_kind",
                "reported_yoy_qualifier",
            },
        )


def _change_unit(unit: Unit) -> str:
    return {Unit.PERCENT: "pp", Unit.RANK: "places up"}.get(unit, unit.value)


def growth(
    dataset: Dataset,
    cities: Sequence[City],
    indicator: Indicator | Sequence[Indicator] | None = None,
    year_from: int | str | None = None,
    year_to: int | str | None = None,
    implied: bool = True,
    terms: Terms = PLAIN,
    scope: str | None = None,
    source: str | None = None,
) -> Growth:
    """Growth series for the cities: of the metric (or metrics) named, or every series with two
    or more points.

    ``year_from`` and ``year_to`` (numbers or digits) bound the years and ``scope`` keeps the
    figures whose scope contains it (needs a metric); ``terms`` names them in the UsageError
    raised when they cannot be. A place without a named metric is in ``missing``. ``source``
    (an id) keeps that source's figures; otherwise each year's primary figure is used.
    """
    if not cities:
        raise UsageError(f"growth needs at least one city (known: {known_cities(dataset)})")
    named: tuple[Indicator, ...] = (
        ()
        if indicator is None
        else (indicator,)
        if isinstance(indicator, Indicator)
        else tuple(indicator)
    )
    if scope is not None and not named:
        raise UsageError(f"{terms.scope} needs a metric: scopes belong to one indicator")
    first, last = year_range(None, year_from, year_to, terms)
    sources = sources_named(dataset, source)
    result: list[Series] = []
    absent: list[Missing] = []
    if scope is not None:
        for ind in named:
            everyone = select(
                dataset,
                Filter(
                    cities=tuple(c.id for c in cities),
                    indicators=(ind.id,),
                    year_from=first,
                    year_to=last,
                    sources=sources,
                ),
            )
            if everyone:
                choose_scope(everyone, scope, ind.id, terms.scope)
    for city in cities:
        for ind in named or dataset.indicators:
            try:
                found = build_series(
                    dataset, city, ind, first, last, implied, scope, terms, sources
                )
            except UsageError:
                found = ()  # this city has no figure of the scope asked for; another has
            held = []
            for s in found:
                points = sum(1 for p in s.points if p.kind is not PointKind.SPAN)
                if points >= 2 or (named and points):
                    held.append(s)
            if named and not held:
                absent.append(missing(dataset, city, ind, first, last, scope))
            result += held
    if not result:
        if absent:
            raise NoDataError(nothing_found(absent))
        span = span_text(first, last)
        raise NoDataError(
            f"no indicator with two or more years for {', '.join(c.id for c in cities)}{span}"
        )
    used = [source for s in result for source in s.sources]
    return Growth(tuple(result), source_lines(dataset, used), tuple(absent))
