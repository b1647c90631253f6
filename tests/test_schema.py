"""ipstats.schema and its field reader: a parsed document becomes a Dataset or every problem."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SOURCED, TINY
from ipstats._checker import MISSING, Checker, kind_of, quote
from ipstats._tree import YList, YMap
from ipstats.datafile import load
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


V2 = TINY.replace("schema_version: 1", "schema_version: 2")


def test_a_version_1_file_loads_with_no_printed_figures_or_urls() -> None:
    dataset, _ = build(TINY)
    assert {o.printed for o in dataset.observations} == {""}
    assert {s.url for s in dataset.sources} == {""}


def test_version_2_carries_the_printed_figure_and_the_url() -> None:
    text = (
        V2.replace(
            "year: 2021, value: 100, qualifier: exact,",
            'year: 2021, value: 100, printed: "100", qualifier: exact,',
        )
        .replace(
            "value: 3353000000, qualifier: exact,",
            'value: 3353000000, printed: "33.53亿", qualifier: exact,',
        )
        .replace("  - id: src-b\n", "  - id: src-b\n    url: https://example.org/report-b\n", 1)
    )
    dataset, _ = build(text)
    printed = {o.printed for o in dataset.observations}
    assert printed == {"", "100", "33.53亿"}
    assert dataset.source("src-b").url == "https://example.org/report-b"
    assert dataset.source("src-a").url == ""


@pytest.mark.parametrize(
    ("value", "printed", "qualifier", "message"),
    [
        ("100", "1,000", "exact", "printed '1,000' is 1000, not the stored value 100"),
        (
            "100",
            "100余",
            "exact",
            "printed '100余' is worded as more_than, but the qualifier is exact",
        ),
        (
            "100",
            "100",
            "more_than",
            "printed '100' is a plain figure, but the qualifier is more_than",
        ),
        (
            "100",
            "100%",
            "exact",
            "printed '100%' is a percentage, but the indicator is measured in count",
        ),
        ("100", "a hundred-ish", "exact", "'a hundred-ish' is not a printed figure"),
    ],
)
def test_a_printed_figure_that_disagrees_is_a_located_error(
    write_dataset: Callable[[str], Path], value: str, printed: str, qualifier: str, message: str
) -> None:
    text = V2.replace(
        "year: 2021, value: 100, qualifier: exact,",
        f'year: 2021, value: {value}, printed: "{printed}", qualifier: {qualifier},',
    )
    path = write_dataset(text)
    with pytest.raises(DatasetError) as caught:
        load(path, use_cache=False)
    (problem,) = caught.value.errors
    assert problem.path == "observations[0].printed"
    assert problem.message.startswith(message)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if f'printed: "{printed}"' in t)
    assert problem.describe(path.name).startswith(f"data.yaml:{line}:")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        (
            "qualifier: exact, period: year, source: src-a, locator: Part 1}",
            'printed: "100", qualifier: exact, period: year, source: src-a, locator: Part 1}',
            "observations[0].printed",
        ),
        ("  - id: src-b\n", "  - id: src-b\n    url: https://example.org/b\n", "sources[1].url"),
    ],
)
def test_a_version_2_field_in_a_version_1_file_says_which_version_it_needs(
    old: str, new: str, field: str
) -> None:
    assert problems(TINY.replace(old, new, 1)) == [
        f"{field}: {field.rsplit('.', 1)[1]!r} needs schema_version: 2 (this file says 1); "
        "change schema_version to 2 to use it"
    ]


def test_a_url_must_be_a_web_address() -> None:
    text = V2.replace("  - id: src-b\n", "  - id: src-b\n    url: example dot org\n", 1)
    assert problems(text) == [
        "sources[1].url: 'example dot org' is not a web address (https://...)"
    ]


def test_an_unknown_schema_version_names_the_ones_read() -> None:
    assert problems(TINY.replace("schema_version: 1", "schema_version: 3")) == [
        "schema_version: unsupported schema version 3; this ipstats reads schema_version: 1 or 2"
    ]


# ----------------------------------------------------------------- places: parents, shared names

ALPHA = "  - id: alpha\n    name: Alpha\n    name_zh: 甲城\n    aliases: [al, 甲]\n    kind: city\n"
BETA = "  - id: beta\n    name: Beta\n    name_zh: 乙城\n    aliases: [bt]\n    kind: city\n"
NATION = "  - id: nation\n    name: Nation\n    name_zh: 全国\n    kind: country\n"


def placed(text: str = V2, **added: str) -> str:
    """The document with lines added to the cities named (by id) at the end of their record."""
    record = {"alpha": ALPHA, "beta": BETA, "nation": NATION}
    for city_id, lines in added.items():
        assert record[city_id] in text
        text = text.replace(record[city_id], record[city_id] + lines, 1)
    return text


def test_a_chain_of_parents_loads() -> None:
    dataset, _ = build(placed(alpha="    parent: beta\n", beta="    parent: nation\n"))
    assert dataset.city("alpha").parent == "beta"
    assert dataset.city("beta").parent == "nation"
    assert dataset.city("nation").parent == ""


def test_an_unknown_parent_is_refused_with_the_close_one() -> None:
    assert problems(placed(alpha="    parent: nattion\n")) == [
        "cities[0].parent: parent 'nattion' is not a city of this file; did you mean: nation?"
    ]


def test_parents_that_go_round_in_a_circle_are_refused() -> None:
    found = problems(placed(alpha="    parent: beta\n", beta="    parent: alpha\n"))
    assert found == [
        "cities[0].parent: parents go round in a circle: alpha -> beta -> alpha",
        "cities[1].parent: parents go round in a circle: beta -> alpha -> beta",
    ]


def test_a_place_cannot_be_its_own_parent() -> None:
    assert problems(placed(beta="    parent: beta\n")) == [
        "cities[1].parent: parents go round in a circle: beta -> beta"
    ]


def test_a_parent_must_be_a_slug() -> None:
    assert problems(placed(alpha="    parent: Nation\n")) == [
        "cities[0].parent: 'Nation' is not the id of another city"
    ]


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ("    parent: nation\n", "cities[0].parent"),
        (
            "    shared_names:\n      - {names: [al], also: Alpha county}\n",
            "cities[0].shared_names",
        ),
    ],
)
def test_a_place_field_of_version_2_in_a_version_1_file_is_refused(lines: str, field: str) -> None:
    key = field.rsplit(".", 1)[1]
    assert problems(placed(TINY, alpha=lines)) == [
        f"{field}: {key!r} needs schema_version: 2 (this file says 1); "
        "change schema_version to 2 to use it"
    ]


SHARED = (
    "    shared_names:\n"
    "      - {names: [al, 甲], also: Alpha county (甲县)}\n"
    "      - {names: [Alpha], also: Beta's old name, city: beta}\n"
)


def test_shared_names_load_with_the_other_place() -> None:
    dataset, warnings = build(placed(alpha=SHARED))
    assert warnings == ()
    county, old_name = dataset.city("alpha").shared
    assert (county.names, county.also, county.city) == (("al", "甲"), "Alpha county (甲县)", "")
    assert (old_name.names, old_name.city) == (("Alpha",), "beta")
    assert dataset.city("beta").shared == ()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "{names: [bt], also: Beta}",
            "cities[0].shared_names[0].names[0]: 'bt' is not a name of 'alpha': give its id, "
            "name, Chinese name or one of its aliases",
        ),
        (
            "{names: [al], also: Alpha county, city: alpha}",
            "cities[0].shared_names[0].city: must be another city, not this one",
        ),
        (
            "{names: [al], also: Beta, city: betta}",
            "cities[0].shared_names[0].city: 'betta' is not a city of this file; "
            "did you mean: beta?",
        ),
        ("{names: [], also: Alpha county}", "cities[0].shared_names[0].names: must name"),
        ("{names: [al]}", "cities[0].shared_names[0]: missing required field 'also'"),
        (
            "{names: [al], also: Alpha county, where: north}",
            "cities[0].shared_names[0].where: unknown field 'where'",
        ),
        ("al", "cities[0].shared_names[0]: must be a mapping with names and also, got the text"),
    ],
)
def test_a_wrong_shared_name_is_a_located_error(entry: str, message: str) -> None:
    (found,) = problems(placed(alpha=f"    shared_names:\n      - {entry}\n"))
    assert found.startswith(message)


def test_a_shared_name_is_in_one_entry_only() -> None:
    text = placed(
        alpha="    shared_names:\n      - {names: [al], also: A}\n      - {names: [AL], also: B}\n"
    )
    assert problems(text) == ["cities[0].shared_names[1].names[0]: 'AL' is in more than one entry"]


def test_shared_names_must_be_a_list() -> None:
    assert problems(placed(alpha="    shared_names: al\n")) == [
        "cities[0].shared_names: must be a list of {names, also} mappings, got the text 'al'"
    ]


# ---------------------------------------------------------------- sources: type and retrieved


def test_a_source_type_and_retrieval_date_load_in_version_2() -> None:
    text = V2.replace(
        "  - id: src-b\n", '  - id: src-b\n    type: statistics\n    retrieved: "2026-11-30"\n', 1
    )
    dataset, _ = build(text)
    assert dataset.source("src-b").type.value == "statistics"
    assert dataset.source("src-b").retrieved == "2026-11-30"
    assert (dataset.source("src-a").type.value, dataset.source("src-a").retrieved) == (
        "report",
        "",
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "    type: yearbook\n",
            "sources[1].type: unknown source type 'yearbook'",
        ),
        (
            '    retrieved: "30 November 2026"\n',
            "sources[1].retrieved: must be a date as YYYY-MM-DD, got the text '30 November 2026'",
        ),
        ('    retrieved: "2026-11"\n', "sources[1].retrieved: must be a date as YYYY-MM-DD"),
    ],
)
def test_a_wrong_source_type_or_date_is_refused(line: str, message: str) -> None:
    (found,) = problems(V2.replace("  - id: src-b\n", "  - id: src-b\n" + line, 1))
    assert found.startswith(message)


@pytest.mark.parametrize("line", ["    type: statistics\n", '    retrieved: "2026-11-30"\n'])
def test_a_source_field_of_version_2_in_a_version_1_file_is_refused(line: str) -> None:
    key = line.split(":")[0].strip()
    assert problems(TINY.replace("  - id: src-b\n", "  - id: src-b\n" + line, 1)) == [
        f"sources[1].{key}: {key!r} needs schema_version: 2 (this file says 1); "
        "change schema_version to 2 to use it"
    ]


def test_two_sources_may_state_one_figure_and_disagreements_are_warnings() -> None:
    dataset, warnings = build(SOURCED)
    assert len(dataset.observations) == 14
    assert [(w.path, w.warning) for w in warnings] == [
        ("observations[0].value", True),
        ("observations[4].value", True),
    ]
    assert warnings[0].message == (
        "wp-2023 gives 5,591 for pct of alpha in 2022 (year), but stat-2024 gives 5,590: "
        "they disagree beyond rounding (stat-2024 is the primary figure)"
    )
    assert warnings[1].message.startswith("stat-2023 gives 1,100 for pct of beta in 2022")
    assert warnings[0].line == 29  # the value of the figure that disagrees


def test_the_same_source_twice_for_one_figure_is_an_error() -> None:
    twice = SOURCED.replace("source: wp-2023, locator: p. 2", "source: stat-2024, locator: p. 2")
    (message,) = problems(twice)
    assert message.startswith(
        "observations[1]: duplicate observation of pct for alpha in 2022 (year) from stat-2024, "
        "first at observations[0]"
    )


def test_a_version_1_file_may_have_two_sources_for_one_figure() -> None:
    second = (
        "  - {indicator: widgets_granted, city: beta, year: 2024, value: 250, qualifier: exact,"
        " period: year, source: src-a, locator: p. 9}\n"
    )
    dataset, warnings = build(TINY + second)
    stated = [o for o in dataset.observations if o.figure[:3] == ("widgets_granted", "beta", 2024)]
    assert sorted(o.source for o in stated) == ["src-a", "src-b"]
    # version 1 sources have no type (report): the more recently published src-b is primary
    (warning,) = warnings
    assert "src-a gives 250" in warning.message and "src-b is the primary" in warning.message


def test_a_stated_change_is_checked_against_the_same_source_where_it_has_the_year() -> None:
    primary_2022 = (
        "  - {indicator: apps, city: beta, year: 2022, value: 1000, qualifier: exact,"
        " period: year, source: stat-2024, locator: T1}\n"
    )
    own_2022 = primary_2022.replace("1000", "1100").replace("stat-2024", "wp-2024")
    stated_2023 = (
        "  - {indicator: apps, city: beta, year: 2023, value: 1320, qualifier: exact,"
        " period: year, source: wp-2024, locator: p. 7, yoy: {percent: 20}}\n"
    )

    def yoy_warnings(text: str) -> list[str]:
        return [w.message for w in build(text)[1] if "year-on-year" in w.message]

    # +20% is true of the white paper's own 1,100, not of the primary 1,000
    assert yoy_warnings(SOURCED + primary_2022 + own_2022 + stated_2023) == []
    # without its own figure for 2022, the change is checked against the primary
    (message,) = yoy_warnings(SOURCED + primary_2022 + stated_2023)
    assert message.startswith("stated year-on-year change 20% disagrees with 2022 -> 2023")


def test_a_rate_per_head_is_not_chained_across_publications() -> None:
    """Each publication divides by its own population figure: a rate stated by one source is
    no base for another source's stated growth (Beijing end-2018: 111.2 and 112.0)."""
    text = SOURCED.replace(
        "indicators:\n",
        "indicators:\n  - {id: rate, name: Rate, aliases: [], category: creation,"
        " unit: per_10k_people, measure: rate, description: Patents per 10k people.}\n",
        1,
    )
    other_2018 = (
        "  - {indicator: rate, city: beta, year: 2018, value: 111.2, qualifier: exact,"
        " period: year_end, source: press-2024, locator: T1}\n"
    )
    stated_2019 = (
        "  - {indicator: rate, city: beta, year: 2019, value: 132.0, qualifier: exact,"
        " period: year_end, source: wp-2024, locator: p. 7, yoy: {percent: 17.86}}\n"
    )
    own_2018 = other_2018.replace("press-2024", "wp-2024")

    def yoy_warnings(text: str) -> list[str]:
        return [w.message for w in build(text)[1] if "year-on-year" in w.message]

    assert yoy_warnings(text + other_2018 + stated_2019) == []
    # the same publication's own previous year is still checked
    (message,) = yoy_warnings(text + own_2018 + stated_2019)
    assert message.startswith("stated year-on-year change 17.86% disagrees with 2018 -> 2019")
