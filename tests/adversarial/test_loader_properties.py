"""Property tests: any bytes give a dataset or the project's own error, never a crash; any
valid dataset survives export and re-parsing with identical values."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hostile import with_data
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipstats.datafile import load
from ipstats.errors import DatasetError, IpstatsError, Problem
from ipstats.loader import dump_document
from ipstats.model import Dataset

FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """One file, rewritten for every example (hypothesis runs many per test)."""
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory) / "fuzz.yaml"


def load_bytes(path: Path, data: bytes) -> Dataset | None:
    """The dataset the bytes hold, or None when they are refused with located problems."""
    path.write_bytes(data)
    try:
        return load(path, use_cache=False).dataset
    except IpstatsError as error:
        assert "\n" not in str(error), str(error)
        if isinstance(error, DatasetError):
            assert error.errors, "a DatasetError names at least one problem"
            for problem in error.problems:
                assert isinstance(problem, Problem)
                assert "\n" not in problem.describe(str(path)), problem
        return None


# Anything at all ------------------------------------------------------------------------------


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes(scratch: Path, data: bytes) -> None:
    load_bytes(scratch, data)


# Pieces of YAML syntax, and of what hostile files hold, strung together at random.
YAMLISH = st.lists(
    st.sampled_from(
        [
            *"-:[]{}&*!|>'\"#%@`,?~ \t\n\r.0123456789eE+_xob\ufeff\x00é甲\u2028\x85",
            *("yes", "no", "on", "<<", "!!python/name:os.system", "---", "...", "&a", "*a"),
            "\n  ",
        ]
    ),
    max_size=120,
).map("".join)


@FUZZ
@given(text=YAMLISH)
def test_random_yaml_syntax(scratch: Path, text: str) -> None:
    load_bytes(scratch, text.encode("utf-8"))


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.dates()
    | st.datetimes()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@FUZZ
@given(document=VALUES)
def test_random_yaml_documents(scratch: Path, document: Any) -> None:
    load_bytes(scratch, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


def base_document() -> dict[str, Any]:
    from conftest import TINY

    loaded = yaml.safe_load(TINY)
    assert isinstance(loaded, dict)
    return loaded


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


BASE_PATHS = [p for p in paths(base_document()) if p]


@FUZZ
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(BASE_PATHS), VALUES, st.booleans()), min_size=1, max_size=3
    )
)
def test_a_valid_dataset_with_random_values_put_in(
    scratch: Path, changes: list[tuple[tuple[Any, ...], Any, bool]]
) -> None:
    """Some fields replaced (or, alongside, a random new key added) at random places."""
    document = base_document()
    for where, value, beside in changes:
        parent: Any = document
        try:
            for step in where[:-1]:
                parent = parent[step]
            if beside and isinstance(parent, dict):
                parent[f"x_{where[-1]}"] = value
            else:
                parent[where[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the place
    load_bytes(scratch, yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode())


# Valid datasets round-trip through every export format --------------------------------------

# Text as sources print it: any letters, digits, punctuation and spaces, formula starters and
# quotes included, with line breaks in notes; never control characters (refused on reading).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff"),
    min_size=1,
    max_size=25,
).filter(str.strip)
NOTE = st.lists(TEXT, min_size=1, max_size=3).map("\n".join)
# Figures as published: whole numbers, or decimals with up to four places.
COUNT = st.integers(min_value=0, max_value=10**15) | st.decimals(
    min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False
).map(float)
PERCENT = st.decimals(
    min_value=-1000, max_value=1000, places=4, allow_nan=False, allow_infinity=False
).map(float)
QUALIFIERS = ["exact", "more_than", "at_least", "about", "nearly", "less_than", "at_most"]


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    cities = draw(st.integers(min_value=1, max_value=3))
    indicators = [
        {
            "id": "widgets",
            "name": "Widgets",
            "category": "creation",
            "unit": "count",
            "measure": "flow",
            "description": draw(TEXT),
        },
        {
            "id": "share",
            "name": "Share",
            "category": "protection",
            "unit": "percent",
            "measure": "rate",
            "description": draw(TEXT),
        },
    ]
    observations = []
    keys = st.tuples(
        st.sampled_from(["widgets", "share"]),
        st.integers(min_value=0, max_value=cities - 1),
        st.integers(min_value=1900, max_value=2100),
        st.sampled_from(["year", "year_end", "campaign"]),
        st.one_of(st.just(""), TEXT),
    )
    for indicator, city, year, period, scope in draw(
        st.lists(keys, min_size=1, max_size=8, unique=True)
    ):
        observation: dict[str, Any] = {
            "indicator": indicator,
            "city": f"city-{city}",
            "year": year,
            "value": draw(COUNT if indicator == "widgets" else PERCENT),
            "qualifier": draw(st.sampled_from(QUALIFIERS)),
            "period": period,
            "source": "src",
            "locator": draw(TEXT),
        }
        if scope:
            observation["scope"] = scope
        if draw(st.booleans()):
            observation["note"] = draw(NOTE)
        if draw(st.booleans()):
            kind = draw(st.sampled_from(["percent", "absolute"]))
            observation["yoy"] = {
                kind: draw(PERCENT),
                "qualifier": draw(st.sampled_from(QUALIFIERS)),
            }
        observations.append(observation)
    return {
        "schema_version": 1,
        "sources": [
            {
                "id": "src",
                "title": draw(TEXT),
                "title_en": draw(TEXT),
                "publisher": draw(TEXT),
                "published": "2024",
                "languages": ["en"],
            }
        ],
        "cities": [
            {"id": f"city-{i}", "name": f"City {i}", "name_zh": f"城{i}", "kind": "city"}
            for i in range(cities)
        ],
        "indicators": indicators,
        "observations": observations,
    }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def exact(text: str) -> str:
    return text


def neutralised(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def number(cell: Any) -> int | float:
    if isinstance(cell, int | float):
        return cell
    return int(cell) if cell.lstrip("-").isdigit() else float(cell)


def same_observations(dataset: Dataset, rows: list[dict[str, Any]], text: Any = exact) -> None:
    """The rows of a long export hold exactly what the observations hold (text as exported)."""
    blank = {None: ""}
    found = {
        (
            r["city"],
            number(r["year"]),
            r["indicator"],
            r["period"],
            blank.get(r["scope"], r["scope"]),
        ): r
        for r in rows
    }
    assert len(found) == len(rows) == len(dataset.observations)
    for o in dataset.observations:
        row = found[(o.city, o.year, o.indicator, o.period.value, text(o.scope) if o.scope else "")]
        assert number(row["value"]) == o.value
        assert row["qualifier"] == o.qualifier.value
        assert row["source"] == o.source
        assert row["locator"] == text(o.locator)
        assert blank.get(row["note"], row["note"]) == (text(o.note) if o.note else "")
        if o.yoy is None:
            assert blank.get(row["reported_yoy_value"], row["reported_yoy_value"]) == ""
        else:
            assert number(row["reported_yoy_value"]) == o.yoy.value
            assert row["reported_yoy_kind"] == o.yoy.kind.value
            assert row["reported_yoy_qualifier"] == o.yoy.qualifier.value


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=datasets())
def test_valid_datasets_survive_export_and_reparsing(
    scratch: Path, document: dict[str, Any]
) -> None:
    scratch.write_text(dump_document(document), encoding="utf-8")
    dataset = load(scratch, use_cache=False).dataset
    for written, read in zip(document["observations"], dataset.observations, strict=True):
        assert (read.value, read.year, read.locator) == (
            written["value"],
            written["year"],
            written["locator"],
        )

    def export(*args: str) -> str:
        result = with_data(scratch, "export", *args)
        assert (result.code, result.err) == (0, ""), result
        return result.out

    as_json = json.loads(export("-f", "json"))
    same_observations(dataset, as_json)
    assert [json.loads(line) for line in export("-f", "jsonl").splitlines()] == as_json
    assert yaml.safe_load(export("-f", "yaml")) == as_json
    raw = export("-f", "csv", "--no-sanitize")
    same_observations(dataset, list(csv.DictReader(io.StringIO(raw, newline=""))))
    safe = export("-f", "csv")
    same_observations(dataset, list(csv.DictReader(io.StringIO(safe, newline=""))), neutralised)
    # TSV cannot quote: whatever the text holds, every row stays one line of whole cells.
    lines = export("-f", "tsv").splitlines()
    assert len(lines) == len(dataset.observations) + 1
    assert {line.count("\t") for line in lines} == {lines[0].count("\t")}
