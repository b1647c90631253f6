"""Hostile names and options: each a usage error (exit 2) with one helpful `Error:` line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import Run, with_data

KNOWN = "(known: alpha, beta, nation)"
LIST_THEM = "(`ipstats list indicators` shows them all)"


def usage_error(result: Run) -> str:
    assert result.code == 2, result
    assert result.out == ""
    return result.error


def city_error(tiny_path: Path, name: str) -> str:
    return usage_error(with_data(tiny_path, "compare", "alpha", name, "-m", "widgets"))


@pytest.mark.parametrize("name", ["", " ", "\t\n", "\u3000"])
def test_empty_city_names(tiny_path: Path, name: str) -> None:
    assert city_error(tiny_path, name) == "empty city name; give a city such as alpha, beta, nation"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("q" * 100_000, "q" * 57 + "..."),
        ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"),
        ("be\x00ta", "be\\x00ta"),
        ("line\nbreak", "line\\nbreak"),
        ("\u202etfel", "\\u202etfel"),  # a right-to-left override
        ("$(touch pwned)", "$(touch pwned)"),
        ("`touch pwned`; rm -rf / | cat && echo", "`touch pwned`; rm -rf / | cat && echo"),
        ("' OR 1=1 --", "' OR 1=1 --"),
        ("%s%n{0}{name}", "%s%n{0}{name}"),
        ("../../etc/passwd", "../../etc/passwd"),
        ("甲乙丙丁", "甲乙丙丁"),
    ],
    ids=[
        "long",
        "escape codes",
        "nul",
        "newline",
        "bidi",
        "subshell",
        "shell",
        "sql",
        "format",
        "path",
        "han",
    ],
)
def test_unknown_city_names_are_shown_safely(
    tiny_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, shown: str
) -> None:
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    message = city_error(tiny_path, name)
    assert message.startswith(f"unknown city '{shown}'")
    assert message.endswith(KNOWN)
    assert message.isprintable()
    assert list(workdir.iterdir()) == []  # nothing ran


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Аlpha", f"unknown city 'Аlpha'; did you mean: alpha? {KNOWN}"),  # Cyrillic А
        ("bеta", f"unknown city 'bеta'; did you mean: beta, bt? {KNOWN}"),  # Cyrillic е
        ("alpha甲城", f"unknown city 'alpha甲城'; did you mean: alpha? {KNOWN}"),
    ],
)
def test_mixed_scripts_are_not_confused_with_real_names(
    tiny_path: Path, name: str, expected: str
) -> None:
    assert city_error(tiny_path, name) == expected


@pytest.mark.parametrize("name", ["ａｌｐｈａ", "ALPHA", " alpha ", "甲城", "甲"])
def test_compatible_forms_of_a_name_still_resolve(tiny_path: Path, name: str) -> None:
    result = with_data(tiny_path, "compare", name, "beta", "-m", "widgets", "-f", "csv")
    assert (result.code, result.err) == (0, "")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("", "empty metric name; `ipstats list indicators` shows them all"),
        ("w" * 100_000, f"unknown metric '{'w' * 57}...' {LIST_THEM}"),
        ("\x1b]0;title\x07", f"unknown metric '\\x1b]0;title\\x07' {LIST_THEM}"),
        ("$(id)", f"unknown metric '$(id)' {LIST_THEM}"),
        (
            "widget",
            "ambiguous metric 'widget': it could be "
            "widgets_granted (Widgets granted); widget_share (Widget share)",
        ),
    ],
    ids=["empty", "long", "escape codes", "subshell", "ambiguous"],
)
def test_metric_names(tiny_path: Path, name: str, expected: str) -> None:
    result = with_data(tiny_path, "compare", "alpha", "beta", "-m", name)
    assert usage_error(result) == expected


def test_empty_city_option(tiny_path: Path) -> None:
    result = with_data(tiny_path, "list", "observations", "--city", "")
    assert usage_error(result) == "empty city name; give a city such as alpha, beta, nation"


def test_a_long_search_finds_nothing_and_says_so(tiny_path: Path) -> None:
    result = with_data(tiny_path, "list", "indicators", "--search", "\x00" + "z" * 100_000)
    assert result.code == 1
    assert result.error == (
        "no indicator matches these filters; `ipstats list indicators` shows them all"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("20244", "--year 20244 is not a plausible year (1900-2100)"),
        ("1899", "--year 1899 is not a plausible year (1900-2100)"),
        ("2101", "--year 2101 is not a plausible year (1900-2100)"),
        ("0", "--year 0 is not a plausible year (1900-2100)"),
        ("abc", "--year 'abc' is not a year; give one such as 2024"),
        ("", "--year '' is not a year; give one such as 2024"),
        ("-2024", "--year '-2024' is not a year; give one such as 2024"),
        ("2024.0", "--year '2024.0' is not a year; give one such as 2024"),
        ("1e3", "--year '1e3' is not a year; give one such as 2024"),
        ("0x7e8", "--year '0x7e8' is not a year; give one such as 2024"),
        ("２０２４", "--year '２０２４' is not a year; give one such as 2024"),
        ("2024\x00", "--year '2024\\x00' is not a year; give one such as 2024"),
        ("$(date +%Y)", "--year '$(date +%Y)' is not a year; give one such as 2024"),
    ],
)
def test_year_options_out_of_range_or_not_numbers(
    tiny_path: Path, value: str, message: str
) -> None:
    result = with_data(tiny_path, "compare", "alpha", "beta", "-m", "widgets", "--year", value)
    assert usage_error(result) == message


def test_a_year_of_five_thousand_digits(tiny_path: Path) -> None:
    result = with_data(tiny_path, "compare", "alpha", "beta", "-m", "widgets", "--year", "9" * 5000)
    assert usage_error(result).endswith("is not a plausible year (1900-2100)")


@pytest.mark.parametrize(
    "args",
    [
        ("list", "observations"),
        ("growth", "alpha", "-m", "widgets"),
        ("export",),
    ],
)
def test_from_later_than_to(tiny_path: Path, args: tuple[str, ...]) -> None:
    result = with_data(tiny_path, *args, "--from", "2024", "--to", "2021")
    assert usage_error(result) == "--from 2024 is later than --to 2021"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--from", "later", "--from 'later' is not a year; give one such as 2024"),
        ("--to", "99999", "--to 99999 is not a plausible year (1900-2100)"),
    ],
)
def test_from_and_to_must_be_years(tiny_path: Path, option: str, value: str, message: str) -> None:
    result = with_data(tiny_path, "list", "observations", option, value)
    assert usage_error(result) == message


def test_year_with_from_or_to(tiny_path: Path) -> None:
    result = with_data(tiny_path, "export", "--year", "2024", "--from", "2021")
    assert usage_error(result) == "--year cannot be combined with --from/--to"


@pytest.mark.parametrize(
    ("command", "options", "named"),
    [
        ("export", ("-f", "xlsx"), ("-f", "xlsx")),  # "-f" is in "--format" too
        ("list observations", ("--category", "=cmd"), ("--category", "=cmd")),
        ("list observations", ("--bogus",), ("--bogus",)),
    ],
)
def test_bad_choices_and_options(
    tiny_path: Path, command: str, options: tuple[str, ...], named: tuple[str, ...]
) -> None:
    """The command-line parser words these; the line names what was wrong and where help is."""
    message = usage_error(with_data(tiny_path, *command.split(), *options))
    assert all(word in message for word in named), message
    assert message.endswith(f"(see 'ipstats {command} --help')"), message
