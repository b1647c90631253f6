"""The data model: frozen, typed records for sources, cities, indicators and observations."""

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

SCHEMA_VERSION = 2  # the newest version this ipstats reads
SCHEMA_VERSIONS = (1, 2)  # 2 adds an observation's printed figure and a source's url
YEAR_RANGE = range(1900, 2101)  # years an observation may have


class Unit(StrEnum):
    COUNT = "count"
    CNY = "cny"
    USD = "usd"
    PERCENT = "percent"
    PER_10K_PEOPLE = "per_10k_people"
    PER_MILLION_PEOPLE = "per_million_people"
    MILLION_PEOPLE = "million_people"
    RANK = "rank"
    DAYS = "days"
    MONTHS = "months"
    YEARS = "years"
    RATIO = "ratio"
    TIMES = "times"

    @property
    def label(self) -> str:
        return _UNIT_LABELS[self]

    @property
    def scale(self) -> int:
        """How many base units one unit is (a million people: 1,000,000)."""
        return 1_000_000 if self is Unit.MILLION_PEOPLE else 1


_UNIT_LABELS = {
    Unit.COUNT: "count",
    Unit.CNY: "CNY",
    Unit.USD: "USD",
    Unit.PERCENT: "%",
    Unit.PER_10K_PEOPLE: "per 10k people",
    Unit.PER_MILLION_PEOPLE: "per million people",
    Unit.MILLION_PEOPLE: "million people",
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
    MUNICIPALITY = "municipality"  # a province-level city: Beijing, Tianjin, Shanghai, Chongqing
    REGION = "region"  # Hong Kong, Macau and Taiwan, which CNIPA lists beside the provinces
    DISTRICT = "district"


PROVINCE_LEVEL = frozenset({CityKind.PROVINCE, CityKind.MUNICIPALITY})


class PlaceLevel(StrEnum):
    """Which places a ranking sets side by side: places of one level, none inside another."""

    PROVINCE = "province"  # province-level: the provinces and the municipalities
    REGION = "region"  # Hong Kong, Macau and Taiwan
    CITY = "city"  # the cities inside provinces

    @property
    def kinds(self) -> frozenset[CityKind]:
        if self is PlaceLevel.PROVINCE:
            return PROVINCE_LEVEL
        return frozenset({CityKind(self.value)})


class SourceType(StrEnum):
    """What kind of publication a source is; the primary figure among several sources is the
    one from the highest kind (see ``query.primary``)."""

    STATISTICS = "statistics"  # a statistical table or yearbook of the statistics office
    REPORT = "report"  # a report or white paper of a government body
    PRESS = "press"  # a press release, news text or reprint


class ChangeKind(StrEnum):
    PERCENT = "percent"  # relative change, in percent
    ABSOLUTE = "absolute"  # in the indicator's unit: points for percents, places for ranks


Number = int | float


class Source(NamedTuple):
    id: str
    title: str
    title_en: str
    publisher: str
    published: str  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    languages: tuple[str, ...]
    url: str = ""  # where the document is published, when it is online
    type: SourceType = SourceType.REPORT
    retrieved: str = ""  # when the figures were taken from the document: "YYYY-MM-DD"


class SharedName(NamedTuple):
    """Names a place answers to that also denote another place, which a user may have meant
    (吉林 is the province here, and also Jilin city): resolving one of them says so."""

    names: tuple[str, ...]  # some of the place's own names
    also: str  # the other place, as a reader knows it: "Jilin city (吉林市)"
    city: str = ""  # that other place's id, when it is in the dataset too


class City(NamedTuple):
    id: str
    name: str
    name_zh: str
    aliases: tuple[str, ...]
    kind: CityKind
    parent: str = ""  # the id of the place this one is part of: a city's province, China
    shared: tuple[SharedName, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name this city answers to."""
        return (self.id, self.name, self.name_zh, *self.aliases)


class Indicator(NamedTuple):
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


class ReportedChange(NamedTuple):
    """A year-on-year change as the source states it (not computed by us)."""

    kind: ChangeKind
    value: Number
    qualifier: Qualifier = Qualifier.EXACT


# indicator, city, year, period, as_of date and scope: one figure, whichever source states it
FigureKey = tuple[str, str, int, Period, dt.date | None, str]
ObservationKey = tuple[str, str, int, Period, dt.date | None, str, str]  # ... and the source


class Observation(NamedTuple):
    """One figure as a source states it.

    A NamedTuple rather than a dataclass: a cached dataset of 100,000 observations is rebuilt
    on every query, and a tuple is made several times faster than a frozen dataclass instance.
    """

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
    printed: str = ""  # the figure as the source prints it ("17.93万", "more than 6,822")

    @property
    def figure(self) -> FigureKey:
        """Which figure it states: several sources may state the same one."""
        return (self.indicator, self.city, self.year, self.period, self.as_of, self.scope)

    @property
    def key(self) -> ObservationKey:
        """What makes an observation unique within a dataset: its figure and its source."""
        return (
            self.indicator,
            self.city,
            self.year,
            self.period,
            self.as_of,
            self.scope,
            self.source,
        )

    @property
    def period_label(self) -> str:
        if self.as_of is not None:
            return f"{self.period.value} {self.as_of.isoformat()}"
        return self.period.value


TALLY_FIELDS = frozenset({"indicator", "city", "year", "source"})

_Positions = Mapping[tuple[str, str], tuple[int, ...]]


class Dataset:
    """A validated dataset: tuples of records and the indexes queries need. It never changes.

    Build it with :meth:`Dataset.build`. Two datasets are equal when their records and origin
    are; the indexes follow from the records. A plain class with slots rather than a frozen
    dataclass: every command defines it at startup, where a dataclass costs a millisecond more
    (BENCHMARKS.md).
    """

    __slots__ = (
        "_cities_by_id",
        "_indicators_by_id",
        "_positions",
        "_sources_by_id",
        "cities",
        "indicators",
        "observations",
        "origin",
        "sources",
    )

    sources: tuple[Source, ...]
    cities: tuple[City, ...]
    indicators: tuple[Indicator, ...]
    observations: tuple[Observation, ...]  # in file order
    origin: str  # the file it was read from, for messages
    _sources_by_id: Mapping[str, Source]
    _cities_by_id: Mapping[str, City]
    _indicators_by_id: Mapping[str, Indicator]
    _positions: _Positions  # where in ``observations`` each (indicator, city) pair is

    def __init__(
        self,
        sources: tuple[Source, ...],
        cities: tuple[City, ...],
        indicators: tuple[Indicator, ...],
        observations: tuple[Observation, ...],
        origin: str = "",
    ) -> None:
        # The indexes follow from the records, so they are made here, once, however the
        # dataset was made (read from its file, from the cache, or by a test).
        values = {
            "sources": sources,
            "cities": cities,
            "indicators": indicators,
            "observations": observations,
            "origin": origin,
            "_sources_by_id": MappingProxyType({x.id: x for x in sources}),
            "_cities_by_id": MappingProxyType({x.id: x for x in cities}),
            "_indicators_by_id": MappingProxyType({x.id: x for x in indicators}),
            "_positions": _positions_of(observations),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Dataset cannot be changed (tried to set {name})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Dataset cannot be changed (tried to delete {name})")

    def _records(self) -> tuple[object, ...]:
        return (self.sources, self.cities, self.indicators, self.observations, self.origin)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        return self._records() == other._records()

    def __hash__(self) -> int:
        return hash(self._records())

    def __repr__(self) -> str:
        return (
            f"Dataset({len(self.sources)} sources, {len(self.cities)} places, "
            f"{len(self.indicators)} indicators, {len(self.observations)} observations, "
            f"origin={self.origin!r})"
        )

    @classmethod
    def build(
        cls,
        sources: Iterable[Source],
        cities: Iterable[City],
        indicators: Iterable[Indicator],
        observations: Iterable[Observation],
        origin: str = "",
    ) -> "Dataset":
        return cls(tuple(sources), tuple(cities), tuple(indicators), tuple(observations), origin)

    def observations_of(
        self, indicators: Iterable[str] = (), cities: Iterable[str] = ()
    ) -> tuple[Observation, ...]:
        """Observations of any of the indicators in any of the cities (empty: any), in file order."""
        wanted_indicators, wanted_cities = set(indicators), set(cities)
        if not wanted_indicators and not wanted_cities:
            return self.observations
        everything = self.observations
        return tuple(everything[p] for p in self._chosen(wanted_indicators, wanted_cities))

    def _chosen(self, indicators: set[str], cities: set[str]) -> list[int]:
        """Positions of the observations of these indicators in these cities (empty: any)."""
        index = self._positions
        if indicators and cities and len(indicators) * len(cities) <= len(index):
            keys: Iterable[tuple[str, str]] = (
                (i, c) for i in indicators for c in cities if (i, c) in index
            )
        else:
            keys = (
                (i, c)
                for i, c in index
                if (not indicators or i in indicators) and (not cities or c in cities)
            )
        found = [index[key] for key in keys]
        if len(found) == 1:
            return list(found[0])
        return sorted(p for positions in found for p in positions)

    def tally(self, *fields: str, cities: Iterable[str] = ()) -> dict[tuple[Any, ...], int]:
        """How many observations there are of each combination of ``fields`` (indicator, city,
        year, source), optionally only in some cities."""
        unknown = set(fields) - TALLY_FIELDS
        if unknown:
            raise ValueError(f"cannot tally by {', '.join(sorted(unknown))}")
        wanted = set(cities)
        counts: dict[tuple[Any, ...], int] = {}
        if set(fields) <= {"indicator", "city"}:  # counted from the index, not every record
            for (i, c), positions in self._positions.items():
                if not wanted or c in wanted:
                    key = tuple(i if f == "indicator" else c for f in fields)
                    counts[key] = counts.get(key, 0) + len(positions)
            return counts
        chosen = self.observations_of(cities=wanted) if wanted else self.observations
        for o in chosen:
            key = tuple(getattr(o, f) for f in fields)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def source(self, source_id: str) -> Source:
        return self._sources_by_id[source_id]

    def city(self, city_id: str) -> City:
        return self._cities_by_id[city_id]

    def indicator(self, indicator_id: str) -> Indicator:
        return self._indicators_by_id[indicator_id]


def _positions_of(observations: tuple[Observation, ...]) -> _Positions:
    index: dict[tuple[str, str], list[int]] = {}
    for position, o in enumerate(observations):
        key = (o.indicator, o.city)
        found = index.get(key)
        if found is None:
            index[key] = [position]
        else:
            found.append(position)
    return MappingProxyType({key: tuple(positions) for key, positions in index.items()})
