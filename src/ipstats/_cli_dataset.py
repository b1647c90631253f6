"""The commands about the dataset file itself: check it, and the cache of what was read."""

# Part of the command line: ipstats.cli makes these functions its commands. Annotations are
# objects, not strings, as in ipstats.cli: Typer reads them at every start.
import sys
from pathlib import Path
from typing import Annotated

import typer

from ipstats._cli_group import state_of, warn
from ipstats._cli_options import ExpandedOpt, FormatOpt, QuietOpt
from ipstats._cli_output import _emit


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
