"""Validation of the sources, cities and indicators sections: the records figures refer to."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from ipstats._checker import MISSING, Checker, kind_of, missing, quote
from ipstats._tree import YList, YMap
from ipstats.model import (
    Category,
    City,
    CityKind,
    Indicator,
    Measure,
    SharedName,
    Source,
    SourceType,
    Unit,
)
from ipstats.names import did_you_mean, fold, has_cjk

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_PUBLISHED = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+(?:/\S*)?$")
# Fields a version added, and the version that added them.
_ADDED = {"url": 2, "printed": 2, "type": 2, "retrieved": 2, "parent": 2, "shared_names": 2}


def _unique_id(
    checker: Checker, seen: dict[str, Any], record_id: str, path: str, record: YMap, what: str
) -> bool:
    if record_id in seen:
        checker.error(
            f"duplicate {what} id {quote(record_id)}", f"{path}.id", record.value_positions["id"]
        )
        return False
    return True


def added_fields(checker: Checker, record: YMap, path: str, version: int) -> tuple[str, ...]:
    """The optional fields this file's version allows; a newer field in an older file is
    reported as such rather than as unknown."""
    allowed = []
    for key, since in _ADDED.items():
        if since <= version:
            allowed.append(key)
        elif key in record:
            checker.error(
                f"{key!r} needs schema_version: {since} (this file says {version}); "
                f"change schema_version to {since} to use it",
                f"{path}.{key}",
                record.key_positions[key],
            )
    return tuple(allowed)


def _url(checker: Checker, record: YMap, path: str) -> str | Any:
    if "url" not in record:
        return ""
    return checker.text(record, "url", path, _URL, "a web address (https://...)")


def check_sources(checker: Checker, tree: YMap, version: int) -> dict[str, Source]:
    result: dict[str, Source] = {}
    for path, record in checker.records(tree, "sources"):
        added = added_fields(checker, record, path, version)
        allowed = "url" in added
        # a newer field in too old a file is reported above, not again as an unknown field
        checker.fields(
            record,
            path,
            ("id", "title", "title_en", "publisher", "published", "languages"),
            tuple(f for f in ("url", "type", "retrieved") if f in added or f in record),
        )
        source_id = checker.text(
            record, "id", path, _SLUG, "a lowercase slug (letters, digits, hyphens)"
        )
        title = checker.text(record, "title", path)
        title_en = checker.text(record, "title_en", path)
        publisher = checker.text(record, "publisher", path)
        published = record.get("published", MISSING)
        if isinstance(published, dt.date) and not isinstance(published, dt.datetime):
            published = published.isoformat()
        elif published is not MISSING and not (
            isinstance(published, str) and _PUBLISHED.match(published)
        ):
            checker.error(
                f"must be a date as YYYY, YYYY-MM or YYYY-MM-DD, got {kind_of(published)}",
                f"{path}.published",
                record.value_positions["published"],
            )
            published = MISSING
        languages = checker.texts(
            record, "languages", path, _LANGUAGE, "a language code such as en or zh"
        )
        url = _url(checker, record, path) if allowed else ""
        source_type = (
            checker.choice(record, "type", path, SourceType, "source type")
            if "type" in added and "type" in record
            else SourceType.REPORT
        )
        retrieved = _date_text(checker, record, "retrieved", path) if "retrieved" in added else ""
        if missing(source_id, title, title_en, publisher, published, languages, url):
            checker.broken.add(str(record.get("id")))
            continue
        if missing(source_type, retrieved):
            checker.broken.add(str(record.get("id")))
            continue
        if _unique_id(checker, result, source_id, path, record, "source"):
            result[source_id] = Source(
                source_id,
                title,
                title_en,
                publisher,
                published,
                languages,
                url,
                source_type,
                retrieved,
            )
    return result


def _date_text(checker: Checker, record: YMap, field: str, path: str) -> str | Any:
    """An optional full date as "YYYY-MM-DD" ("" when absent)."""
    value = record.get(field, "")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if value == "" and field not in record:
        return ""
    if isinstance(value, str) and _DAY.match(value):
        return value
    checker.error(
        f"must be a date as YYYY-MM-DD, got {kind_of(value)}",
        f"{path}.{field}",
        record.value_positions[field],
    )
    return MISSING


def _claim_names(
    checker: Checker,
    owners: dict[str, str],
    names: Iterable[str],
    owner: str,
    path: str,
    record: YMap,
    what: str,
) -> None:
    for name in dict.fromkeys(fold(n) for n in names):
        other = owners.setdefault(name, owner)
        if other != owner:
            checker.error(
                f"name or alias {quote(name)} is claimed by {what} {quote(other)} and {quote(owner)}",
                path,
                record.position,
            )


def check_cities(checker: Checker, tree: YMap, version: int) -> dict[str, City]:
    result: dict[str, City] = {}
    owners: dict[str, str] = {}
    linked: list[tuple[str, str, YMap]] = []  # cities naming a parent or another city
    for path, record in checker.records(tree, "cities"):
        added = added_fields(checker, record, path, version)
        newer = ("parent", "shared_names")
        checker.fields(
            record,
            path,
            ("id", "name", "name_zh", "kind"),
            ("aliases", *(f for f in newer if f in added or f in record)),
        )
        city_id = checker.text(
            record, "id", path, _SLUG, "a lowercase slug (letters, digits, hyphens)"
        )
        name = checker.text(record, "name", path)
        name_zh = checker.text(record, "name_zh", path)
        aliases = checker.texts(record, "aliases", path)
        aliases = () if aliases is MISSING and "aliases" not in record else aliases
        kind = checker.choice(record, "kind", path, CityKind, "city kind")
        parent = (
            checker.text(record, "parent", path, _SLUG, "the id of another city")
            if "parent" in added and "parent" in record
            else ""
        )
        shared = (
            _shared_names(checker, record, path)
            if "shared_names" in added and "shared_names" in record
            else ()
        )
        if missing(city_id, name, name_zh, aliases, kind, parent, shared):
            checker.broken.add(str(record.get("id")))
            continue
        if _unique_id(checker, result, city_id, path, record, "city"):
            city = City(city_id, name, name_zh, aliases, kind, parent, shared)
            _claim_names(checker, owners, city.names, city_id, path, record, "cities")
            result[city_id] = city
            if parent or shared:
                linked.append((path, city_id, record))
    for path, city_id, record in linked:
        problem = _parent_problem(result, city_id)
        if problem:
            checker.error(problem, f"{path}.parent", record.value_positions["parent"])
            checker.broken.add(city_id)
        for where, position, problem in _shared_problems(result, city_id, record):
            checker.error(problem, f"{path}.shared_names{where}", position)
            checker.broken.add(city_id)
    return result


def _shared_names(checker: Checker, record: YMap, path: str) -> tuple[SharedName, ...] | Any:
    """A city's ``shared_names``: [{names: [...], also: "...", city: other-id}, ...]."""
    field = f"{path}.shared_names"
    value = record["shared_names"]
    if not isinstance(value, YList):
        checker.error(
            f"must be a list of {{names, also}} mappings, got {kind_of(value)}",
            field,
            record.value_positions["shared_names"],
        )
        return MISSING
    found: list[SharedName] = []
    whole = True
    for index, item in enumerate(value):
        item_path = f"{field}[{index}]"
        if not isinstance(item, YMap):
            checker.error(
                f"must be a mapping with names and also, got {kind_of(item)}",
                item_path,
                value.item_positions[index],
            )
            whole = False
            continue
        checker.fields(item, item_path, ("names", "also"), ("city",))
        names = checker.texts(item, "names", item_path)
        also = checker.text(item, "also", item_path)
        other = (
            checker.text(item, "city", item_path, _SLUG, "the id of another city")
            if "city" in item
            else ""
        )
        if missing(names, also, other):
            whole = False
            continue
        if not names:
            checker.error("must name at least one name", f"{item_path}.names", item.position)
            whole = False
            continue
        found.append(SharedName(names, also, other))
    return tuple(found) if whole else MISSING


