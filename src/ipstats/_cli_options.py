"""The options several commands share, defined once, with their completion, checks and names."""

# Part of the command line (only its modules import it). Annotations are objects, not strings,
# as in ipstats.cli: Typer reads them at every start.
from typing import Annotated

import typer

from ipstats.errors import IpstatsError
from ipstats.formats import SCREEN, Format
from ipstats.model import Category
from ipstats.terms import Terms

# What the core's messages call each parameter, as this command line spells it.
FLAGS = Terms(
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

# Shared options, defined once.
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="Output format: "
        + ", ".join(f.value for f in SCREEN)
        + "; default: table on a terminal, tsv in a pipe.",
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


def text_value(
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
        metavar="CITY",
        help="Only this city (repeatable).",
        show_default=False,
        callback=text_value,
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
        metavar="METRIC",
        help=f"{_METRIC_HELP}.",
        show_default=False,
        callback=text_value,
        autocompletion=complete_metric,
    ),
]
MetricsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--metric",
        "-m",
        metavar="METRIC",
        help=f"{_METRIC_HELP}; repeatable.",
        show_default=False,
        callback=text_value,
        autocompletion=complete_metric,
    ),
]
YearOpt = Annotated[
    str | None,
    typer.Option(
        "--year",
        "-y",
        metavar="YEAR",
        help="Only this year.",
        show_default=False,
        callback=text_value,
    ),
]
YearsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--year",
        "-y",
        metavar="YEAR",
        help="Only this year (repeatable).",
        show_default=False,
        callback=text_value,
    ),
]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from", metavar="YEAR", help="First year.", show_default=False, callback=text_value
    ),
]
ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to", metavar="YEAR", help="Last year.", show_default=False, callback=text_value
    ),
]
CategoryOpt = Annotated[
    Category | None,
    typer.Option(
        "--category",
        metavar="CATEGORY",
        help="Only indicators of this category: " + ", ".join(c.value for c in Category) + ".",
        show_default=False,
    ),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        metavar="WORDS",
        help="Words to find, all of them in any order, in indicator ids, names (English or "
        "Chinese), aliases and descriptions (e.g. 'granted patents', 专利).",
        show_default=False,
        callback=text_value,
    ),
]
ScopeOpt = Annotated[
    str | None,
    typer.Option(
        "--scope",
        metavar="TEXT",
        help="Only the metric's figures whose scope contains this text ('whole' for none).",
        show_default=False,
        callback=text_value,
    ),
]
SourceOpt = Annotated[
    str | None,
    typer.Option(
        "--source",
        metavar="SOURCE",
        help="Only the figures of this source (an id from `ipstats list sources`); without "
        "it, where several sources state a figure, the primary one is used.",
        show_default=False,
        callback=text_value,
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
ExpandedOpt = Annotated[
    bool,
    typer.Option(
        "--expanded",
        "-x",
        help="Show each row as a block of lines, one per column (chosen by itself when a "
        "table would not fit the terminal; terminal table output only).",
    ),
]
QuietOpt = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Print the table alone: no notes, sources or legend (terminal)."
    ),
]
