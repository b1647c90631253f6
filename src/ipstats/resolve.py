"""Turning what a user types into cities and indicators of a dataset."""

from __future__ import annotations

from ipstats.errors import UsageError
from ipstats.model import City, Dataset, Indicator
from ipstats.names import close_matches, fold


def city(dataset: Dataset, name: str) -> City:
    """A city by id, English or Chinese name or alias, in any letter case."""
    wanted = fold(name)
    if not wanted:
        raise UsageError("empty city name; give a city such as " + _examples(dataset.cities))
    for candidate in dataset.cities:
        if wanted in {fold(n) for n in candidate.names}:
            return candidate
    names = [n for c in dataset.cities for n in (c.id, c.name, c.name_zh, *c.aliases)]
    hits = close_matches(name, names)
    hint = f"; did you mean: {', '.join(hits)}?" if hits else ""
    raise UsageError(f"unknown city {quote_input(name)}{hint} (known: {_examples(dataset.cities)})")


def indicator(dataset: Dataset, name: str) -> Indicator:
    """An indicator by id or alias, in any letter case, or by a prefix only one id starts with."""
    wanted = fold(name)
    if not wanted:
        raise UsageError("empty metric name; `ipstats list indicators` shows them all")
    for candidate in dataset.indicators:
        if wanted in {fold(n) for n in candidate.names}:
            return candidate
    prefixed = [i for i in dataset.indicators if any(fold(n).startswith(wanted) for n in i.names)]
    if len(prefixed) == 1:
        return prefixed[0]
    if prefixed:
        shown = ", ".join(i.id for i in prefixed[:8]) + (", ..." if len(prefixed) > 8 else "")
        raise UsageError(f"ambiguous metric {quote_input(name)}: it could be {shown}")
    names = [n for i in dataset.indicators for n in i.names]
    hits = close_matches(name, names)
    hint = f"; did you mean: {', '.join(hits)}?" if hits else ""
    raise UsageError(
        f"unknown metric {quote_input(name)}{hint} (`ipstats list indicators` shows them all)"
    )


def cities(dataset: Dataset, names: list[str]) -> tuple[City, ...]:
    found = tuple(city(dataset, n) for n in names)
    seen: set[str] = set()
    for c in found:
        if c.id in seen:
            raise UsageError(f"city {c.id!r} is named twice")
        seen.add(c.id)
    return found


def _examples(items: tuple[City, ...]) -> str:
    return ", ".join(c.id for c in items[:10]) + (", ..." if len(items) > 10 else "")


def quote_input(name: str) -> str:
    """A user's input, quoted, shortened and with control characters made visible."""
    cleaned = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in name)
    if len(cleaned) > 60:
        cleaned = cleaned[:57] + "..."
    return f"'{cleaned}'"
