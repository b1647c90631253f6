"""Comparing cities: one metric across years, or every shared indicator in a common year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ipstats.errors import NoDataError, UsageError
from ipstats.model import City, Dataset, Indicator, Number, Observation
from ipstats.query import (
    parse_year,
    primary,
    reported_yoy_text,
    series,
    source_lines,
    years_text,
)
from ipstats.resolve import known_cities
from ipstats.table import Column, Kind, Table
from ipstats.terms import PLAIN, Terms

SCOPE_MARK = "†"
PERIOD_MARK = "‡"
BOUND_MARK = "≈"


@dataclass(frozen=True, slots=True)
class ComparedRow:
    """One indicator in one year across the compared cities (None where a city has no value)."""

    indicator: Indicator
    year: int
    values: tuple[Observation | None, ...]
    difference: Number | None  # first city minus second
    ratio: float | None  # first city over second
    bounded: bool  # difference/ratio rest on a bound or an approximation
    scope_differs: bool
    period_differs: bool

    @property
    def marks(self) -> str:
        return (
            (SCOPE_MARK if self.scope_differs else "")
            + (PERIOD_MARK if self.period_differs else "")
            + (BOUND_MARK if self.bounded else "")
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of a comparison; ``to_table`` gives what renderers and exporters show."""

    cities: tuple[City, ...]
    rows: tuple[ComparedRow, ...]
    metric: Indicator | None
    sources: tuple[str, ...]

    def to_records(self) -> list[dict[str, Any]]:
        return self.to_table().records()

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs the optional pandas extra)."""
        return self.to_table().to_pandas()

    def to_table(self) -> Table:
        columns = [Column("indicator", "Indicator"), Column("year", "Year", Kind.INTEGER)]
        for city in self.cities:
            columns += [
                Column(city.id, city.name, Kind.VALUE, qualifier_key=f"{city.id}_qualifier"),
                Column(f"{city.id}_qualifier", f"{city.name} qualifier"),
                Column(f"{city.id}_source", f"{city.name} source"),
            ]
        columns += [
            Column("unit", "Unit"),
            Column("difference", "Difference", Kind.CHANGE),
            Column("ratio", "Ratio", Kind.RATIO),
            Column("marks", "Notes"),
        ]
        rows = []
        for row in self.rows:
            record: dict[str, Any] = {
                "indicator": row.indicator.id,
                "year": row.year,
                "unit": row.indicator.unit.value,
            }
            for city, o in zip(self.cities, row.values, strict=True):
                record[city.id] = o.value if o else None
                record[f"{city.id}_qualifier"] = o.qualifier.value if o else None
                record[f"{city.id}_source"] = o.source if o else None
            record["difference"] = row.difference
            record["ratio"] = row.ratio
            record["marks"] = row.marks or None
            rows.append(record)
        title = "Comparison" if self.metric is None else f"{self.metric.name} ({self.metric.id})"
        return Table(
            title=title,
            columns=tuple(columns),
            rows=tuple(rows),
            footnotes=(self._difference_note(), *self.footnotes(), *self._source_notes()),
            sources=self.sources,
            hidden=frozenset(
                {f"{c.id}_qualifier" for c in self.cities}
                | {f"{c.id}_source" for c in self.cities}
                | ({"indicator"} if self.metric else set())
            ),
        )

    def footnotes(self) -> tuple[str, ...]:
        notes = []
        for row in self.rows:
            observed = [(c, o) for c, o in zip(self.cities, row.values, strict=True) if o]
            if row.scope_differs:
                scopes = "; ".join(f"{c.name}: {o.scope or 'whole city'}" for c, o in observed)
                notes.append(
                    f"{SCOPE_MARK} {row.indicator.id} {row.year}: coverage differs ({scopes})"
                )
            if row.period_differs:
                periods = "; ".join(f"{c.name}: {o.period_label}" for c, o in observed)
                notes.append(
                    f"{PERIOD_MARK} {row.indicator.id} {row.year}: periods differ ({periods})"
                )
            if row.bounded:
                notes.append(
                    f"{BOUND_MARK} {row.indicator.id} {row.year}: a value is a bound or an approximation, "
                    "so the difference and ratio are too"
                )
        yoys = [
            f"{c.name} {row.year}: the source reports {reported_yoy_text(o)} year on year"
            for row in self.rows
            for c, o in zip(self.cities, row.values, strict=True)
            if o is not None and o.yoy is not None and self.metric is not None
        ]
        return tuple(notes) + tuple(yoys)

    def _difference_note(self) -> str:
        first, second = self.cities[0].name, self.cities[1].name
        return f"Difference = {first} − {second}; ratio = {first} ÷ {second}"

    def _source_notes(self) -> tuple[str, ...]:
        """Which document each city's figures come from (a terminal has no room for a column)."""
        lines = []
        for index, city in enumerate(self.cities):
            by_source: dict[str, list[str]] = {}
            for row in self.rows:
                o = row.values[index]
                if o is not None:
                    label = str(row.year) if self.metric else f"{row.indicator.id}"
                    by_source.setdefault(o.source, []).append(label)
            if len(by_source) == 1:
                lines.append(f"{city.name} figures: {next(iter(by_source))}")
            elif by_source:
                parts = "; ".join(
                    f"{src} ({', '.join(labels)})" for src, labels in by_source.items()
                )
                lines.append(f"{city.name} figures: {parts}")
        return tuple(lines)


