"""ipstats.rows: one flat row per observation, with one field order for every format."""

from __future__ import annotations

import datetime as dt

import pytest

from ipstats.errors import ExportError
from ipstats.model import ChangeKind, Dataset, Observation, Period, Qualifier, ReportedChange
from ipstats.rows import FIELDS, check_references, fields_except, numbered_values, observation_row

STATED = Observation(
    indicator="widgets_granted",
    city="alpha",
    year=2025,
    value=12.5,
    qualifier=Qualifier.ABOUT,
    period=Period.CUMULATIVE,
    source="src-a",
    locator="p. 3",
    as_of=dt.date(2025, 6, 30),
    yoy=ReportedChange(ChangeKind.ABSOLUTE, -1.5, Qualifier.MORE_THAN),
    scope="old town",
    note="n",
)
BARE = Observation("widgets_granted", "beta", 2024, 7, Qualifier.EXACT, Period.YEAR, "src-b", "x")


def test_a_row_holds_every_field_in_order() -> None:
    row = observation_row(STATED, "count")
    assert tuple(row) == FIELDS
    assert row == {
        "city": "alpha",
        "year": 2025,
        "indicator": "widgets_granted",
        "value": 12.5,
        "unit": "count",
        "qualifier": "about",
        "period": "cumulative",
        "as_of": "2025-06-30",
        "reported_yoy_kind": "absolute",
        "reported_yoy_value": -1.5,
        "reported_yoy_qualifier": "more_than",
        "scope": "old town",
        "source": "src-a",
        "primary": True,
        "locator": "p. 3",
        "note": "n",
        "printed": None,
        "source_url": None,
    }


def test_missing_parts_are_none_not_empty_text() -> None:
    row = observation_row(BARE, "count")
    assert [k for k, v in row.items() if v is None] == [
        "as_of",
        "reported_yoy_kind",
        "reported_yoy_value",
        "reported_yoy_qualifier",
        "scope",
        "note",
        "printed",
        "source_url",
    ]


def test_the_period_and_its_date_are_apart() -> None:
    stated = observation_row(STATED, "count")
    assert (stated["period"], stated["as_of"]) == ("cumulative", "2025-06-30")
    bare = observation_row(BARE, "count")
    assert (bare["period"], bare["as_of"]) == ("year", None)


def test_a_row_carries_the_printed_figure_and_the_source_address() -> None:
    row = observation_row(
        BARE._replace(printed="17.93万"), "count", source_url="https://example.org/a"
    )
    assert (row["printed"], row["source_url"]) == ("17.93万", "https://example.org/a")
    assert list(FIELDS[-2:]) == ["printed", "source_url"]  # added last: old columns keep place


def test_fields_except_keeps_the_order_and_refuses_unknown_names() -> None:
    assert fields_except("unit", "as_of") == tuple(f for f in FIELDS if f not in ("unit", "as_of"))
    with pytest.raises(ValueError, match="not observation fields: colour"):
        fields_except("colour")


def test_numbered_values_number_from_one_with_the_indicator_unit(tiny: Dataset) -> None:
    chosen = [o for o in tiny.observations if o.indicator == "widget_share"]
    values = list(numbered_values(tiny, chosen, ("city", "year", "unit")))
    assert values == [(1, "alpha", 2022, "percent"), (2, "alpha", 2023, "percent")]


def test_check_references_names_the_first_stray_observation(tiny: Dataset) -> None:
    check_references(tiny, tiny.observations)
    stray = Observation(
        "widgets_granted", "gamma", 2024, 1, Qualifier.EXACT, Period.YEAR, "src-a", "x"
    )
    with pytest.raises(ExportError) as caught:
        check_references(tiny, (*tiny.observations, stray))
    assert str(caught.value) == (
        "cannot export the observation of widgets_granted for gamma in 2024: unknown city 'gamma'"
    )
