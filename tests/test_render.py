"""Human rendering: number formatting and terminal charts."""

from __future__ import annotations

import pytest
from rich.console import Console

from conftest import HEADER
from ipstats.compare import compare_metric
from ipstats.datafile import load
from ipstats.growth import growth
from ipstats.model import Dataset
from ipstats.render import compare_chart, format_cell, format_number, growth_charts, rich_table
from ipstats.table import Column, Kind


def draw(renderable: object) -> str:
    console = Console(width=100, no_color=True, record=True)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def test_format_number() -> None:
    assert format_number(17930) == "17,930"
    assert format_number(50.2) == "50.2"
    assert format_number(2.5e9) == "2,500,000,000"


def test_compare_chart_has_one_bar_per_city_and_marks_bounds(tiny: Dataset) -> None:
    cities = (tiny.city("alpha"), tiny.city("beta"))
    text = draw(compare_chart(compare_metric(tiny, cities, tiny.indicator("valid_widgets"))))
    alpha = next(line for line in text.splitlines() if line.startswith("Alpha"))
    beta = next(line for line in text.splitlines() if line.startswith("Beta"))
    assert "▒" in alpha and alpha.endswith(">5,000")  # a bound is drawn differently
    assert "█" in beta and beta.endswith("4,000")
    assert alpha.count("▒") > beta.count("█")


def test_growth_chart_draws_implied_years_hollow(tiny: Dataset) -> None:
    text = draw(
        growth_charts(growth(tiny, (tiny.city("alpha"),), tiny.indicator("widgets_granted")))
    )
    lines = {line.split()[0]: line for line in text.splitlines() if line[:4].isdigit()}
    assert set(lines) == {"2021", "2022", "2023", "2024"}
    assert "░" in lines["2023"] and "█" not in lines["2023"]
    assert "█" in lines["2024"]


def test_a_better_rank_draws_a_longer_bar(tiny: Dataset) -> None:
    text = draw(growth_charts(growth(tiny, (tiny.city("alpha"),), tiny.indicator("cluster_rank"))))
    bars = {line.split()[0]: line.count("█") for line in text.splitlines() if line[:4].isdigit()}
    assert bars["2021"] > bars["2020"]  # 8th is better than 9th


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


def test_a_title_is_never_broken_to_a_narrow_table_s_width(tiny: Dataset) -> None:
    result = compare_metric(
        tiny, (tiny.city("alpha"), tiny.city("beta")), tiny.indicator("widget_share")
    )
    text = draw(rich_table(result.to_table()))
    assert text.splitlines()[0].rstrip() == "Widget share (widget_share)"


def test_a_chart_draws_every_series_of_the_year_named(write_dataset) -> None:  # type: ignore[no-untyped-def]
    text = (
        HEADER
        + """\
observations:
  - {indicator: widgets_granted, city: beta, year: 2024, value: 37, qualifier: exact, period: year, scope: Zone A, source: src-a, locator: p}
  - {indicator: widgets_granted, city: beta, year: 2024, value: 13, qualifier: exact, period: year, scope: Zone B, source: src-a, locator: p}
  - {indicator: widgets_granted, city: alpha, year: 2023, value: 5, qualifier: exact, period: year, source: src-a, locator: p}
"""
    )
    dataset = load(write_dataset(text)).dataset
    cities = (dataset.city("alpha"), dataset.city("beta"))
    drawn = draw(
        compare_chart(compare_metric(dataset, cities, dataset.indicator("widgets_granted")))
    )
    bars = [line for line in drawn.splitlines() if "█" in line and "observed" not in line]
    assert [line.split("█")[0].rstrip() for line in bars] == ["Beta (Zone A)", "Beta (Zone B)"]
