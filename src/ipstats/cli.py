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
    text_value,
)
from ipstats.errors import UsageError
from ipstats.formats import EXPORT, SCREEN, Format, choose, write_tables
from ipstats.model import CityKind, PlaceLevel
from ipstats.table import Table
from ipstats.terms import Terms

EXIT_CODES = "Exit codes: 0 ok; 1 no data for the query, or an invalid dataset; 2 usage error."


app = typer.Typer(
    cls=IpstatsGroup,
    name="ipstats",
    help="Query intellectual-property statistics of Chinese cities, every figure traced to its source.\n\n"
    "Examples:\n\nipstats compare shanghai shenzhen --metric pct\n\n"
    "ipstats list indicators --search patent",
    epilog=EXIT_CODES,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
list_app = typer.Typer(
    cls=IpstatsGroup,
    help="List cities, indicators, sources or observations.\n\n"
    "Examples:\n\nipstats list cities\n\nipstats list observations --city shanghai --metric pct",
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
            metavar="FILE",
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
    output="-o",
    output_file="-o FILE",
    output_directory="-o DIRECTORY",
    wide="--wide",
    scope="--scope",
    bom="--bom",
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
        import gc

        # Rich's import makes thousands of objects that live as long as the process, as the
        # CLI's do (ipstats/__main__.py): the collector is paused while they are made, and they
        # are set aside (freeze) rather than walked by every later collection and at exit. Only
        # for the first import in a process (a later call imports nothing); the pause alone
        # gained nothing end to end, with the freeze about 8 ms (BENCHMARKS.md, Startup).
        pause = "rich.console" not in sys.modules and gc.isenabled()
        if pause:
            gc.disable()
        try:
            from rich.console import Console

            from ipstats.render import rich_tables
        finally:
            if pause:
                gc.freeze()
                gc.enable()
        # emoji=False and markup=False: a figure's text is shown as written (":cn:" is not a
        # flag, "[b]" is not a style and "[/x]" not an error), and Rich's table of emoji codes
        # is never loaded.
        console = Console(
            no_color=not state_of(ctx).color,
            highlight=False,
            soft_wrap=False,
            emoji=False,
            markup=False,
        )
        shown = list(human if human is not None else tables)
        console.print(rich_tables(shown, console.width, expanded, quiet, whole))
        if chart is not None:
            console.print(chart())
        return
    # Markdown is for people: the tables a terminal shows, not the machine records.
    written = human if chosen is Format.MARKDOWN and human is not None else tables
    write_tables(sys.stdout, written, chosen, sanitize)


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
        typer.Argument(
            metavar="FILE",
            help="Dataset file to check (default: the one in use).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check a dataset file and report every problem found.

    Examples:

    ipstats validate

    ipstats validate data/indicators.yaml

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

    Examples:

    ipstats list indicators --category creation --search patent

    ipstats list indicators --city shenzhen

    """
    from ipstats import resolve
    from ipstats.listing import indicators_table
    from ipstats.query import where

    ds = state_of(ctx).dataset()
    chosen = where(ds, city or (), category=category, search=search, terms=_FLAGS, source=source)
    _said(resolve.notes(ds, city or ()))
    _emit(ctx, [indicators_table(ds, chosen)], fmt, expanded=expanded, quiet=quiet)


@list_app.command("sources")
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

    Examples:

    ipstats list observations --city shanghai --metric pct

    ipstats list observations --search trademark --year 2023 --format csv
    """
    from ipstats import resolve
    from ipstats.listing import observations_table
    from ipstats.query import where

    ds = state_of(ctx).dataset()
    chosen = where(
        ds, city or (), metric, year, year_from, year_to, category, search, _FLAGS, source
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


@app.command()
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


@app.command()
def compare(
    ctx: typer.Context,
    cities: Annotated[
        list[str],
        typer.Argument(
            metavar="CITY...",
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

    Examples:

    ipstats compare shanghai shenzhen --metric pct

    ipstats compare shanghai shenzhen --year 2024 --format csv
    """
    from ipstats import resolve
    from ipstats.compare import compare as side_by_side

    if chart and metric is None:
        raise UsageError("--chart needs --metric: a chart shows one metric")
    ds = state_of(ctx).dataset()
    found, indicator = resolve.cities(ds, cities), resolve.indicator_if_named(ds, metric)
    _said(resolve.notes(ds, cities))
    result = side_by_side(
        ds, found, indicator, year, _FLAGS, year_from, year_to, category, scope, source
    )
    picture = partial(_draw_compare, result) if chart else None
    _emit(ctx, [result.to_table()], fmt, chart=picture, expanded=expanded, quiet=quiet)
    _said(result.notes())


@app.command(short_help="Year-on-year change, span change and CAGR, beside stated growth.")
def growth(
    ctx: typer.Context,
    cities: Annotated[
        list[str],
        typer.Argument(
            metavar="CITY...",
            help="One or more cities.",
            show_default=False,
            autocompletion=complete_city,
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

    Examples:

    ipstats growth shanghai --metric valid_trademarks

    ipstats growth shanghai shenzhen --metric pct --format csv
    """
    from ipstats import resolve
    from ipstats.growth import growth as compute

    ds = state_of(ctx).dataset()
    found, chosen = resolve.cities(ds, cities), resolve.indicators(ds, metric)
    _said(resolve.notes(ds, cities))
    result = compute(ds, found, chosen, year_from, year_to, not no_implied, _FLAGS, scope, source)
    picture = partial(_draw_growth, result) if chart else None
    human = result.series_tables()
    _emit(ctx, [result.to_table()], fmt, chart=picture, human=human, expanded=expanded, quiet=quiet)
    _said(result.notes())


@app.command()
def rank(
    ctx: typer.Context,
    metric: MetricOpt = None,
    year: YearOpt = None,
    kind: Annotated[
        PlaceLevel | None,
        typer.Option(
            "--kind",
            metavar="KIND",
            help="Places to rank: province (provinces and municipalities), region (Hong Kong, "
            "Macau, Taiwan) or city; default: province-level places and regions.",
            show_default=False,
        ),
    ] = None,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            metavar="PLACE",
            help="Only the places inside this one (e.g. guangdong: its cities).",
            show_default=False,
            callback=text_value,
            autocompletion=complete_city,
        ),
    ] = None,
    fmt: FormatOpt = None,
    chart: ChartOpt = False,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Places ordered by a metric, with rank and share of the national (and parent) figure.

    Examples:

    ipstats rank --metric pct --year 2016 --kind city

    ipstats rank --metric valid_invention_patents --within guangdong
    """
    from ipstats import resolve
    from ipstats.rank import rank as order

    if metric is None:
        raise UsageError("rank needs --metric: a ranking orders places by one metric")
    ds = state_of(ctx).dataset()
    place = resolve.city(ds, within) if within is not None else None
    if within is not None:
        _said(resolve.notes(ds, [within]))
    result = order(ds, resolve.indicator(ds, metric), year, kind, place, _FLAGS)
    picture = partial(_draw_rank, result) if chart else None
    view = _rank_view(result)
    _emit(ctx, [result.to_table()], fmt, chart=picture, human=view, expanded=expanded, quiet=quiet)
    _said(result.notes())


def _rank_view(result: Any) -> Iterable[Table]:
    # A generator, so that the renderer (and Rich) is imported only when a terminal shows it.
    from ipstats.render import rank_table

    yield rank_table(result)


def _draw_rank(result: Any) -> Any:
    from ipstats.render import rank_chart  # Rich, only when a chart is drawn

    return rank_chart(result)


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


@app.command(short_help="Export observations with their sources: csv, json, sqlite, ...")
def export(
    ctx: typer.Context,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            parser=_export_format,
            metavar="FORMAT",
            autocompletion=_complete_export_format,
            help=f"Output format: {', '.join(EXPORT)}; default: the one the -o file's "
            "extension says, else csv.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to this file (atomically) instead of stdout; - is stdout.",
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
    bom: Annotated[
        bool,
        typer.Option(
            "--bom",
            help="Begin with a UTF-8 byte-order mark, so that Excel shows Chinese text "
            "(csv, tsv, markdown).",
        ),
    ] = False,
) -> None:
    """Export observations, one row each (or --wide), with their sources.

    Examples:

    ipstats export --format csv -o ipstats.csv

    ipstats export --city shenzhen --format json

    Formats: csv, tsv, json, jsonl, yaml, markdown (to stdout or -o FILE);
    sqlite (-o FILE.db) and datapackage (-o DIRECTORY, a Frictionless Data Package).
    """
    from ipstats.export import chosen_format
    from ipstats.export import export as write
    from ipstats.query import where

    fmt, output = chosen_format(fmt, output, _FLAGS)
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
        bom=bom,
        terms=_FLAGS,
    )
    if written is not None:
        typer.echo(str(written), err=True)


# The values of ipstats.cite.CiteFormat, named here so that no start imports ipstats.cite.
CITE_FORMATS = ("text", "bibtex", "csl-json")


def _cite_format(text: str) -> str:
    if text not in CITE_FORMATS:
        raise typer.BadParameter(f"{text!r} is not one of {', '.join(CITE_FORMATS)}")
    return text


def _complete_cite_format(incomplete: str) -> list[str]:
    return [f for f in CITE_FORMATS if f.startswith(incomplete)]


@app.command()
def cite(
    ctx: typer.Context,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            parser=_cite_format,
            metavar="FORMAT",
            autocompletion=_complete_cite_format,
            help=f"{', '.join(CITE_FORMATS)}: a reference list, BibTeX or CSL-JSON; default: "
            "by the extension of -o (.bib, .json), else text.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to this file (atomically) instead of stdout ('-': stdout).",
            show_default=False,
        ),
    ] = None,
    city: CityOpt = None,
    metric: MetricsOpt = None,
    year: YearsOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    category: CategoryOpt = None,
    source: SourceOpt = None,
) -> None:
    """The sources of the figures export would give, as a reference list, BibTeX or CSL-JSON.

    Examples:

    ipstats cite --city shenzhen

    ipstats cite --metric pct --format bibtex -o ipstats.bib
    """
    from ipstats.cite import cite as write
    from ipstats.query import where

    ds = state_of(ctx).dataset()
    chosen = where(
        ds, city or (), metric, year, year_from, year_to, category, terms=_FLAGS, source=source
    )
    said = write(ds, chosen, fmt, None if output == Path("-") else output, sys.stdout, _FLAGS)
    if said:
        typer.echo(said, err=True)


cache_app = typer.Typer(
    cls=IpstatsGroup,
    help="The cache of datasets already read, which makes queries fast.\n\n"
    "Examples:\n\nipstats cache info\n\nipstats cache clear --stale",
    epilog=EXIT_CODES,
    no_args_is_help=True,
)
app.add_typer(cache_app, name="cache")


@cache_app.command("clear")
def cache_clear(
    stale: Annotated[
        bool,
        typer.Option(
            "--stale",
            help="Remove only the snapshots no ipstats can use: damaged, or for a dataset file "
            "that is gone.",
        ),
    ] = False,
) -> None:
    """Remove every cached dataset; the next query reads its dataset file again.

    Examples:

    ipstats cache clear

    ipstats cache clear --stale
    """
    from ipstats import cache

    where, removed = cache.clear(stale=stale)
    typer.echo(f"removed {removed} cache file{'' if removed == 1 else 's'} from {where}", err=True)


@cache_app.command("info")
def cache_info(
    ctx: typer.Context,
    fmt: FormatOpt = None,
    expanded: ExpandedOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Where the cache is and the datasets it holds.

    Examples:

    ipstats cache info

    ipstats cache info --format json
    """
    from ipstats import cache
    from ipstats.listing import cache_table

    _emit(
        ctx, [cache_table(cache.directory(), cache.entries())], fmt, expanded=expanded, quiet=quiet
    )


def main() -> None:
    """Console-script entry point."""
    app()
