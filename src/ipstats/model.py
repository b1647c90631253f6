"""The data model: frozen, typed records for sources, cities, indicators and observations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol

SCHEMA_VERSION = 1
YEAR_RANGE = range(1900, 2101)  # years an observation may have


class Unit(StrEnum):
    COUNT = "count"
    CNY = "cny"
    USD = "usd"
    PERCENT = "percent"
    PER_10K_PEOPLE = "per_10k_people"
    RANK = "rank"
    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"
    RATIO = "ratio"
    TIMES = "times"

    @property
    def label(self) -> str:
        return _UNIT_LABELS[self]


_UNIT_LABELS = {
    Unit.COUNT: "count",
    Unit.CNY: "CNY",
    Unit.USD: "USD",
    Unit.PERCENT: "%",
    Unit.PER_10K_PEOPLE: "per 10k people",
    Unit.RANK: "rank",
    Unit.DAYS: "days",
    Unit.MONTHS: "months",
    Unit.YEARS: "years",
    Unit.RATIO: "ratio",
    Unit.TIMES: "times",
}


class Qualifier(StrEnum):
    """How the source states a number: exactly, or as a bound or approximation."""

    EXACT = "exact"
    MORE_THAN = "more_than"
    AT_LEAST = "at_least"
    ABOUT = "about"
    NEARLY = "nearly"
    LESS_THAN = "less_than"
    AT_MOST = "at_most"

    @property
    def is_exact(self) -> bool:
        return self is Qualifier.EXACT

    @property
    def symbol(self) -> str:
        """A short prefix for display: '>' for more than, '~' for about."""
        return _QUALIFIER_SYMBOLS[self]


_QUALIFIER_SYMBOLS = {
    Qualifier.EXACT: "",
    Qualifier.MORE_THAN: ">",
    Qualifier.AT_LEAST: ">=",
    Qualifier.ABOUT: "~",
    Qualifier.NEARLY: "<~",
    Qualifier.LESS_THAN: "<",
    Qualifier.AT_MOST: "<=",
}


class Period(StrEnum):
    """What span of time a figure covers."""

    YEAR = "year"  # a flow during the calendar year
    YEAR_END = "year_end"  # a stock on 31 December
    AS_OF = "as_of"  # a stock or running total on a stated date
    CUMULATIVE = "cumulative"  # a running total since some start, "to date"
    CAMPAIGN = "campaign"  # during a named campaign inside the year


class Measure(StrEnum):
    FLOW = "flow"
    STOCK = "stock"
    RATE = "rate"
    RANK = "rank"


class Category(StrEnum):
    CREATION = "creation"
    UTILIZATION = "utilization"
    PROTECTION = "protection"
    SERVICES = "services"
    TALENT = "talent"
    GOVERNANCE = "governance"


class CityKind(StrEnum):
    CITY = "city"
    COUNTRY = "country"
    CLUSTER = "cluster"
    PROVINCE = "province"
    DISTRICT = "district"


class ChangeKind(StrEnum):
    PERCENT = "percent"  # relative change, in percent
    ABSOLUTE = "absolute"  # in the indicator's unit: points for percents, places for ranks


Number = int | float


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    title_en: str
    publisher: str
    published: str  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    languages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class City:
    id: str
    name: str
    name_zh: str
    aliases: tuple[str, ...]
    kind: CityKind

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this city answers to."""
        return (self.id, self.name, self.name_zh, *self.aliases)


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    name: str
    aliases: tuple[str, ...]
    category: Category
    unit: Unit
    measure: Measure
    description: str
    name_zh: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)


@dataclass(frozen=True, slots=True)
class ReportedChange:
    """A year-on-year change as the source states it (not computed by us)."""

    kind: ChangeKind
    value: Number
    qualifier: Qualifier = Qualifier.EXACT


@dataclass(frozen=True, slots=True)
class Observation:
    indicator: str
    city: str
    year: int
    value: Number
    qualifier: Qualifier
    period: Period
    source: str
    locator: str
    as_of: dt.date | None = None
    yoy: ReportedChange | None = None
    scope: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, str, int, Period, dt.date | None, str]:
        """What makes an observation unique within a dataset."""
        return (self.indicator, self.city, self.year, self.period, self.as_of, self.scope)

    @property
    def period_label(self) -> str:
        if self.as_of is not None:
            return f"{self.period.value} {self.as_of.isoformat()}"
        return self.period.value


class Store(Protocol):
    """Where a dataset keeps its sources and observations when they are not all in memory.

    A store (the cache, see ``ipstats.cache``) answers lookups without reading everything, so a
    query costs the same on a small dataset as on a large one. Observations come in the order
    of the file they were read from.
    """

    def sources(self) -> tuple[Source, ...]: ...

    def source(self, source_id: str) -> Source: ...  # KeyError for an unknown id

    def observations(self) -> tuple[Observation, ...]: ...

    def observations_of(
        self, indicators: tuple[str, ...], cities: tuple[str, ...]
    ) -> tuple[Observation, ...]: ...

    def tally(
        self, fields: tuple[str, ...], cities: tuple[str, ...]
    ) -> dict[tuple[Any, ...], int]: ...


TALLY_FIELDS = frozenset({"indicator", "city", "year", "source"})


