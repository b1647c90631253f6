"""Growth maths: year-on-year changes, span changes, CAGR and values implied by stated growth.

Percent indicators change in percentage points and ranks in places (moving from 9th to 8th is
one place up, not -11%); relative change and CAGR are only given where they mean something.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ipstats.errors import NoDataError, UsageError
from ipstats.model import ChangeKind, City, Dataset, Indicator, Number, Observation, Qualifier, Unit
from ipstats.precision import absolute_change_bounds, agrees, relative_change_bounds
from ipstats.query import Filter, primary, reported_yoy_text, select, source_lines, year_range
from ipstats.resolve import known_cities
from ipstats.table import Column, Kind, Table
from ipstats.terms import PLAIN, Terms

DISAGREE_MARK = "≠"


class PointKind(StrEnum):
    OBSERVED = "observed"
    IMPLIED = "implied"  # back-calculated from the next year's stated growth
    SPAN = "span"  # a summary row: first to last observed year


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


def implied_previous(observation: Observation) -> Number | None:
    """The previous year's value that this observation's stated growth implies."""
    yoy = observation.yoy
    if yoy is None:
        return None
    if yoy.kind is ChangeKind.ABSOLUTE:
        return observation.value - yoy.value
    if yoy.value <= -100:
        return None
    return observation.value / (1 + yoy.value / 100)


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


@dataclass(frozen=True, slots=True)
class Series:
    city: City
    indicator: Indicator
    points: tuple[GrowthPoint, ...]


def _change(unit: Unit, previous: Number, current: Number) -> tuple[Number, float | None]:
    if unit is Unit.RANK:
        return previous - current, None  # places up
    if unit is Unit.PERCENT:
        return current - previous, None
    return current - previous, relative_change(previous, current)


def _disagrees(previous: Observation, current: Observation) -> bool:
    yoy = current.yoy
    if yoy is None:
        return False
    if yoy.kind is ChangeKind.PERCENT:
        bounds = relative_change_bounds(previous.value, current.value)
    else:
        bounds = absolute_change_bounds(previous.value, current.value)
    return bounds is not None and not agrees(bounds, yoy.value)


def build_series(
    dataset: Dataset,
    city: City,
    indicator: Indicator,
    year_from: int | None = None,
    year_to: int | None = None,
    implied: bool = True,
) -> Series:
    found = primary(
        select(
            dataset,
            Filter(
                cities=(city.id,), indicators=(indicator.id,), year_from=year_from, year_to=year_to
            ),
        )
    )
    observed = [found[y] for y in sorted(found)]
    points: list[GrowthPoint] = []
    unit = indicator.unit
    previous_point: GrowthPoint | None = None
    previous_obs: Observation | None = None
    for o in observed:
        if (
            implied
            and o.yoy is not None
            and (o.year - 1) not in found
            and (year_from is None or o.year - 1 >= year_from)
        ):
            value = implied_previous(o)
            if value is not None:
                value = _same_precision(value, o.value)
                points.append(
                    GrowthPoint(
                        PointKind.IMPLIED,
                        o.year - 1,
                        value,
                        Qualifier.ABOUT,
                        note=f"implied by {o.year}'s stated {reported_yoy_text(o)}",
                    )
                )
        bounded = previous_obs is not None and not (
            previous_obs.qualifier.is_exact and o.qualifier.is_exact
        )
        rescoped = previous_obs is not None and previous_obs.scope != o.scope
        if previous_obs is not None and previous_point is not None:
            change, change_pct = _change(unit, previous_obs.value, o.value)
            consecutive = previous_obs.year == o.year - 1
            disagrees = consecutive and not bounded and not rescoped and _disagrees(previous_obs, o)
            caveats = ["from a bound or approximation"] if bounded else []
            if rescoped:
                caveats.append(_rescoped_note(previous_obs, o))
            point = GrowthPoint(
                PointKind.OBSERVED,
                o.year,
                o.value,
                o.qualifier,
                previous_obs.year,
                change,
                change_pct,
                None,
                o if o.yoy else None,
                disagrees,
                "; ".join(caveats),
            )
        else:
            point = GrowthPoint(
                PointKind.OBSERVED, o.year, o.value, o.qualifier, reported=o if o.yoy else None
            )
        points.append(point)
        previous_obs, previous_point = o, point
    if len(observed) >= 2:
        first, last = observed[0], observed[-1]
        span = last.year - first.year
        change, change_pct = _change(unit, first.value, last.value)
        reason = cagr_blank_reason(unit, first.value, span)
        bounded = not (first.qualifier.is_exact and last.qualifier.is_exact)
        notes = [f"CAGR blank: {reason}" if reason else ""]
        if bounded:
            notes.append("from a bound or approximation")
        if first.scope != last.scope:
            notes.append(_rescoped_note(first, last))
        points.append(
            GrowthPoint(
                PointKind.SPAN,
                last.year,
                last.value,
                last.qualifier,
                first.year,
                change,
                change_pct,
                None if reason else cagr(first.value, last.value, span),
                note="; ".join(n for n in notes if n),
            )
        )
    return Series(city, indicator, tuple(points))


@dataclass(frozen=True, slots=True)
class Growth:
    series: tuple[Series, ...]
    sources: tuple[str, ...]

    def to_records(self) -> list[dict[str, Any]]:
        return self.to_table().records()

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs the optional pandas extra)."""
        return self.to_table().to_pandas()

    def to_table(self) -> Table:
        """All series in one table: what machine formats and the API give."""
        return self._table("Growth", self.series, hide=frozenset())

    def series_tables(self) -> list[Table]:
        """One table per series, titled with its city and indicator: what a terminal shows."""
        return [
            self._table(
                f"{s.city.name}: {s.indicator.name} ({s.indicator.id}, {s.indicator.unit.label})",
                (s,),
                hide=frozenset({"city", "indicator", "unit"}),
            )
            for s in self.series
        ]

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
                        "note": p.note or None,
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
            Column("change", "Change", Kind.CHANGE),
            Column("change_unit", "Change unit"),
            Column("change_pct", "Change %", Kind.PERCENT),
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
            Column("cagr_pct", "CAGR %", Kind.PERCENT),
            Column("note", "Note"),
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
        if units & {"pp", "places up"}:
            notes.append(
                "change is in percentage points (pp) for percents and in places up for ranks"
            )
        return Table(
            title,
            columns,
            tuple(rows),
            tuple(notes),
            self.sources,
            hidden=hide
            | {"qualifier", "change_unit", "reported_yoy_kind", "reported_yoy_qualifier"},
        )


