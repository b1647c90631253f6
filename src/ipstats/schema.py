"""Validation: turns positioned plain values into a Dataset, reporting every problem found."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, TypeVar

from ipstats._tree import Position, YList, YMap
from ipstats.errors import DatasetError, Problem
from ipstats.model import (
    SCHEMA_VERSION,
    YEAR_RANGE,
    Category,
    ChangeKind,
    City,
    CityKind,
    Dataset,
    Indicator,
    Measure,
    Number,
    Observation,
    Period,
    Qualifier,
    ReportedChange,
    Source,
    Unit,
)
from ipstats.names import did_you_mean, fold
from ipstats.precision import absolute_change_bounds, agrees, relative_change_bounds

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_PUBLISHED = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_SECTIONS = ("schema_version", "sources", "cities", "indicators", "observations")

E = TypeVar("E", bound=StrEnum)
_MISSING = object()


def _quote(text: str) -> str:
    """Text from the file, for a message: quoted, escaped, and cut short so one line stays one."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _field_path(path: str, key: str) -> str:
    """The path to a field; a key that is not a plain name is shown quoted."""
    shown = key if key.isprintable() and 0 < len(key) <= 60 else _quote(key)
    return f"{path}.{shown}" if path else shown


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'} (quote it if you meant text)"
    if isinstance(value, YMap | dict):
        return "a mapping"
    if isinstance(value, YList | list):
        return "a list"
    if isinstance(value, str):
        return f"the text {_quote(value)}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return repr(value)


