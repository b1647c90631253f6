"""How a raw value is written for people, on a terminal and in paste-ready Markdown."""

from __future__ import annotations

import math
from typing import Any

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
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column.kind is Kind.INTEGER:
        return str(value)
    if column.kind is Kind.VALUE and isinstance(value, int | float):
        prefix = ""
        if column.qualifier_key and record.get(column.qualifier_key):
            prefix = Qualifier(record[column.qualifier_key]).symbol
        money = _money(record.get(column.unit_key or "unit"), value)
        return prefix + (money or format_number(value))
    if column.kind in _COMPUTED and isinstance(value, int | float):
        return _computed(column, record, value)
    if column.kind is Kind.SHARE and isinstance(value, int | float):
        return _share_text(
            value, record.get(column.qualifier_key) if column.qualifier_key else None
        )
    if column.kind is Kind.REPORTED and isinstance(value, int | float):
        prefix = (
            Qualifier(record[column.qualifier_key]).symbol
            if record.get(column.qualifier_key)
            else ""
        )
        suffix = "%" if record.get(column.unit_key) == "percent" else ""
        return f"{prefix}{value:+g}{suffix}"
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    if column.date_key and record.get(column.date_key):
        return f"{value} {record[column.date_key]}"
    return str(value)


# Money on a terminal takes a scale: 32,000,000,000 yuan is "32.0 bn yuan" (raw elsewhere).
_CURRENCIES = {"cny": "yuan", "usd": "USD"}
_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"))


def _money(unit: Any, value: float | int) -> str:
    """A sum of money with a scale and its currency, or '' when it is not money.

    The scale never rounds a figure: 3,841,000,000 is '3.841 bn yuan', and a figure it cannot
    show in three decimals keeps all its digits ('3,841,006,289 yuan').
    """
    currency = _CURRENCIES.get(str(unit)) if unit else None
    if currency is None or not math.isfinite(value):
        return ""
    for size, name in _SCALES:
        if abs(value) >= size:
            for digits in (1, 2, 3):
                if round(value / size, digits) * size == value:
                    return f"{value / size:,.{digits}f} {name} {currency}"
            break
    return f"{format_number(value)} {currency}"


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
        shown = ("+" if value > 0 else "") + (_money(unit, value) or format_number(value))
    elif column.kind is Kind.PERCENT:
        shown = f"{value:+.2f}%"
    else:
        shown = f"{value:.3f}"
    qualifier = record.get(column.qualifier_key) if column.qualifier_key else None
    symbol = Qualifier(qualifier).symbol if qualifier else ""
    return f"{symbol} {shown}" if symbol else shown


RIGHT = frozenset(
    {Kind.INTEGER, Kind.VALUE, Kind.CHANGE, Kind.PERCENT, Kind.RATIO, Kind.REPORTED, Kind.SHARE}
)


def _share_text(value: float | int, qualifier: Any) -> str:
    """A share in percent: two decimals, or two significant digits below 0.1% ('0.042%')."""
    if not math.isfinite(value):
        return ""
    # two decimals, or two significant digits below 0.1%, zeros kept: 6.00%, 0.30%, 0.051%
    places = 2 if abs(value) >= 0.1 or value == 0 else 1 - math.floor(math.log10(abs(value)))
    shown = f"{value:.{places}f}"
    symbol = Qualifier(qualifier).symbol if qualifier else ""
    return f"{symbol}{shown}%"


def shown_columns(table: Table) -> list[Column]:
    """The columns people are shown: not hidden, and not blank in every row."""
    shown = [c for c in table.columns if c.key not in table.hidden]
    records = table.records()
    # Columns that are blank in every row only add noise.
    return [c for c in shown if any(r.get(c.key) not in (None, "") for r in records)] or shown
