"""ipstats.schema_records: the sources, cities and indicators sections, checked on their own."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import TINY
from ipstats._checker import Checker
from ipstats.loader import parse
from ipstats.model import City, Indicator, Source
from ipstats.schema_records import added_fields, check_cities, check_indicators, check_sources
from test_checker import record
from test_schema import V2


@dataclass(frozen=True)
class Sections:
    sources: dict[str, Source]
    cities: dict[str, City]
    indicators: dict[str, Indicator]
    problems: list[str]


def check(text: str) -> Sections:
    """The records the three sections of the document give, and every problem found in them."""
    tree = parse(text, "d.yaml")
    checker = Checker()
    version = tree["schema_version"]
    sources = check_sources(checker, tree, version)
    cities = check_cities(checker, tree, version)
    indicators = check_indicators(checker, tree)
    found = [f"{p.path}: {p.message}" for p in checker.problems]
    return Sections(sources, cities, indicators, found)


def problems(text: str) -> list[str]:
    return check(text).problems


def test_every_record_of_a_valid_document_is_read() -> None:
    found = check(TINY)
    assert found.problems == []
    assert list(found.sources) == ["src-a", "src-b"]
    assert found.sources["src-a"].languages == ("zh", "en")
    assert set(found.cities) == {"alpha", "beta", "nation"}
    assert "widget_share" in found.indicators


@pytest.mark.parametrize(
    ("section", "record_id"),
    [("sources", "src-a"), ("cities", "alpha"), ("indicators", "widgets_granted")],
)
def test_an_id_is_used_once_in_its_section(section: str, record_id: str) -> None:
    lines = TINY.splitlines(keepends=True)
    start = lines.index(f"{section}:\n") + 1
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("  - "))
    first = "".join(lines[start:end])
    assert f"id: {record_id}\n" in first
    twice = TINY.replace(first, first + first, 1)
    what = {"sources": "source", "cities": "city", "indicators": "indicator"}[section]
    found = [p for p in problems(twice) if "duplicate" in p]
    assert found == [f"{section}[1].id: duplicate {what} id {record_id!r}"]


def test_a_field_is_allowed_from_the_version_that_added_it() -> None:
    entry = record(id="src", url="https://example.org")
    checker = Checker()
    assert {"url", "printed", "type", "retrieved"} <= set(added_fields(checker, entry, "s[0]", 2))
    assert checker.problems == []
    assert "url" not in added_fields(checker, entry, "s[0]", 1)
    (problem,) = checker.problems
    assert (problem.path, problem.line) == ("s[0].url", 4)
    assert problem.message == (
        "'url' needs schema_version: 2 (this file says 1); change schema_version to 2 to use it"
    )


def test_an_indicator_may_have_a_chinese_name() -> None:
    found = check(
        TINY.replace(
            "    name: Valid widgets\n", "    name: Valid widgets\n    name_zh: 有效部件\n"
        )
    )
    assert found.indicators["valid_widgets"].name_zh == "有效部件"
    assert found.indicators["widgets_granted"].name_zh == ""  # optional


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


def test_a_url_must_be_a_web_address() -> None:
    text = V2.replace("  - id: src-b\n", "  - id: src-b\n    url: example dot org\n", 1)
    assert problems(text) == [
        "sources[1].url: 'example dot org' is not a web address (https://...)"
    ]


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
    found = check(placed(alpha="    parent: beta\n", beta="    parent: nation\n"))
    assert found.cities["alpha"].parent == "beta"
    assert found.cities["beta"].parent == "nation"
    assert found.cities["nation"].parent == ""


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
    found = check(placed(alpha=SHARED))
    assert found.problems == []
    county, old_name = found.cities["alpha"].shared
    assert (county.names, county.also, county.city) == (("al", "甲"), "Alpha county (甲县)", "")
    assert (old_name.names, old_name.city) == (("Alpha",), "beta")
    assert found.cities["beta"].shared == ()


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


def test_a_source_type_and_retrieval_date_load_in_version_2() -> None:
    text = V2.replace(
        "  - id: src-b\n", '  - id: src-b\n    type: statistics\n    retrieved: "2026-11-30"\n', 1
    )
    found = check(text)
    assert found.sources["src-b"].type.value == "statistics"
    assert found.sources["src-b"].retrieved == "2026-11-30"
    assert (found.sources["src-a"].type.value, found.sources["src-a"].retrieved) == (
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
