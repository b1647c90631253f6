"""ipstats.schema and its field reader: a parsed document becomes a Dataset or every problem."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import TINY
from ipstats._checker import MISSING, Checker, kind_of, quote
from ipstats._tree import YList, YMap
from ipstats.errors import DatasetError, Problem
from ipstats.loader import parse
from ipstats.model import Category, Dataset, Period, Qualifier
from ipstats.schema import build_dataset


def build(text: str) -> tuple[Dataset, tuple[Problem, ...]]:
    return build_dataset(parse(text, "d.yaml"), "d.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        build(text)
    return [f"{p.path}: {p.message}" for p in caught.value.errors]


def test_a_valid_document_becomes_a_dataset_of_typed_records() -> None:
    dataset, warnings = build(TINY)
    assert warnings == ()
    assert dataset.origin == "d.yaml"
    assert len(dataset.observations) == 13
    funding = [o for o in dataset.observations if o.indicator == "funding_amount"]
    assert funding[0].period is Period.AS_OF
    assert funding[0].as_of == dt.date(2025, 4, 21)
    assert dataset.indicator("widget_share").category is Category.PROTECTION
    assert dataset.source("src-a").languages == ("zh", "en")
    assert dataset.observations[1].yoy is not None
    assert dataset.observations[1].yoy.qualifier is Qualifier.EXACT


def test_the_top_level_must_be_a_mapping() -> None:
    with pytest.raises(DatasetError) as caught:
        build("- a\n- b\n")
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert problem.message.endswith("got a list")


def test_a_rank_must_be_a_whole_number_from_one() -> None:
    text = TINY.replace("year: 2021, value: 8,", "year: 2021, value: 8.5,")
    assert problems(text) == [
        "observations[9].value: a rank must be a whole number from 1, got 8.5"
    ]


def test_as_of_goes_only_with_dated_periods() -> None:
    text = TINY.replace(
        "year: 2021, value: 100, qualifier: exact, period: year,",
        'year: 2021, value: 100, qualifier: exact, period: year, as_of: "2021-12-31",',
    )
    assert problems(text) == [
        "observations[0].as_of: as_of only goes with period as_of or cumulative, not 'year'"
    ]


def test_a_stated_change_needs_exactly_one_kind() -> None:
    text = TINY.replace(
        "yoy: {percent: 10}, source: src-a", "yoy: {qualifier: about}, source: src-a"
    )
    assert problems(text) == ["observations[1].yoy: needs exactly one of 'percent' or 'absolute'"]


def test_a_broken_record_is_reported_once_not_at_each_reference() -> None:
    text = TINY.replace("  - id: beta\n    name: Beta\n", "  - id: beta\n    name: 7\n")
    assert problems(text) == ["cities[1].name: must be text, got 7"]


def test_an_unknown_reference_suggests_the_close_one() -> None:
    text = TINY.replace("city: beta, year: 2024, value: 242", "city: betta, year: 2024, value: 242")
    assert problems(text) == ["observations[3].city: unknown city 'betta'; did you mean: beta?"]


def test_a_contradicted_stated_change_is_a_warning() -> None:
    text = TINY.replace("year: 2022, value: 110,", "year: 2022, value: 150,")
    _, warnings = build(text)
    (warning,) = warnings
    assert warning.warning
    assert warning.path == "observations[1].yoy"
    assert warning.message.startswith("stated year-on-year change 10% disagrees with 2021 -> 2022")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "nothing (null)"),
        (True, "the boolean true (quote it if you meant text)"),
        ("x" * 70, f"the text '{'x' * 57}...'"),
        (dt.date(2024, 1, 2), "the date 2024-01-02"),
        (3.5, "3.5"),
    ],
)
def test_kind_of_says_what_a_value_is(value: object, shown: str) -> None:
    assert kind_of(value) == shown


def test_quote_cuts_long_text_and_escapes() -> None:
    assert quote("a\nb") == "'a\\nb'"
    assert len(quote("y" * 200)) == 62


def record(**fields: object) -> YMap:
    mapping = YMap((3, 1))
    for index, (key, value) in enumerate(fields.items()):
        mapping[key] = value
        mapping.key_positions[key] = (3 + index, 3)
        mapping.value_positions[key] = (3 + index, 10)
    return mapping


def test_the_checker_collects_problems_and_marks_refused_fields() -> None:
    checker = Checker()
    entry = record(kind="citty", year=1850, title="  ", tags=YList((9, 1)))
    checker.fields(entry, "x[0]", ("kind", "year"), ("title",))
    assert checker.choice(entry, "kind", "x[0]", Qualifier, "qualifier") is MISSING
    assert checker.year(entry, "year", "x[0]") is MISSING
    assert checker.text(entry, "title", "x[0]") is MISSING
    assert checker.text(entry, "absent", "x[0]") is MISSING
    messages = [(p.path, p.message, p.line) for p in checker.problems]
    assert messages[0] == (
        "x[0].tags",
        "unknown field 'tags'; allowed: kind, year, title",
        6,
    )
    assert messages[1][1].startswith("unknown qualifier 'citty'")
    assert messages[2] == ("x[0].year", "1850 is not a plausible year (1900-2100)", 4)
    assert messages[3] == ("x[0].title", "must not be empty", 5)
    assert len(messages) == 4


def test_an_indicator_may_have_a_chinese_name() -> None:
    dataset, _ = build(
        TINY.replace(
            "    name: Valid widgets\n", "    name: Valid widgets\n    name_zh: 有效部件\n"
        )
    )
    assert dataset.indicator("valid_widgets").name_zh == "有效部件"
    assert dataset.indicator("widgets_granted").name_zh == ""  # optional


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "Valid widgets",
            "'Valid widgets' has no Chinese characters; name_zh is the name in Chinese",
        ),
        ('""', "must not be empty"),
        ("[有效部件]", "must be text, got a list"),
    ],
)
def test_a_chinese_name_must_be_chinese_text(value: str, message: str) -> None:
    text = TINY.replace(
        "    name: Valid widgets\n", f"    name: Valid widgets\n    name_zh: {value}\n"
    )
    assert problems(text) == [f"indicators[1].name_zh: {message}"]


def test_a_chinese_name_is_claimed_like_an_alias() -> None:
    text = TINY.replace(
        "    name: Valid widgets\n", "    name: Valid widgets\n    name_zh: 部件\n"
    ).replace("    name: Widget share\n", "    name: Widget share\n    name_zh: 部件\n")
    assert problems(text) == [
        "indicators[2]: name or alias '部件' is claimed by indicators 'valid_widgets' and 'widget_share'"
    ]
