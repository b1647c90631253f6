"""A Dataset as bytes and back: the same value, plain values only, nothing else accepted."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from ipstats import snapshot
from ipstats.datafile import default_path, read
from ipstats.errors import Problem
from ipstats.model import Dataset


def test_the_shipped_dataset_comes_back_equal_field_for_field() -> None:
    dataset, warnings = read(default_path(), "shipped")
    again, warnings_again = snapshot.loads(snapshot.dumps(dataset, warnings), "elsewhere")
    assert again.origin == "elsewhere"
    assert again == Dataset.build(
        dataset.sources, dataset.cities, dataset.indicators, dataset.observations, "elsewhere"
    )
    assert warnings_again == warnings
    for mine, theirs in zip(again.observations, dataset.observations, strict=True):
        assert [type(v) for v in mine] == [type(v) for v in theirs]
        assert type(mine.qualifier) is type(theirs.qualifier)


def test_printed_figures_and_source_urls_come_back(tiny: Dataset) -> None:
    dataset = Dataset.build(
        (s._replace(url=f"https://example.org/{s.id}") for s in tiny.sources),
        tiny.cities,
        tiny.indicators,
        (o._replace(printed=f"{o.value}") for o in tiny.observations),
    )
    again, _ = snapshot.loads(snapshot.dumps(dataset, ()), "")
    assert [s.url for s in again.sources] == [f"https://example.org/{s.id}" for s in tiny.sources]
    assert [o.printed for o in again.observations] == [f"{o.value}" for o in tiny.observations]


def test_warnings_and_dates_come_back(tiny: Dataset) -> None:
    warning = Problem("odd", "observations[1].yoy", 3, 7, warning=True)
    again, warnings = snapshot.loads(snapshot.dumps(tiny, (warning,)), tiny.origin)
    assert again == tiny and warnings == (warning,)
    assert [o.as_of for o in again.observations if o.as_of] == [
        o.as_of for o in tiny.observations if o.as_of
    ]


def test_equal_strings_are_written_once(tiny: Dataset) -> None:
    values = marshal.loads(snapshot.dumps(tiny, ()))
    indicators = values[4][0]
    assert len({id(v) for v in indicators}) == len(set(indicators))


def test_the_payload_holds_only_plain_values(tiny: Dataset) -> None:
    plain = (str, int, float, bytes, type(None))

    def check(value: object) -> None:
        if isinstance(value, tuple):
            for item in value:
                check(item)
        elif isinstance(value, dict):
            for key, item in value.items():
                check(key)
                check(item)
        else:
            assert type(value) in plain, value

    check(marshal.loads(snapshot.dumps(tiny, ())))


def test_a_code_no_member_has_is_refused(tiny: Dataset) -> None:
    values = list(marshal.loads(snapshot.dumps(tiny, ())))
    values[0] = (("exact", "sort_of"), *values[0][1:])
    with pytest.raises(ValueError):
        snapshot.from_values(tuple(values), "x")


@pytest.mark.parametrize("payload", [b"", b"\x00", marshal.dumps(("a", 1)), marshal.dumps(None)])
def test_what_dumps_did_not_write_is_refused(payload: bytes, tmp_path: Path) -> None:
    with pytest.raises((ValueError, TypeError, LookupError, EOFError)):
        snapshot.loads(payload, "x")
