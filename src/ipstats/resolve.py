"""Turning what a user types into the cities, indicators and categories of a dataset."""

from __future__ import annotations

from ipstats.errors import UsageError
from ipstats.model import Category, City, Dataset, Indicator
from ipstats.names import did_you_mean, fold

_ALL_INDICATORS = "`ipstats list indicators` shows them all"


def city(dataset: Dataset, name: str) -> City:
    """A city by id, English or Chinese name or alias, in any letter case."""
    wanted = fold(name)
    if not wanted:
        raise UsageError("empty city name; give a city such as " + known_cities(dataset))
    found = _city(dataset, wanted)
    if found is None:
        raise UsageError(
            f"unknown city {quote_input(name)}{did_you_mean(name, _city_names(dataset))} "
            f"(known: {known_cities(dataset)})"
        )
    return found


def indicator(dataset: Dataset, name: str) -> Indicator:
    """An indicator by id or alias, in any letter case, or by a prefix only one id starts with."""
    wanted = fold(name)
    if not wanted:
        raise UsageError(f"empty metric name; {_ALL_INDICATORS}")
    found = _indicator(dataset, wanted, name)
    if found is None:
        hint = did_you_mean(name, _indicator_names(dataset))
        raise UsageError(f"unknown metric {quote_input(name)}{hint} ({_ALL_INDICATORS})")
    return found


def indicator_if_named(dataset: Dataset, name: str | None) -> Indicator | None:
    """The indicator called ``name``, or None (meaning every indicator) when there is no name."""
    return None if name is None else indicator(dataset, name)


def city_or_indicator(dataset: Dataset, name: str) -> City | Indicator:
    """The city called ``name``, else the indicator it names (as ``city`` and ``indicator`` do)."""
    wanted = fold(name)
    found = (_city(dataset, wanted) or _indicator(dataset, wanted, name)) if wanted else None
    if found is None:
        hint = did_you_mean(name, (*_indicator_names(dataset), *_city_names(dataset)))
        raise UsageError(
            f"no indicator or city named {quote_input(name)}{hint} "
            f"({_ALL_INDICATORS}; known cities: {known_cities(dataset)})"
        )
    return found


def cities(dataset: Dataset, names: list[str]) -> tuple[City, ...]:
    found = tuple(city(dataset, n) for n in names)
    seen: set[str] = set()
    for c in found:
        if c.id in seen:
            raise UsageError(f"city {c.id!r} is named twice")
        seen.add(c.id)
    return found


def category(name: Category | str) -> Category:
    """A category by its name, in any letter case."""
    wanted = fold(name)
    for member in Category:
        if member.value == wanted:
            return member
    valid = [member.value for member in Category]
    raise UsageError(
        f"unknown category {quote_input(name)}{did_you_mean(name, valid)} "
        f"(valid: {', '.join(valid)})"
    )


def _city(dataset: Dataset, wanted: str) -> City | None:
    for candidate in dataset.cities:
        if wanted in {fold(n) for n in candidate.names}:
            return candidate
    return None


def _indicator(dataset: Dataset, wanted: str, name: str) -> Indicator | None:
    """The indicator named ``wanted`` (folded) or the only one it is a prefix of."""
    for candidate in dataset.indicators:
        if wanted in {fold(n) for n in candidate.names}:
            return candidate
    prefixed = [i for i in dataset.indicators if any(fold(n).startswith(wanted) for n in i.names)]
    if len(prefixed) > 1:
        shown = ", ".join(i.id for i in prefixed[:8]) + (", ..." if len(prefixed) > 8 else "")
        raise UsageError(f"ambiguous metric {quote_input(name)}: it could be {shown}")
    return prefixed[0] if prefixed else None


def _city_names(dataset: Dataset) -> list[str]:
    return [n for c in dataset.cities for n in c.names]


def _indicator_names(dataset: Dataset) -> list[str]:
    return [n for i in dataset.indicators for n in i.names]


def known_cities(dataset: Dataset) -> str:
    """The first few city ids, to show what a valid name looks like."""
    items = dataset.cities
    return ", ".join(c.id for c in items[:10]) + (", ..." if len(items) > 10 else "")


def quote_input(name: str) -> str:
    """A user's input, quoted, shortened and with control characters made visible."""
    cleaned = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in name)
    if len(cleaned) > 60:
        cleaned = cleaned[:57] + "..."
    return f"'{cleaned}'"