class _Checker:
    """Reads fields out of positioned mappings, collecting problems instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # ids of records already reported as invalid; references to them are not errors again
        self.broken: set[str] = set()
        # the record of each accepted observation: positions are only looked up for a message
        self.accepted: list[YMap] = []

    def error(self, message: str, path: str, position: Position | None) -> None:
        line, column = position if position else (None, None)
        self.problems.append(Problem(message, path=path, line=line, column=column))

    def warn(self, message: str, path: str, position: Position | None) -> None:
        line, column = position if position else (None, None)
        self.problems.append(Problem(message, path=path, line=line, column=column, warning=True))

    def records(self, top: YMap, section: str) -> list[tuple[str, YMap]]:
        value = top.get(section, _MISSING)
        if value is _MISSING:
            return []
        if not isinstance(value, YList):
            self.error(
                f"must be a list, got {_kind_of(value)}", section, top.value_positions[section]
            )
            return []
        items = []
        for index, item in enumerate(value):
            path = f"{section}[{index}]"
            if isinstance(item, YMap):
                items.append((path, item))
            else:
                self.error(
                    f"must be a mapping, got {_kind_of(item)}", path, value.item_positions[index]
                )
        return items

    def fields(
        self, record: YMap, path: str, required: Iterable[str], optional: Iterable[str]
    ) -> None:
        required, optional = tuple(required), tuple(optional)
        allowed = (*required, *optional)
        for key in record:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"; allowed: {', '.join(allowed)}"
                self.error(
                    f"unknown field {_quote(key)}{hint}",
                    _field_path(path, key),
                    record.key_positions[key],
                )
        for key in required:
            if key not in record:
                self.error(f"missing required field {key!r}", path, record.position)

    def value(self, record: YMap, key: str, path: str, check: Callable[[Any], str | None]) -> Any:
        """The field's value when ``check`` finds nothing wrong with it, else _MISSING."""
        if key not in record:
            return _MISSING
        value = record[key]
        problem = check(value)
        if problem:
            self.error(problem, f"{path}.{key}", record.value_positions[key])
            return _MISSING
        return value

    def text(
        self,
        record: YMap,
        key: str,
        path: str,
        pattern: re.Pattern[str] | None = None,
        what: str = "",
    ) -> Any:
        def check(value: Any) -> str | None:
            if not isinstance(value, str):
                return f"must be text, got {_kind_of(value)}"
            if not value.strip():
                return "must not be empty"
            if any(unicode_category_is_control(ch) for ch in value.replace("\n", "")):
                return "must not contain control characters"
            if pattern and not pattern.match(value):
                return f"{_quote(value)} is not {what}"
            return None

        return self.value(record, key, path, check)

    def texts(
        self,
        record: YMap,
        key: str,
        path: str,
        pattern: re.Pattern[str] | None = None,
        what: str = "",
    ) -> tuple[str, ...] | Any:
        if key not in record:
            return _MISSING
        value = record[key]
        if not isinstance(value, YList):
            self.error(
                f"must be a list of text, got {_kind_of(value)}",
                f"{path}.{key}",
                record.value_positions[key],
            )
            return _MISSING
        good = []
        for index, item in enumerate(value):
            item_path = f"{path}.{key}[{index}]"
            if not isinstance(item, str) or not item.strip():
                self.error(
                    f"must be non-empty text, got {_kind_of(item)}",
                    item_path,
                    value.item_positions[index],
                )
            elif pattern and not pattern.match(item):
                self.error(f"{_quote(item)} is not {what}", item_path, value.item_positions[index])
            else:
                good.append(item)
        return tuple(good)

    def choice(self, record: YMap, key: str, path: str, enum: type[E], label: str) -> E | Any:
        valid = [member.value for member in enum]

        def check(value: Any) -> str | None:
            if isinstance(value, str) and value in valid:
                return None
            if not isinstance(value, str):
                return f"must be a {label} ({', '.join(valid)}), got {_kind_of(value)}"
            hint = did_you_mean(value, valid)
            return f"unknown {label} {_quote(value)}{hint} (valid: {', '.join(valid)})"

        value = self.value(record, key, path, check)
        return _MISSING if value is _MISSING else enum(value)

    def number(self, record: YMap, key: str, path: str) -> Number | Any:
        def check(value: Any) -> str | None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"must be a number, got {_kind_of(value)}"
            if isinstance(value, float) and not math.isfinite(value):
                return f"must be a finite number, got {value}"
            if abs(value) >= 1e18:
                return f"{value} is too large to be a real figure"
            return None

        return self.value(record, key, path, check)

    def year(self, record: YMap, key: str, path: str) -> int | Any:
        def check(value: Any) -> str | None:
            if isinstance(value, bool) or not isinstance(value, int):
                return f"must be a whole year such as 2023, got {_kind_of(value)}"
            if value not in YEAR_RANGE:
                return f"{value} is not a plausible year ({YEAR_RANGE.start}-{YEAR_RANGE.stop - 1})"
            return None

        return self.value(record, key, path, check)

    def date(self, record: YMap, key: str, path: str) -> dt.date | Any:
        def check(value: Any) -> str | None:
            if isinstance(value, str):
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    return f"{_quote(value)} is not a date (YYYY-MM-DD)"
                return None
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                return f"must be a date (YYYY-MM-DD), got {_kind_of(value)}"
            return None

        value = self.value(record, key, path, check)
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        return value


def unicode_category_is_control(ch: str) -> bool:
    return ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0


def _missing(*values: Any) -> bool:
    return any(v is _MISSING for v in values)


