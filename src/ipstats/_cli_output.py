"""What a command prints: its tables in the format asked for, its charts and its notes."""

# Part of the command line: its command modules import it.
import contextlib
import sys
from collections.abc import Callable, Iterable
from typing import Any

import typer

from ipstats._cli_group import state_of
from ipstats._cli_options import FLAGS as _FLAGS
from ipstats._collector import paused
from ipstats.formats import SCREEN, Format, choose, write_tables
from ipstats.table import Table


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
        # Rich's import makes thousands of objects that live as long as the process, as the
        # CLI's do (ipstats/__main__.py): the collector is paused while they are made, and they
        # are set aside (freeze) rather than walked by every later collection and at exit. Only
        # for the first import in a process (a later call imports nothing); the pause alone
        # gained nothing end to end, with the freeze about 8 ms (BENCHMARKS.md, Startup).
        first = "rich.console" not in sys.modules
        with paused(freeze=True) if first else contextlib.nullcontext():
            from rich.console import Console

            from ipstats.render import rich_tables
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
