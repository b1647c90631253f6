"""The command line: resolve names, call the core, render the result. Nothing else lives here."""

# Annotations here are objects, not strings (no `from __future__ import annotations`): Typer
# reads every command's annotations several times when it builds the command line, and strings
# would be evaluated each time: that was more than half of the time it took.
import codecs
import errno
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core

from ipstats import __version__
from ipstats.errors import ExitStatus, IpstatsError, UsageError
from ipstats.formats import EXPORT, SCREEN, Format, choose, write_tables
from ipstats.model import Category, Dataset
from ipstats.table import Table
from ipstats.terms import Terms

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
        # The root context's object: the root options (--debug among them) land in it as they
        # are parsed, so it still says what was asked for once the context is gone.
        state = extra.get("obj")
        if not isinstance(state, State):
            state = extra["obj"] = State()
        try:
            code = super().main(
                args=args,
                prog_name=prog_name or "ipstats",
                complete_var=complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            # Output still buffered would otherwise be written at the interpreter's exit, where
            # a failure to write it is reported as an ignored exception and exit status 120.
            if sys.stdout is not None:
                sys.stdout.flush()
        except IpstatsError as exc:
            if state.debug:
                raise
            _error(str(exc))
            code = exc.exit_status
        except typer.TyperException as exc:  # Typer's own usage and parameter errors
            code = _typer_error(exc)
        except BrokenPipeError:
            # The reader went away (`ipstats export | head -1`): stop quietly, as Python's
            # signal documentation advises, pointing stdout at devnull so the final flush is silent.
            _discard_stdout()
            code = ExitStatus.ERROR
        except (KeyboardInterrupt, typer.Abort):
            typer.echo("", err=True)
            code = ExitStatus.INTERRUPTED
        except Exception as exc:
            unwritable = _stdout_failure(exc)
            if unwritable is not None:
                _error(unwritable)
                _finish_stdout()
                code = ExitStatus.ERROR
            else:  # a bug in ipstats: still one line, unless asked for more
                if state.debug:
                    raise
                _error(
                    f"unexpected {type(exc).__name__}: {exc} (this is a bug in ipstats; rerun with --debug for details)"
                )
                code = ExitStatus.ERROR
        code = int(code or 0) if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, typer.core.TyperCommand) and not ctx.resilient_parsing:
            _refuse_repeated(command.get_params(ctx), rest)
        return name, command, rest


def _refuse_repeated(parameters: Iterable[Any], args: Sequence[str]) -> None:
    """A usage error for an option that takes one value given more than once: the parser would
    keep the last one without a word, and the answer would not be what was asked."""
    options = [p for p in parameters if isinstance(p, typer.core.TyperOption)]
    by_flag = {flag: o for o in options for flag in o.opts if not (o.is_flag or o.count)}
    given: dict[str, list[str]] = {}
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            break
        long = token.startswith("--")
        flag, _, attached = token.partition("=") if long else (token[:2], "", token[2:])
        option = by_flag.get(flag)
        if option is None:
            continue
        value = attached if attached or "=" in token else next(tokens, "")
        if not option.multiple:
            given.setdefault(max(option.opts, key=len), []).append(value)
    for flag, values in given.items():
        if len(values) > 1:
            raise UsageError(f"{flag} takes one value, got {len(values)}: {', '.join(values)}")


# What writing to a file descriptor fails with when the file cannot take the output (a full
# disk or quota, a size limit, a device error, a closed or non-blocking descriptor). Such an
# error without a file name reaching the top can only come from standard output: ipstats's
# own files (-o, the cache) report their failures by name.
_WRITE_ERRNOS = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EBADF", "EAGAIN", "ENXIO")
    if hasattr(errno, name)
)


