"""The loader and validation: every error class is reported with its location."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import HEADER, OBSERVATIONS, TINY
from ipstats.datafile import load
from ipstats.errors import DatasetError, Problem
from ipstats.loader import uses_libyaml

Write = Callable[[str], Path]


def problems_of(path: Path) -> list[str]:
    with pytest.raises(DatasetError) as caught:
        load(path)
    return [p.describe(path.name) for p in caught.value.errors]


def one_problem(path: Path) -> str:
    found = problems_of(path)
    assert len(found) == 1, found
    return found[0]


def test_tiny_dataset_loads_into_frozen_records(tiny_path: Path) -> None:
    loaded = load(tiny_path)
    ds = loaded.dataset
    assert [c.id for c in ds.cities] == ["alpha", "beta", "nation"]
    assert len(ds.observations) == 13
    first = ds.observations[0]
    assert (first.indicator, first.city, first.year, first.value) == (
        "widgets_granted",
        "alpha",
        2021,
        100,
    )
    with pytest.raises(AttributeError):
        first.value = 5  # type: ignore[misc]
    assert isinstance(ds.cities[0].aliases, tuple)
    assert loaded.warnings == ()


def test_the_c_loader_is_used_when_available() -> None:
    import yaml

    assert uses_libyaml() == hasattr(yaml, "CSafeLoader")


def test_malformed_yaml_is_located(write_dataset: Write) -> None:
    path = write_dataset("schema_version: 1\nsources: [\n  - id: x\n")
    message = one_problem(path)
    assert message.startswith("data.yaml:4:1: invalid YAML:") or message.startswith("data.yaml:3:")


def test_top_level_must_be_a_mapping(write_dataset: Write) -> None:
    assert one_problem(write_dataset("- 1\n- 2\n")) == (
        "data.yaml:1:1: the top level must be a mapping with schema_version, sources, cities, "
        "indicators, observations; got a list"
    )


def test_empty_file(write_dataset: Write) -> None:
    assert one_problem(write_dataset("# only a comment\n")) == (
        "data.yaml: is empty (or only comments); a dataset is a mapping of sections"
    )


def test_missing_section(write_dataset: Write) -> None:
    text = HEADER  # no observations section
    assert (
        one_problem(write_dataset(text)) == "data.yaml:1:1: missing required field 'observations'"
    )


def test_missing_field_is_reported_at_the_record(write_dataset: Write) -> None:
    text = TINY.replace("    unit: cny\n", "")
    assert (
        one_problem(write_dataset(text))
        == "data.yaml:57:5: indicators[4]: missing required field 'unit'"
    )


def test_string_where_a_number_belongs(write_dataset: Write) -> None:
    text = TINY.replace("value: 242,", "value: lots,")
    assert one_problem(write_dataset(text)) == (
        "data.yaml:67:65: observations[3].value: must be a number, got the text 'lots'"
    )


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        ("99999", "99999 is not a plausible year (1900-2100)"),
        ('"2023a"', "must be a whole year such as 2023, got the text '2023a'"),
        ("2023.5", "must be a whole year such as 2023, got 2023.5"),
        (
            "yes",
            "must be a whole year such as 2023, got the boolean true (quote it if you meant text)",
        ),
    ],
)
def test_implausible_years(write_dataset: Write, year: str, expected: str) -> None:
    text = TINY.replace(
        "city: beta, year: 2024, value: 242", f"city: beta, year: {year}, value: 242"
    )
    message = one_problem(write_dataset(text))
    assert message.startswith("data.yaml:67:")
    assert message.endswith(f"observations[3].year: {expected}")


def test_negative_count(write_dataset: Write) -> None:
    text = TINY.replace("value: 242,", "value: -242,")
    assert one_problem(write_dataset(text)) == (
        "data.yaml:67:65: observations[3].value: -242 is negative, but widgets_granted is measured in count"
    )


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        (
            "unit: cny",
            "unit: kg",
            "unknown unit 'kg' (valid: count, cny, usd, percent, per_10k_people, per_million_people, million_people, rank, days, months, years, ratio, times)",
        ),
        (
            "qualifier: more_than",
            "qualifier: more_then",
            "unknown qualifier 'more_then'; did you mean: more_than? (valid: exact, more_than, at_least, about, nearly, less_than, at_most)",
        ),
        (
            "period: year_end, source: src-b, locator: Part 2",
            "period: yearend, source: src-b, locator: Part 2",
            "unknown period 'yearend'; did you mean: year_end, year? (valid: year, year_end, as_of, cumulative, campaign)",
        ),
    ],
)
def test_unknown_enumerations(write_dataset: Write, field: str, bad: str, message: str) -> None:
    text = TINY.replace(field, bad, 1)
    assert one_problem(write_dataset(text)).endswith(message)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "city: beta, year: 2024, value: 242",
            "city: betta, year: 2024, value: 242",
            "observations[3].city: unknown city 'betta'; did you mean: beta?",
        ),
        (
            "indicator: widgets_granted, city: beta",
            "indicator: widget_granted, city: beta",
            "observations[3].indicator: unknown indicator 'widget_granted'; did you mean: widgets_granted, widget_share?",
        ),
        (
            "source: src-b, locator: Part 3}\n  - {indicator: valid",
            "source: src-c, locator: Part 3}\n  - {indicator: valid",
            "observations[3].source: unknown source 'src-c'; did you mean: src-b, src-a?",
        ),
    ],
)
def test_unknown_references(write_dataset: Write, old: str, new: str, message: str) -> None:
    text = TINY.replace(old, new, 1)
    found = one_problem(write_dataset(text))
    assert found.startswith("data.yaml:67:")
    assert found.endswith(message)


def test_duplicate_mapping_keys_are_detected(write_dataset: Write) -> None:
    text = TINY.replace("    name: Beta\n", "    name: Beta\n    name: Betta\n")
    assert one_problem(write_dataset(text)) == (
        "data.yaml:23:5: cities[1].name: duplicate key 'name' (first given on line 22)"
    )


def test_duplicate_observation(write_dataset: Write) -> None:
    line = "  - {indicator: widgets_granted, city: beta, year: 2024, value: 242, qualifier: exact, period: year, source: src-b, locator: Part 3}\n"
    text = TINY + line.replace("242", "243")
    assert one_problem(write_dataset(text)) == (
        "data.yaml:77:5: observations[13]: duplicate observation of widgets_granted for beta in 2024 "
        "(year) from src-b, first at observations[3] (line 67); a figure may come from several "
        "sources, but from each only once"
    )


def test_the_same_figure_from_another_source_is_no_duplicate(write_dataset: Write) -> None:
    line = "  - {indicator: widgets_granted, city: beta, year: 2024, value: 242, qualifier: exact, period: year, source: src-a, locator: p. 9}\n"
    loaded = load(write_dataset(TINY + line), use_cache=False)
    found = [o for o in loaded.dataset.observations if (o.city, o.year) == ("beta", 2024)]
    assert {o.source for o in found if o.indicator == "widgets_granted"} == {"src-a", "src-b"}
    assert loaded.warnings == ()  # the two agree


def test_alias_claimed_by_two_cities(write_dataset: Write) -> None:
    text = TINY.replace("    aliases: [bt]\n", "    aliases: [bt, AL]\n")
    assert one_problem(write_dataset(text)) == (
        "data.yaml:21:5: cities[1]: name or alias 'al' is claimed by cities 'alpha' and 'beta'"
    )


def test_alias_claimed_by_two_indicators(write_dataset: Write) -> None:
    text = TINY.replace("    aliases: [rank]\n", "    aliases: [rank, widgets]\n")
    assert one_problem(write_dataset(text)).endswith(
        "indicators[3]: name or alias 'widgets' is claimed by indicators 'widgets_granted' and 'cluster_rank'"
    )


def test_unknown_field_is_reported_with_a_suggestion(write_dataset: Write) -> None:
    text = TINY.replace("    kind: country\n", "    kind: country\n    populaton: 5\n")
    assert one_problem(write_dataset(text)).endswith(
        "cities[2].populaton: unknown field 'populaton'; allowed: id, name, name_zh, kind, aliases"
    )


def test_every_problem_is_reported_not_only_the_first(write_dataset: Write) -> None:
    text = TINY.replace("value: 242,", "value: x,").replace("value: 4000,", "value: y,")
    assert len(problems_of(write_dataset(text))) == 2


def test_python_tags_are_rejected_and_nothing_runs(write_dataset: Write, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"schema_version: !!python/object/apply:os.system ['touch {marker}']\n"
    message = one_problem(write_dataset(text))
    assert "unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'" in message
    assert not marker.exists()


def test_aliases_are_rejected(write_dataset: Write) -> None:
    text = "a: &x [1, 2]\nb: *x\n"
    assert "YAML anchors and aliases (&name / *name) are not supported" in one_problem(
        write_dataset(text)
    )


def test_several_documents(write_dataset: Write) -> None:
    message = one_problem(write_dataset("a: 1\n---\nb: 2\n"))
    assert (
        message
        == "data.yaml:2:1: holds more than one YAML document; a dataset is a single document"
    )


def test_not_utf8(write_dataset: Write, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("schema_version: 1\nname: caf\xe9\n".encode("latin-1"))
    assert one_problem(path) == "latin1.yaml:2:10: is not UTF-8 text (byte 0xe9); save it as UTF-8"


def test_bom_and_windows_line_endings_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TINY.replace("\n", "\r\n").encode("utf-8"))
    assert len(load(path).dataset.observations) == 13


def test_tabs_for_indentation(write_dataset: Write) -> None:
    message = one_problem(write_dataset("schema_version: 1\nsources:\n\t- id: x\n"))
    assert message.startswith("data.yaml:3:1:")
    assert "tabs cannot indent YAML; use spaces" in message


def test_missing_file(tmp_path: Path) -> None:
    assert one_problem(tmp_path / "nope.yaml") == "nope.yaml: no such file"


def test_yoy_disagreement_is_a_warning_not_an_error(write_dataset: Write) -> None:
    text = TINY.replace(
        "value: 110, qualifier: exact, period: year, yoy: {percent: 10}",
        "value: 110, qualifier: exact, period: year, yoy: {percent: 25}",
    )
    loaded = load(write_dataset(text))
    assert [w.message for w in loaded.warnings] == [
        "stated year-on-year change 25% disagrees with 2021 -> 2022 (100 -> 110: between 8.96 and 11.06 allowing for rounding)"
    ]
    assert all(isinstance(w, Problem) and w.warning for w in loaded.warnings)
    assert loaded.warnings[0].describe("d").startswith("d:65:108: observations[1].yoy: stated")


def test_unsupported_schema_version(write_dataset: Write) -> None:
    text = TINY.replace("schema_version: 1", "schema_version: 3")
    assert one_problem(write_dataset(text)) == (
        "data.yaml:1:17: schema_version: unsupported schema version 3; this ipstats reads schema_version: 1 or 2"
    )


def test_as_of_period_needs_a_date(write_dataset: Write) -> None:
    text = TINY.replace('period: as_of, as_of: "2025-04-21"', "period: as_of")
    assert one_problem(write_dataset(text)).endswith(
        "observations[11]: period 'as_of' needs an as_of date (YYYY-MM-DD)"
    )


def test_observations_section_with_no_header_is_still_checked() -> None:
    assert OBSERVATIONS.startswith("observations:")
