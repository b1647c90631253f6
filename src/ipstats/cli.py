"""The command line: resolve names, call the core, render the result. Nothing else lives here."""

# Annotations here are objects, not strings (no `from __future__ import annotations`): Typer
# reads every command's annotations several times when it builds the command line, and strings
# would be evaluated each time: that was more than half of the time it took.
import os
import sys
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from ipstats import __version__
from ipstats._cli_group import IpstatsGroup, state_of, warn
from ipstats._cli_options import (
    CategoryOpt,
    ChartOpt,
    CityOpt,
    ExpandedOpt,
    FormatOpt,
    FromOpt,
    MetricOpt,
    MetricsOpt,
    NoSanitizeOpt,
    QuietOpt,
    ScopeOpt,
    SearchOpt,
    SourceOpt,
    ToOpt,
    YearOpt,
    YearsOpt,
    complete_city,
)
from ipstats.errors import UsageError
from ipstats.formats import EXPORT, SCREEN, Format, choose, write_tables
from ipstats.table import Table
from ipstats.terms import Terms

EXIT_CODES = "Exit codes: 0 ok; 1 no data for the query, or an invalid dataset; 2 usage error."


app = typer.Typer(
    cls=IpstatsGroup,
    name="ipstats",
    help="Query intellectual-property statistics of Chinese cities, every figure traced to its source.\n\n"
    "Example: ipstats compare shanghai shenzhen --metric pct",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
list_app = typer.Typer(
    cls=IpstatsGroup,
    help="List cities, indicators, sources or observations.\n\nExample: ipstats list observations --city shanghai --metric pct",
    epilog=EXIT_CODES,
    no_args_is_help=True,
)
app.add_typer(list_app, name="list")


def _debug(ctx: typer.Context, value: bool) -> bool:
    # Parsed first (eager), so that an error in any later option already knows it was asked for.
    state_of(ctx).debug = value
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ipstats {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Dataset file to use instead of the shipped one (also $IPSTATS_DATA).",
            show_default=False,
        ),
    ] = None,
    no_color: Annotated[
        bool,
        typer.Option("--no-color", help="No colour in terminal output (also NO_COLOR, TERM=dumb)."),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", callback=_debug, is_eager=True, help="Show a traceback for errors."
        ),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Read the dataset file itself, not the cache (nor write it)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    state = state_of(ctx)
    state.data = data
    state.use_cache = not no_cache
    state.color = not (no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb")


# What the core's messages call each parameter, as this command line spells it.
_FLAGS = Terms(
    year="--year",
    start="--from",
    end="--to",
    bounds="--from/--to",
    format="--format",
    output_file="-o FILE",
    output_directory="-o DIRECTORY",
    wide="--wide",
    scope="--scope",
)


def _is_terminal() -> bool:
    """Whether stdout is a terminal (people) rather than a pipe or file (programs)."""
    return sys.stdout.isatty()


def _screen_format(fmt: Format | str | None) -> Format:
    """The format of a command that prints: the one asked for, else table or TSV by stdout."""
    if fmt is None:
        return Format.TABLE if _is_terminal() else Format.TSV
    return choose(fmt, SCREEN, _FLAGS)


def _emit(
    ctx: typer.Context,
    tables: Iterable[Table],
    fmt: Format | str | None,
    sanitize: bool = True,
    chart: Callable[[], Any] | None = None,
    human: Iterable[Table] | None = None,
    expanded: bool = False,
    quiet: bool = False,
    whole: bool = False,
) -> None:
    """Print tables: Rich on a terminal, TSV in a pipe, or the format asked for.

    ``chart`` draws a picture of the result and ``human`` replaces ``tables``; they, and
    ``expanded`` (one block of lines per row), ``quiet`` (no footer) and ``whole`` (free text
    never cut), apply only to table output.
    """
    chosen = _screen_format(fmt)
    if chosen is Format.TABLE:
        from rich.console import Console

        from ipstats.render import rich_tables

        # emoji=False: a figure's text is shown as written (":cn:" is not a flag), and Rich's
        # table of emoji codes is never loaded.
        console = Console(
            no_color=not state_of(ctx).color, highlight=False, soft_wrap=False, emoji=False
        )
        shown = list(human if human is not None else tables)
        console.print(rich_tables(shown, console.width, expanded, quiet, whole))
        if chart is not None:
            console.print(chart())
        return
    write_tables(sys.stdout, tables, chosen, sanitize)


def _draw_compare(result: Any) -> Any:
    from ipstats.render import compare_chart  # Rich, only when a chart is drawn

    return compare_chart(result)


def _draw_growth(result: Any) -> Any:
    from ipstats.render import growth_charts  # Rich, only when a chart is drawn

    return growth_charts(result)


@app.command()
def validate(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(help="Dataset file to check (default: the one in use).", show_default=False),
    ] = None,
) -> None:
    """Check a dataset file and report every problem found.

    Example: ipstats validate data/indicators.yaml
    """
    from ipstats.datafile import choose_path, on_terminal
    from ipstats.validation import validate as check

    state = state_of(ctx)
    chosen = path or choose_path(state.data)
    report = check(chosen, use_cache=state.use_cache, progress=on_terminal(sys.stderr))
    warn(report.notes)
    for line in report.problem_lines():
        typer.echo(line, err=True)
    report.raise_if_invalid()
    typer.echo(report.summary())