@dataclass(frozen=True, slots=True, eq=False)
class Dataset:
    """A validated dataset. Build it with :meth:`Dataset.build`; it never changes afterwards.

    Sources and observations are held in memory, or looked up in a store on demand
    (:meth:`Dataset.from_store`); either way the dataset answers the same.
    """

    cities: tuple[City, ...]
    indicators: tuple[Indicator, ...]
    origin: str = ""  # the file it was read from, for messages
    _sources: tuple[Source, ...] | None = field(repr=False, default=None)
    _observations: tuple[Observation, ...] | None = field(repr=False, default=None)
    _store: Store | None = field(repr=False, default=None)
    _cities_by_id: Mapping[str, City] = field(repr=False, default_factory=dict)
    _indicators_by_id: Mapping[str, Indicator] = field(repr=False, default_factory=dict)
    # filled on first use: all records read from the store, lookup tables
    _memo: dict[str, Any] = field(repr=False, default_factory=dict)

    @classmethod
    def build(
        cls,
        sources: Iterable[Source],
        cities: Iterable[City],
        indicators: Iterable[Indicator],
        observations: Iterable[Observation],
        origin: str = "",
    ) -> Dataset:
        return cls._make(cities, indicators, origin, tuple(sources), tuple(observations), None)

    @classmethod
    def from_store(
        cls, cities: Iterable[City], indicators: Iterable[Indicator], store: Store, origin: str = ""
    ) -> Dataset:
        """A dataset whose sources and observations stay in ``store`` until asked for."""
        return cls._make(cities, indicators, origin, None, None, store)

    @classmethod
    def _make(
        cls,
        cities: Iterable[City],
        indicators: Iterable[Indicator],
        origin: str,
        sources: tuple[Source, ...] | None,
        observations: tuple[Observation, ...] | None,
        store: Store | None,
    ) -> Dataset:
        c, i = tuple(cities), tuple(indicators)
        return cls(
            cities=c,
            indicators=i,
            origin=origin,
            _sources=sources,
            _observations=observations,
            _store=store,
            _cities_by_id=MappingProxyType({x.id: x for x in c}),
            _indicators_by_id=MappingProxyType({x.id: x for x in i}),
        )

    @property
    def sources(self) -> tuple[Source, ...]:
        if self._sources is not None:
            return self._sources
        if "sources" not in self._memo:
            assert self._store is not None
            self._memo["sources"] = self._store.sources()
        found: tuple[Source, ...] = self._memo["sources"]
        return found

    @property
    def observations(self) -> tuple[Observation, ...]:
        """Every observation, in file order (read from the store on first use)."""
        if self._observations is not None:
            return self._observations
        if "observations" not in self._memo:
            assert self._store is not None
            self._memo["observations"] = self._store.observations()
        found: tuple[Observation, ...] = self._memo["observations"]
        return found

    def observations_of(
        self, indicators: Iterable[str] = (), cities: Iterable[str] = ()
    ) -> tuple[Observation, ...]:
        """Observations of any of the indicators in any of the cities (empty: any), in file order.

        Looked up by index rather than by reading every observation.
        """
        wanted_indicators, wanted_cities = (
            tuple(dict.fromkeys(indicators)),
            tuple(dict.fromkeys(cities)),
        )
        if not wanted_indicators and not wanted_cities:
            return self.observations
        if self._observations is None and "observations" not in self._memo:
            assert self._store is not None
            return self._store.observations_of(wanted_indicators, wanted_cities)
        index = self._index()
        if wanted_indicators and wanted_cities:
            keys: Iterable[tuple[str | None, str | None]] = (
                (i, c) for i in wanted_indicators for c in wanted_cities
            )
        elif wanted_indicators:
            keys = ((i, None) for i in wanted_indicators)
        else:
            keys = ((None, c) for c in wanted_cities)
        positions = sorted(p for key in keys for p in index.get(key, ()))
        everything = self.observations
        return tuple(everything[p] for p in positions)

    def _index(self) -> dict[tuple[str | None, str | None], list[int]]:
        index: dict[tuple[str | None, str | None], list[int]] | None = self._memo.get("index")
        if index is None:
            index = {}
            for position, o in enumerate(self.observations):
                for key in ((o.indicator, o.city), (o.indicator, None), (None, o.city)):
                    index.setdefault(key, []).append(position)
            self._memo["index"] = index
        return index

    def tally(self, *fields: str, cities: Iterable[str] = ()) -> dict[tuple[Any, ...], int]:
        """How many observations there are of each combination of ``fields`` (indicator, city,
        year, source), optionally only in some cities; counted by the store when there is one."""
        unknown = set(fields) - TALLY_FIELDS
        if unknown:
            raise ValueError(f"cannot tally by {', '.join(sorted(unknown))}")
        wanted = tuple(dict.fromkeys(cities))
        if self._observations is None and "observations" not in self._memo:
            assert self._store is not None
            return self._store.tally(fields, wanted)
        counts: dict[tuple[Any, ...], int] = {}
        chosen = self.observations_of(cities=wanted) if wanted else self.observations
        for o in chosen:
            key = tuple(getattr(o, f) for f in fields)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def source(self, source_id: str) -> Source:
        if self._sources is None and "sources" not in self._memo:
            assert self._store is not None
            return self._store.source(source_id)
        by_id: Mapping[str, Source] | None = self._memo.get("sources_by_id")
        if by_id is None:
            by_id = self._memo["sources_by_id"] = {x.id: x for x in self.sources}
        return by_id[source_id]

    def city(self, city_id: str) -> City:
        return self._cities_by_id[city_id]

    def indicator(self, indicator_id: str) -> Indicator:
        return self._indicators_by_id[indicator_id]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return (
            self.origin == other.origin
            and self.cities == other.cities
            and self.indicators == other.indicators
            and self.sources == other.sources
            and self.observations == other.observations
        )

    __hash__ = None  # type: ignore[assignment]  # equal datasets may be held differently
