"""ipstats.listing: the tables listing a dataset, and one city or indicator in detail."""

from __future__ import annotations

import pytest

from ipstats.errors import NoDataError, UsageError
from ipstats.listing import (
    OBSERVATION_COLUMNS,
    cities_table,
    indicators_table,
    observations_table,
    show,
    sources_table,
)
from ipstats.model import Category, Dataset
from ipstats.query import Filter
from ipstats.rows import fields_except


def test_observations_table_lists_fields_in_the_shared_order(tiny: Dataset) -> None:
    assert [c.key for c in OBSERVATION_COLUMNS] == list(fields_except("as_of"))
    table = observations_table(tiny, Filter(cities=("beta",), indicators=("funding_amount",)))
    (record,) = table.records()
    assert record["period"] == "as_of 2025-04-21"
    assert (record["value"], record["unit"], record["source"]) == (3353000000, "cny", "src-b")
    # one source per figure: which is primary is nothing a reader needs on a terminal
    assert table.hidden == {"reported_yoy_kind", "reported_yoy_qualifier", "primary"}
    assert record["primary"] is True and table.footnotes == ()
    assert table.sources == ("src-b (2025): Report B",)


def test_cities_table_counts_observations_and_years(tiny: Dataset) -> None:
    records = {r["id"]: r for r in cities_table(tiny).records()}
    assert records["alpha"]["observations"] == 9
    assert records["beta"]["years"] == "2021, 2024, 2025"
    assert records["nation"]["years"] == "no year"
    assert records["alpha"]["aliases"] == "al, 甲"


def test_indicators_table_filters_and_counts(tiny: Dataset) -> None:
    table = indicators_table(tiny, Filter(cities=("beta",), category=Category.CREATION))
    counts = {r["id"]: r["observations"] for r in table.records()}
    assert counts == {"cluster_rank": 1, "valid_widgets": 1, "widgets_granted": 1}
    with pytest.raises(NoDataError, match=r"^no indicator matches these filters"):
        indicators_table(tiny, Filter(search="nothing like this"))


def test_sources_table_counts_what_each_source_gives(tiny: Dataset) -> None:
    counts = {r["id"]: r["observations"] for r in sources_table(tiny).records()}
    assert counts == {"src-a": 6, "src-b": 7}


def test_show_finds_a_city_or_an_indicator(tiny: Dataset) -> None:
    about, held = show(tiny, "甲")
    assert about.title == "Alpha (alpha)"
    assert [r["indicator"] for r in held.records()] == [
        "cluster_rank",
        "funding_amount",
        "valid_widgets",
        "widget_share",
        "widgets_granted",
    ]
    about, observed = show(tiny, "widget_s")
    assert about.title == "Widget share (widget_share)"
    assert [r["year"] for r in observed.records()] == [2022, 2023]


def test_show_of_an_unknown_name_names_both_kinds(tiny: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        show(tiny, "betaa")
    assert str(caught.value) == (
        "no indicator or city named 'betaa'; did you mean: beta? "
        "(`ipstats list indicators` shows them all; known cities: alpha, beta, nation)"
    )


def test_indicators_table_of_a_place_lists_only_what_it_has(tiny: Dataset) -> None:
    table = indicators_table(tiny, Filter(cities=("alpha",)))
    counts = {r["id"]: r["observations"] for r in table.records()}
    assert counts == {
        "cluster_rank": 2,
        "widgets_granted": 3,
        "valid_widgets": 1,
        "widget_share": 2,
        "funding_amount": 1,
    }
    with pytest.raises(NoDataError, match=r"^no indicator matches these filters"):
        indicators_table(tiny, Filter(cities=("nation",)))