def _shared_problems(
    cities: dict[str, City], city_id: str, record: YMap
) -> list[tuple[str, tuple[int, int], str]]:
    """What is wrong with a city's shared names: each must be a name of the city, named in
    one entry only, and the other place, when given, another city of the file."""
    city = cities[city_id]
    own = {fold(n) for n in city.names}
    seen: set[str] = set()
    problems: list[tuple[str, tuple[int, int], str]] = []
    items = record.get("shared_names", ())
    for index, (shared, item) in enumerate(zip(city.shared, items, strict=True)):
        for n, name in enumerate(shared.names):
            wrong = (
                f"{quote(name)} is not a name of {quote(city_id)}: give its id, name, "
                "Chinese name or one of its aliases"
                if fold(name) not in own
                else f"{quote(name)} is in more than one entry"
                if fold(name) in seen
                else ""
            )
            seen.add(fold(name))
            if wrong:  # positions only now: the fast reader keeps none for a valid file
                problems.append((f"[{index}].names[{n}]", item["names"].item_positions[n], wrong))
        if shared.city and (shared.city == city_id or shared.city not in cities):
            wrong = (
                "must be another city, not this one"
                if shared.city == city_id
                else f"{quote(shared.city)} is not a city of this file"
                + did_you_mean(shared.city, cities)
            )
            problems.append((f"[{index}].city", item.value_positions["city"], wrong))
    return problems


