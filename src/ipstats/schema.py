"""Validation: turns positioned plain values into a Dataset, reporting every problem found."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ipstats._checker import MISSING, Checker, kind_of, quote
from ipstats._tree import YMap
from ipstats.errors import DatasetError, Problem
from ipstats.figures import figures, primary, stated
from ipstats.model import (
    SCHEMA_VERSION,
    SCHEMA_VERSIONS,
    ChangeKind,
    Dataset,
    Indicator,
    Observation,
    Period,
    Source,
    Unit,
)
from ipstats.precision import absolute_change_bounds, agrees, relative_change_bounds
from ipstats.schema_observations import check_observations
from ipstats.schema_records import check_cities, check_indicators, check_sources

_SECTIONS = ("schema_version", "sources", "cities", "indicators", "observations")


def build_dataset(tree: Any, filename: str) -> tuple[Dataset, tuple[Problem, ...]]:
    """Validate a parsed document. Returns the dataset and its warnings, or raises DatasetError."""
    checker = Checker()
    if not isinstance(tree, YMap):
        raise DatasetError(
            filename,
            (
                Problem(
                    f"the top level must be a mapping with {', '.join(_SECTIONS)}; got {kind_of(tree)}",
                    line=1,
                    column=1,
                ),
            ),
        )
    checker.fields(tree, "", _SECTIONS, ())
    version = tree.get("schema_version", MISSING)
    if version is not MISSING and (isinstance(version, bool) or version not in SCHEMA_VERSIONS):
        checker.error(
            f"unsupported schema version {quote(version) if isinstance(version, str) else kind_of(version)}; "
            f"this ipstats reads schema_version: {' or '.join(map(str, SCHEMA_VERSIONS))}",
            "schema_version",
            tree.value_positions["schema_version"],
        )
        version = MISSING
    # A file whose version is wrong or absent is read as the newest, to report all else in it.
    newest = SCHEMA_VERSION if version is MISSING else version
    sources = check_sources(checker, tree, newest)
    cities = check_cities(checker, tree, newest)
    indicators = check_indicators(checker, tree)
    observations = check_observations(checker, tree, sources, cities, indicators, newest)
    errors = tuple(p for p in checker.problems if not p.warning)
    if errors:
        raise DatasetError(filename, tuple(checker.problems))
    dataset = Dataset.build(
        sources.values(), cities.values(), indicators.values(), observations, origin=filename
    )
    warnings = (
        tuple(checker.problems)
        + tuple(_yoy_warnings(observations, checker.accepted, sources, _per_head(indicators)))
        + tuple(_source_warnings(observations, checker.accepted, sources))
    )
    return dataset, warnings


def _source_warnings(
    observations: list[Observation], records: list[YMap], sources: dict[str, Source]
) -> Iterable[Problem]:
    """Figures two sources state differently beyond rounding (the primary is the one shown)."""
    index = {o.key: i for i, o in enumerate(observations)}
    for figure in figures(observations, sources.__getitem__):
        first = figure.primary
        for other in figure.disagreeing():
            at = index[other.key]
            line, column = records[at].value_positions.get("value") or (None, None)
            yield Problem(
                f"{other.source} gives {stated(other)} for {other.indicator} of {other.city} in "
                f"{other.year} ({other.period_label}{', ' + other.scope if other.scope else ''}), "
                f"but {first.source} gives {stated(first)}: they disagree beyond rounding "
                f"({first.source} is the primary figure)",
                path=f"observations[{at}].value",
                line=line,
                column=column,
                warning=True,
            )


def _per_head(indicators: dict[str, Indicator]) -> frozenset[str]:
    """The indicators of a rate per head of population: each publication divides by its own
    population figure, so two publications' rates are not one series to chain."""
    per_head = (Unit.PER_10K_PEOPLE, Unit.PER_MILLION_PEOPLE)
    return frozenset(i.id for i in indicators.values() if i.unit in per_head)


def _yoy_warnings(
    observations: list[Observation],
    records: list[YMap],
    sources: dict[str, Source],
    per_head: frozenset[str] = frozenset(),
) -> Iterable[Problem]:
    """Stated year-on-year changes that two consecutive observed years contradict (the previous
    year from the same source where it states one, else the primary; a rate per head only
    against the same source's previous year)."""
    by_figure: dict[tuple[Any, ...], list[Observation]] = {}
    for o in observations:
        by_figure.setdefault(o.figure, []).append(o)
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
        stating = by_figure.get(previous_key)
        if not stating:
            continue
        same = [o for o in stating if o.source == current.source]
        if not same and current.indicator in per_head:
            continue
        previous = same[0] if same else primary(stating, sources.__getitem__)
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
