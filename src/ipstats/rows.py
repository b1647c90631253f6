"""One observation as one flat row: the fields every observation table and export shares."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ipstats.errors import ExportError
from ipstats.figures import primary_keys
from ipstats.model import Dataset, Observation

# Every field of a flat observation, in the order every format lists them; each format takes
# the ones it needs (see ``fields_except``), so the order never differs between formats.
FIELDS = (
    "city",
    "year",
    "indicator",
    "value",
    "unit",
    "qualifier",
    "period",
    "as_of",
    "reported_yoy_kind",
    "reported_yoy_value",
    "reported_yoy_qualifier",
    "scope",
    "source",
    "primary",
    "locator",
    "note",
    "printed",
    "source_url",
)


def fields_except(*left_out: str) -> tuple[str, ...]:
    """FIELDS in their order without ``left_out``, each of which must be a field."""
    unknown = set(left_out) - set(FIELDS)
    if unknown:
        raise ValueError(f"not observation fields: {', '.join(sorted(unknown))}")
    return tuple(name for name in FIELDS if name not in left_out)


def observation_row(
    o: Observation, unit: str, *, source_url: str = "", primary: bool = True
) -> dict[str, Any]:
    """Every field of FIELDS for ``o`` as a raw value, None where the observation has none.

    ``unit`` is the unit of the observation's indicator, ``source_url`` the web address of its
    source (empty: it has none) and ``primary`` whether its figure is the one used where
    several sources state it (``ipstats.figures``).
    """
    yoy = o.yoy
    return {
        "city": o.city,
        "year": o.year,
        "indicator": o.indicator,
        "value": o.value,
        "unit": unit,
        "qualifier": o.qualifier.value,
        "period": o.period.value,
        "as_of": None if o.as_of is None else o.as_of.isoformat(),
        "reported_yoy_kind": None if yoy is None else yoy.kind.value,
        "reported_yoy_value": None if yoy is None else yoy.value,
        "reported_yoy_qualifier": None if yoy is None else yoy.qualifier.value,
        "scope": o.scope or None,
        "source": o.source,
        "primary": primary,
        "locator": o.locator,
        "note": o.note or None,
        "printed": o.printed or None,
        "source_url": source_url or None,
    }


def numbered_values(
    dataset: Dataset, observations: Iterable[Observation], names: Sequence[str]
) -> Iterator[tuple[Any, ...]]:
    """Each observation's values of the fields ``names``, after its number counting from 1."""
    chosen = tuple(observations)
    primaries = primary_keys(dataset, chosen)
    for number, o in enumerate(chosen, start=1):
        row = observation_row(
            o,
            dataset.indicator(o.indicator).unit.value,
            source_url=dataset.source(o.source).url,
            primary=o.key in primaries,
        )
        yield (number, *(row[name] for name in names))


def check_references(dataset: Dataset, observations: Sequence[Observation]) -> None:
    """Name the first observation that points outside the dataset (the FKs would only say 'failed')."""
    known = {
        "city": {c.id for c in dataset.cities},
        "indicator": {i.id for i in dataset.indicators},
        "source": {s.id for s in dataset.sources},
    }
    for o in observations:
        for what, ids in known.items():
            value = getattr(o, what)
            if value not in ids:
                raise ExportError(
                    f"cannot export the observation of {o.indicator} for {o.city} in {o.year}: "
                    f"unknown {what} {value!r}"
                )
