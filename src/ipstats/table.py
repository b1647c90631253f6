"""The shape every query result takes on its way to a renderer: columns, rows, footnotes."""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, NamedTuple


class Kind(StrEnum):
    """How a column's raw values are shown to people (machine formats keep them raw)."""

    TEXT = "text"
    INTEGER = "integer"  # a year or a count that is never a measured value
    VALUE = "value"  # a measured number: thousands separators, qualifier prefix
    CHANGE = "change"  # a signed difference
    PERCENT = "percent"  # a computed percent, shown with two decimals and a sign
    RATIO = "ratio"  # shown with three significant decimals
    REPORTED = "reported"  # a source's stated change: '+10.3%' or '+9.3' by its unit column
    SHARE = "share"  # a share of a total, in percent: '12.34%'


class Column(NamedTuple):
    key: str
    header: str
    kind: Kind = Kind.TEXT
    qualifier_key: str = ""  # a column holding the qualifier that prefixes this value
    unit_key: str = ""  # a column holding the unit to show after the value
    date_key: str = ""  # a column holding a date to show after the text ("as_of 2025-04-21")


Row = Mapping[str, Any]


class Table(NamedTuple):
    """Rows of raw values (numbers stay numbers; blanks are None) with their presentation."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    footnotes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # "id: title (publisher, date)" lines
    hidden: frozenset[str] = frozenset()  # keys only machine formats show

    def records(self) -> list[dict[str, Any]]:
        """Rows as plain dicts, every column present, in column order."""
        keys = [c.key for c in self.columns]
        return [{k: row.get(k) for k in keys} for row in self.rows]

    def to_records(self) -> list[dict[str, Any]]:
        return self.records()

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs the optional pandas extra)."""
        from ipstats.frames import to_pandas

        return to_pandas(self.records())


def places_text(places: float, ahead: str = "ahead", behind: str = "behind") -> str:
    """A difference of ranks in words: 3 -> '3 places ahead', -1 -> '1 place behind'."""
    if places == 0:
        return "level"
    count = abs(places)
    shown = f"{int(count)}" if float(count).is_integer() else f"{count:g}"
    noun = "place" if count == 1 else "places"
    return f"{shown} {noun} {ahead if places > 0 else behind}"
