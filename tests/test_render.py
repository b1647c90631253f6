"""Human rendering: number formatting and terminal charts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from conftest import HEADER, TINY
from ipstats import cli
from ipstats.compare import compare_metric
from ipstats.datafile import load
from ipstats.growth import growth
from ipstats.model import Dataset
from ipstats.render import (
    compare_chart,
    fits,
    footer,
    growth_charts,
    legend,
    rich_table,
    rich_tables,
)
from ipstats.table import Column, Kind, Table


def draw(renderable: object) -> str:
    console = Console(width=100, no_color=True, record=True)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def test_compare_chart_has_one_bar_per_city_and_marks_bounds(tiny: Dataset) -> None:
    cities = (tiny.city("alpha"), tiny.city("beta"))
    text = draw(compare_chart(compare_metric(tiny, cities, tiny.indicator("valid_widgets"))))
    alpha = next(line for line in text.splitlines() if line.startswith("Alpha"))
    beta = next(line for line in text.splitlines() if line.startswith("Beta"))
    assert "▒" in alpha and alpha.endswith(">5,000")  # a bound is drawn differently
    assert "█" in beta and beta.endswith("4,000")
    assert alpha.count("▒") > beta.count("█")


def test_growth_chart_draws_implied_years_hollow(tiny: Dataset) -> None:
    text = draw(
        growth_charts(growth(tiny, (tiny.city("alpha"),), tiny.indicator("widgets_granted")))
    )
    lines = {line.split()[0]: line for line in text.splitlines() if line[:4].isdigit()}
    assert set(lines) == {"2021", "2022", "2023", "2024"}
    assert "░" in lines["2023"] and "█" not in lines["2023"]
    assert "█" in lines["2024"]


def test_a_better_rank_draws_a_longer_bar(tiny: Dataset) -> None:
    text = draw(growth_charts(growth(tiny, (tiny.city("alpha"),), tiny.indicator("cluster_rank"))))
    bars = {line.split()[0]: line.count("█") for line in text.splitlines() if line[:4].isdigit()}
    assert bars["2021"] > bars["2020"]  # 8th is better than 9th


def test_a_title_is_never_broken_to_a_narrow_table_s_width(tiny: Dataset) -> None:
    result = compare_metric(
        tiny, (tiny.city("alpha"), tiny.city("beta")), tiny.indicator("widget_share")
    )
    text = draw(rich_table(result.to_table()))
    assert text.splitlines()[0].rstrip() == "Widget share (widget_share)"


def test_a_chart_draws_every_series_of_the_year_named(write_dataset) -> None:  # type: ignore[no-untyped-def]
    text = (
        HEADER
        + """\
observations:
  - {indicator: widgets_granted, city: beta, year: 2024, value: 37, qualifier: exact, period: year, scope: Zone A, source: src-a, locator: p}
  - {indicator: widgets_granted, city: beta, year: 2024, value: 13, qualifier: exact, period: year, scope: Zone B, source: src-a, locator: p}
  - {indicator: widgets_granted, city: alpha, year: 2023, value: 5, qualifier: exact, period: year, source: src-a, locator: p}
