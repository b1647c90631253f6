"""Selecting observations: filters and years from what a user typed, series and missing data."""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from ipstats import resolve
from ipstats.errors import NoDataError, UsageError
from ipstats.figures import Figure, figures
from ipstats.model import YEAR_RANGE, Category, City, Dataset, Indicator, Observation, Period
from ipstats.names import all_terms_match, did_you_mean, fold, terms
from ipstats.terms import PLAIN, Terms


def parse_year(value: int | str | None, term: str = PLAIN.year) -> int | None:
    """A year given as a number or as text of whole digits, checked to be plausible.

    ``term`` names the parameter in the message of the UsageError raised for anything else.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise UsageError(f"{term} {value!r} is not a year; give one such as 2024")
    cleaned = str(value).strip()
    if isinstance(value, str) and not (cleaned.isascii() and cleaned.isdigit()):
        raise UsageError(
            f"{term} {resolve.quote_input(value)} is not a year; give one such as 2024"
        )
    # Compare digits before converting: int() refuses numerals of thousands of digits.
    if len(cleaned.lstrip("0")) > 4 or int(cleaned) not in YEAR_RANGE:
        shown = cleaned if len(cleaned) <= 12 else cleaned[:9] + "..."
        raise UsageError(
            f"{term} {shown} is not a plausible year ({YEAR_RANGE.start}-{YEAR_RANGE.stop - 1})"
        )
    return int(cleaned)


def year_range(
    pinned: int | str | None = None,
    start: int | str | None = None,
    end: int | str | None = None,
    terms: Terms = PLAIN,
) -> tuple[int | None, int | None]:
    """The first and last year asked for: one year, or a start and an end (either open)."""
    single, first, last = (
        parse_year(pinned, terms.year),
        parse_year(start, terms.start),
        parse_year(end, terms.end),
    )
    if single is not None:
        if first is not None or last is not None:
            raise UsageError(f"{terms.year} cannot be combined with {terms.bounds}")
        return single, single
    _check_order(first, last, terms)
    return first, last


def _check_order(first: int | None, last: int | None, terms: Terms) -> None:
    if first is not None and last is not None and first > last:
        raise UsageError(f"{terms.start} {first} is later than {terms.end} {last}")


class Filter(NamedTuple):
    """Which observations a query is about; empty fields mean 'any'.

    ``select`` refuses one whose years are reversed (``where`` never makes one).
    """

    cities: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    category: Category | None = None
    search: str = ""
    years: tuple[int, ...] = ()  # several single years; empty: those from year_from to year_to
    sources: tuple[str, ...] = ()  # ids of the sources whose figures it keeps

    def admits_indicator(self, indicator: Indicator) -> bool:
        if self.indicators and indicator.id not in self.indicators:
            return False
        if self.category is not None and indicator.category is not self.category:
            return False
        if self.search:
            texts = (*indicator.names, indicator.name, indicator.name_zh, indicator.description)
            query = terms(self.search)
            if not query:  # nothing but punctuation: look for it as it is
                return fold(self.search) in fold(" ".join(texts))
            return all_terms_match(query, texts)
        return True

    def admits(self, observation: Observation, indicator: Indicator) -> bool:
        if self.cities and observation.city not in self.cities:
            return False
        if self.sources and observation.source not in self.sources:
            return False
        if self.year_from is not None and observation.year < self.year_from:
            return False
        if self.year_to is not None and observation.year > self.year_to:
            return False
        if self.years and observation.year not in self.years:
            return False
        return self.admits_indicator(indicator)


def where(
    dataset: Dataset,
    cities: Sequence[str] = (),
    metric: str | Sequence[str] | None = None,
    pinned: int | str | Sequence[int | str] | None = None,
    start: int | str | None = None,
    end: int | str | None = None,
    category: Category | str | None = None,
    search: str | None = None,
    terms: Terms = PLAIN,
    source: str | None = None,
) -> Filter:
    """The filter for what a user typed: names of cities and metrics, years, a category, a
    source id.

    ``metric`` and ``pinned`` may each be one or several (a repeatable option's list).
    """
    several = [pinned] if pinned is None or isinstance(pinned, int | str) else list(pinned)
    years = tuple(
        dict.fromkeys(y for y in (parse_year(p, terms.year) for p in several) if y is not None)
    )
    first, last = year_range(years[0] if len(years) == 1 else None, start, end, terms)
    if len(years) > 1 and (first is not None or last is not None):
        raise UsageError(f"{terms.year} cannot be combined with {terms.bounds}")
    metrics = [metric] if isinstance(metric, str) else metric
    return Filter(
        cities=tuple(c.id for c in resolve.cities(dataset, list(cities))),
        indicators=tuple(i.id for i in resolve.indicators(dataset, metrics)),
        year_from=first,
        year_to=last,
        category=resolve.category(category) if category is not None else None,
        search=search or "",
        years=tuple(sorted(years)) if len(years) > 1 else (),
        sources=sources_named(dataset, source),
    )


def sources_named(dataset: Dataset, source: str | None) -> tuple[str, ...]:
    """The source ids a --source option keeps: none named, every source (empty)."""
    if source is None:
        return ()
    wanted = source.strip()
    known = [s.id for s in dataset.sources]
    if wanted in known:
        return (wanted,)
    folded = [i for i in known if i.casefold() == wanted.casefold()]
    if folded:
        return (folded[0],)
    raise UsageError(
        f"unknown source {resolve.quote_input(source)}{did_you_mean(wanted, known)} "
        f"(known sources: {', '.join(known) or 'none'})"
    )


def primaries(dataset: Dataset, observations: Iterable[Observation]) -> tuple[Figure, ...]:
    """Observations grouped by the figure they state, each with its primary (see
    ``ipstats.figures`` for the rule), in the order of the figures."""
    return figures(observations, dataset.source)


def select(dataset: Dataset, where: Filter) -> tuple[Observation, ...]:
    """Observations matching the filter, ordered by indicator, city, year."""
    _check_order(where.year_from, where.year_to, PLAIN)
    candidates = dataset.observations_of(_indicators_admitted(dataset, where), where.cities)
    found = [o for o in candidates if where.admits(o, dataset.indicator(o.indicator))]
    return tuple(sorted(found, key=lambda o: (o.indicator, o.city, o.year, o.period, o.scope)))


def _indicators_admitted(dataset: Dataset, where: Filter) -> tuple[str, ...]:
    """The indicators a filter can admit, so that only their observations are looked up
    (empty when it admits every indicator)."""
    if not (where.indicators or where.category is not None or where.search):
        return ()
    admitted = tuple(i.id for i in dataset.indicators if where.admits_indicator(i))
    return admitted or ("",)  # no indicator is named "": nothing to look up


def series(dataset: Dataset, indicator: str, city: str) -> tuple[Observation, ...]:
    """One city's observations of one indicator, by year."""
    return select(dataset, Filter(cities=(city,), indicators=(indicator,)))


SeriesKey = tuple[str, Period]  # scope ("" for the whole place) and kind of period


def series_key(o: Observation) -> SeriesKey:
    """What, besides indicator and place, makes one series: its scope and its kind of period.

    Figures of different scopes or kinds of period (a campaign, a running total, a stock on a
    date, a calendar-year flow) are different series: no change or rate is computed across them.
    """
    return (o.scope, o.period)


def by_series(observations: Iterable[Observation]) -> dict[SeriesKey, tuple[Observation, ...]]:
    """Observations grouped into series, each by year; series in order of first appearance."""
    grouped: dict[SeriesKey, list[Observation]] = {}
    for o in observations:
        grouped.setdefault(series_key(o), []).append(o)
    return {k: tuple(sorted(v, key=_in_time)) for k, v in grouped.items()}


def _in_time(o: Observation) -> tuple[int, dt.date]:
    return (o.year, o.as_of or dt.date(o.year, 1, 1))


_CALENDAR = (Period.YEAR, Period.YEAR_END)


def period_text(o: Observation) -> str:
    """The period in words where it is not the calendar year: 'to 2025-04-21, running total'."""
    if o.period in _CALENDAR:
        return ""
    date = o.as_of.isoformat() if o.as_of is not None else ""
    if o.period is Period.CUMULATIVE:
        return f"to {date}, running total" if date else "running total"
    if o.period is Period.AS_OF:
        return f"as of {date}" if date else "as of a date"
    return f"campaign in {o.year}"


def scope_text(scope: str) -> str:
    return scope or "whole place"


def series_label(o: Observation) -> str:
    """The scope and, where it is not the calendar year, the period: empty for the plain series."""
    return ", ".join(part for part in (o.scope, period_text(o)) if part)


_KIND_WORDS = {
    Period.YEAR: "calendar year",
    Period.YEAR_END: "year end",
    Period.AS_OF: "as of a date",
    Period.CUMULATIVE: "running total",
    Period.CAMPAIGN: "campaign",
}


def series_name(key: SeriesKey) -> str:
    """A series' scope and kind of period, where they are not the whole place's calendar year
    ('pilot units', 'campaign'); empty for the plain series."""
    scope, period = key
    kind = "" if period in _CALENDAR else _KIND_WORDS[period]
    return ", ".join(part for part in (scope, kind) if part)


def choose_scope(
    observations: Sequence[Observation], scope: str | None, what: str, term: str = "the scope"
) -> tuple[Observation, ...]:
    """The observations whose scope contains ``scope`` (any case; 'whole' for no scope).

    A UsageError lists the scopes there are when none matches.
    """
    if scope is None:
        return tuple(observations)
    wanted = fold(scope.strip())
    if not wanted:
        raise UsageError(f"{term} is empty; give a word of a scope")
    kept = tuple(
        o
        for o in observations
        if (wanted in fold(o.scope) if o.scope else wanted in fold(scope_text("")))
    )
    if not kept:
        choices = sorted({scope_text(o.scope) for o in observations})
        listed = "; ".join(repr(c) for c in choices) if choices else "none"
        raise UsageError(
            f"{term} {resolve.quote_input(scope)} matches no scope of {what} (scopes: {listed})"
        )
    return kept


class Missing(NamedTuple):
    """A place named in a query that has no data for its metric (in the years asked for)."""

    city: City
    indicator: Indicator
    years_held: tuple[int, ...]  # the years it does have the metric
    related: tuple[str, ...]  # indicators it has that are like this one
    year_from: int | None = None
    year_to: int | None = None
    scope: str | None = None  # the scope asked for, if one was

    def line(self) -> str:
        when = span_text(self.year_from, self.year_to)
        of = f" of a scope matching {self.scope!r}" if self.scope is not None else ""
        text = f"{self.city.id} has no {self.indicator.id}{of}{when}"
        if self.years_held:
            text += f"; it has it for {years_text(self.years_held)}"
        if self.related:
            text += f"; related indicators it has: {', '.join(self.related)}"
        return text


def nothing_found(absent: Sequence[Missing]) -> str:
    """One message for places none of which has the metric: what each has instead."""
    first = absent[0]
    names = " or ".join(dict.fromkeys(m.city.id for m in absent))
    metrics = tuple(dict.fromkeys(m.indicator.id for m in absent))
    of = f" of a scope matching {first.scope!r}" if first.scope is not None else ""
    when = span_text(first.year_from, first.year_to)
    parts = [f"no {' or '.join(metrics)}{of} for {names}{when}"]
    parts += [
        f"{m.city.id} has {'it' if len(metrics) == 1 else m.indicator.id} for "
        + years_text(m.years_held)
        for m in absent
        if m.years_held
    ]
    related = list(dict.fromkeys(r for m in absent for r in m.related))[:5]
    if related:
        parts.append(f"related indicators with data: {', '.join(related)}")
    return "; ".join(parts)


def span_text(first: int | None, last: int | None) -> str:
    """ " in 2024", " between 2016 and 2024", " from 2016 on", " up to 2024", or ""."""
    if first is None and last is None:
        return ""
    if first == last:
        return f" in {first}"
    if last is None:
        return f" from {first} on"
    if first is None:
        return f" up to {last}"
    return f" between {first} and {last}"


_COMMON_WORDS = frozenset(
    {"ip", "of", "and", "new", "total", "number", "rank", "national", "valid"}
)


def _stems(identifier: str) -> set[str]:
    return {w.removesuffix("s") for w in identifier.split("_") if w and w not in _COMMON_WORDS}


def related_indicators(
    dataset: Dataset, city: City, indicator: Indicator, limit: int = 5
) -> tuple[str, ...]:
    """Indicators the city has that are like ``indicator``: sharing words of the id first, then
    of the same category and unit."""
    held = {key[0] for key in dataset.tally("indicator", cities=(city.id,))}
    words = _stems(indicator.id)
    scored = []
    for other in dataset.indicators:
        if other.id == indicator.id or other.id not in held:
            continue
        shared = len(words & _stems(other.id))
        alike = other.category is indicator.category and other.unit is indicator.unit
        if shared or alike:
            scored.append((-shared, not alike, other.id))
    return tuple(i for _, _, i in sorted(scored)[:limit])


def missing(
    dataset: Dataset,
    city: City,
    indicator: Indicator,
    year_from: int | None = None,
    year_to: int | None = None,
    scope: str | None = None,
) -> Missing:
    """What a city without the indicator (in the years, and the scope, asked for) has."""
    held = tuple(sorted({o.year for o in series(dataset, indicator.id, city.id)}))
    related = related_indicators(dataset, city, indicator)
    return Missing(city, indicator, held, related, year_from, year_to, scope)


def years_text(years: Iterable[int]) -> str:
    ordered = sorted(set(years))
    return ", ".join(str(y) for y in ordered) if ordered else "no year"


def require(
    observations: tuple[Observation, ...], what: str, dataset: Dataset, where: Filter
) -> None:
    """Raise NoDataError naming what does exist when a valid query matched nothing."""
    if observations:
        return
    wider = select(
        dataset,
        Filter(
            cities=where.cities,
            indicators=where.indicators,
            category=where.category,
            search=where.search,
            sources=where.sources,
        ),
    )
    if wider:
        raise NoDataError(
            f"no {what} in the years asked for; data exists for {years_text(o.year for o in wider)}"
        )
    raise NoDataError(f"no {what}")


def reported_yoy_text(o: Observation) -> str | None:
    if o.yoy is None:
        return None
    prefix = o.yoy.qualifier.symbol
    if o.yoy.kind.value == "percent":
        return f"{prefix}{o.yoy.value:+g}%"
    return f"{prefix}{o.yoy.value:+g}"


def source_lines(
    dataset: Dataset, source_ids: Iterable[str], urls: bool = False
) -> tuple[str, ...]:
    """One line per source: "id (year): English title", and with ``urls`` its address."""
    lines = []
    for source_id in sorted(set(source_ids)):
        s = dataset.source(source_id)
        where = f" <{s.url}>" if urls and s.url else ""
        lines.append(f"{s.id} ({s.published[:4]}): {s.title_en}{where}")
    return tuple(lines)