def _parent_problem(cities: dict[str, City], city_id: str) -> str:
    """Why the chain of parents from ``city_id`` is wrong ("" when it ends at a top place)."""
    seen = [city_id]
    current = cities[city_id].parent
    while current:
        if current not in cities:
            known = did_you_mean(current, cities)
            return f"parent {quote(current)} is not a city of this file{known}"
        if current in seen:
            return "parents go round in a circle: " + " -> ".join([*seen, current])
        seen.append(current)
        current = cities[current].parent
    return ""


def check_indicators(checker: Checker, tree: YMap) -> dict[str, Indicator]:
    result: dict[str, Indicator] = {}
    owners: dict[str, str] = {}
    for path, record in checker.records(tree, "indicators"):
        checker.fields(
            record,
            path,
            ("id", "name", "category", "unit", "measure", "description"),
            ("name_zh", "aliases"),
        )
        indicator_id = checker.text(
            record, "id", path, _SNAKE, "a snake_case id (lowercase letters, digits, underscores)"
        )
        name = checker.text(record, "name", path)
        name_zh = _chinese_name(checker, record, path)
        aliases = checker.texts(record, "aliases", path)
        aliases = () if aliases is MISSING and "aliases" not in record else aliases
        category = checker.choice(record, "category", path, Category, "category")
        unit = checker.choice(record, "unit", path, Unit, "unit")
        measure = checker.choice(record, "measure", path, Measure, "measure")
        description = checker.text(record, "description", path)
        if missing(indicator_id, name, name_zh, aliases, category, unit, measure, description):
            checker.broken.add(str(record.get("id")))
            continue
        if _unique_id(checker, result, indicator_id, path, record, "indicator"):
            indicator = Indicator(
                indicator_id, name, aliases, category, unit, measure, description, name_zh
            )
            # A Chinese name is a name to resolve a metric by, so it is claimed like an alias.
            names = (*indicator.names, name_zh) if name_zh else indicator.names
            _claim_names(checker, owners, names, indicator_id, path, record, "indicators")
            result[indicator_id] = indicator
    return result


def _chinese_name(checker: Checker, record: YMap, path: str) -> str | Any:
    """An indicator's optional Chinese name: "" when absent, text with Chinese characters else."""
    if "name_zh" not in record:
        return ""
    name_zh = checker.text(record, "name_zh", path)
    if isinstance(name_zh, str) and not has_cjk(name_zh):
        checker.error(
            f"{quote(name_zh)} has no Chinese characters; name_zh is the name in Chinese",
            f"{path}.name_zh",
            record.value_positions["name_zh"],
        )
        return MISSING
    return name_zh