"""
    )
    dataset = load(write_dataset(text)).dataset
    cities = (dataset.city("alpha"), dataset.city("beta"))
    drawn = draw(
        compare_chart(compare_metric(dataset, cities, dataset.indicator("widgets_granted")))
    )
    bars = [line for line in drawn.splitlines() if "█" in line and "observed" not in line]
    assert [line.split("█")[0].rstrip() for line in bars] == ["Beta (Zone A)", "Beta (Zone B)"]


def _wide_table() -> Table:
    columns = (
        Column("id", "Id"),
        Column("value", "Value", Kind.VALUE, qualifier_key="qualifier"),
        Column("qualifier", "Qualifier"),
        Column("note", "Note"),
    )
    rows = (
        {
            "id": "a-very-long-identifier-0001",
            "value": 1_234_567,
            "qualifier": "about",
            "note": "a long note " * 8,
        },
        {"id": "b-id", "value": 2, "qualifier": "exact", "note": "a long note " * 8},
    )
    return Table("T", columns, rows, ("a note",), ("src (2025): Report",), frozenset({"qualifier"}))


def test_a_table_cuts_free_text_moves_it_to_numbered_notes_or_becomes_records() -> None:
    table = _wide_table()
    assert fits(table, 100) and not fits(table, 50)
    roomy = Console(width=100, no_color=True, record=True)
    with roomy.capture() as capture:
        roomy.print(rich_tables([table], 100))
    text = capture.get()
    assert "a-very-long-identifier-0001" in text and "~1,234,567" in text and "…" in text
    narrow = Console(width=50, no_color=True)
    with narrow.capture() as capture:
        narrow.print(rich_tables([table], 50))
    assert "RECORD 2" in capture.get()
    with roomy.capture() as capture:
        roomy.print(rich_tables([table], 100, whole=True))
    whole = capture.get()
    assert "[1]" in whole and "…" not in whole  # one number for the same text in both rows
    assert "[2]" not in whole


def test_one_footer_names_only_the_marks_that_appear_and_each_line_once() -> None:
    table = _wide_table()
    lines = footer([table, table])
    assert lines == ["~ about", "a note", "Sources:", "  src (2025): Report"]
    assert legend([Table("T", table.columns, table.rows[1:])]) == ""


def test_many_sources_are_one_paragraph_of_ids_and_years() -> None:
    from ipstats.render import footer

    few = Table(
        "t", (Column("a", "A"),), ({"a": 1},), sources=tuple(f"s{i} (2025): T" for i in range(4))
    )
    many = Table(
        "t", (Column("a", "A"),), ({"a": 1},), sources=tuple(f"s{i} (2025): T" for i in range(5))
    )
    assert footer([few]) == ["Sources:", *(f"  s{i} (2025): T" for i in range(4))]
    assert footer([many]) == [
        "Sources (titles: ipstats list sources): " + ", ".join(f"s{i} (2025)" for i in range(5))
    ]


def _drawn_on_a_terminal(args: list[str], data: Path, colour: bool = True) -> str:
    """What ``ipstats args`` writes to a terminal that shows styles, escape codes and all."""
    runner = CliRunner()
    env = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "100"}
    result = runner.invoke(
        cli.app, ["--data", str(data), *(() if colour else ("--no-color",)), *args], env=env
    )
    assert result.exit_code == 0, result.output
    return result.stdout


# Text a terminal must show as written: Rich would read it as styles, links or a bad tag.
BRACKETED = (
    TINY.replace("name: Alpha\n", 'name: "Alpha [b]bold[/b] [/x]"\n')
    .replace("locator: Part 1}", "locator: 'Part [1] [link=x]y[/link]'}")
    .replace("description: Widgets granted during the year.", "description: See [red]this[/].")
)


ALPHA, LOCATOR = "Alpha [b]bold[/b] [/x]", "Part [1] [link=x]y[/link]"
DESCRIPTION = "See [red]this[/]."


@pytest.mark.parametrize(
    ("args", "written"),
    [
        (["compare", "alpha", "beta", "--metric", "widgets"], ALPHA),
        (["show", "alpha"], ALPHA),
        (["show", "widgets"], DESCRIPTION),
        (["list", "observations", "--city", "alpha", "--expanded"], LOCATOR),
    ],
)
def test_a_terminal_shows_brackets_in_the_data_as_written(
    args: list[str], written: str, write_dataset: Callable[[str], Path]
) -> None:
    drawn = _drawn_on_a_terminal([*args, "--format", "table"], write_dataset(BRACKETED))
    assert written in " ".join(re.sub(r"\x1b\[[0-9;]*m", "", drawn).split())


def _styled(code: int, text: str, drawn: str) -> bool:
    """Whether ``drawn`` shows ``text`` in the style of SGR ``code`` (1 bold, 2 dim, 3 italic)."""
    return re.search(rf"\x1b\[(?:\d+;)*{code}(?:;\d+)*m\s*{re.escape(text)}", drawn) is not None


def test_a_terminal_table_keeps_its_styles(write_dataset: Callable[[str], Path]) -> None:
    data = write_dataset(TINY)
    args = ["compare", "alpha", "beta", "--metric", "widgets", "--format", "table", "--chart"]
    drawn = _drawn_on_a_terminal(args, data)
    assert _styled(3, "Widgets granted (widgets_granted)", drawn)  # the title
    assert _styled(1, "Year", drawn) and _styled(1, "Alpha", drawn)  # the header
    assert _styled(2, "Sources:", drawn)  # the footer
    assert _styled(36, "█", drawn)  # an observed bar, in cyan
    plain = _drawn_on_a_terminal(args, data, colour=False)
    assert not _styled(36, "█", plain) and _styled(1, "Year", plain)  # colour goes, weight stays
