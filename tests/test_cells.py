"""ipstats.cells: how a raw value is written for people (numbers, money, qualifiers, shares)."""

from __future__ import annotations

import pytest

from ipstats.cells import RIGHT, format_cell, format_number, shown_columns
from ipstats.table import Column, Kind, Table


def test_format_number() -> None:
    assert format_number(17930) == "17,930"
    assert format_number(50.2) == "50.2"
    assert format_number(2.5e9) == "2,500,000,000"


@pytest.mark.parametrize(
    ("column", "record", "shown"),
    [
        (
            Column("d", "D", Kind.CHANGE, qualifier_key="q"),
            {"d": -9478, "q": "less_than"},
            "< -9,478",
        ),
        (Column("d", "D", Kind.CHANGE, qualifier_key="q"), {"d": 10, "q": "exact"}, "+10"),
        (
            Column("p", "P", Kind.PERCENT, qualifier_key="q"),
            {"p": -13.1333, "q": "at_most"},
            "<= -13.13%",
        ),
        (Column("r", "R", Kind.RATIO, qualifier_key="q"), {"r": 0.41853, "q": "about"}, "~ 0.419"),
        (
            Column("d", "D", Kind.CHANGE, unit_key="u"),
            {"d": -3, "u": "places ahead"},
            "3 places behind",
        ),
        (
            Column("d", "D", Kind.CHANGE, unit_key="u"),
            {"d": 1, "u": "places ahead"},
            "1 place ahead",
        ),
        (Column("d", "D", Kind.CHANGE, unit_key="u"), {"d": 0, "u": "places ahead"}, "level"),
        (Column("d", "D", Kind.CHANGE, unit_key="u"), {"d": 1, "u": "places up"}, "1 place up"),
        (Column("d", "D", Kind.CHANGE, unit_key="u"), {"d": -2, "u": "places up"}, "2 places down"),
    ],
)
def test_computed_values_show_their_qualifier_and_places_their_direction(
    column: Column, record: dict[str, object], shown: str
) -> None:
    assert format_cell(column, record) == shown


@pytest.mark.parametrize(
    ("unit", "value", "shown"),
    [
        ("cny", 32_000_000_000, "32.0 bn yuan"),
        ("cny", 3_841_000_000, "3.841 bn yuan"),
        ("cny", 3_841_006_289, "3,841,006,289 yuan"),  # a scale never rounds a figure
        ("usd", 1_500_000.0, "1.5 m USD"),
        ("cny", 500_000, "500,000 yuan"),
        ("count", 32_000_000_000, "32,000,000,000"),
    ],
)
def test_money_takes_a_scale_that_never_rounds(unit: str, value: float, shown: str) -> None:
    column = Column("v", "V", Kind.VALUE, unit_key="u")
    assert format_cell(column, {"v": value, "u": unit}) == shown


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_a_number_that_is_not_finite_is_blank(value: float) -> None:
    assert format_number(value) == ""


def test_decimals_are_trimmed_to_at_most_four() -> None:
    assert format_number(1234.5) == "1,234.5"
    assert format_number(0.123456) == "0.1235"
    assert format_number(-3.0) == "-3"


def test_a_blank_is_empty_a_boolean_a_word_and_a_year_has_no_separator() -> None:
    assert format_cell(Column("v", "V", Kind.VALUE), {}) == ""
    assert format_cell(Column("v", "V"), {"v": True}) == "yes"
    assert format_cell(Column("v", "V"), {"v": False}) == "no"
    assert format_cell(Column("y", "Y", Kind.INTEGER), {"y": 2024}) == "2024"


def test_a_value_is_prefixed_with_its_qualifier() -> None:
    column = Column("v", "V", Kind.VALUE, qualifier_key="q")
    assert format_cell(column, {"v": 5000, "q": "more_than"}) == ">5,000"
    assert format_cell(column, {"v": 5000, "q": "exact"}) == "5,000"
    assert format_cell(column, {"v": 5000, "q": None}) == "5,000"


def test_a_stated_change_has_its_sign_its_qualifier_and_percent_when_it_is_one() -> None:
    column = Column("r", "R", Kind.REPORTED, qualifier_key="q", unit_key="u")
    assert format_cell(column, {"r": 10, "u": "percent", "q": "about"}) == "~+10%"
    assert format_cell(column, {"r": -3, "u": "count"}) == "-3"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(6, "6.00%"), (0.3, "0.30%"), (0.051, "0.051%"), (0.0042, "0.0042%"), (0, "0.00%")],
)
def test_a_share_has_two_decimals_or_two_significant_digits(value: float, shown: str) -> None:
    assert format_cell(Column("s", "S", Kind.SHARE), {"s": value}) == shown


def test_a_share_keeps_its_qualifier_and_is_blank_when_not_finite() -> None:
    column = Column("s", "S", Kind.SHARE, qualifier_key="q")
    assert format_cell(column, {"s": 12.5, "q": "less_than"}) == "<12.50%"
    assert format_cell(column, {"s": float("nan")}) == ""


def test_a_list_is_joined_and_a_date_follows_its_text() -> None:
    assert format_cell(Column("l", "L"), {"l": ("zh", "en")}) == "zh, en"
    column = Column("p", "P", date_key="d")
    assert format_cell(column, {"p": "as_of", "d": "2025-04-21"}) == "as_of 2025-04-21"
    assert format_cell(column, {"p": "year", "d": None}) == "year"


def test_numbers_are_aligned_right_and_text_is_not() -> None:
    assert {Kind.VALUE, Kind.INTEGER, Kind.PERCENT, Kind.SHARE} <= RIGHT
    assert Kind.TEXT not in RIGHT


def test_people_are_not_shown_hidden_columns_nor_ones_blank_in_every_row() -> None:
    columns = (Column("a", "A"), Column("b", "B"), Column("c", "C"))
    rows = ({"a": 1, "b": "", "c": "x"}, {"a": 2, "b": None, "c": "y"})
    table = Table("T", columns, rows, hidden=frozenset({"c"}))
    assert [c.key for c in shown_columns(table)] == ["a"]


def test_a_table_blank_everywhere_still_shows_its_columns() -> None:
    columns = (Column("a", "A"), Column("b", "B"))
    table = Table("T", columns, ({"a": None, "b": ""},))
    assert shown_columns(table) == list(columns)
