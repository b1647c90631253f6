"""Turning what a user types into the cities, indicators and categories of a dataset."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from ipstats.errors import UsageError
from ipstats.model import Category, City, Dataset, Indicator
from ipstats.names import all_terms_match, did_you_mean, fold, key, terms

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
    """An indicator by id or alias, by a prefix only one id or alias starts with, or by its
    English or Chinese name or words of them (see ``_indicator``), in any letter case."""
    wanted = fold(name)
    if not wanted:
        raise UsageError(f"empty metric name; {_ALL_INDICATORS}")
    found = _indicator(dataset, wanted, name)
    if found is None:
        hint = did_you_mean(name, _indicator_names(dataset))
        raise UsageError(f"unknown metric {quote_input(name)}{hint} ({_ALL_INDICATORS})")
    return found


def indicators(dataset: Dataset, names: Sequence[str] | None) -> tuple[Indicator, ...]:
    """The indicators named, in the order given, each once (none named means none)."""
    found = tuple(indicator(dataset, n) for n in names or ())
    return tuple({i.id: i for i in found}.values())


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
    """The city ``wanted`` (folded) names. Every name belongs to one city only, so the cheap
    tests go first: an id is looked up, then names written as they fold (most aliases: 沪, bj)
    are compared as they are; only a miss folds every name ("Xi'an", "Hong Kong")."""
    try:
        return dataset.city(wanted)
    except KeyError:
        pass
    for candidate in dataset.cities:
        if wanted in candidate.names:
            return candidate
    for candidate in dataset.cities:
        for n in candidate.names:
            if fold(n) == wanted:
                return candidate
    return None


def notes(dataset: Dataset, names: Iterable[str]) -> tuple[str, ...]:
    """What to tell a user who named places by names that also denote another place
    (a city's ``shared`` names), one line each; names of nothing are left to ``city``."""
    said: list[str] = []
    for name in dict.fromkeys(names):
        wanted = fold(name)
        found = _city(dataset, wanted) if wanted else None
        if found is None or not found.shared:
            continue
        for shared in found.shared:
            if wanted in {fold(n) for n in shared.names}:
                other = (
                    f"for {shared.also}, type {shared.city}"
                    if shared.city
                    else f"{shared.also} is not in the dataset"
                )
                said.append(f"{quote_input(name)} is read as {_described(found)}; {other}")
    return tuple(said)


def _described(place: City) -> str:
    """A place's name with its kind where the kind tells places of one name apart."""
    return f"{place.name} ({place.kind.value}, {place.name_zh})"


def _indicator(dataset: Dataset, wanted: str, name: str) -> Indicator | None:
    """The indicator ``name`` (folded: ``wanted``) stands for, trying in turn, and taking the
    first rule that anything answers to:

    1. its id or an alias (spaces, hyphens and underscores alike: "pct applications");
    2. its English or Chinese name;
    3. a prefix of one id or alias;
    4. the words of its English name in another order ("granted patents");
    5. words each of which is a word, or starts a word, of its id, aliases or names, and
       Chinese terms found in its Chinese name or aliases ("有效商标").

    A rule that more than one indicator answers to is an ambiguity: a UsageError naming them.
    """
    for candidate in dataset.indicators:  # the common case, and names are unique: no search
        if wanted in {fold(n) for n in candidate.names}:
            return candidate
    typed = key(wanted)
    query = terms(wanted)
    rules: tuple[Callable[[Indicator], bool], ...] = (
        lambda i: bool(typed) and typed in {key(n) for n in i.names},
        lambda i: bool(typed) and typed in {key(i.name), key(i.name_zh)},
        lambda i: (
            any(fold(n).startswith(wanted) for n in i.names)
            or (bool(typed) and any(key(n).startswith(typed) for n in i.names))
        ),
        lambda i: bool(query) and sorted(query) == sorted(terms(i.name)),
        lambda i: bool(query) and all_terms_match(query, (*i.names, i.name, i.name_zh)),
    )
    for rule in rules:
        found = [i for i in dataset.indicators if rule(i)]
        if len(found) > 1:
            raise UsageError(f"ambiguous metric {quote_input(name)}: it could be {_listed(found)}")
        if found:
            return found[0]
    return None


def _listed(found: Sequence[Indicator], limit: int = 8) -> str:
    """Candidates for an ambiguous name: ids with their names, the first few of many."""
    shown = "; ".join(f"{i.id} ({_both_names(i)})" for i in found[:limit])
    if len(found) > limit:
        shown += f"; and {len(found) - limit} more (`ipstats list indicators --search` finds them)"
    return shown


def _both_names(i: Indicator) -> str:
    return f"{i.name}, {i.name_zh}" if i.name_zh else i.name


def _city_names(dataset: Dataset) -> list[str]:
    return [n for c in dataset.cities for n in c.names]


def _indicator_names(dataset: Dataset) -> list[str]:
    return [n for i in dataset.indicators for n in i.names]


def known_cities(dataset: Dataset) -> str:
    """The city ids, to show what a valid name looks like; of many, the first few and how
    many more there are."""
    items = dataset.cities
    if len(items) <= 10:
        return ", ".join(c.id for c in items)
    first = ", ".join(c.id for c in items[:5])
    return f"{first} and {len(items) - 5} more; `ipstats list cities` lists them"


def quote_input(name: str) -> str:
    """A user's input, quoted, shortened and with control characters made visible."""
    cleaned = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in name)
    if len(cleaned) > 60:
        cleaned = cleaned[:57] + "..."
    return f"'{cleaned}'"
