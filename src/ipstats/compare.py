"""Comparing cities: one metric across years, or every shared indicator in a common year.

Each place's figures stay in their series (scope and kind of period). In a year where every
place has at most one figure, the places share a row; the difference and ratio are given when
their kinds of period match, as bounds where a figure is a bound. A place with several series
in a year gets a row per series, labelled, with no difference or ratio.
"""

from collections.abc import Sequence
from typing import Any, NamedTuple

from ipstats import bounds, resolve
from ipstats.bounds import Qualified
from ipstats.errors import NoDataError, UsageError
from ipstats.figures import Figure, disagreement_note
from ipstats.model import Category, City, Dataset, Indicator, Observation, Unit
from ipstats.query import (
    Filter,
    Missing,
    choose_scope,
    missing,
    nothing_found,
    period_text,
    primaries,
    reported_yoy_text,
    scope_text,
    select,
    series_label,
    source_lines,
    sources_named,
    span_text,
    year_range,
)
from ipstats.resolve import known_cities
from ipstats.table import Column, Kind, Table
from ipstats.terms import PLAIN, Terms

SCOPE_MARK = "†"
PERIOD_MARK = "‡"
SERIES_MARK = "§"

PLACES_AHEAD = "places ahead"


def difference_unit(unit: Unit) -> str:
    """What a difference is counted in: places for ranks, percentage points for percents."""
    return {Unit.RANK: PLACES_AHEAD, Unit.PERCENT: "pp"}.get(unit, unit.value)


class ComparedRow(NamedTuple):
    """One indicator in one year across the compared cities (None where a city has no value).

    ``difference`` is the first city minus the second, except for ranks, where it is how many
    places the first is ahead of the second (negative: behind). Both it and ``ratio`` carry the
    qualifier the values give them; neither is given across kinds of period, for ranks (ratio),
    or where the values' bounds point opposite ways.
    """

    indicator: Indicator
    year: int
    values: tuple[Observation | None, ...]
    difference: Qualified | None
    ratio: Qualified | None
    scope_differs: bool
    period_differs: bool
    label: str = ""  # the series a row shows, where it is not the plain one
    several: bool = False  # a city has several series this year: this row is one of them
    unbounded: bool = False  # values bound in opposite directions: nothing to compute

    @property
    def marks(self) -> str:
        return (
            (SCOPE_MARK if self.scope_differs else "")
            + (PERIOD_MARK if self.period_differs else "")
            + (SERIES_MARK if self.several else "")
        )


