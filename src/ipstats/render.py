"""Human rendering: Rich tables with thousands separators, qualifiers, units, sources and notes."""

from __future__ import annotations

import math
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from ipstats.model import Qualifier
from ipstats.table import Column, Kind, Table, places_text


def format_number(value: float | int) -> str:
    """17930 -> '17,930'; 50.2 -> '50.2'; 2.5e9 -> '2,500,000,000'."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer():
            return f"{int(value):,}"
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return f"{value:,}"


def format_cell(column: Column, record: dict[str, Any]) -> str:
    value = record.get(column.key)
    if value is None:
        return ""
    if column.kind is Kind.INTEGER:
        return str(value)
    if column.kind is Kind.VALUE and isinstance(value, int | float):
        prefix = ""
        if column.qualifier_key and record.get(column.qualifier_key):
            prefix = Qualifier(record[column.qualifier_key]).symbol
        return prefix + format_number(value)
    if column.kind in _COMPUTED and isinstance(value, int | float):
        return _computed(column, record, value)
    if column.kind is Kind.REPORTED and isinstance(value, int | float):
        prefix = (
            Qualifier(record[column.qualifier_key]).symbol
            if record.get(column.qualifier_key)
            else ""
        )
        suffix = "%" if record.get(column.unit_key) == "percent" else ""
        return f"{prefix}{value:+g}{suffix}"
    return str(value)


_COMPUTED = frozenset({Kind.CHANGE, Kind.PERCENT, Kind.RATIO})
# How a change counted in places is said: compare counts places ahead, growth places up.
_PLACES = {"places ahead": ("ahead", "behind"), "places up": ("up", "down")}


def _computed(column: Column, record: dict[str, Any], value: float | int) -> str:
    """A computed value: a rank difference in words, else the number after its qualifier
    ('< -9,478': a bound carried through the arithmetic)."""
    unit = record.get(column.unit_key) if column.unit_key else None
    if column.kind is Kind.CHANGE and unit in _PLACES:
        ahead, behind = _PLACES[unit]
        shown = places_text(value, ahead, behind)
    elif column.kind is Kind.CHANGE:
        shown = ("+" if value > 0 else "") + format_number(value)
    elif column.kind is Kind.PERCENT:
        shown = f"{value:+.2f}%"
    else:
        shown = f"{value:.3f}"
    qualifier = record.get(column.qualifier_key) if column.qualifier_key else None
    symbol = Qualifier(qualifier).symbol if qualifier else ""
    return f"{symbol} {shown}" if symbol else shown


_RIGHT = frozenset({Kind.INTEGER, Kind.VALUE, Kind.CHANGE, Kind.PERCENT, Kind.RATIO, Kind.REPORTED})


_IDENTIFIERS = frozenset({"id", "city", "indicator", "source", "unit", "qualifier", "kind"})


def _is_identifier(key: str) -> bool:
    """Ids and codes are never broken across lines: people copy them into commands."""
    return key in _IDENTIFIERS or key.endswith("_source")


def rich_table(table: Table) -> RenderableType:
    """A Rich table for a terminal, its caption holding footnotes and sources."""
    shown = [c for c in table.columns if c.key not in table.hidden]
    records = table.records()
    # Columns that are blank in every row only add noise on a terminal.
    shown = [c for c in shown if any(r.get(c.key) not in (None, "") for r in records)] or shown
    # The title is a line of its own, not the table's: a narrow table would break it (and the
    # ids in it) across lines to its own width.
    out = RichTable(box=box.SIMPLE_HEAVY, show_lines=False)
    for column in shown:
        out.add_column(
            column.header, justify="right" if column.kind in _RIGHT else "left", overflow="fold"
        )
    for record in records:
        out.add_row(*(format_cell(c, record) for c in shown))
    parts: list[RenderableType] = [Text(table.title, style="italic"), out]
    lines = [*table.footnotes]
    if table.sources:
        lines.append("Sources:")
        lines.extend(f"  {s}" for s in table.sources)
    if any(c.qualifier_key for c in shown) and any(
        r.get(c.qualifier_key) not in (None, "exact")
        for r in records
        for c in shown
        if c.qualifier_key
    ):
        lines.insert(0, "> more than, >= at least, ~ about, <~ nearly, < less than, <= at most")
    if lines:
        parts.append(Text("\n".join(lines), style="dim"))
    return Group(*parts)


# Charts: terminal-only pictures of compare and growth results.

_FULL, _IMPLIED, _BOUND = "█", "░", "▒"
CHART_WIDTH = 40


def _bar_lines(
    bars: list[tuple[str, float, str, str]], width: int = CHART_WIDTH, rank: bool = False
) -> Text:
    """Horizontal bars scaled to the largest value: (label, value, style, shown value).

    For ranks a better (smaller) rank draws a longer bar: rank 1 is the longest.
    """
    text = Text()
    if not bars:
        return text
    if rank:
        worst = max(value for _, value, _, _ in bars)
        bars = [(label, worst + 1 - value, style, shown) for label, value, style, shown in bars]
    top = max(abs(value) for _, value, _, _ in bars) or 1.0
    label_width = max(len(label) for label, _, _, _ in bars)
    for label, value, style, shown in bars:
        length = max(1, round(abs(value) / top * width)) if value else 0
        glyph = {"implied": _IMPLIED, "bound": _BOUND}.get(style, _FULL)
        text.append(f"{label:<{label_width}} ")
        text.append(glyph * length, style={"implied": "dim", "bound": "yellow"}.get(style, "cyan"))
        text.append(f" {shown}\n")
    return text


_LEGEND = f"{_FULL} observed  {_BOUND} bound or approximation  {_IMPLIED} implied"


def compare_chart(comparison: Any) -> RenderableType:
    """One bar per city and series for the metric, in the latest year the cities share (or the
    latest year shown): a city with several series that year gets a bar for each, named."""
    from ipstats.query import series_label

    rows = comparison.rows
    shared = [r for r in rows if all(v is not None for v in r.values)]
    year = (shared or rows)[-1].year
    chosen = [r for r in (shared or rows) if r.year == year]
    bars = []
    for row in chosen:
        for city, observation in zip(comparison.cities, row.values, strict=True):
            if observation is None:
                continue
            style = "full" if observation.qualifier.is_exact else "bound"
            shown = observation.qualifier.symbol + format_number(observation.value)
            label = series_label(observation) if row.several else ""
            name = f"{city.name} ({label})" if label else city.name
            bars.append((name, float(observation.value), style, shown))
    indicator = chosen[-1].indicator
    title = Text(f"{indicator.name}, {year} ({indicator.unit.label})\n", style="bold")
    lines = _bar_lines(bars, rank=indicator.unit.value == "rank")
    return Group(title, lines, Text(_LEGEND, style="dim"))


def growth_charts(result: Any) -> RenderableType:
    """One chart per series: a bar per year, implied years drawn hollow."""
    parts: list[RenderableType] = []
    for series in result.series:
        bars = []
        for point in series.points:
            if point.kind.value == "span":
                continue
            style = (
                "implied"
                if point.kind.value == "implied"
                else ("full" if point.qualifier.is_exact else "bound")
            )
            shown = point.qualifier.symbol + format_number(
                round(point.value, 2) if isinstance(point.value, float) else point.value
            )
            bars.append((str(point.year), float(point.value), style, shown))
        unit = series.indicator.unit.label
        parts.append(Text(f"{series.city.name}: {series.indicator.name} ({unit})", style="bold"))
        parts.append(_bar_lines(bars, rank=series.indicator.unit.value == "rank"))
    parts.append(Text(_LEGEND, style="dim"))
    return Group(*parts)
