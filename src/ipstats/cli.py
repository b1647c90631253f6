"""The command line: resolve names, call the core, render the result. Nothing else lives here."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from ipstats import __version__, _typer_params
from ipstats.errors import DatasetError, ExitStatus, IpstatsError, UsageError
from ipstats.formats import Format, serialise
from ipstats.model import Category, Dataset
from ipstats.table import Table

EXIT_CODES = "Exit codes: 0 ok; 1 no data for the query, or an invalid dataset; 2 usage error."


class IpstatsGroup(typer.core.TyperGroup):
    """Runs every command through one place that turns errors into a single `Error:` line."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        debug = "--debug" in (sys.argv[1:] if args is None else list(args))
        try:
            code = super().main(
                args=args,
                prog_name=prog_name or "ipstats",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except IpstatsError as exc:
            if debug:
                raise
            _error(str(exc))
            code = exc.exit_status
        except typer.TyperException as exc:  # Typer's own usage and parameter errors
            code = _typer_error(exc)
        except BrokenPipeError:
            # The reader went away (`ipstats export | head -1`): stop quietly, as Python's
            # signal documentation advises, pointing stdout at devnull so the final flush is silent.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            code = ExitStatus.ERROR
        except (KeyboardInterrupt, typer.Abort):
            typer.echo("", err=True)
            code = ExitStatus.INTERRUPTED
        except Exception as exc:  # a bug in ipstats: still one line, unless asked for more
            if debug:
                raise
            _error(
                f"unexpected {type(exc).__name__}: {exc} (this is a bug in ipstats; rerun with --debug for details)"
            )
            code = ExitStatus.ERROR
        code = int(code or 0) if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


def _error(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)


def _typer_error(exc: typer.TyperException) -> int:
    ctx = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
        typer.echo(ctx.get_help(), err=True)
        return ExitStatus.USAGE
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    _error(exc.format_message() + hint)
    return exc.exit_code


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
    help="List cities, indicators, sources or observations.\n\nExample: ipstats list observations --city shanghai --metric pct",
    epilog=EXIT_CODES,
    no_args_is_help=True,
)
app.add_typer(list_app, name="list")


@dataclass
class State:
    data: Path | None = None
    color: bool = True
    use_cache: bool = True
    _dataset: Dataset | None = None

    def dataset(self) -> Dataset:
        if self._dataset is None:
            from ipstats.datafile import load, on_terminal

            loaded = load(self.data, self.use_cache, on_terminal(sys.stderr))
            _notes(loaded.notes)
            self._dataset = loaded.dataset
        return self._dataset


def _notes(notes: Iterable[str]) -> None:
    for note in notes:
        typer.echo(f"warning: {note}", err=True)


def _state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        root.obj = State()
    return root.obj


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
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for errors.")] = False,
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
    state = _state(ctx)
    state.data = data
    state.use_cache = not no_cache
    state.color = not (no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb")


# Shared options, defined once.
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format; default: table on a terminal, tsv in a pipe.",
        show_default=False,
    ),
]


def _complete(kind: str, incomplete: str) -> list[str]:
    """Names from the dataset in use for shell completion; nothing if it cannot be read."""
    from ipstats.datafile import load

    try:
        ds = load().dataset
    except IpstatsError:
        return []
    if kind == "city":
        names = [n for c in ds.cities for n in (c.id, *c.aliases)]
    else:
        names = [n for i in ds.indicators for n in i.names]
    folded = incomplete.casefold()
    return sorted({n for n in names if n.casefold().startswith(folded)})


def complete_city(incomplete: str) -> list[str]:
    return _complete("city", incomplete)


def complete_metric(incomplete: str) -> list[str]:
    return _complete("metric", incomplete)


CityOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--city",
        "-c",
        help="Only this city (repeatable).",
        show_default=False,
        autocompletion=complete_city,
    ),
]
MetricOpt = Annotated[
    str | None,
    typer.Option(
        "--metric",
        "-m",
        help="Indicator id, alias or unique prefix (e.g. pct).",
        show_default=False,
        autocompletion=complete_metric,
    ),
]
YearOpt = Annotated[
    str | None, typer.Option("--year", "-y", help="Only this year.", show_default=False)
]
FromOpt = Annotated[str | None, typer.Option("--from", help="First year.", show_default=False)]
ToOpt = Annotated[str | None, typer.Option("--to", help="Last year.", show_default=False)]
CategoryOpt = Annotated[
    Category | None,
    typer.Option("--category", help="Only indicators of this category.", show_default=False),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        help="Text to find in indicator names, aliases and descriptions.",
        show_default=False,
    ),
]
ChartOpt = Annotated[
    bool, typer.Option("--chart", help="Also draw a bar chart (terminal table output only).")
]
NoSanitizeOpt = Annotated[
    bool,
    typer.Option(
        "--no-sanitize", help="Keep text cells starting with = + - @ as they are (CSV/TSV)."
    ),
]


def _year(text: str | None, option: str) -> int | None:
    """A year option: whole digits in a plausible range, or a usage error saying so."""
    from ipstats.model import YEAR_RANGE
    from ipstats.resolve import quote_input

    if text is None:
        return None
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise UsageError(f"{option} {quote_input(text)} is not a year; give one such as 2024")
    # Compare digits before converting: int() refuses numerals of thousands of digits.
    if len(cleaned.lstrip("0")) > 4 or int(cleaned) not in YEAR_RANGE:
        shown = cleaned if len(cleaned) <= 12 else cleaned[:9] + "..."
        raise UsageError(
            f"{option} {shown} is not a plausible year ({YEAR_RANGE.start}-{YEAR_RANGE.stop - 1})"
        )
    return int(cleaned)


def _filter(
    ds: Dataset,
    cities: list[str] | None = None,
    metric: str | None = None,
    year_text: str | None = None,
    from_text: str | None = None,
    to_text: str | None = None,
    category: Category | None = None,
    search: str | None = None,
) -> Any:
    from ipstats import resolve
    from ipstats.query import Filter

    year, year_from, year_to = (
        _year(year_text, "--year"),
        _year(from_text, "--from"),
        _year(to_text, "--to"),
    )
    if year is not None and (year_from is not None or year_to is not None):
        raise UsageError("--year cannot be combined with --from/--to")
    return Filter(
        cities=tuple(c.id for c in resolve.cities(ds, cities or [])),
        indicators=(resolve.indicator(ds, metric).id,) if metric is not None else (),
        year_from=year if year is not None else year_from,
        year_to=year if year is not None else year_to,
        category=category,
        search=search or "",
    )


def _is_terminal() -> bool:
    """Whether stdout is a terminal (people) rather than a pipe or file (programs)."""
    return sys.stdout.isatty()


def _emit(
    ctx: typer.Context,
    tables: Iterable[Table],
    fmt: Format | None,
    sanitize: bool = True,
    chart: Callable[[], Any] | None = None,
    human: Iterable[Table] | None = None,
) -> None:
    """Print tables: Rich on a terminal, TSV in a pipe, or the format asked for.

    ``chart`` draws a picture of the result and ``human`` replaces ``tables``; both apply only
    to table output.
    """
    chosen = fmt or (Format.TABLE if _is_terminal() else Format.TSV)
    if chosen is Format.TABLE:
        from rich.console import Console

        from ipstats.render import rich_table

        console = Console(no_color=not _state(ctx).color, highlight=False, soft_wrap=False)
        for table in human if human is not None else tables:
            console.print(rich_table(table))
        if chart is not None:
            console.print(chart())
        return
    out = sys.stdout
    for index, table in enumerate(tables):
        if index and chosen in (Format.TSV, Format.CSV, Format.MARKDOWN):
            out.write("\n")
        for chunk in serialise(table, chosen, sanitize=sanitize):
            out.write(chunk)
    out.flush()