class Comparison(NamedTuple):
    """The result of a comparison; ``to_table`` gives what renderers and exporters show.

    ``missing`` names each city that has no figure for the metric in the years asked for.
    """

    cities: tuple[City, ...]
    rows: tuple[ComparedRow, ...]
    metric: Indicator | None
    sources: tuple[str, ...]
    missing: tuple[Missing, ...] = ()
    scope_term: str = PLAIN.scope
    disagreements: tuple[str, ...] = ()  # where another source gives a different figure

    def to_records(self) -> list[dict[str, Any]]:
        return self.to_table().records()

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs the optional pandas extra)."""
        return self.to_table().to_pandas()

    def notes(self) -> tuple[str, ...]:
        """What a reader must be told beside the table: the places without data."""
        return tuple(m.line() for m in self.missing)

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
            Column(
                "difference",
                "Difference",
                Kind.CHANGE,
                qualifier_key="difference_qualifier",
                unit_key="difference_unit",
            ),
            Column("difference_qualifier", "Difference qualifier"),
            Column("difference_unit", "Difference unit"),
            Column("ratio", "Ratio", Kind.RATIO, qualifier_key="ratio_qualifier"),
            Column("ratio_qualifier", "Ratio qualifier"),
            Column("marks", "Notes"),
            Column("series", "Series"),
        ]
        for city in self.cities:
            columns += [
                Column(f"{city.id}_scope", f"{city.name} scope"),
                Column(f"{city.id}_period", f"{city.name} period", date_key=f"{city.id}_as_of"),
                Column(f"{city.id}_as_of", f"{city.name} as of"),
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
                record[f"{city.id}_scope"] = (o.scope or None) if o else None
                record[f"{city.id}_period"] = o.period.value if o else None
                record[f"{city.id}_as_of"] = o.as_of.isoformat() if o and o.as_of else None
            record["difference"] = row.difference.value if row.difference else None
            record["difference_qualifier"] = (
                row.difference.qualifier.value if row.difference else None
            )
            record["difference_unit"] = (
                difference_unit(row.indicator.unit) if row.difference else None
            )
            record["ratio"] = row.ratio.value if row.ratio else None
            record["ratio_qualifier"] = row.ratio.qualifier.value if row.ratio else None
            record["marks"] = row.marks or None
            record["series"] = row.label or None
            rows.append(record)
        title = "Comparison" if self.metric is None else f"{self.metric.name} ({self.metric.id})"
        return Table(
            title=title,
            columns=tuple(columns),
            rows=tuple(rows),
            footnotes=(*self._difference_note(), *self.footnotes()),
            sources=self.sources,
            hidden=frozenset(
                {f"{c.id}_{part}" for c in self.cities for part in _PER_CITY_HIDDEN}
                | {"difference_qualifier", "difference_unit", "ratio_qualifier"}
                | ({"indicator"} if self.metric else set())
            ),
        )

    def footnotes(self) -> tuple[str, ...]:
        notes = []
        for row in self.rows:
            observed = [(c, o) for c, o in zip(self.cities, row.values, strict=True) if o]
            where = f"{row.indicator.id} {row.year}"
            if row.scope_differs:
                scopes = "; ".join(f"{c.name}: {scope_text(o.scope)}" for c, o in observed)
                notes.append(f"{SCOPE_MARK} {where}: coverage differs ({scopes})")
            if row.period_differs:
                periods = "; ".join(
                    f"{c.name}: {period_text(o) or 'calendar year'}" for c, o in observed
                )
                notes.append(
                    f"{PERIOD_MARK} {where}: periods differ ({periods}); "
                    "no difference or ratio across them"
                )
            if row.unbounded:
                notes.append(
                    f"{where}: the values are bounds pointing opposite ways, "
                    "so no difference or ratio follows from them"
                )
        notes += self._several_notes()
        if any(
            r.difference is not None and bounds.is_bound(r.difference.qualifier) for r in self.rows
        ):
            notes.append(
                "a difference or ratio from a bound is itself a bound: "
                "< means the true figure is lower, > higher"
            )
        # the year-on-year growth the sources state, one line per city
        stated: dict[str, list[str]] = {}
        for row in self.rows:
            for c, o in zip(self.cities, row.values, strict=True):
                if o is not None and o.yoy is not None and self.metric is not None:
                    stated.setdefault(c.name, []).append(f"{reported_yoy_text(o)} ({row.year})")
        yoys = [f"Stated growth, {name}: {', '.join(said)}" for name, said in stated.items()]
        return tuple(notes) + tuple(yoys) + self.disagreements

    def _several_notes(self) -> list[str]:
        seen: dict[tuple[str, str, int], list[str]] = {}
        for row in self.rows:
            if not row.several:
                continue
            for city, o in zip(self.cities, row.values, strict=True):
                if o is not None:
                    key = (city.name, row.indicator.id, row.year)
                    seen.setdefault(key, []).append(series_label(o) or scope_text(""))
        return [
            f"{SERIES_MARK} {name} has {len(labels)} series of {indicator} in {year} "
            f"({'; '.join(labels)}): each has its row, with no difference or ratio; "
            f"{self.scope_term} chooses one"
            for (name, indicator, year), labels in seen.items()
        ]

    def _difference_note(self) -> tuple[str, ...]:
        if not any(r.difference is not None or r.ratio is not None for r in self.rows):
            return ()
        first, second = self.cities[0].name, self.cities[1].name
        parts = []
        units = {r.indicator.unit for r in self.rows if r.difference is not None}
        if units - {Unit.RANK}:
            parts.append(f"Difference = {first} − {second}; ratio = {first} ÷ {second}")
        if Unit.RANK in units:
            parts.append(
                f"For ranks, the difference says how many places {first} is ahead of or behind {second}"
            )
        return tuple(parts)

    def _source_notes(self) -> tuple[str, ...]:
        """Which document each city's figures come from (a terminal has no room for a column)."""
        lines = []
        for index, city in enumerate(self.cities):
            by_source: dict[str, list[str]] = {}
            for row in self.rows:
                o = row.values[index]
                if o is not None:
                    label = str(row.year) if self.metric else f"{row.indicator.id}"
                    labels = by_source.setdefault(o.source, [])
                    if label not in labels:
                        labels.append(label)
            if len(by_source) == 1:
                lines.append(f"{city.name} figures: {next(iter(by_source))}")
            elif by_source:
                parts = "; ".join(
                    f"{src} ({', '.join(labels)})" for src, labels in by_source.items()
                )
                lines.append(f"{city.name} figures: {parts}")
        return tuple(lines)


