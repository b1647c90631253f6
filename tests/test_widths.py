"""Every command and README example at 80, 100 and 140 columns: no value broken across lines."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ipstats import _cli_output, cli, render
from ipstats.table import Table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = sorted(set(re.findall(r"```console\n\$ ipstats ([^\n]*)\n", README)))
COMMANDS = [
    "list cities",
    "list indicators",
    "list indicators --search trademark",
    "list sources",
    "list observations",
    "list observations --city shanghai --metric pct",
    "show pct",
    "show shanghai",
    "show shenzhen",
    "compare shanghai shenzhen",
    "compare shanghai shenzhen --metric pct",
    "compare shanghai shenzhen --metric pct --expanded",
    "growth shanghai",
    "growth shanghai --metric valid_trademarks",
    "growth shanghai --metric ip_pledge_financing_amount",
    "rank --metric pct --year 2016 --kind city",
    "rank --metric pct",
    "rank --metric valid_invention_patents --within guangdong",
    "list cities --kind province",
    "cache info",
]
WIDTHS = (80, 100, 140)


def terminal(
    args: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, list[Table], int]:
    """What a terminal of ``width`` columns shows for ``ipstats args``, and the tables shown."""
    shown: list[Table] = []
    drawn = render.rich_tables

    def keep(tables: list[Table], *rest: Any, **options: Any) -> Any:
        shown.extend(tables)
        return drawn(tables, *rest, **options)

    monkeypatch.setattr(_cli_output, "_is_terminal", lambda: True)
    monkeypatch.setattr(render, "rich_tables", keep)
    result = CliRunner().invoke(cli.app, shlex.split(args), env={"COLUMNS": str(width)})
    return result.stdout, shown, result.exit_code


def _flat(text: str) -> str:
    return " ".join(text.split())


def broken_cells(
    output: str, tables: list[Table], may_cut: bool = True, width: int = 1000
) -> list[str]:
    """The cells of ``tables`` that ``output`` does not show whole on one line.

    Free text may instead be cut with an ellipsis (unless ``may_cut`` is false), or shown whole
    but wrapped at words (in a record view or a numbered note); a value longer than a line of
    the record view (a long file path) may run on to the next line.
    """
    unbroken = "".join(output.split())
    lines = output.splitlines()
    whole = "\n".join(lines)
    flat = _flat(output)
    # What precedes each ellipsis, back to the edge of its column (two spaces or more).
    cut = {
        re.split(r"\s{2,}", line[: m.start()].rstrip())[-1].strip()
        for line in lines
        for m in re.finditer("…", line)
    }
    cut.discard("")
    broken = []
    for table in tables:
        columns = render.shown_columns(table)
        for record in table.records():
            for column in columns:
                text = render.format_cell(column, record)
                if not text or text in whole:
                    continue
                free = render.is_free_text(column) or column.key in ("value", "locator")
                if free and _flat(text) in flat:
                    continue
                if free and may_cut and any(text.startswith(c) for c in cut):
                    continue
                if len(text) > width * 3 // 4 and "".join(text.split()) in unbroken:
                    continue
                broken.append(f"{column.key}={text!r}")
    return broken


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", sorted(set(COMMANDS + EXAMPLES)))
def test_no_value_is_broken_across_lines(
    args: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    output, tables, code = terminal(args, width, monkeypatch)
    if args in COMMANDS:  # README examples include errors and machine formats
        assert code == 0 and tables, output
    assert broken_cells(output, tables, not args.startswith("show"), width) == []
    if tables:  # machine formats keep their own lines
        assert all(len(line.rstrip()) <= width for line in output.splitlines())


def test_the_check_finds_a_number_broken_across_lines() -> None:
    table = Table("t", (render.Column("v", "V", render.Kind.VALUE),), ({"v": 32_000_000_001},))
    assert broken_cells("32,000,000,0\n01\n", [table]) == ["v='32,000,000,001'"]
    assert broken_cells("  32,000,000,001\n", [table]) == []


def test_the_main_job_fits_18_lines_at_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    output, _, _ = terminal("compare shanghai shenzhen --metric pct", 80, monkeypatch)
    assert len(output.rstrip("\n").splitlines()) <= 18
    assert "6,822" in output and "sz-ip-2024 (2025)" in output


def test_a_table_too_wide_for_the_terminal_becomes_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    narrow, _, _ = terminal("compare shanghai shenzhen", 80, monkeypatch)
    wide, _, _ = terminal("compare shanghai shenzhen --metric pct", 80, monkeypatch)
    assert "RECORD 1" in narrow and "RECORD 1" not in wide
    forced, _, _ = terminal("compare shanghai shenzhen --metric pct --expanded", 140, monkeypatch)
    assert "RECORD 3" in forced
    assert re.search(r"^Shenzhen\s+16,300\s*$", forced, flags=re.M)


def test_money_takes_a_scale_on_a_terminal_and_stays_raw_in_machine_formats(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = "growth shanghai --metric ip_pledge_financing_amount"
    output, _, _ = terminal(args, 140, monkeypatch)
    assert "bn yuan" in output
    raw = CliRunner().invoke(cli.app, [*shlex.split(args), "-f", "csv"]).stdout
    assert "bn" not in raw and re.search(r",\d{10},", raw)


def test_one_footer_for_every_table_of_an_output(monkeypatch: pytest.MonkeyPatch) -> None:
    output, tables, _ = terminal("growth shanghai", 140, monkeypatch)
    assert len(tables) > 10
    assert len([line for line in output.splitlines() if line.startswith("Sources")]) == 1
    legends = [line for line in output.splitlines() if line.startswith(("~ about", "> more"))]
    assert len(legends) <= 1
    # many sources: one paragraph of their ids, each once
    listed = " ".join(output.split("Sources (titles: ipstats list sources): ", 1)[1].split())
    ids = [entry.split(" (")[0] for entry in listed.split(", ")]
    assert len(ids) == len(set(ids)) > 4


def test_the_legend_names_only_the_marks_that_appear(monkeypatch: pytest.MonkeyPatch) -> None:
    exact, _, _ = terminal("compare shanghai shenzhen --metric pct", 100, monkeypatch)
    assert "more than" not in exact and "about" not in exact
    implied, _, _ = terminal("growth shanghai --metric valid_trademarks", 100, monkeypatch)
    assert "~ about" in implied and "more than" not in implied


@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_quiet_prints_the_table_alone(flag: str, monkeypatch: pytest.MonkeyPatch) -> None:
    full, _, _ = terminal("compare shanghai shenzhen --metric pct", 100, monkeypatch)
    quiet, _, _ = terminal(f"compare shanghai shenzhen --metric pct {flag}", 100, monkeypatch)
    assert "Sources" in full and "Sources" not in quiet
    assert "Stated growth" in full and "Stated growth" not in quiet
    assert "PCT international" not in quiet
    assert "6,822" in quiet and "16,300" in quiet


def test_titles_wrap_to_the_terminal_not_to_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    output, tables, _ = terminal("compare shanghai shenzhen --metric pct", 80, monkeypatch)
    (table,) = tables
    assert output.splitlines()[0] == table.title


@pytest.mark.parametrize("flag", ["--expanded", "-q"])
def test_terminal_options_leave_machine_formats_alone(flag: str) -> None:
    args = ["compare", "shanghai", "shenzhen", "--metric", "pct", "-f", "json"]
    plain = CliRunner().invoke(cli.app, args).stdout
    assert CliRunner().invoke(cli.app, [*args, flag]).stdout == plain
