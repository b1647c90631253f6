"""The ipstats command: its root options, and its commands in the order help lists them."""

# Annotations here are objects, not strings (no `from __future__ import annotations`): Typer
# reads every command's annotations several times when it builds the command line, and strings
# would be evaluated each time: that was more than half of the time it took. The command
# modules (ipstats._cli_*) keep them objects for the same reason.
import os
from pathlib import Path
from typing import Annotated

import typer

from ipstats import __version__
from ipstats._cli_analysis import compare, growth, rank
from ipstats._cli_dataset import cache_clear, cache_info, validate
from ipstats._cli_export import cite, export
from ipstats._cli_group import IpstatsGroup, state_of
from ipstats._cli_list import list_cities, list_indicators, list_observations, list_sources, show

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
cache_app = typer.Typer(
    cls=IpstatsGroup,
    help="The cache of datasets already read, which makes queries fast.\n\n"
    "Examples:\n\nipstats cache info\n\nipstats cache clear --stale",
    epilog=EXIT_CODES,
    no_args_is_help=True,
)
app.add_typer(list_app, name="list")
app.add_typer(cache_app, name="cache")


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


# The commands, in the order help lists them.
app.command()(validate)
app.command()(show)
app.command()(compare)
app.command(short_help="Year-on-year change, span change and CAGR, beside stated growth.")(growth)
app.command()(rank)
app.command(short_help="Export observations with their sources: csv, json, sqlite, ...")(export)
app.command()(cite)

list_app.command("cities")(list_cities)
list_app.command("indicators")(list_indicators)
list_app.command("sources")(list_sources)
list_app.command("observations")(list_observations)
cache_app.command("clear")(cache_clear)
cache_app.command("info")(cache_info)


def main() -> None:
    """Console-script entry point."""
    app()
