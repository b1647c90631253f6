"""ipstats.table: result rows with their columns, as records in column order."""

from __future__ import annotations

import importlib.util

import pytest

from ipstats.errors import IpstatsError
from ipstats.table import Column, Kind, Table

TABLE = Table(
    title="T",
    columns=(Column("b", "B"), Column("a", "A", Kind.INTEGER)),
    rows=({"a": 1, "b": "x", "extra": "not a column"}, {"b": "y"}),
)


def test_records_hold_every_column_in_column_order_and_nothing_else() -> None:
    records = TABLE.records()
    assert records == [{"b": "x", "a": 1}, {"b": "y", "a": None}]
    assert [list(r) for r in records] == [["b", "a"], ["b", "a"]]
    assert TABLE.to_records() == records


def test_records_are_copies() -> None:
    TABLE.records()[0]["b"] = "changed"
    assert TABLE.records()[0]["b"] == "x"


def test_a_table_is_frozen_with_empty_defaults() -> None:
    assert (TABLE.footnotes, TABLE.sources, TABLE.hidden) == ((), (), frozenset())
    with pytest.raises(AttributeError):
        TABLE.title = "other"  # type: ignore[misc]


@pytest.mark.skipif(importlib.util.find_spec("pandas") is not None, reason="pandas installed")
def test_to_pandas_without_pandas_says_how_to_install_it() -> None:
    with pytest.raises(IpstatsError, match=r"pip install 'ipstats\[pandas\]'"):
        TABLE.to_pandas()


@pytest.mark.skipif(importlib.util.find_spec("pandas") is None, reason="pandas not installed")
def test_to_pandas_gives_the_records() -> None:  # pragma: no cover - depends on the environment
    frame = TABLE.to_pandas()
    assert list(frame.columns) == ["b", "a"]