def build_dataset(tree: Any, filename: str) -> tuple[Dataset, tuple[Problem, ...]]:
    """Validate a parsed document. Returns the dataset and its warnings, or raises DatasetError."""
    checker = _Checker()
    if not isinstance(tree, YMap):
        raise DatasetError(
            filename,
            (
                Problem(
                    f"the top level must be a mapping with {', '.join(_SECTIONS)}; got {_kind_of(tree)}",
                    line=1,
                    column=1,
                ),
            ),
        )
    checker.fields(tree, "", _SECTIONS, ())
    version = tree.get("schema_version", _MISSING)
    if version is not _MISSING and (isinstance(version, bool) or version != SCHEMA_VERSION):
        checker.error(
            f"unsupported schema version {_quote(version) if isinstance(version, str) else _kind_of(version)}; "
            f"this ipstats reads schema_version: {SCHEMA_VERSION}",
            "schema_version",
            tree.value_positions["schema_version"],
        )
    sources = _sources(checker, tree)
    cities = _cities(checker, tree)
    indicators = _indicators(checker, tree)
    observations = _observations(checker, tree, sources, cities, indicators)
    errors = tuple(p for p in checker.problems if not p.warning)
    if errors:
        raise DatasetError(filename, tuple(checker.problems))
    dataset = Dataset.build(
        sources.values(), cities.values(), indicators.values(), observations, origin=filename
    )
    warnings = tuple(checker.problems) + tuple(_yoy_warnings(observations, checker.accepted))
    return dataset, warnings


def _unique_id(
    checker: _Checker, seen: dict[str, Any], record_id: str, path: str, record: YMap, what: str
) -> bool:
    if record_id in seen:
        checker.error(
            f"duplicate {what} id {_quote(record_id)}", f"{path}.id", record.value_positions["id"]
        )
        return False
    return True


def _sources(checker: _Checker, tree: YMap) -> dict[str, Source]:
    result: dict[str, Source] = {}
    for path, record in checker.records(tree, "sources"):
        checker.fields(
            record, path, ("id", "title", "title_en", "publisher", "published", "languages"), ()
        )
        source_id = checker.text(
            record, "id", path, _SLUG, "a lowercase slug (letters, digits, hyphens)"
        )
        title = checker.text(record, "title", path)
        title_en = checker.text(record, "title_en", path)
        publisher = checker.text(record, "publisher", path)
        published = record.get("published", _MISSING)
        if isinstance(published, dt.date) and not isinstance(published, dt.datetime):
            published = published.isoformat()
        elif published is not _MISSING and not (
            isinstance(published, str) and _PUBLISHED.match(published)
        ):
            checker.error(
                f"must be a date as YYYY, YYYY-MM or YYYY-MM-DD, got {_kind_of(published)}",
                f"{path}.published",
                record.value_positions["published"],
            )
            published = _MISSING
        languages = checker.texts(
            record, "languages", path, _LANGUAGE, "a language code such as en or zh"
        )
        if _missing(source_id, title, title_en, publisher, published, languages):
            checker.broken.add(str(record.get("id")))
            continue
        if _unique_id(checker, result, source_id, path, record, "source"):
            result[source_id] = Source(source_id, title, title_en, publisher, published, languages)
    return result


def _claim_names(
    checker: _Checker,
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
                f"name or alias {_quote(name)} is claimed by {what} {_quote(other)} and {_quote(owner)}",
                path,
                record.position,
            )


def _cities(checker: _Checker, tree: YMap) -> dict[str, City]:
    result: dict[str, City] = {}
    owners: dict[str, str] = {}
    for path, record in checker.records(tree, "cities"):
        checker.fields(record, path, ("id", "name", "name_zh", "kind"), ("aliases",))
        city_id = checker.text(
            record, "id", path, _SLUG, "a lowercase slug (letters, digits, hyphens)"
        )
        name = checker.text(record, "name", path)
        name_zh = checker.text(record, "name_zh", path)
        aliases = checker.texts(record, "aliases", path)
        aliases = () if aliases is _MISSING and "aliases" not in record else aliases
        kind = checker.choice(record, "kind", path, CityKind, "city kind")
        if _missing(city_id, name, name_zh, aliases, kind):
            checker.broken.add(str(record.get("id")))
            continue
        if _unique_id(checker, result, city_id, path, record, "city"):
            city = City(city_id, name, name_zh, aliases, kind)
            _claim_names(checker, owners, city.names, city_id, path, record, "cities")
            result[city_id] = city
    return result


