"""Growth of places' metrics: the series asked for, the places without one, and their tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ipstats import bounds
from ipstats.errors import NoDataError, UsageError
from ipstats.growth_series import PointKind, Series, build_series
from ipstats.model import City, Dataset, Indicator, Unit
from ipstats.query import (
    Filter,
    Missing,
    choose_scope,
    missing,
    nothing_found,
    select,
    source_lines,
    sources_named,
    span_text,
    year_range,
    years_text,
)
from ipstats.resolve import known_cities
from ipstats.table import Column, Kind, Table
from ipstats.terms import PLAIN, Terms

DISAGREE_MARK = "≠"


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