def _label(path: Path) -> str:
    """How to name a dataset file in a message: the shipped one by that name, others by path."""
    from ipstats.datafile import default_path

    return "shipped dataset" if path == default_path() else str(path)


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
    from ipstats.datafile import choose_path, load, on_terminal

    chosen = path or choose_path(_state(ctx).data)
    try:
        loaded = load(chosen, _state(ctx).use_cache, on_terminal(sys.stderr))
    except DatasetError as exc:
        for problem in exc.problems:
            label = "warning" if problem.warning else "error"
            typer.echo(f"{label}: {problem.describe(exc.filename)}", err=True)
        count = len(exc.errors)
        typer.echo(
            f"Error: {chosen} is not a valid dataset ({count} problem{'s' if count != 1 else ''})",
            err=True,
        )
        raise typer.Exit(ExitStatus.ERROR) from None
    ds = loaded.dataset
    _notes(loaded.notes)
    for problem in loaded.warnings:
        typer.echo(f"warning: {problem.describe(str(loaded.path))}", err=True)
    typer.echo(
        f"{_label(loaded.path)}: valid: {len(ds.sources)} sources, {len(ds.cities)} cities, "
        f"{len(ds.indicators)} indicators, {len(ds.observations)} observations"
        + (f", {len(loaded.warnings)} warnings" if loaded.warnings else "")
    )


@list_app.command("cities")
def list_cities(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """List the cities (and countries, clusters) with their names and aliases.

    Example: ipstats list cities
    """
    from ipstats.query import cities_table

    _emit(ctx, [cities_table(_state(ctx).dataset())], fmt)


@list_app.command("indicators")
def list_indicators(
    ctx: typer.Context,
    city: CityOpt = None,
    category: CategoryOpt = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """List indicators with their aliases, units and measures.

    Example: ipstats list indicators --category creation --search patent
    """
    from ipstats.query import indicators_table

    ds = _state(ctx).dataset()
    _emit(ctx, [indicators_table(ds, _filter(ds, city, category=category, search=search))], fmt)


@list_app.command("sources")
def list_sources(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """List the source documents every figure comes from.

    Example: ipstats list sources
    """
    from ipstats.query import sources_table

    _emit(ctx, [sources_table(_state(ctx).dataset())], fmt)


@list_app.command("observations")
def list_observations(
    ctx: typer.Context,
    city: CityOpt = None,
    metric: MetricOpt = None,
    year: YearOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    category: CategoryOpt = None,
    search: SearchOpt = None,
    fmt: FormatOpt = None,
    no_sanitize: NoSanitizeOpt = False,
) -> None:
    """List observations with value, unit, qualifier, period and source.

    Example: ipstats list observations --city shanghai --metric pct
    """
    from ipstats.query import observations_table

    ds = _state(ctx).dataset()
    _emit(
        ctx,
        [
            observations_table(
                ds, _filter(ds, city, metric, year, year_from, year_to, category, search)
            )
        ],
        fmt,
        not no_sanitize,
    )


@app.command()
def show(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="An indicator (id, alias, prefix) or a city (id, name, alias).")
    ],
    fmt: FormatOpt = None,
) -> None:
    """Everything about one indicator or one city.

    Example: ipstats show pct
    """
    from ipstats import resolve
    from ipstats.query import city_detail, indicator_detail

    ds = _state(ctx).dataset()
    try:
        tables = city_detail(ds, resolve.city(ds, name))
    except UsageError as city_error:
        try:
            tables = indicator_detail(ds, resolve.indicator(ds, name))
        except UsageError as metric_error:
            raise UsageError(
                f"{metric_error} / {city_error}".replace(
                    "unknown metric", "no indicator or city named", 1
                )
            ) from None
    _emit(ctx, tables, fmt)


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
    fmt: FormatOpt = None,
    chart: ChartOpt = False,
) -> None:
    """Compare cities side by side, with difference and ratio.

    Example: ipstats compare shanghai shenzhen --metric pct
    """
    from ipstats import resolve
    from ipstats.compare import compare_all, compare_metric

    ds = _state(ctx).dataset()
    if len(cities) < 2:
        raise UsageError(
            "compare needs at least two cities, e.g. `ipstats compare shanghai shenzhen --metric pct`"
        )
    found = resolve.cities(ds, cities)
    pinned = _year(year, "--year")
    if metric is None:
        result = compare_all(ds, found, pinned)
    else:
        result = compare_metric(ds, found, resolve.indicator(ds, metric), pinned)
    picture = None
    if chart:
        if result.metric is None:
            raise UsageError("--chart needs --metric: a chart shows one metric")
        from ipstats.render import compare_chart

        picture = lambda: compare_chart(result)  # noqa: E731
    _emit(ctx, [result.to_table()], fmt, chart=picture)


