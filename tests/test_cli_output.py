"""ipstats._cli_output: which format a command prints in, what it prints there, and its notes."""

from __future__ import annotations

import csv
import io
import json

import pytest
import typer
import typer.core

from ipstats import _cli_output
from ipstats._cli_group import State
from ipstats._cli_output import _emit, _said, _screen_format
from ipstats.errors import ExitStatus, UsageError
from ipstats.formats import EXPORT, SCREEN, Format
from ipstats.table import Column, Kind, Table

# What programs read (ids, raw numbers) and what people read (names), for the same result.
MACHINE = Table(
    "widgets",
    (Column("city_id", "city_id"), Column("value", "value", Kind.VALUE)),
    ({"city_id": "alpha", "value": 12345},),
)
HUMAN = Table(
    "Widgets",
    (Column("city", "City"), Column("value", "Widgets", Kind.VALUE)),
    ({"city": "Alpha City", "value": 12345},),
    footnotes=("counted at year end",),
)


@pytest.fixture
def on_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cli_output, "_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def piped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_cli_output, "_is_terminal", lambda: False)


def context() -> typer.Context:
    ctx = typer.Context(typer.core.TyperCommand("t"))
    ctx.obj = State()
    return ctx


def test_without_a_format_a_terminal_gets_a_table_and_a_pipe_tsv(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_cli_output, "_is_terminal", lambda: True)
    assert _screen_format(None) is Format.TABLE
    monkeypatch.setattr(_cli_output, "_is_terminal", lambda: False)
    assert _screen_format(None) is Format.TSV


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("fmt", SCREEN)
def test_a_format_asked_for_is_used_wherever_stdout_goes(
    fmt: Format, terminal: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_cli_output, "_is_terminal", lambda: terminal)
    assert _screen_format(fmt.value) is fmt
    assert _screen_format(fmt) is fmt


@pytest.mark.parametrize("fmt", [*sorted({*EXPORT} - {*SCREEN}), "xlsx"])
def test_a_format_a_printing_command_does_not_offer_is_a_usage_error_naming_the_option(
    fmt: str,
) -> None:
    with pytest.raises(UsageError) as refused:
        _screen_format(fmt)
    assert refused.value.exit_status == ExitStatus.USAGE
    message = str(refused.value)
    assert message.startswith("--format ") and fmt in message
    assert all(offered.value in message for offered in SCREEN)


@pytest.mark.usefixtures("piped")
def test_in_a_pipe_the_machine_tables_are_written_as_tsv(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _emit(context(), [MACHINE], None, human=[HUMAN], chart=lambda: "never drawn")
    out, err = capsys.readouterr()
    assert out.splitlines() == ["city_id\tvalue", "alpha\t12345"]
    assert err == ""


@pytest.mark.usefixtures("piped")
def test_json_is_one_document_of_the_machine_records(capsys: pytest.CaptureFixture[str]) -> None:
    _emit(context(), [MACHINE], "json", human=[HUMAN])
    assert json.loads(capsys.readouterr().out) == [{"city_id": "alpha", "value": 12345}]


@pytest.mark.usefixtures("piped")
def test_markdown_is_the_tables_people_read_when_there_are_some(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _emit(context(), [MACHINE], "markdown", human=[HUMAN])
    out = capsys.readouterr().out
    assert "Alpha City" in out and "city_id" not in out
    _emit(context(), [MACHINE], "markdown")
    out = capsys.readouterr().out
    assert "city_id" in out and "alpha" in out


@pytest.mark.usefixtures("piped")
@pytest.mark.parametrize(("sanitize", "cell"), [(True, "'=1+1"), (False, "=1+1")])
def test_formula_cells_are_neutralised_unless_asked_not_to(
    sanitize: bool, cell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    table = Table("t", (Column("note", "note"),), ({"note": "=1+1"},))
    _emit(context(), [table], "csv", sanitize)
    assert list(csv.reader(io.StringIO(capsys.readouterr().out))) == [["note"], [cell]]


@pytest.mark.usefixtures("on_terminal")
def test_a_terminal_shows_the_human_tables_their_footer_and_the_chart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _emit(context(), [MACHINE], None, human=[HUMAN], chart=lambda: "the chart drawn")
    out = capsys.readouterr().out
    assert "Alpha City" in out and "12,345" in out
    assert "counted at year end" in out
    assert "the chart drawn" in out
    assert "city_id" not in out


@pytest.mark.usefixtures("on_terminal")
def test_quiet_leaves_the_footer_out(capsys: pytest.CaptureFixture[str]) -> None:
    _emit(context(), [HUMAN], "table", quiet=True)
    out = capsys.readouterr().out
    assert "Alpha City" in out and "counted at year end" not in out


@pytest.mark.usefixtures("on_terminal")
@pytest.mark.parametrize("fmt", [f for f in SCREEN if f is not Format.TABLE])
def test_a_chart_is_drawn_only_for_a_terminal_table(
    fmt: Format, capsys: pytest.CaptureFixture[str]
) -> None:
    drawn: list[str] = []
    _emit(context(), [MACHINE], fmt, chart=lambda: drawn.append("drawn"))
    assert drawn == []
    assert "alpha" in capsys.readouterr().out


def test_notes_go_to_stderr_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    _said(["no data for beta in 2024", "gamma is a region"])
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == ["note: no data for beta in 2024", "note: gamma is a region"]