def _stdout_failure(exc: Exception) -> str | None:
    """Why standard output could not be written, if that is what ``exc`` says; else None."""
    if sys.stdout is None:  # started with it closed (`>&-`): Python has no stream to write to
        return (
            "cannot write to standard output: it is closed"
            if isinstance(exc, AttributeError)
            else None
        )
    if isinstance(exc, UnicodeEncodeError):
        encoding = getattr(sys.stdout, "encoding", None) or ""
        if _codec(encoding) is not None and _codec(encoding) == _codec(exc.encoding):
            char = exc.object[exc.start : exc.end][:1]
            return (
                f"cannot write to standard output: its encoding {encoding} cannot represent "
                f"{char!r} (set PYTHONIOENCODING=utf-8)"
            )
        return None
    if isinstance(exc, OSError) and exc.filename is None and exc.errno in _WRITE_ERRNOS:
        return f"cannot write to standard output: {exc.strerror or exc}"
    return None


def _codec(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def _finish_stdout() -> None:
    """Write what standard output still holds, or drop it if that fails again."""
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        _discard_stdout()


def _discard_stdout() -> None:
    """Point standard output at devnull, so that the interpreter's final flush stays silent."""
    if sys.stdout is None:
        return
    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError):  # not a file (a test's capture): nothing is flushed at exit
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


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
    cls=IpstatsGroup,
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
    debug: bool = False
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


def _debug(ctx: typer.Context, value: bool) -> bool:
    # Parsed first (eager), so that an error in any later option already knows it was asked for.
    _state(ctx).debug = value
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
        names = [n for i in ds.indicators for n in (*i.names, i.name_zh) if n]
    folded = incomplete.casefold()
    return sorted({n for n in names if n.casefold().startswith(folded)})


def complete_city(incomplete: str) -> list[str]:
    return _complete("city", incomplete)


def complete_metric(incomplete: str) -> list[str]:
    return _complete("metric", incomplete)


def _text_value(
    ctx: typer.Context, param: typer.CallbackParam, value: str | list[str] | None
) -> str | list[str] | None:
    """A text option's value, refused when it is another option: `--search --debug` forgot the text."""
    for text in [value] if isinstance(value, str) else value or ():
        name = text.partition("=")[0]
        if name.startswith("-") and _is_option(ctx, name):
            raise typer.BadParameter(f"expected a value, got the option {text!r}")
    return value


def _is_option(ctx: typer.Context, name: str) -> bool:
    """Whether ``name`` is an option of this command or of ipstats itself (--debug, --data, ...)."""
    return any(
        name in (*parameter.opts, *parameter.secondary_opts)
        for context in (ctx, ctx.find_root())
        for parameter in context.command.get_params(context)
    )


CityOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--city",
        "-c",
        help="Only this city (repeatable).",
        show_default=False,
        callback=_text_value,
        autocompletion=complete_city,
    ),
]
# An option that takes one value is refused when given twice (`_refuse_repeated`); those that
# can take several are lists.
_METRIC_HELP = 'Indicator id, alias, unique prefix, or English or Chinese name (e.g. pct, "valid trademarks", 有效商标)'
MetricOpt = Annotated[
    str | None,
    typer.Option(
        "--metric",
        "-m",
        help=f"{_METRIC_HELP}.",
        show_default=False,
        callback=_text_value,
        autocompletion=complete_metric,
    ),
]
MetricsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--metric",
        "-m",
        help=f"{_METRIC_HELP}; repeatable.",
        show_default=False,
        callback=_text_value,
        autocompletion=complete_metric,
    ),
]
YearOpt = Annotated[
    str | None,
    typer.Option("--year", "-y", help="Only this year.", show_default=False, callback=_text_value),
]
YearsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--year",
        "-y",
        help="Only this year (repeatable).",
        show_default=False,
        callback=_text_value,
    ),
]
FromOpt = Annotated[
    str | None,
    typer.Option("--from", help="First year.", show_default=False, callback=_text_value),
]
ToOpt = Annotated[
    str | None, typer.Option("--to", help="Last year.", show_default=False, callback=_text_value)
]
CategoryOpt = Annotated[
    Category | None,
    typer.Option("--category", help="Only indicators of this category.", show_default=False),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        help="Words to find, all of them in any order, in indicator ids, names (English or "
        "Chinese), aliases and descriptions (e.g. 'granted patents', 专利).",
        show_default=False,
        callback=_text_value,
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
) -> None:
    """Print tables: Rich on a terminal, TSV in a pipe, or the format asked for.

    ``chart`` draws a picture of the result and ``human`` replaces ``tables``; both apply only
    to table output.
    """
    chosen = _screen_format(fmt)
    if chosen is Format.TABLE:
        from rich.console import Console

        from ipstats.render import rich_table

        console = Console(no_color=not _state(ctx).color, highlight=False, soft_wrap=False)
        for table in human if human is not None else tables:
            console.print(rich_table(table))
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

    state = _state(ctx)
    chosen = path or choose_path(state.data)
    report = check(chosen, use_cache=state.use_cache, progress=on_terminal(sys.stderr))
    _notes(report.notes)
    for line in report.problem_lines():
        typer.echo(line, err=True)
    report.raise_if_invalid()
    typer.echo(report.summary())


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
    """List indicators with their names in English and Chinese, aliases, units and measures
    (with --city, those the places have data for).

    Example: ipstats list indicators --category creation --search patent
    """
    from ipstats.query import indicators_table, where

    ds = _state(ctx).dataset()
    chosen = where(ds, city or (), category=category, search=search, terms=_FLAGS)
    _emit(ctx, [indicators_table(ds, chosen)], fmt)


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
    metric: MetricsOpt = None,
    year: YearsOpt = None,
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
    from ipstats.query import observations_table, where

    ds = _state(ctx).dataset()
    chosen = where(ds, city or (), metric, year, year_from, year_to, category, search, _FLAGS)
    _emit(ctx, [observations_table(ds, chosen)], fmt, not no_sanitize)


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
    fmt: FormatOpt = None,
) -> None:
    """Everything about one indicator or one city.

    Example: ipstats show pct
    """
    from ipstats.query import show as details

    _emit(ctx, details(_state(ctx).dataset(), name), fmt)


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
    scope: Annotated[
        str | None,
        typer.Option(
            "--scope",
            help="Only the metric's figures whose scope contains this text ('whole' for none).",
            show_default=False,
            callback=_text_value,
        ),
    ] = None,
    fmt: FormatOpt = None,
    chart: ChartOpt = False,
) -> None:
    """Compare cities side by side, with difference and ratio.

    Example: ipstats compare shanghai shenzhen --metric pct
    """
    from ipstats import resolve
    from ipstats.compare import compare as side_by_side

    if chart and metric is None:
        raise UsageError("--chart needs --metric: a chart shows one metric")
    ds = _state(ctx).dataset()
    found, indicator = resolve.cities(ds, cities), resolve.indicator_if_named(ds, metric)
    result = side_by_side(ds, found, indicator, year, _FLAGS, year_from, year_to, category, scope)
    _emit(ctx, [result.to_table()], fmt, chart=partial(_draw_compare, result) if chart else None)
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
    scope: Annotated[
        str | None,
        typer.Option(
            "--scope",
            help="Only the metric's figures whose scope contains this text ('whole' for none).",
            show_default=False,
            callback=_text_value,
        ),
    ] = None,
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
    found, chosen = resolve.cities(ds, cities), resolve.indicators(ds, metric)
    result = compute(ds, found, chosen, year_from, year_to, not no_implied, _FLAGS, scope)
    picture = partial(_draw_growth, result) if chart else None
    _emit(ctx, [result.to_table()], fmt, chart=picture, human=result.series_tables())
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
    no_sanitize: NoSanitizeOpt = False,
) -> None:
    """Export observations, one row each (or --wide), with their sources.

    Example: ipstats export --format csv -o ipstats.csv

    Formats: csv, tsv, json, jsonl, yaml, markdown (to stdout or -o FILE);
    sqlite (-o FILE.db) and datapackage (-o DIRECTORY, a Frictionless Data Package).
    """
    from ipstats.export import export as write
    from ipstats.query import where

    ds = _state(ctx).dataset()
    chosen = where(ds, city or (), metric, year, year_from, year_to, category, terms=_FLAGS)
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
def cache_info(ctx: typer.Context, fmt: FormatOpt = None) -> None:
    """Where the cache is and the datasets it holds.

    Example: ipstats cache info
    """
    from ipstats import cache
    from ipstats.query import cache_table

    _emit(ctx, [cache_table(cache.directory(), cache.entries())], fmt)


def main() -> None:
    """Console-script entry point."""
    app()