def _indicators(checker: _Checker, tree: YMap) -> dict[str, Indicator]:
    result: dict[str, Indicator] = {}
    owners: dict[str, str] = {}
    for path, record in checker.records(tree, "indicators"):
        checker.fields(
            record, path, ("id", "name", "category", "unit", "measure", "description"), ("aliases",)
        )
        indicator_id = checker.text(
            record, "id", path, _SNAKE, "a snake_case id (lowercase letters, digits, underscores)"
        )
        name = checker.text(record, "name", path)
        aliases = checker.texts(record, "aliases", path)
        aliases = () if aliases is _MISSING and "aliases" not in record else aliases
        category = checker.choice(record, "category", path, Category, "category")
        unit = checker.choice(record, "unit", path, Unit, "unit")
        measure = checker.choice(record, "measure", path, Measure, "measure")
        description = checker.text(record, "description", path)
        if _missing(indicator_id, name, aliases, category, unit, measure, description):
            checker.broken.add(str(record.get("id")))
            continue
        if _unique_id(checker, result, indicator_id, path, record, "indicator"):
            indicator = Indicator(indicator_id, name, aliases, category, unit, measure, description)
            _claim_names(checker, owners, indicator.names, indicator_id, path, record, "indicators")
            result[indicator_id] = indicator
    return result


def _reference(
    checker: _Checker, record: YMap, key: str, path: str, known: dict[str, Any], what: str
) -> str | Any:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a {what} id, got {_kind_of(value)}"
        if value in checker.broken:
            return None  # already reported where it is defined
        if value not in known:
            hint = did_you_mean(value, known) or (
                f" (defined: {', '.join(sorted(known)[:12])})"
                if known
                else f" (no {what}s are defined)"
            )
            return f"unknown {what} {_quote(value)}{hint}"
        return None

    return checker.value(record, key, path, check)


def _change(checker: _Checker, record: YMap, path: str) -> ReportedChange | Any | None:
    if "yoy" not in record:
        return None
    value = record["yoy"]
    yoy_path = f"{path}.yoy"
    if not isinstance(value, YMap):
        checker.error(
            f"must be a mapping such as {{percent: 10.6}} or {{absolute: 9.3}}, got {_kind_of(value)}",
            yoy_path,
            record.value_positions["yoy"],
        )
        return _MISSING
    checker.fields(value, yoy_path, (), ("percent", "absolute", "qualifier"))
    kinds = [k for k in ("percent", "absolute") if k in value]
    if len(kinds) != 1:
        checker.error("needs exactly one of 'percent' or 'absolute'", yoy_path, value.position)
        return _MISSING
    amount = checker.number(value, kinds[0], yoy_path)
    qualifier = (
        checker.choice(value, "qualifier", yoy_path, Qualifier, "qualifier")
        if "qualifier" in value
        else Qualifier.EXACT
    )
    if _missing(amount, qualifier):
        return _MISSING
    return ReportedChange(ChangeKind(kinds[0]), amount, qualifier)


_NON_NEGATIVE = frozenset(Unit) - {Unit.PERCENT}


