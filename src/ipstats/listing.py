"""What a dataset holds, as tables: cities, indicators, sources, observations, the cache."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipstats import resolve
from ipstats.errors import NoDataError
from ipstats.figures import primary_keys
from ipstats.model import PROVINCE_LEVEL, City, CityKind, Dataset, Indicator, Observation
from ipstats.query import (
    Filter,
    SeriesKey,
    require,
    select,
    series_key,
    series_name,
    source_lines,
    years_text,
)
from ipstats.rows import fields_except, observation_row
from ipstats.table import Column, Kind, Table

if TYPE_CHECKING:
    from ipstats import cache


# Columns only machine formats need: a terminal shows them folded into the value they qualify.
# A terminal shows the as_of date within the period ("as_of 2025-04-21"); machine formats have
# the period and the date apart, as the SQLite and Data Package exports do.
OBSERVATION_HIDDEN = frozenset({"reported_yoy_kind", "reported_yoy_qualifier", "as_of"})
# A listing on a terminal leaves out the figure as printed and the source's address, which
# `show` and every machine format give.
_LISTING_HIDDEN = OBSERVATION_HIDDEN | {"printed", "source_url"}

_OBSERVATION_COLUMN = {
    c.key: c
    for c in (
        Column("city", "City"),
        Column("year", "Year", Kind.INTEGER),
        Column("indicator", "Indicator"),
        Column("value", "Value", Kind.VALUE, qualifier_key="qualifier", unit_key="unit"),
        Column("unit", "Unit"),
        Column("qualifier", "Qualifier"),
        Column("period", "Period", date_key="as_of"),
        Column("as_of", "As of"),
        Column("reported_yoy_kind", "Reported YoY kind"),
        Column(
            "reported_yoy_value",
            "Reported YoY",
            Kind.REPORTED,
            qualifier_key="reported_yoy_qualifier",
            unit_key="reported_yoy_kind",
        ),
        Column("reported_yoy_qualifier", "Reported YoY qualifier"),
        Column("scope", "Scope"),
        Column("source", "Source"),
        Column("primary", "Primary"),
        Column("locator", "Locator"),
        Column("note", "Note"),
        Column("printed", "Printed"),
        Column("source_url", "Source URL"),
    )
}
OBSERVATION_COLUMNS = tuple(_OBSERVATION_COLUMN[key] for key in fields_except())


def observations_table(dataset: Dataset, where: Filter) -> Table:
    """One row per observation the filter admits, with every field a reader needs to cite it."""
    found = select(dataset, where)
    require(found, "observations match these filters", dataset, where)
    return _observations(dataset, found, "Observations", _LISTING_HIDDEN)


def _observations(
    dataset: Dataset,
    found: Sequence[Observation],
    title: str,
    hidden: frozenset[str] = OBSERVATION_HIDDEN,
    urls: bool = False,
) -> Table:
    primaries = primary_keys(dataset, found)
    rows = tuple(
        observation_row(
            o,
            dataset.indicator(o.indicator).unit.value,
            source_url=dataset.source(o.source).url,
            primary=o.key in primaries,
        )
        for o in found
    )
    several = len({o.figure for o in found}) < len(found)  # a figure stated by several sources
    return Table(
        title=title,
        columns=OBSERVATION_COLUMNS,
        rows=rows,
        footnotes=(PRIMARY_NOTE,) if several else (),
        sources=source_lines(dataset, (o.source for o in found), urls),
        # which is primary matters to a reader only where one figure has several sources
        hidden=hidden if several else hidden | {"primary"},
    )


PRIMARY_NOTE = (
    "primary: the figure compare and growth use where several sources state one (the highest "
    "source type: statistics, report, press; then the newest; then exact before a bound; "
    "then the source id)"
)


def cities_table(dataset: Dataset, kind: CityKind | None = None) -> Table:
    """Every place, or those of one kind (``province``: every province-level division, as
    CNIPA's tables list them, municipalities included), with what the dataset holds for it.

    A terminal shows ids, kinds and what each place is part of; the English names and the
    aliases, which would not fit 80 columns beside them, are in the machine formats and in
    ``show``."""
    years: dict[str, set[int]] = {}
    counts: dict[str, int] = {}
    for (city_id, year), count in dataset.tally("city", "year").items():
        years.setdefault(city_id, set()).add(year)
        counts[city_id] = counts.get(city_id, 0) + count
    kinds = None if kind is None else PROVINCE_LEVEL if kind is CityKind.PROVINCE else {kind}
    chosen = [c for c in dataset.cities if kinds is None or c.kind in kinds]
    if not chosen and kind is not None:
        raise NoDataError(f"no place of kind {kind.value}; `ipstats list cities` shows them all")
    rows = tuple(
        {
            "id": c.id,
            "name": c.name,
            "name_zh": c.name_zh,
            "aliases": c.aliases,
            "kind": c.kind.value,
            "parent": c.parent or None,
            "parent_name": dataset.city(c.parent).name if c.parent else None,
            "observations": counts.get(c.id, 0),
            "years": years_text(years.get(c.id, ())),
        }
        for c in chosen
    )
    columns = (
        Column("id", "Id"),
        Column("name", "Name"),
        Column("name_zh", "Chinese"),
        Column("aliases", "Aliases"),
        Column("kind", "Kind"),
        Column("parent", "Parent"),
        Column("parent_name", "Part of"),
        Column("observations", "Obs.", Kind.INTEGER),
        Column("years", "Years"),
    )
    return Table(
        "Places" if kind is None else f"Places of kind {kind.value}",
        columns,
        rows,
        footnotes=("names and aliases each place answers to: `ipstats show PLACE`",),
        hidden=frozenset({"name", "aliases", "parent"}),
    )


def indicators_table(dataset: Dataset, where: Filter) -> Table:
    counts = {key[0]: n for key, n in dataset.tally("indicator", cities=where.cities).items()}
    if where.sources:
        counts = {}
        for o in dataset.observations_of(cities=where.cities):
            if o.source in where.sources:
                counts[o.indicator] = counts.get(o.indicator, 0) + 1
    # Named places (or a source): the indicators they have data for, counted for them alone.
    narrowed = bool(where.cities or where.sources)
    chosen = [
        i
        for i in dataset.indicators
        if where.admits_indicator(i) and (not narrowed or counts.get(i.id, 0))
    ]
    if not chosen:
        raise NoDataError(
            "no indicator matches these filters; `ipstats list indicators` shows them all"
        )
    rows = tuple(
        {
            "id": i.id,
            "name": i.name,
            "name_zh": i.name_zh,
            "aliases": i.aliases,
            "category": i.category.value,
            "unit": i.unit.value,
            "measure": i.measure.value,
            "observations": counts.get(i.id, 0),
        }
        for i in sorted(chosen, key=lambda i: (i.category, i.id))
    )
    columns = (
        Column("id", "Id"),
        Column("name", "Name"),
        Column("name_zh", "Chinese"),
        Column("aliases", "Aliases"),
        Column("category", "Category"),
        Column("unit", "Unit"),
        Column("measure", "Measure"),
        Column("observations", "Obs.", Kind.INTEGER),
    )
    return Table("Indicators", columns, rows)


def sources_table(dataset: Dataset) -> Table:
    counts = {key[0]: n for key, n in dataset.tally("source").items()}
    rows = tuple(
        {
            "id": s.id,
            "title": s.title,
            "title_en": s.title_en,
            "publisher": s.publisher,
            "published": s.published,
            "languages": s.languages,
            "type": s.type.value,
            "url": s.url or None,
            "retrieved": s.retrieved or None,
            "observations": counts.get(s.id, 0),
        }
        for s in dataset.sources
    )
    columns = (
        Column("id", "Id"),
        Column("title_en", "Title"),
        Column("title", "Original title"),
        Column("publisher", "Publisher"),
        Column("published", "Published"),
        Column("languages", "Languages"),
        Column("type", "Type"),
        Column("url", "URL"),
        Column("retrieved", "Retrieved"),
        Column("observations", "Obs.", Kind.INTEGER),
    )
    # A terminal shows what fits beside the ids; the rest is in every machine format and in
    # `ipstats cite`.
    return Table(
        "Sources",
        columns,
        rows,
        footnotes=("original titles, addresses and retrieval dates: ipstats cite",),
        hidden=frozenset({"title", "languages", "type", "url", "retrieved"}),
    )


def indicator_detail(
    dataset: Dataset, indicator: Indicator, sources: tuple[str, ...] = ()
) -> tuple[Table, Table]:
    about = Table(
        title=f"{indicator.name} ({indicator.id})",
        columns=(Column("field", "Field"), Column("value", "Value")),
        rows=(
            {"field": "id", "value": indicator.id},
            {"field": "name", "value": indicator.name},
            {"field": "name_zh", "value": indicator.name_zh or None},
            {"field": "aliases", "value": indicator.aliases},
            {"field": "category", "value": indicator.category.value},
            {"field": "unit", "value": indicator.unit.value},
            {"field": "measure", "value": indicator.measure.value},
            {"field": "description", "value": indicator.description},
        ),
    )
    found = select(dataset, Filter(indicators=(indicator.id,), sources=sources))
    if not found and sources:
        raise NoDataError(f"{sources[0]} has no figure of {indicator.id}")
    # One indicator, one unit: both are in the title and the record above the rows. A source's
    # address, too long for a column, is in the source lines under the table.
    hidden = OBSERVATION_HIDDEN | {"indicator", "unit", "source_url"}
    return about, _observations(dataset, found, f"Observations of {indicator.id}", hidden, True)


def city_detail(dataset: Dataset, city: City, sources: tuple[str, ...] = ()) -> tuple[Table, Table]:
    about = Table(
        title=f"{city.name} ({city.id})",
        columns=(Column("field", "Field"), Column("value", "Value")),
        rows=(
            {"field": "id", "value": city.id},
            {"field": "name", "value": city.name},
            {"field": "name_zh", "value": city.name_zh},
            {"field": "aliases", "value": city.aliases},
            {"field": "kind", "value": city.kind.value},
            {"field": "part of", "value": _place(dataset, city.parent) if city.parent else None},
            *(
                {"field": "shared names", "value": f"{', '.join(n.names)}: also {n.also}"}
                for n in city.shared
            ),
        ),
    )
    by_series: dict[tuple[str, SeriesKey], list[Observation]] = {}
    for o in dataset.observations_of(cities=(city.id,)):
        if sources and o.source not in sources:
            continue
        by_series.setdefault((o.indicator, series_key(o)), []).append(o)
    if sources and not by_series:
        raise NoDataError(f"{sources[0]} has no figure for {city.id}")
    rows = tuple(
        {
            "indicator": indicator_id,
            "name": dataset.indicator(indicator_id).name,
            "category": dataset.indicator(indicator_id).category.value,
            "series": series_name(key) or None,
            "years": years_text(o.year for o in found),
            "observations": len(found),
        }
        for (indicator_id, key), found in sorted(by_series.items(), key=_held_order)
    )
    held = Table(
        title=f"Indicators with data for {city.name}",
        columns=(
            Column("indicator", "Indicator"),
            Column("name", "Name"),
            Column("category", "Category"),
            Column("series", "Series"),
            Column("years", "Years"),
            Column("observations", "Obs.", Kind.INTEGER),
        ),
        rows=rows,
    )
    return about, held


def _place(dataset: Dataset, city_id: str) -> str:
    place = dataset.city(city_id)
    return f"{place.name} ({place.id})"


def _held_order(item: tuple[tuple[str, SeriesKey], list[Observation]]) -> tuple[str, int, str]:
    (indicator_id, key), found = item
    return (indicator_id, min(o.year for o in found), series_name(key))


def show(dataset: Dataset, name: str, sources: tuple[str, ...] = ()) -> tuple[Table, Table]:
    """Everything about the city or the indicator called ``name`` (from ``sources`` only, when
    given)."""
    found = resolve.city_or_indicator(dataset, name)
    if isinstance(found, City):
        return city_detail(dataset, found, sources)
    return indicator_detail(dataset, found, sources)


def show_document(dataset: Dataset, name: str, sources: tuple[str, ...] = ()) -> dict[str, Any]:
    """What ``show`` writes as one JSON or YAML document: the record of the city or indicator
    called ``name``, and the rows listed under it (from ``sources`` only, when given)."""
    found = resolve.city_or_indicator(dataset, name)
    if isinstance(found, City):
        about, listed = city_detail(dataset, found, sources)
        parts = ("city", "indicators")
    else:
        about, listed = indicator_detail(dataset, found, sources)
        parts = ("indicator", "observations")
    return {parts[0]: {r["field"]: r["value"] for r in about.rows}, parts[1]: listed.records()}


def cache_table(where: Path, entries: Iterable[cache.Entry]) -> Table:
    """The snapshots in the cache directory, for ``ipstats cache info``."""
    entries = tuple(entries)
    rows = tuple(
        {
            "dataset": e.dataset or None,
            "observations": e.observations,
            "bytes": e.size,
            "written": e.written or None,
            "version": e.version or None,
            "cache_file": e.file.name,
            "state": "damaged"
            if not e.version
            else "dataset file gone"
            if e.stale
            else "ok"
            if e.current
            else "other version",
        }
        for e in entries
    )
    columns = (
        Column("dataset", "Dataset file"),
        Column("observations", "Observations", Kind.INTEGER),
        Column("bytes", "Bytes", Kind.INTEGER),
        Column("written", "Written"),
        Column("version", "Written by"),
        Column("cache_file", "Cache file"),
        Column("state", "State"),
    )
    return Table(
        f"Cache in {where}",
        columns,
        rows,
        footnotes=(
            f"cache directory: {where}",
            *(
                [
                    "ipstats cache clear --stale removes the damaged ones and those whose file is gone"
                ]
                if any(e.stale for e in entries)
                else []
            ),
        ),
        hidden=frozenset({"cache_file"}),  # long, and named by the rest: machine formats only
    )
