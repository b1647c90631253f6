"""Validation of the observations section: each figure, what it refers to, once per source."""

from __future__ import annotations

from typing import Any

from ipstats._checker import MISSING, Checker, kind_of, missing, quote
from ipstats._tree import YMap
from ipstats.model import (
    ChangeKind,
    City,
    Indicator,
    Observation,
    Period,
    Qualifier,
    ReportedChange,
    Source,
    Unit,
)
from ipstats.names import did_you_mean
from ipstats.printed import disagreement
from ipstats.schema_records import added_fields


def _reference(
    checker: Checker, record: YMap, key: str, path: str, known: dict[str, Any], what: str
) -> str | Any:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be a {what} id, got {kind_of(value)}"
        if value in checker.broken:
            return None  # already reported where it is defined
        if value not in known:
            hint = did_you_mean(value, known) or (
                f" (defined: {', '.join(sorted(known)[:12])})"
                if known
                else f" (no {what}s are defined)"
            )
            return f"unknown {what} {quote(value)}{hint}"
        return None

    return checker.value(record, key, path, check)


def _change(checker: Checker, record: YMap, path: str) -> ReportedChange | Any | None:
    if "yoy" not in record:
        return None
    value = record["yoy"]
    yoy_path = f"{path}.yoy"
    if not isinstance(value, YMap):
        checker.error(
            f"must be a mapping such as {{percent: 10.6}} or {{absolute: 9.3}}, got {kind_of(value)}",
            yoy_path,
            record.value_positions["yoy"],
        )
        return MISSING
    checker.fields(value, yoy_path, (), ("percent", "absolute", "qualifier"))
    kinds = [k for k in ("percent", "absolute") if k in value]
    if len(kinds) != 1:
        checker.error("needs exactly one of 'percent' or 'absolute'", yoy_path, value.position)
        return MISSING
    amount = checker.number(value, kinds[0], yoy_path)
    qualifier = (
        checker.choice(value, "qualifier", yoy_path, Qualifier, "qualifier")
        if "qualifier" in value
        else Qualifier.EXACT
    )
    if missing(amount, qualifier):
        return MISSING
    return ReportedChange(ChangeKind(kinds[0]), amount, qualifier)


_NON_NEGATIVE = frozenset(Unit) - {Unit.PERCENT}


def check_observations(
    checker: Checker,
    tree: YMap,
    sources: dict[str, Source],
    cities: dict[str, City],
    indicators: dict[str, Indicator],
    version: int,
) -> list[Observation]:
    result: list[Observation] = []
    seen: dict[tuple[Any, ...], tuple[str, YMap]] = {}
    required = ("indicator", "city", "year", "value", "qualifier", "period", "source", "locator")
    optional = ("as_of", "yoy", "scope", "note")
    for path, record in checker.records(tree, "observations"):
        allowed = "printed" in added_fields(checker, record, path, version)
        # printed in too old a file is reported above, not again as an unknown field
        checker.fields(
            record,
            path,
            required,
            (*optional, "printed") if allowed or "printed" in record else optional,
        )
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
        printed = checker.text(record, "printed", path) if allowed and "printed" in record else ""
        if period is Period.AS_OF and as_of is None:
            checker.error("period 'as_of' needs an as_of date (YYYY-MM-DD)", path, record.position)
            continue
        if period not in (Period.AS_OF, Period.CUMULATIVE, MISSING) and as_of not in (
            None,
            MISSING,
        ):
            checker.error(
                f"as_of only goes with period as_of or cumulative, not {period.value!r}",
                f"{path}.as_of",
                record.value_positions["as_of"],
            )
            continue
        if missing(
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
            printed,
        ):
            continue
        if {indicator_id, city_id, source_id} & checker.broken:
            continue
        unit = indicators[indicator_id].unit
        if printed:
            wrong = disagreement(printed, value, qualifier, unit)
            if wrong:
                checker.error(wrong, f"{path}.printed", record.value_positions["printed"])
                continue
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
            printed,
        )
        if observation.key in seen:
            checker.error(
                f"duplicate observation of {indicator_id} for {city_id} in {year} ({observation.period_label}"
                f"{', ' + scope if scope else ''}) from {source_id}, first at "
                f"{_first_at(*seen[observation.key])}; a figure may come from several sources, "
                "but from each only once",
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