@app.command()
def growth(
    ctx: typer.Context,
    cities: Annotated[
        list[str],
        typer.Argument(
            help="One or more cities.", show_default=False, autocompletion=complete_city
        ),
    ],
    metric: MetricOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    no_implied: Annotated[
        bool, typer.Option("--no-implied", help="Hide values implied by a stated growth rate.")
    ] = False,
    fmt: FormatOpt = None,
    chart: ChartOpt = False,
) -> None:
    """Year-on-year change, span change and CAGR, beside the growth the sources state.

    Example: ipstats growth shanghai --metric valid_trademarks
    """
    from ipstats import resolve
    from ipstats.growth import growth as compute

    ds = _state(ctx).dataset()
    where = _filter(ds, cities, metric, None, year_from, year_to)
    found = tuple(ds.city(c) for c in where.cities)
    indicator = ds.indicator(where.indicators[0]) if where.indicators else None
    result = compute(ds, found, indicator, where.year_from, where.year_to, implied=not no_implied)
    del resolve
    picture = None
    if chart:
        from ipstats.render import growth_charts

        picture = lambda: growth_charts(result)  # noqa: E731
    _emit(ctx, [result.to_table()], fmt, chart=picture, human=result.series_tables())


class ExportFormat(StrEnum):
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    YAML = "yaml"
    MARKDOWN = "markdown"
    SQLITE = "sqlite"
    DATAPACKAGE = "datapackage"


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ExportFormat.CSV,
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
    metric: MetricOpt = None,
    year: YearOpt = None,
    year_from: FromOpt = None,
    year_to: ToOpt = None,
    category: CategoryOpt = None,
    no_sanitize: NoSanitizeOpt = False,
) -> None:
    """Export observations, one row each (or --wide), with their sources.

    Example: ipstats export --format csv -o ipstats.csv

    Formats: csv, tsv, json, jsonl, yaml, markdown (to stdout or -o FILE);
    sqlite (-o FILE.db) and datapackage (-o DIRECTORY, a Frictionless Data Package).
    """
    from ipstats.export import long_table, wide_table, write_chunks
    from ipstats.query import require, select

    ds = _state(ctx).dataset()
    where = _filter(ds, city, metric, year, year_from, year_to, category)
    if fmt in (ExportFormat.SQLITE, ExportFormat.DATAPACKAGE):
        if output is None:
            kind = "FILE" if fmt is ExportFormat.SQLITE else "DIRECTORY"
            raise UsageError(f"--format {fmt.value} writes files: give -o {kind}")
        if wide:
            raise UsageError(f"--wide does not apply to --format {fmt.value}")
        chosen = select(ds, where)
        require(chosen, "observations match these filters", ds, where)
        if fmt is ExportFormat.SQLITE:
            from ipstats.sqlite_export import write_sqlite

            count = write_sqlite(ds, output, chosen)
        else:
            from ipstats.datapackage import write_datapackage

            count = write_datapackage(ds, output, chosen)
        typer.echo(f"wrote {count} observations to {output}", err=True)
        return
    table = wide_table(ds, where) if wide else long_table(ds, where)
    chunks = serialise(table, Format(fmt.value), sanitize=not no_sanitize)
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    write_chunks(output, chunks)
    typer.echo(f"wrote {len(table.rows)} rows to {output}", err=True)


cache_app = typer.Typer(
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
def cache_info(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """Where the cache is and the datasets it holds.

    Example: ipstats cache info
    """
    from ipstats import cache
    from ipstats.query import cache_table

    _emit(ctx, [cache_table(cache.directory(), cache.entries())], fmt)


_typer_params.install()


def main() -> None:
    """Console-script entry point."""
    app()
