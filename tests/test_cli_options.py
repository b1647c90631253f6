"""ipstats._cli_options: the shared options, their names for the core's messages, their
checks and their completion."""

from __future__ import annotations

import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
import typer
import typer.main
import typer.models
from typer.testing import CliRunner

from conftest import TINY
from ipstats import cli
from ipstats._cli_group import IpstatsGroup
from ipstats._cli_options import (
    FLAGS,
    CategoryOpt,
    CityOpt,
    FormatOpt,
    MetricOpt,
    SearchOpt,
    YearsOpt,
    complete_city,
    complete_metric,
)
from ipstats.formats import SCREEN
from ipstats.model import Category
from ipstats.terms import PLAIN

app = typer.Typer(cls=IpstatsGroup)


@app.callback()
def _root(debug: Annotated[bool, typer.Option("--debug")] = False) -> None:
    """A root option, as ipstats has."""


@app.command()
def pick(
    city: CityOpt = None, metric: MetricOpt = None, year: YearsOpt = None, search: SearchOpt = None
) -> None:
    typer.echo(f"city={city} metric={metric} year={year} search={search}")


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


def error_line(result: Any) -> str:
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: "), line
    return str(line)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--city", "--metric", "pct"), "--metric"),
        (("--metric", "-y", "2024"), "-y"),
        (("--year", "2024", "--year", "--city"), "--city"),
        (("--search=--debug",), "--debug"),  # an option of ipstats itself
        (("--city", "--debug=1"), "--debug=1"),
    ],
)
def test_an_option_given_as_a_text_options_value_is_a_usage_error(
    args: tuple[str, ...], option: str
) -> None:
    result = run("pick", *args)
    assert result.exit_code == 2
    assert f"expected a value, got the option {option!r}" in error_line(result)
    assert result.stdout == ""


def test_text_that_only_starts_with_a_dash_is_a_value() -> None:
    result = run("pick", "--search", "-not-an-option", "--city=-x", "-m", "--")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == [
        "city=['-x']",
        "metric=--",
        "year=None",
        "search=-not-an-option",
    ]


def _options(command: Any) -> Iterator[str]:
    for parameter in command.params:
        yield from (*parameter.opts, *parameter.secondary_opts)
    for sub in getattr(command, "commands", {}).values():
        yield from _options(sub)


def test_each_parameter_is_named_by_an_option_of_ipstats() -> None:
    options = set(_options(typer.main.get_command(cli.app)))
    for name, flag in FLAGS._asdict().items():
        assert flag != getattr(PLAIN, name), name
        for spelled in flag.split()[0].split("/"):
            assert spelled in options, (name, flag)


def _help(option: Any) -> str:
    (info,) = [m for m in typing.get_args(option)[1:] if isinstance(m, typer.models.OptionInfo)]
    return str(info.help)


def test_a_choice_option_lists_its_choices_in_its_help() -> None:
    assert all(f.value in _help(FormatOpt) for f in SCREEN)
    assert all(c.value in _help(CategoryOpt) for c in Category)


@pytest.fixture
def tiny_in_use(tiny_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPSTATS_DATA", str(tiny_path))


@pytest.mark.usefixtures("tiny_in_use")
def test_cities_complete_by_id_and_alias_in_any_case() -> None:
    assert complete_city("a") == ["al", "alpha"]
    assert complete_city("B") == ["beta", "bt"]
    assert complete_city("甲") == ["甲"]
    assert complete_city("x") == []


def test_metrics_complete_by_id_alias_and_chinese_name(
    write_dataset: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    named = TINY.replace(
        "name: Widgets granted\n", "name: Widgets granted\n    name_zh: 小部件授权\n"
    )
    monkeypatch.setenv("IPSTATS_DATA", str(write_dataset(named)))
    assert complete_metric("WID") == ["widget_share", "widgets", "widgets_granted"]
    assert complete_metric("r") == ["rank"]
    assert complete_metric("小") == ["小部件授权"]


def test_nothing_completes_when_the_dataset_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPSTATS_DATA", str(tmp_path / "absent.yaml"))
    assert complete_city("a") == []
    assert complete_metric("w") == []
