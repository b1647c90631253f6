"""Human rendering: Rich tables with thousands separators, qualifiers, units, sources and notes."""

from __future__ import annotations

import math
from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from ipstats.model import Qualifier
from ipstats.table import Column, Kind, Table


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
    if column.kind is Kind.CHANGE and isinstance(value, int | float):
        return ("+" if value > 0 else "") + format_number(value)
    if column.kind is Kind.PERCENT and isinstance(value, int | float):
        return f"{value:+.2f}%"
    if column.kind is Kind.RATIO and isinstance(value, int | float):
        return f"{value:.3f}"
    return str(value)


_RIGHT = frozenset({Kind.INTEGER, Kind.VALUE, Kind.CHANGE, Kind.PERCENT, Kind.RATIO})


def rich_table(table: Table) -> RenderableType:
    """A Rich table for a terminal, its caption holding footnotes and sources."""
    shown = [c for c in table.columns if c.key not in table.hidden]
    records = table.records()
    # Columns that are blank in every row only add noise on a terminal.
    shown = [c for c in shown if any(r.get(c.key) not in (None, "") for r in records)] or shown
    out = RichTable(title=table.title, box=box.SIMPLE_HEAVY, title_justify="left", show_lines=False)
    for column in shown:
        out.add_column(
            column.header, justify="right" if column.kind in _RIGHT else "left", overflow="fold"
        )
    for record in records:
        out.add_row(*(format_cell(c, record) for c in shown))
    parts: list[RenderableType] = [out]
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