_PER_CITY_HIDDEN = ("qualifier", "source", "scope", "period", "as_of")


def _qualified(o: Observation) -> Qualified:
    return Qualified(o.value, o.qualifier)


def _pair(
    indicator: Indicator,
    year: int,
    values: tuple[Observation | None, ...],
    cities: tuple[City, ...],
) -> ComparedRow:
    """One row of the cities' single figures in a year, with difference and ratio if they mean
    something."""
    first, second = values[0], values[1]
    present = [o for o in values if o is not None]
    scope_differs = len(present) > 1 and len({o.scope for o in present}) > 1
    period_differs = len(present) > 1 and len({o.period_label for o in present}) > 1
    difference: Qualified | None = None
    ratio: Qualified | None = None
    unbounded = False
    if first is not None and second is not None and not period_differs:
        a, b = _qualified(first), _qualified(second)
        if indicator.unit is Unit.RANK:
            difference = bounds.subtract(b, a)  # places ahead: a smaller rank is better
        else:
            difference = bounds.subtract(a, b)
            ratio = bounds.divide(a, b)
        unbounded = difference is None
    label = ""
    if not (scope_differs or period_differs):
        label = "; ".join(
            f"{c.name}: {series_label(o)}"
            for c, o in zip(cities, values, strict=True)
            if o is not None and series_label(o)
        )
    return ComparedRow(
        indicator,
        year,
        values,
        difference,
        ratio,
        scope_differs,
        period_differs,
        label,
        unbounded=unbounded,
    )


def _year_rows(
    indicator: Indicator,
    year: int,
    found: Sequence[Sequence[Observation]],
    cities: tuple[City, ...],
) -> list[ComparedRow]:
    """The rows of one year: one shared row, or one per series where a city has several."""
    if all(len(f) <= 1 for f in found):
        return [_pair(indicator, year, tuple(f[0] if f else None for f in found), cities)]
    rows = []
    for index, (city, observations) in enumerate(zip(cities, found, strict=True)):
        for o in observations:
            values = tuple(o if i == index else None for i in range(len(cities)))
            label = f"{city.name}: {series_label(o) or scope_text('')}"
            rows.append(ComparedRow(indicator, year, values, None, None, False, False, label, True))
    return rows


def _disagreements(
    rows: Sequence[ComparedRow], chosen: Sequence[Figure], cities: tuple[City, ...], by_metric: bool
) -> tuple[tuple[str, ...], list[str]]:
    """A line for each shown figure that another source gives differently, and those sources."""
    several = {f.primary.key: f for f in chosen if f.others}
    notes, used = [], []
    for row in rows:
        for city, o in zip(cities, row.values, strict=True):
            figure = several.get(o.key) if o is not None else None
            if figure is None:
                continue
            where = (
                f"{city.name} {row.year}"
                if by_metric
                else f"{city.name} {row.indicator.id} {row.year}"
            )
            note = disagreement_note(where, figure, row.indicator.unit is Unit.PERCENT)
            if note:
                notes.append(note)
                used += [other.source for other in figure.disagreeing()]
    return tuple(notes), used


def _by_year(observations: Sequence[Observation]) -> dict[int, list[Observation]]:
    years: dict[int, list[Observation]] = {}
    for o in observations:
        years.setdefault(o.year, []).append(o)
    return years