def _pair(indicator: Indicator, year: int, values: tuple[Observation | None, ...]) -> ComparedRow:
    first, second = values[0], values[1]
    difference: Number | None = None
    ratio: float | None = None
    if first is not None and second is not None:
        difference = first.value - second.value
        ratio = first.value / second.value if second.value else None
    present = [o for o in values if o is not None]
    bounded = difference is not None and not (
        first and first.qualifier.is_exact and second and second.qualifier.is_exact
    )
    scope_differs = len(present) > 1 and len({o.scope for o in present}) > 1
    period_differs = len(present) > 1 and len({o.period_label for o in present}) > 1
    return ComparedRow(
        indicator, year, values, difference, ratio, bounded, scope_differs, period_differs
    )


def compare(
    dataset: Dataset,
    cities: Sequence[City],
    indicator: Indicator | None = None,
    pinned: int | str | None = None,
    terms: Terms = PLAIN,
) -> Comparison:
    """Cities side by side on one metric, or on every indicator they share.

    ``pinned`` (a year, as a number or digits) keeps only that year; ``terms`` names it in
    the UsageError raised when it is not a year.
    """
    if len(cities) < 2:
        raise UsageError(f"compare needs at least two cities (known: {known_cities(dataset)})")
    chosen, when = tuple(cities), parse_year(pinned, terms.year)
    if indicator is None:
        return compare_all(dataset, chosen, when)
    return compare_metric(dataset, chosen, indicator, when)


def compare_metric(
    dataset: Dataset, cities: tuple[City, ...], indicator: Indicator, year: int | None = None
) -> Comparison:
    """Every year any of the cities has the metric (or just ``year``), side by side."""
    per_city = [primary(series(dataset, indicator.id, city.id)) for city in cities]
    years = sorted({y for found in per_city for y in found})
    if not years:
        raise NoDataError(f"no {indicator.id} for {' or '.join(c.id for c in cities)}")
    if year is not None:
        if year not in years:
            held = "; ".join(
                f"{c.id} has it for {years_text(found)}"
                for c, found in zip(cities, per_city, strict=True)
                if found
            )
            raise NoDataError(
                f"no {indicator.id} for {', '.join(c.id for c in cities)} in {year}; {held}"
            )
        years = [year]
    rows = tuple(_pair(indicator, y, tuple(found.get(y) for found in per_city)) for y in years)
    used = [o.source for row in rows for o in row.values if o]
    return Comparison(cities, rows, indicator, source_lines(dataset, used))


def compare_all(dataset: Dataset, cities: tuple[City, ...], year: int | None = None) -> Comparison:
    """Every indicator all the cities have in a common year: the latest such year, or ``year``."""
    rows = []
    for indicator in dataset.indicators:
        per_city = [primary(series(dataset, indicator.id, c.id)) for c in cities]
        common = set.intersection(*(set(found) for found in per_city))
        if year is not None:
            common &= {year}
        if common:
            chosen = max(common)
            rows.append(_pair(indicator, chosen, tuple(found[chosen] for found in per_city)))
    if not rows:
        names = " and ".join(c.id for c in cities)
        when = f" in {year}" if year is not None else " in any common year"
        raise NoDataError(
            f"{names} share no indicator{when}; try `ipstats show CITY` to see what each has"
        )
    rows.sort(key=lambda r: (r.indicator.category, r.indicator.id))
    used = [o.source for row in rows for o in row.values if o]
    return Comparison(cities, tuple(rows), None, source_lines(dataset, used))