@list_app.command("cities")
def list_cities(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List the cities (and countries, clusters) with their names and aliases.

    Example: ipstats list cities
    """
    from ipstats.listing import cities_table

    _emit(ctx, [cities_table(state_of(ctx).dataset())], fmt, expanded=expanded, quiet=quiet)


@list_app.command("indicators")
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

    Example: ipstats list indicators --category creation --search patent
    """
    from ipstats.listing import indicators_table
    from ipstats.query import where

    ds = state_of(ctx).dataset()
    chosen = where(ds, city or (), category=category, search=search, terms=_FLAGS, source=source)
    _emit(ctx, [indicators_table(ds, chosen)], fmt, expanded=expanded, quiet=quiet)


@list_app.command("sources")
def list_sources(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """List the source documents every figure comes from.

    Example: ipstats list sources
    """
    from ipstats.listing import sources_table

    _emit(ctx, [sources_table(state_of(ctx).dataset())], fmt, expanded=expanded, quiet=quiet)


@list_app.command("observations")
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

    Example: ipstats list observations --city shanghai --metric pct
    """
    from ipstats.listing import observations_table
    from ipstats.query import where

    ds = state_of(ctx).dataset()
    chosen = where(
        ds, city or (), metric, year, year_from, year_to, category, search, _FLAGS, source
    )
    _emit(
        ctx,
        [observations_table(ds, chosen)],
        fmt,
        not no_sanitize,
        expanded=expanded,
        quiet=quiet,
    )


@app.command()
def show(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            help="An indicator (id, alias, prefix, English or Chinese name) or a city "
            "(id, name, alias)."
        ),
    ],
    source: SourceOpt = None,
    fmt: FormatOpt = None,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Everything about one indicator or one city.

    Example: ipstats show pct
    """
    from ipstats.listing import show as details
    from ipstats.query import sources_named

    ds = state_of(ctx).dataset()
    tables = details(ds, name, sources_named(ds, source))
    _emit(ctx, tables, fmt, expanded=expanded, quiet=quiet, whole=True)


@app.command()
def compare(
    ctx: typer.Context,
    cities: Annotated[
        list[str],
        typer.Argument(
            help="Two or more cities (id, name, Chinese name or alias).",
            show_default=False,
            autocompletion=complete_city,
        ),
    ],
    metric: MetricOpt = None,
    year: YearOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    category: CategoryOpt = None,
    scope: ScopeOpt = None,
    source: SourceOpt = None,
    fmt: FormatOpt = None,
    chart: ChartOpt = False,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Compare cities side by side, with difference and ratio.

    Example: ipstats compare shanghai shenzhen --metric pct
    """
    from ipstats import resolve
    from ipstats.compare import compare as side_by_side

    if chart and metric is None:
        raise UsageError("--chart needs --metric: a chart shows one metric")
    ds = state_of(ctx).dataset()
    found, indicator = resolve.cities(ds, cities), resolve.indicator_if_named(ds, metric)
    result = side_by_side(
        ds, found, indicator, year, _FLAGS, year_from, year_to, category, scope, source
    )
    picture = partial(_draw_compare, result) if chart else None
    _emit(ctx, [result.to_table()], fmt, chart=picture, expanded=expanded, quiet=quiet)
    _said(result.notes())


@app.command()
def growth(
    ctx: typer.Context,
    cities: Annotated[
        list[str],
        typer.Argument(
            help="One or more cities.", show_default=False, autocompletion=complete_city
        ),
    ],
    metric: MetricsOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    scope: ScopeOpt = None,
    source: SourceOpt = None,
    no_implied: Annotated[
        bool, typer.Option("--no-implied", help="Hide values implied by a stated growth rate.")
    ] = False,
    fmt: FormatOpt = None,
    chart: ChartOpt = False,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Year-on-year change, span change and CAGR, beside the growth the sources state.

    Example: ipstats growth shanghai --metric valid_trademarks
    """
    from ipstats import resolve
    from ipstats.growth import growth as compute

    ds = state_of(ctx).dataset()
    found, chosen = resolve.cities(ds, cities), resolve.indicators(ds, metric)
    result = compute(ds, found, chosen, year_from, year_to, not no_implied, _FLAGS, scope, source)
    picture = partial(_draw_growth, result) if chart else None
    human = result.series_tables()
    _emit(ctx, [result.to_table()], fmt, chart=picture, human=human, expanded=expanded, quiet=quiet)
    _said(result.notes())


def _said(notes: Iterable[str]) -> None:
    """What a result says beside its table (a place without data), one line each on stderr."""
    for note in notes:
        typer.echo(f"note: {note}", err=True)


def _export_format(text: str) -> Format:
    """export's --format: one of the formats export writes, or a usage error listing them."""
    if text not in EXPORT:
        raise typer.BadParameter(f"{text!r} is not one of {', '.join(EXPORT)}")
    return Format(text)


def _complete_export_format(incomplete: str) -> list[str]:
    return [f.value for f in EXPORT if f.value.startswith(incomplete)]


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            parser=_export_format,
            metavar=f"<{'|'.join(EXPORT)}>",
            autocompletion=_complete_export_format,
            help="Output format.",
        ),
    ] = Format.CSV,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (atomically) instead of stdout.",
            show_default=False,
        ),
    ] = None,
    wide: Annotated[
        bool, typer.Option("--wide", help="One row per city and indicator, one column per year.")
    ] = False,
    city: CityOpt = None,
    metric: MetricsOpt = None,
    year: YearsOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    category: CategoryOpt = None,
    source: SourceOpt = None,
    no_sanitize: NoSanitizeOpt = False,
) -> None:
    """Export observations, one row each (or --wide), with their sources.

    Example: ipstats export --format csv -o ipstats.csv

    Formats: csv, tsv, json, jsonl, yaml, markdown (to stdout or -o FILE);
    sqlite (-o FILE.db) and datapackage (-o DIRECTORY, a Frictionless Data Package).
    """
    from ipstats.export import export as write
    from ipstats.query import where

    ds = state_of(ctx).dataset()
    chosen = where(
        ds, city or (), metric, year, year_from, year_to, category, terms=_FLAGS, source=source
    )
    written = write(
        ds,
        chosen,
        fmt,
        output,
        stream=sys.stdout,
        wide=wide,
        sanitize=not no_sanitize,
        terms=_FLAGS,
    )
    if written is not None:
        typer.echo(str(written), err=True)


cache_app = typer.Typer(
    cls=IpstatsGroup,
    help="The cache of datasets already read, which makes queries fast.\n\nExample: ipstats cache clear",
    epilog=EXIT_CODES,
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear() -> None:
    """Remove every cached dataset; the next query reads its dataset file again.

    Example: ipstats cache clear
    """
    from ipstats import cache

    where, removed = cache.clear()
    typer.echo(f"removed {removed} cache file{'' if removed == 1 else 's'} from {where}", err=True)


@cache_app.command("info")
def cache_info(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Where the cache is and the datasets it holds.

    Example: ipstats cache info
    """
    from ipstats import cache
    from ipstats.listing import cache_table

    _emit(
        ctx, [cache_table(cache.directory(), cache.entries())], fmt, expanded=expanded, quiet=quiet
    )


def main() -> None:
    """Console-script entry point."""
    app()
