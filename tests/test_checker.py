"""ipstats._checker: reading fields out of a parsed file, every problem collected and located."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from ipstats._checker import (
    MISSING,
    Checker,
    field_path,
    kind_of,
    missing,
    quote,
    unicode_category_is_control,
)
from ipstats._tree import YList, YMap
from ipstats.model import Qualifier


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "nothing (null)"),
        (True, "the boolean true (quote it if you meant text)"),
        ("x" * 70, f"the text '{'x' * 57}...'"),
        (dt.date(2024, 1, 2), "the date 2024-01-02"),
        (
            dt.datetime(2024, 1, 2, 3, 4),
            "the date and time 2024-01-02T03:04:00",
        ),
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


def positioned(items: list[object], line: int = 9) -> YList:
    sequence = YList((line, 1))
    for index, item in enumerate(items):
        sequence.append(item)
        sequence.item_positions.append((line, 3 + 4 * index))
    return sequence


def located(checker: Checker) -> list[tuple[str, str, int | None, int | None]]:
    return [(p.path, p.message, p.line, p.column) for p in checker.problems]


def test_a_field_path_quotes_a_key_that_is_not_a_plain_name() -> None:
    assert field_path("x[0]", "id") == "x[0].id"
    assert field_path("", "id") == "id"
    assert field_path("x[0]", "a\tb") == "x[0].'a\\tb'"
    assert field_path("x[0]", "") == "x[0].''"


def test_kind_of_names_containers_and_text() -> None:
    assert kind_of(YMap((1, 1))) == "a mapping"
    assert kind_of({}) == "a mapping"
    assert kind_of([1]) == "a list"
    assert kind_of("hi") == "the text 'hi'"
    assert kind_of(False) == "the boolean false (quote it if you meant text)"


def test_records_are_the_mappings_of_a_section_and_the_rest_are_problems() -> None:
    checker = Checker()
    good = YMap((10, 5))
    top = record(cities=positioned([good, "oops"]), sources="none")
    assert checker.records(top, "cities") == [("cities[0]", good)]
    assert checker.records(top, "sources") == []
    assert checker.records(top, "absent") == []
    assert located(checker) == [
        ("cities[1]", "must be a mapping, got the text 'oops'", 9, 7),
        ("sources", "must be a list, got the text 'none'", 4, 10),
    ]


def test_a_missing_required_field_is_located_at_its_record() -> None:
    checker = Checker()
    checker.fields(record(name="x"), "x[0]", ("id", "name"), ())
    assert located(checker) == [("x[0]", "missing required field 'id'", 3, 1)]


def test_an_unknown_field_close_to_an_allowed_one_is_suggested() -> None:
    checker = Checker()
    checker.fields(record(name="x", titel="y"), "x[0]", ("name",), ("title",))
    assert located(checker) == [("x[0].titel", "unknown field 'titel'; did you mean: title?", 4, 3)]


def test_an_accepted_value_is_returned_as_read() -> None:
    checker = Checker()
    entry = record(kind="about", year=2024, title="Report", value=1.5, on="2024-01-02")
    assert checker.choice(entry, "kind", "x", Qualifier, "qualifier") is Qualifier.ABOUT
    assert checker.year(entry, "year", "x") == 2024
    assert checker.text(entry, "title", "x") == "Report"
    assert checker.number(entry, "value", "x") == 1.5
    assert checker.date(entry, "on", "x") == dt.date(2024, 1, 2)
    assert checker.problems == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (True, "must be a number, got the boolean true (quote it if you meant text)"),
        ("5", "must be a number, got the text '5'"),
        (float("inf"), "must be a finite number, got inf"),
        (1e18, "1e+18 is too large to be a real figure"),
    ],
)
def test_a_number_must_be_a_finite_plausible_figure(value: object, message: str) -> None:
    checker = Checker()
    assert checker.number(record(v=value), "v", "x") is MISSING
    assert located(checker) == [("x.v", message, 3, 10)]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2024.0, "must be a whole year such as 2023, got 2024.0"),
        (
            True,
            "must be a whole year such as 2023, got the boolean true (quote it if you meant text)",
        ),
        (2101, "2101 is not a plausible year (1900-2100)"),
    ],
)
def test_a_year_must_be_a_plausible_whole_year(value: object, message: str) -> None:
    checker = Checker()
    assert checker.year(record(y=value), "y", "x") is MISSING
    assert [p.message for p in checker.problems] == [message]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-13-01", "'2024-13-01' is not a date (YYYY-MM-DD)"),
        (
            dt.datetime(2024, 1, 2, 3, 4),
            "must be a date (YYYY-MM-DD), got the date and time 2024-01-02T03:04:00",
        ),
        (20240102, "must be a date (YYYY-MM-DD), got 20240102"),
    ],
)
def test_a_date_must_be_a_calendar_date(value: object, message: str) -> None:
    checker = Checker()
    assert checker.date(record(d=value), "d", "x") is MISSING
    assert [p.message for p in checker.problems] == [message]


def test_a_date_read_as_a_date_is_kept() -> None:
    assert Checker().date(record(d=dt.date(2024, 1, 2)), "d", "x") == dt.date(2024, 1, 2)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (5, "must be text, got 5"),
        ("a\x07b", "must not contain control characters"),
        ("abc", "'abc' is not an id"),
    ],
)
def test_text_must_be_printable_and_match_its_pattern(value: object, message: str) -> None:
    checker = Checker()
    assert checker.text(record(t=value), "t", "x", re.compile("[0-9]+$"), "an id") is MISSING
    assert [p.message for p in checker.problems] == [message]


def test_text_may_hold_line_breaks() -> None:
    assert Checker().text(record(t="two\nlines"), "t", "x") == "two\nlines"


def test_an_unknown_choice_lists_the_valid_ones_and_suggests_the_closest() -> None:
    checker = Checker()
    assert checker.choice(record(q="abuot"), "q", "x", Qualifier, "qualifier") is MISSING
    assert checker.choice(record(q=3), "q", "x", Qualifier, "qualifier") is MISSING
    valid = ", ".join(q.value for q in Qualifier)
    assert [p.message for p in checker.problems] == [
        f"unknown qualifier 'abuot'; did you mean: about? (valid: {valid})",
        f"must be a qualifier ({valid}), got 3",
    ]


def test_a_list_of_texts_keeps_the_good_items_and_locates_the_bad_ones() -> None:
    checker = Checker()
    entry = record(langs=positioned(["zh", "", 3, "EN"]), name="x")
    pattern = re.compile("[a-z]{2}$")
    assert checker.texts(entry, "langs", "s", pattern, "a language code") == ("zh",)
    assert checker.texts(entry, "name", "s") is MISSING
    assert checker.texts(entry, "absent", "s") is MISSING
    assert located(checker) == [
        ("s.langs[1]", "must be non-empty text, got the text ''", 9, 7),
        ("s.langs[2]", "must be non-empty text, got 3", 9, 11),
        ("s.langs[3]", "'EN' is not a language code", 9, 15),
        ("s.name", "must be a list of text, got the text 'x'", 4, 10),
    ]


def test_a_warning_is_a_problem_marked_as_one() -> None:
    checker = Checker()
    checker.warn("odd", "x.v", (4, 2))
    checker.error("bad", "x.w", None)
    assert [(p.warning, p.line, p.column) for p in checker.problems] == [
        (True, 4, 2),
        (False, None, None),
    ]


def test_control_characters_are_the_c0_and_c1_ranges() -> None:
    assert all(unicode_category_is_control(chr(c)) for c in (0, 9, 31, 0x7F, 0x9F))
    assert not any(unicode_category_is_control(ch) for ch in (" ", "~", "\xa0", "é", "专"))


def test_missing_is_true_when_any_value_was_refused() -> None:
    assert missing(1, MISSING)
    assert not missing(1, "", None)
