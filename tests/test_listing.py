"""ipstats.listing: the tables listing a dataset, and one city or indicator in detail."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from typer.testing import CliRunner

from conftest import TINY
from ipstats.cli import app
from ipstats.datafile import default_path, load
from ipstats.errors import NoDataError, UsageError
from ipstats.listing import (
    OBSERVATION_COLUMNS,
    cities_table,
    indicators_table,
    observations_table,
    show,
    sources_table,
)
from ipstats.loader import parse
from ipstats.model import Category, CityKind, Dataset
from ipstats.query import Filter
from ipstats.render import fits
from ipstats.rows import fields_except
from ipstats.schema import build_dataset


def test_observations_table_lists_fields_in_the_shared_order(tiny: Dataset) -> None:
    assert [c.key for c in OBSERVATION_COLUMNS] == list(fields_except())
    table = observations_table(tiny, Filter(cities=("beta",), indicators=("funding_amount",)))
    (record,) = table.records()
    assert (record["period"], record["as_of"]) == ("as_of", "2025-04-21")
    assert (record["value"], record["unit"], record["source"]) == (3353000000, "cny", "src-b")
    # one source per figure: which is primary is nothing a reader needs on a terminal
    assert table.hidden == {
        "reported_yoy_kind",
        "reported_yoy_qualifier",
        "as_of",
        "printed",
        "source_url",
        "primary",
    }
    assert record["primary"] is True and table.footnotes == ()
    assert table.sources == ("src-b (2025): Report B",)


def test_cities_table_counts_observations_and_years(tiny: Dataset) -> None:
    records = {r["id"]: r for r in cities_table(tiny).records()}
    assert records["alpha"]["observations"] == 9
    assert records["beta"]["years"] == "2021, 2024, 2025"
    assert records["nation"]["years"] == "no year"
    assert records["alpha"]["aliases"] == ("al", "甲")
    assert (records["alpha"]["kind"], records["nation"]["kind"]) == ("city", "country")


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


# Tiny with a province-level layer: alpha is a city of the province gamma, beta a municipality.
PLACED = (
    TINY.replace("schema_version: 1", "schema_version: 2")
    .replace(
        "    aliases: [al, 甲]\n    kind: city\n",
        "    aliases: [al, 甲]\n    kind: city\n    parent: gamma\n",
    )
    .replace(
        "    aliases: [bt]\n    kind: city\n",
        "    aliases: [bt]\n    kind: municipality\n    parent: nation\n"
        "  - id: gamma\n    name: Gamma\n    name_zh: 丙省\n    kind: province\n    parent: nation\n"
        "    shared_names:\n      - {names: [丙省], also: Gamma city, city: alpha}\n",
    )
)


@pytest.fixture
def placed() -> Dataset:
    return build_dataset(parse(PLACED, "placed.yaml"), "placed.yaml")[0]


def test_cities_table_names_each_place_parent(placed: Dataset) -> None:
    records = {r["id"]: r for r in cities_table(placed).records()}
    assert (records["alpha"]["parent"], records["alpha"]["parent_name"]) == ("gamma", "Gamma")
    assert (records["gamma"]["parent"], records["gamma"]["parent_name"]) == ("nation", "Nation")
    assert (records["nation"]["parent"], records["nation"]["parent_name"]) == (None, None)
    assert records["beta"]["kind"] == "municipality"


@pytest.mark.parametrize(
    ("kind", "ids"),
    [
        (None, ["alpha", "beta", "gamma", "nation"]),
        (CityKind.PROVINCE, ["beta", "gamma"]),  # province-level: municipalities too
        (CityKind.MUNICIPALITY, ["beta"]),
        (CityKind.CITY, ["alpha"]),
        (CityKind.COUNTRY, ["nation"]),
    ],
)
def test_cities_table_of_one_kind(placed: Dataset, kind: CityKind | None, ids: list[str]) -> None:
    assert sorted(r["id"] for r in cities_table(placed, kind).records()) == ids


def test_cities_table_of_a_kind_nothing_has_is_no_data(placed: Dataset) -> None:
    with pytest.raises(NoDataError) as caught:
        cities_table(placed, CityKind.REGION)
    assert str(caught.value) == "no place of kind region; `ipstats list cities` shows them all"


def test_a_terminal_shows_kind_and_parent_name_and_machines_get_every_field(
    placed: Dataset,
) -> None:
    table = cities_table(placed)
    shown = [c.key for c in table.columns if c.key not in table.hidden]
    assert shown == ["id", "name_zh", "kind", "parent_name", "observations", "years"]
    assert {"name", "aliases", "parent"} <= {c.key for c in table.columns}


def test_the_shipped_places_fit_80_columns_as_a_table() -> None:
    shipped = load(default_path(), use_cache=False).dataset
    assert len(shipped.cities) == 50
    for kind in (None, *CityKind):
        if kind is None or any(c.kind is kind for c in shipped.cities):
            assert fits(cities_table(shipped, kind), 80), kind


def test_show_of_a_place_names_what_it_is_part_of_and_its_shared_names(placed: Dataset) -> None:
    about, _ = show(placed, "gamma")
    fields = {r["field"]: r["value"] for r in about.records()}
    assert fields["part of"] == "Nation (nation)"
    assert fields["shared names"] == "丙省: also Gamma city"
    about, _ = show(placed, "nation")
    fields = {r["field"]: r["value"] for r in about.records()}
    assert fields["part of"] is None
    assert "shared names" not in fields


def test_list_cities_kind_province_lists_every_province_level_division() -> None:
    result = CliRunner().invoke(app, ["list", "cities", "--kind", "province", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    kinds = Counter(r["kind"] for r in rows)
    assert kinds == {"province": 27, "municipality": 4}
    assert {r["parent"] for r in rows} == {"china"}


def test_list_cities_refuses_an_unknown_kind() -> None:
    result = CliRunner().invoke(app, ["list", "cities", "--kind", "county"])
    assert result.exit_code == 2
    assert "--kind" in result.stderr
    assert "county" in result.stderr
