"""A Dataset as bytes and back, for the cache: plain values in ``marshal`` format.

Observations are stored by column, each string shared by all that hold it (marshal writes it
once and reads it back as one object), enumerations as one byte per observation beside the
values they stand for (so a snapshot never depends on the order members are defined in).
Reading back builds Observations as tuples, in C: a fifth of the time of a Python loop.
"""

# Annotations are not postponed: see model.py.

import datetime as dt
import marshal
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, TypeVar

from ipstats.errors import Problem
from ipstats.model import (
    Category,
    ChangeKind,
    City,
    CityKind,
    Dataset,
    Indicator,
    Measure,
    Observation,
    Period,
    Qualifier,
    ReportedChange,
    SharedName,
    Source,
    SourceType,
    Unit,
)

# The field names of every record, so that a checkout whose records changed shape without a new
# version number does not read snapshots of the old shape into the new one.
LAYOUT = tuple(
    record._fields
    for record in (Source, City, SharedName, Indicator, ReportedChange, Problem, Observation)
)
_CODED = (Qualifier, Period, ChangeKind)  # stored as numbers, with the values they stand for
_Member = TypeVar("_Member", bound=StrEnum)


def dumps(dataset: Dataset, warnings: tuple[Problem, ...]) -> bytes:
    """The dataset and its warnings as bytes; ValueError for a value marshal cannot write."""
    observations = dataset.observations
    shared: dict[str, str] = {}

    def column(name: str) -> tuple[Any, ...]:
        values = (getattr(o, name) for o in observations)
        return tuple(shared.setdefault(v, v) if isinstance(v, str) else v for v in values)

    def codes(enum: Any, values: Iterable[Any]) -> bytes:
        number = {member: n for n, member in enumerate(enum)}
        return bytes(number[v] for v in values)

    numbers = {enum: {m: n for n, m in enumerate(enum)} for enum in (ChangeKind, Qualifier)}
    return marshal.dumps(
        (
            tuple(tuple(m.value for m in enum) for enum in _CODED),
            tuple(
                (
                    s.id,
                    s.title,
                    s.title_en,
                    s.publisher,
                    s.published,
                    s.languages,
                    s.url,
                    s.type.value,
                    s.retrieved,
                )
                for s in dataset.sources
            ),
            tuple(
                (
                    c.id,
                    c.name,
                    c.name_zh,
                    c.aliases,
                    c.kind.value,
                    c.parent,
                    tuple((n.names, n.also, n.city) for n in c.shared),
                )
                for c in dataset.cities
            ),
            tuple(
                (
                    i.id,
                    i.name,
                    i.aliases,
                    i.category.value,
                    i.unit.value,
                    i.measure.value,
                    i.description,
                    i.name_zh,
                )
                for i in dataset.indicators
            ),
            tuple(column(name) for name in ("indicator", "city", "year", "value")),
            codes(Qualifier, (o.qualifier for o in observations)),
            codes(Period, (o.period for o in observations)),
            tuple(column(name) for name in ("source", "locator", "scope", "note", "printed")),
            {n: o.as_of.toordinal() for n, o in enumerate(observations) if o.as_of is not None},
            {
                n: (
                    numbers[ChangeKind][o.yoy.kind],
                    o.yoy.value,
                    numbers[Qualifier][o.yoy.qualifier],
                )
                for n, o in enumerate(observations)
                if o.yoy is not None
            },
            tuple((p.message, p.path, p.line, p.column) for p in warnings),
        )
    )


def loads(payload: bytes | memoryview, origin: str) -> tuple[Dataset, tuple[Problem, ...]]:
    """What ``dumps`` wrote, read from ``origin``; ValueError, TypeError, LookupError or
    EOFError for what it did not write."""
    return from_values(marshal.loads(payload), origin)


def from_values(values: Any, origin: str) -> tuple[Dataset, tuple[Problem, ...]]:
    """The dataset and warnings from the plain values ``dumps`` marshals."""
    (
        stored,
        sources,
        cities,
        indicators,
        (indicator, city, year, value),
        qualifier_codes,
        period_codes,
        (source, locator, scope, note, printed),
        as_of_ordinals,
        changes,
        warnings,
    ) = values
    # members by their stored values: a snapshot never depends on the order of definition
    qualifiers, periods, kinds = (tuple(map(e, v)) for e, v in zip(_CODED, stored, strict=True))
    count = len(indicator)
    as_of: list[dt.date | None] = [None] * count
    for n, ordinal in as_of_ordinals.items():
        as_of[n] = dt.date.fromordinal(ordinal)
    yoy: list[ReportedChange | None] = [None] * count
    for n, (kind, change, qualifier) in changes.items():
        yoy[n] = ReportedChange(kinds[kind], change, qualifiers[qualifier])
    qualifier, period = (
        map(qualifiers.__getitem__, qualifier_codes),
        map(periods.__getitem__, period_codes),
    )
    columns = (indicator, city, year, value, qualifier, period, source, locator, as_of, yoy)
    # members by value from a dict: calling an enumeration costs a microsecond each time
    kind, category, unit = _by_value(CityKind), _by_value(Category), _by_value(Unit)
    measure, source_type = _by_value(Measure), _by_value(SourceType)
    dataset = Dataset(
        tuple(
            Source(i, t, te, p, d, tuple(lang), u, source_type[ty], r)
            for i, t, te, p, d, lang, u, ty, r in sources
        ),
        tuple(
            City(i, n, z, tuple(a), kind[k], pa, tuple(SharedName(*x) for x in sh))
            for i, n, z, a, k, pa, sh in cities
        ),
        tuple(
            Indicator(i, n, tuple(a), category[c], unit[u], measure[m], d, z)
            for i, n, a, c, u, m, d, z in indicators
        ),
        tuple(map(Observation._make, zip(*columns, scope, note, printed, strict=True))),
        origin,
    )
    return dataset, tuple(Problem(m, p, line, col, warning=True) for m, p, line, col in warnings)


def _by_value(enum: type[_Member]) -> dict[str, _Member]:
    return {m.value: m for m in enum}
