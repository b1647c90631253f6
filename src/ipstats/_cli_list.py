"""The commands that look the dataset up: list its records, show one indicator or place."""

# Part of the command line: ipstats.cli makes these functions its commands. Annotations are
# objects, not strings, as in ipstats.cli: Typer reads them at every start.
import sys
from typing import Annotated

import typer

from ipstats._cli_group import state_of
from ipstats._cli_options import (
    FLAGS,
    CategoryOpt,
    CityOpt,
    ExpandedOpt,
    FormatOpt,
    FromOpt,
    MetricsOpt,
    NoSanitizeOpt,
    QuietOpt,
    SearchOpt,
    SourceOpt,
    ToOpt,
    YearsOpt,
)
from ipstats._cli_output import _emit, _said, _screen_format
from ipstats.formats import Format
from ipstats.model import CityKind
from ipstats.table import Table


def list_cities(
    ctx: typer.Context,
    kind: Annotated[
        CityKind | None,
        typer.Option(
            "--kind",
            help="Only places of this kind; province means every province-level division "
            "(provinces, autonomous regions and municipalities), as CNIPA lists them.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = None,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List the places (country, provinces, municipalities, regions, cities) with their
    kind and the place each is part of.

    Examples:

    ipstats list cities

    ipstats list cities --kind city --format csv
    """
    from ipstats.listing import cities_table

    table = cities_table(state_of(ctx).dataset(), kind)
    _emit(ctx, [table], fmt, expanded=expanded, quiet=quiet)


def list_indicators(
    ctx: typer.Context,
    city: CityOpt = None,
    category: CategoryOpt = None,
    search: SearchOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = None,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List indicators with their names in English and Chinese, aliases, units and measures
    (with --city, those the places have data for).

    Examples:

    ipstats list indicators --category creation --search patent

    ipstats list indicators --city shenzhen

    """
    from ipstats import resolve
    from ipstats.listing import indicators_table
    from ipstats.query import where

    ds = state_of(ctx).dataset()
    chosen = where(ds, city or (), category=category, search=search, terms=FLAGS, source=source)
    _said(resolve.notes(ds, city or ()))
    _emit(ctx, [indicators_table(ds, chosen)], fmt, expanded=expanded, quiet=quiet)


def list_sources(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List the source documents every figure comes from.

    Examples:

    ipstats list sources

    ipstats list sources --format json
    """
    from ipstats.listing import sources_table

    _emit(ctx, [sources_table(state_of(ctx).dataset())], fmt, expanded=expanded, quiet=quiet)


def list_observations(
    ctx: typer.Context,
    city: CityOpt = None,
    metric: MetricsOpt = None,
    year: YearsOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    category: CategoryOpt = None,
    search: SearchOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = None,
    no_sanitize: NoSanitizeOpt = False,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List observations with value, unit, qualifier, period and source.

    Examples:

    ipstats list observations --city shanghai --metric pct

    ipstats list observations --search trademark --year 2023 --format csv
    """
    from ipstats import resolve
    from ipstats.listing import observations_table
    from ipstats.query import where

    ds = state_of(ctx).dataset()
    chosen = where(
        ds, city or (), metric, year, year_from, year_to, category, search, FLAGS, source
    )
    _said(resolve.notes(ds, city or ()))
    _emit(
        ctx,
        [observations_table(ds, chosen)],
        fmt,
        not no_sanitize,
        expanded=expanded,
        quiet=quiet,
    )


def show(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="An indicator (id, alias, prefix, English or Chinese name) or a city "
            "(id, name, alias).",
        ),
    ],
    source: SourceOpt = None,
    fmt: FormatOpt = None,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Everything about one indicator or one city.

    Examples:

    ipstats show pct

    ipstats show shanghai --format json
    """
    from ipstats import resolve
    from ipstats.listing import show as details
    from ipstats.query import sources_named

    ds = state_of(ctx).dataset()
    _said(resolve.notes(ds, [name]))
    chosen = _screen_format(fmt)
    wanted = sources_named(ds, source)
    if chosen in (Format.JSON, Format.YAML):
        from ipstats.formats import write_document
        from ipstats.listing import show_document

        write_document(sys.stdout, show_document(ds, name, wanted), chosen)
        return
    tables: tuple[Table, ...] = details(ds, name, wanted)
    if chosen in (Format.CSV, Format.TSV, Format.JSONL):
        tables = tables[1:]  # one table per document: the rows; JSON and YAML hold the record too
    _emit(ctx, tables, chosen, expanded=expanded, quiet=quiet, whole=True)
