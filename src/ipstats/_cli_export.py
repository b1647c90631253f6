"""The commands that write the chosen observations out: export them, cite their sources."""

# Part of the command line: ipstats.cli makes these functions its commands. Annotations are
# objects, not strings, as in ipstats.cli: Typer reads them at every start.
import sys
from pathlib import Path
from typing import Annotated

import typer

from ipstats._cli_group import state_of
from ipstats._cli_options import (
    FLAGS,
    CategoryOpt,
    CityOpt,
    FromOpt,
    MetricsOpt,
    NoSanitizeOpt,
    SourceOpt,
    ToOpt,
    YearsOpt,
)
from ipstats.formats import EXPORT, Format


def _export_format(text: str) -> Format:
    """export's --format: one of the formats export writes, or a usage error listing them."""
    if text not in EXPORT:
        raise typer.BadParameter(f"{text!r} is not one of {', '.join(EXPORT)}")
    return Format(text)


def _complete_export_format(incomplete: str) -> list[str]:
    return [f.value for f in EXPORT if f.value.startswith(incomplete)]


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

    fmt, output = chosen_format(fmt, output, FLAGS)
    ds = state_of(ctx).dataset()
    chosen = where(
        ds, city or (), metric, year, year_from, year_to, category, terms=FLAGS, source=source
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
        terms=FLAGS,
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
        ds, city or (), metric, year, year_from, year_to, category, terms=FLAGS, source=source
    )
    said = write(ds, chosen, fmt, None if output == Path("-") else output, sys.stdout, FLAGS)
    if said:
        typer.echo(said, err=True)