def compare(
    dataset: Dataset,
    cities: Sequence[City],
    indicator: Indicator | None = None,
    pinned: int | str | None = None,
    terms: Terms = PLAIN,
    start: int | str | None = None,
    end: int | str | None = None,
    category: Category | str | None = None,
    scope: str | None = None,
    source: str | None = None,
) -> Comparison:
    """Cities side by side on one metric, or on every indicator they share.

    ``pinned`` (a year, as a number or digits) keeps only that year, ``start`` and ``end``
    bound the years, ``category`` keeps the indicators of one category and ``scope`` the
    figures whose scope contains it (needs a metric); ``terms`` names them in the UsageError
    raised when they cannot be. ``source`` (an id) keeps that source's figures; otherwise,
    where several sources state a figure, the primary is compared.
    """
    if len(cities) < 2:
        raise UsageError(f"compare needs at least two cities (known: {known_cities(dataset)})")
    first, last = year_range(pinned, start, end, terms)
    chosen = tuple(cities)
    kind = resolve.category(category) if category is not None else None
    sources = sources_named(dataset, source)
    if indicator is None:
        if scope is not None:
            raise UsageError(f"{terms.scope} needs a metric: scopes belong to one indicator")
        return compare_all(dataset, chosen, first, last, kind, sources)
    if kind is not None and indicator.category is not kind:
        raise UsageError(
            f"{indicator.id} is in the category {indicator.category.value}, not {kind.value}"
        )
    return compare_metric(dataset, chosen, indicator, first, last, scope, terms, sources)


def compare_metric(
    dataset: Dataset,
    cities: tuple[City, ...],
    indicator: Indicator,
    year_from: int | None = None,
    year_to: int | None = None,
    scope: str | None = None,
    terms: Terms = PLAIN,
    sources: tuple[str, ...] = (),
) -> Comparison:
    """Every year any of the cities has the metric (in the years asked for), side by side."""
    found = select(
        dataset,
        Filter(
            cities=tuple(c.id for c in cities),
            indicators=(indicator.id,),
            year_from=year_from,
            year_to=year_to,
            sources=sources,
        ),
    )
    found = choose_scope(found, scope, indicator.id, terms.scope) if found else found
    figures = primaries(dataset, found)
    found = tuple(f.primary for f in figures)
    per_city = [_by_year([o for o in found if o.city == c.id]) for c in cities]
    absent = tuple(
        missing(dataset, c, indicator, year_from, year_to, scope)
        for c, years in zip(cities, per_city, strict=True)
        if not years
    )
    years = sorted({y for found_years in per_city for y in found_years})
    if not years:
        raise NoDataError(nothing_found(absent))
    rows = tuple(
        row
        for y in years
        for row in _year_rows(indicator, y, [f.get(y, []) for f in per_city], cities)
    )
    notes, differing = _disagreements(rows, figures, cities, by_metric=True)
    used = [o.source for row in rows for o in row.values if o] + differing
    return Comparison(
        cities,
        rows,
        indicator,
        source_lines(dataset, used),
        absent,
        scope_term=terms.scope,
        disagreements=notes,
    )


def compare_all(
    dataset: Dataset,
    cities: tuple[City, ...],
    year_from: int | None = None,
    year_to: int | None = None,
    category: Category | None = None,
    sources: tuple[str, ...] = (),
) -> Comparison:
    """Every indicator all the cities have in a common year: the latest such year in the years
    asked for."""
    rows: list[ComparedRow] = []
    where = Filter(
        cities=tuple(c.id for c in cities),
        year_from=year_from,
        year_to=year_to,
        category=category,
        sources=sources,
    )
    figures = primaries(dataset, select(dataset, where))
    by_indicator: dict[str, list[Observation]] = {}
    for o in (f.primary for f in figures):
        by_indicator.setdefault(o.indicator, []).append(o)
    for indicator_id, observations in by_indicator.items():
        per_city = [_by_year([o for o in observations if o.city == c.id]) for c in cities]
        common = set.intersection(*(set(years) for years in per_city))
        if common:
            year = max(common)
            indicator = dataset.indicator(indicator_id)
            rows += _year_rows(indicator, year, [f[year] for f in per_city], cities)
    if not rows:
        names = " and ".join(c.id for c in cities)
        span = (
            f" in {year_from}"
            if year_from is not None and year_from == year_to
            else (
                span_text(year_from, year_to)
                if year_from is not None or year_to is not None
                else " in any common year"
            )
        )
        what = f"{category.value} indicator" if category is not None else "indicator"
        raise NoDataError(
            f"{names} share no {what}{span}; try `ipstats show CITY` to see what each has"
        )
    rows.sort(key=lambda r: (r.indicator.category, r.indicator.id))
    notes, differing = _disagreements(rows, figures, cities, by_metric=False)
    used = [o.source for row in rows for o in row.values if o] + differing
    return Comparison(cities, tuple(rows), None, source_lines(dataset, used), disagreements=notes)
