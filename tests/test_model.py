"""The Dataset value: records in tuples, read-only indexes made once, lookups that agree with
a plain scan of the records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ipstats.datafile import load
from ipstats.model import (
    ChangeKind,
    City,
    CityKind,
    Dataset,
    Observation,
    Period,
    Qualifier,
    ReportedChange,
    Source,
)


def _observation(indicator: str, city: str, year: int, value: float = 1) -> Observation:
    return Observation(indicator, city, year, value, Qualifier.EXACT, Period.YEAR, "s", "p. 1")


SOURCE = Source("s", "Report", "Report", "Office", "2024", ("en",))
CITIES = tuple(City(c, c.title(), c, (), CityKind.CITY) for c in ("a", "b", "c"))


def _dataset(observations: list[Observation]) -> Dataset:
    return Dataset.build([SOURCE], CITIES, (), observations, origin="made.yaml")


def test_a_dataset_cannot_be_changed(tiny: Dataset) -> None:
    with pytest.raises(AttributeError):
        tiny.observations = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del tiny.origin
    with pytest.raises(AttributeError):
        tiny.extra = 1  # type: ignore[attr-defined]
    for record in (tiny.sources[0], tiny.cities[0], tiny.indicators[0]):
        with pytest.raises(AttributeError):
            record.id = "changed"  # type: ignore[misc]
    assert isinstance(tiny.observations, tuple) and isinstance(tiny.sources, tuple)
    with pytest.raises(TypeError):
        tiny._positions[("x", "y")] = (0,)  # type: ignore[index]
    with pytest.raises(TypeError):
        tiny._sources_by_id["x"] = SOURCE  # type: ignore[index]
    with pytest.raises(AttributeError):
        tiny.observations[0].value = 1  # type: ignore[misc]


def test_build_takes_any_iterables_and_keeps_their_order(tiny: Dataset) -> None:
    again = Dataset.build(
        iter(tiny.sources),
        (c for c in tiny.cities),
        list(tiny.indicators),
        (o for o in tiny.observations),
        origin=tiny.origin,
    )
    assert again == tiny
    assert again.observations == tiny.observations
    assert hash(again) == hash(tiny)


def test_equality_is_of_records_and_origin(tiny: Dataset) -> None:
    assert Dataset.build(tiny.sources, tiny.cities, tiny.indicators, tiny.observations) != tiny
    fewer = Dataset.build(
        tiny.sources, tiny.cities, tiny.indicators, tiny.observations[1:], tiny.origin
    )
    assert fewer != tiny
    same = Dataset(tiny.sources, tiny.cities, tiny.indicators, tiny.observations, tiny.origin)
    assert tiny == same and hash(tiny) == hash(same) and len({tiny, same, fewer}) == 2
    assert tiny != tiny.observations  # a dataset equals only a dataset


def test_lookups_by_id(tiny: Dataset) -> None:
    assert tiny.source("src-b").title == "Report B"
    assert tiny.city("beta").name == "Beta"
    assert tiny.indicator("widgets_granted").aliases == ("widgets",)
    for lookup in (tiny.source, tiny.city, tiny.indicator):
        with pytest.raises(KeyError):
            lookup("nothing-by-this-id")


def test_observations_of_keep_file_order(tiny: Dataset) -> None:
    found = tiny.observations_of(("valid_widgets", "widgets_granted"), ("beta", "alpha"))
    assert [tiny.observations.index(o) for o in found] == [0, 1, 2, 3, 4, 5]
    assert tiny.observations_of() == tiny.observations
    assert tiny.observations_of(["nothing"]) == ()
    assert [
        o.value for o in tiny.observations_of(cities=["beta"], indicators=["widgets_granted"])
    ] == [242]


def test_tally_counts_what_a_scan_counts(tiny: Dataset) -> None:
    for fields in [("city",), ("indicator",), ("indicator", "city"), ("city", "year"), ("source",)]:
        expected = Counter(tuple(getattr(o, f) for f in fields) for o in tiny.observations)
        assert tiny.tally(*fields) == dict(expected)
    in_beta = Counter((o.indicator,) for o in tiny.observations if o.city == "beta")
    assert tiny.tally("indicator", cities=["beta"]) == dict(in_beta)
    assert tiny.tally() == {(): len(tiny.observations)}
    with pytest.raises(ValueError, match="cannot tally by note"):
        tiny.tally("note")


def test_an_observation_is_a_record_with_a_key() -> None:
    o = Observation(
        "x",
        "a",
        2024,
        5,
        Qualifier.ABOUT,
        Period.AS_OF,
        "s",
        "p. 2",
        as_of=dt.date(2024, 6, 30),
        yoy=ReportedChange(ChangeKind.PERCENT, 3.5),
    )
    assert o.figure == ("x", "a", 2024, Period.AS_OF, dt.date(2024, 6, 30), "")
    assert o.key == (*o.figure, "s")  # the same figure from another source is another observation
    assert o._replace(source="t").figure == o.figure and o._replace(source="t").key != o.key
    assert o.period_label == "as_of 2024-06-30"
    assert (o.scope, o.note) == ("", "")
    assert o._replace(value=6).value == 6 and o.value == 5


_PAIRS = st.tuples(st.sampled_from("xyz"), st.sampled_from("abc"), st.integers(2000, 2003))


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(_PAIRS, max_size=40),
    indicators=st.sets(st.sampled_from("xyzw")),
    cities=st.sets(st.sampled_from("abcd")),
)
def test_observations_of_agree_with_a_scan(
    rows: list[tuple[str, str, int]], indicators: set[str], cities: set[str]
) -> None:
    dataset = _dataset([_observation(i, c, y) for i, c, y in rows])
    expected = tuple(
        o
        for o in dataset.observations
        if (not indicators or o.indicator in indicators) and (not cities or o.city in cities)
    )
    assert dataset.observations_of(indicators, cities) == expected
    by_city = Counter(
        (o.indicator,) for o in dataset.observations if not cities or o.city in cities
    )
    assert dataset.tally("indicator", cities=cities) == dict(by_city)


def test_the_shipped_dataset_indexes_every_observation(tmp_path: Path) -> None:
    dataset = load(use_cache=False).dataset
    seen = sorted(p for positions in dataset._positions.values() for p in positions)
    assert seen == list(range(len(dataset.observations)))
