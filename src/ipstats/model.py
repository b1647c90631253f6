"""The data model: frozen, typed records for sources, cities, indicators and observations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

SCHEMA_VERSION = 1


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


@dataclass(frozen=True, slots=True)
class Dataset:
    """A validated dataset. Build it with :meth:`Dataset.build`; it never changes afterwards."""

    sources: tuple[Source, ...]
    cities: tuple[City, ...]
    indicators: tuple[Indicator, ...]
    observations: tuple[Observation, ...]
    origin: str = ""  # the file it was read from, for messages
    _sources_by_id: Mapping[str, Source] = field(repr=False, compare=False, default_factory=dict)
    _cities_by_id: Mapping[str, City] = field(repr=False, compare=False, default_factory=dict)
    _indicators_by_id: Mapping[str, Indicator] = field(
        repr=False, compare=False, default_factory=dict
    )

    @classmethod
    def build(
        cls,
        sources: Iterable[Source],
        cities: Iterable[City],
        indicators: Iterable[Indicator],
        observations: Iterable[Observation],
        origin: str = "",
    ) -> Dataset:
        s, c, i = tuple(sources), tuple(cities), tuple(indicators)
        return cls(
            sources=s,
            cities=c,
            indicators=i,
            observations=tuple(observations),
            origin=origin,
            _sources_by_id=MappingProxyType({x.id: x for x in s}),
            _cities_by_id=MappingProxyType({x.id: x for x in c}),
            _indicators_by_id=MappingProxyType({x.id: x for x in i}),
        )

    def source(self, source_id: str) -> Source:
        return self._sources_by_id[source_id]

    def city(self, city_id: str) -> City:
        return self._cities_by_id[city_id]

    def indicator(self, indicator_id: str) -> Indicator:
        return self._indicators_by_id[indicator_id]