def _observations(
    checker: _Checker,
    tree: YMap,
    sources: dict[str, Source],
    cities: dict[str, City],
    indicators: dict[str, Indicator],
) -> list[Observation]:
    result: list[Observation] = []
    seen: dict[tuple[Any, ...], tuple[str, YMap]] = {}
    required = ("indicator", "city", "year", "value", "qualifier", "period", "source", "locator")
    optional = ("as_of", "yoy", "scope", "note")
    for path, record in checker.records(tree, "observations"):
        checker.fields(record, path, required, optional)
        indicator_id = _reference(checker, record, "indicator", path, indicators, "indicator")
        city_id = _reference(checker, record, "city", path, cities, "city")
        source_id = _reference(checker, record, "source", path, sources, "source")
        year = checker.year(record, "year", path)
        value = checker.number(record, "value", path)
        qualifier = checker.choice(record, "qualifier", path, Qualifier, "qualifier")
        period = checker.choice(record, "period", path, Period, "period")
        locator = checker.text(record, "locator", path)
        as_of = checker.date(record, "as_of", path) if "as_of" in record else None
        yoy = _change(checker, record, path)
        scope = checker.text(record, "scope", path) if "scope" in record else ""
        note = checker.text(record, "note", path) if "note" in record else ""
        if period is Period.AS_OF and as_of is None:
            checker.error("period 'as_of' needs an as_of date (YYYY-MM-DD)", path, record.position)
            continue
        if period not in (Period.AS_OF, Period.CUMULATIVE, _MISSING) and as_of not in (
            None,
            _MISSING,
        ):
            checker.error(
                f"as_of only goes with period as_of or cumulative, not {period.value!r}",
                f"{path}.as_of",
                record.value_positions["as_of"],
            )
            continue
        if _missing(
            indicator_id,
            city_id,
            source_id,
            year,
            value,
            qualifier,
            period,
            locator,
            as_of,
            yoy,
            scope,
            note,
        ):
            continue
        if {indicator_id, city_id, source_id} & checker.broken:
            continue
        unit = indicators[indicator_id].unit
        if unit in _NON_NEGATIVE and value < 0:
            checker.error(
                f"{value} is negative, but {indicator_id} is measured in {unit.value}",
                f"{path}.value",
                record.value_positions["value"],
            )
            continue
        if unit is Unit.RANK and (value < 1 or not float(value).is_integer()):
            checker.error(
                f"a rank must be a whole number from 1, got {value}",
                f"{path}.value",
                record.value_positions["value"],
            )
            continue
        observation = Observation(
            indicator_id,
            city_id,
            year,
            value,
            qualifier,
            period,
            source_id,
            locator,
            as_of,
            yoy,
            scope,
            note,
        )
        if observation.key in seen:
            checker.error(
                f"duplicate observation of {indicator_id} for {city_id} in {year} ({observation.period_label}"
                f"{', ' + scope if scope else ''}); first at {_first_at(*seen[observation.key])}",
                path,
                record.position,
            )
            continue
        seen[observation.key] = (path, record)
        result.append(observation)
        checker.accepted.append(record)
    return result


def _first_at(path: str, record: YMap) -> str:
    return f"{path} (line {record.position[0]})"


def _yoy_warnings(observations: list[Observation], records: list[YMap]) -> Iterable[Problem]:
    """Stated year-on-year changes that two consecutive observed years contradict."""
    by_key = {o.key: (index, o) for index, o in enumerate(observations)}
    for index, current in enumerate(observations):
        if current.yoy is None or current.period not in (Period.YEAR, Period.YEAR_END):
            continue
        previous_key = (
            current.indicator,
            current.city,
            current.year - 1,
            current.period,
            None,
            current.scope,
        )
        if previous_key not in by_key:
            continue
        _, previous = by_key[previous_key]
        if not (
            previous.qualifier.is_exact
            and current.qualifier.is_exact
            and current.yoy.qualifier.is_exact
        ):
            continue
        if current.yoy.kind is ChangeKind.PERCENT:
            bounds = relative_change_bounds(previous.value, current.value)
            stated = f"{current.yoy.value}%"
        else:
            bounds = absolute_change_bounds(previous.value, current.value)
            stated = f"{current.yoy.value:+}"
        if bounds is None or agrees(bounds, current.yoy.value):
            continue
        low, high = bounds
        line, column = records[index].value_positions.get("yoy") or (None, None)
        yield Problem(
            f"stated year-on-year change {stated} disagrees with {previous.year} -> {current.year} "
            f"({previous.value} -> {current.value}: between {low:.2f} and {high:.2f} allowing for rounding)",
            path=f"observations[{index}].yoy",
            line=line,
            column=column,
            warning=True,
        )