def _rescoped_note(before: Observation, after: Observation) -> str:
    return f"coverage changed: {before.scope or 'whole city'} -> {after.scope or 'whole city'}"


def _same_precision(value: float, like: Number) -> Number:
    """Round a derived value to the decimals of the published value it comes from."""
    if isinstance(like, int) or float(like).is_integer():
        return round(value)
    decimals = len(repr(float(like)).split(".")[1])
    return round(value, decimals)


def _change_unit(unit: Unit) -> str:
    return {Unit.PERCENT: "pp", Unit.RANK: "places up"}.get(unit, unit.value)


def growth(
    dataset: Dataset,
    cities: Sequence[City],
    indicator: Indicator | None = None,
    year_from: int | str | None = None,
    year_to: int | str | None = None,
    implied: bool = True,
    terms: Terms = PLAIN,
) -> Growth:
    """Growth series for the cities: one metric, or every indicator with two or more points.

    ``year_from`` and ``year_to`` (numbers or digits) bound the years; ``terms`` names them in the
    UsageError raised when they are not years or not in order.
    """
    if not cities:
        raise UsageError(f"growth needs at least one city (known: {known_cities(dataset)})")
    first, last = year_range(None, year_from, year_to, terms)
    indicators = (indicator,) if indicator else dataset.indicators
    result = []
    for city in cities:
        for ind in indicators:
            s = build_series(dataset, city, ind, first, last, implied)
            points = sum(1 for p in s.points if p.kind is not PointKind.SPAN)
            if points >= 2 or (indicator is not None and points):
                result.append(s)
    if not result:
        what = indicator.id if indicator else "indicator with two or more years"
        span = f" between {first or '...'} and {last or '...'}" if first or last else ""
        raise NoDataError(f"no {what} for {', '.join(c.id for c in cities)}{span}")
    shown = {(s.city.id, s.indicator.id) for s in result}
    where = Filter(year_from=first, year_to=last)
    used = [
        o.source
        for city_id, indicator_id in shown
        for o in dataset.observations_of((indicator_id,), (city_id,))
        if where.admits(o, dataset.indicator(o.indicator))
    ]
    return Growth(tuple(result), source_lines(dataset, used))
