"""The commands that compute with figures: places side by side, their growth, a ranking."""

# Part of the command line: ipstats.cli makes these functions its commands. Annotations are
# objects, not strings, as in ipstats.cli: Typer reads them at every start.
from functools import partial
from typing import Annotated

import typer

from ipstats._cli_group import state_of
from ipstats._cli_options import (
    FLAGS,
    CategoryOpt,
    ChartOpt,
    ExpandedOpt,
    FormatOpt,
    FromOpt,
    MetricOpt,
    MetricsOpt,
    QuietOpt,
    ScopeOpt,
    SourceOpt,
    ToOpt,
    YearOpt,
    complete_city,
    text_value,
)
from ipstats._cli_output import _draw_compare, _draw_growth, _draw_rank, _emit, _rank_view, _said
from ipstats.errors import UsageError
from ipstats.model import PlaceLevel


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
        ds, found, indicator, year, FLAGS, year_from, year_to, category, scope, source
    )
    picture = partial(_draw_compare, result) if chart else None
    _emit(ctx, [result.to_table()], fmt, chart=picture, expanded=expanded, quiet=quiet)
    _said(result.notes())


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
    result = compute(ds, found, chosen, year_from, year_to, not no_implied, FLAGS, scope, source)
    picture = partial(_draw_growth, result) if chart else None
    human = result.series_tables()
    _emit(ctx, [result.to_table()], fmt, chart=picture, human=human, expanded=expanded, quiet=quiet)
    _said(result.notes())


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
    result = order(ds, resolve.indicator(ds, metric), year, kind, place, FLAGS)
    picture = partial(_draw_rank, result) if chart else None
    view = _rank_view(result)
    _emit(ctx, [result.to_table()], fmt, chart=picture, human=view, expanded=expanded, quiet=quiet)
    _said(result.notes())
