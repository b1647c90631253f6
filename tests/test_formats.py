"""ipstats.formats: machine formats carry raw numbers and cannot smuggle spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ipstats.cli import app
from ipstats.errors import UsageError
from ipstats.formats import EXPORT, SCREEN, Format, choose, neutralise, serialise, write_tables
from ipstats.table import Column, Kind, Table
from ipstats.terms import Terms

COLUMNS = (
    Column("name", "Name"),
    Column("value", "Value", Kind.VALUE),
    Column("change", "Change", Kind.CHANGE),
    Column("note", "Note"),
)
TABLE = Table(
    title="Figures",
    columns=COLUMNS,
    rows=(
        {"name": "Beta", "value": 3353000000, "change": -3.2, "note": "=SUM(A1:A9)"},
        {"name": "Alpha", "value": 1234.5, "change": None, "note": "a\tb\nc"},
        {"name": "@cmd", "value": None, "change": 10.000000000000009, "note": None},
    ),
    footnotes=("† coverage differs",),
)


def text(table: Table, fmt: Format, **options: bool) -> str:
    return "".join(serialise(table, fmt, **options))


def one_column(*cells: object) -> Table:
    return Table("T", (Column("cell", "Cell"),), tuple({"cell": c} for c in cells))


def test_csv_header_and_raw_numbers() -> None:
    rows = list(csv.reader(io.StringIO(text(TABLE, Format.CSV))))
    assert rows == [
        ["name", "value", "change", "note"],
        ["Beta", "3353000000", "-3.2", "'=SUM(A1:A9)"],
        ["Alpha", "1234.5", "", "a\tb\nc"],
        ["'@cmd", "", "10.0", ""],
    ]


def test_csv_without_header() -> None:
    rows = list(csv.reader(io.StringIO(text(TABLE, Format.CSV, header=False))))
    assert [r[0] for r in rows] == ["Beta", "Alpha", "'@cmd"]


def test_csv_of_an_empty_table_is_the_header() -> None:
    assert text(Table("T", COLUMNS, ()), Format.CSV) == "name,value,change,note\n"
    assert text(Table("T", COLUMNS, ()), Format.CSV, header=False) == ""


def test_csv_lines_end_in_newline_and_line_breaks_in_cells_are_quoted() -> None:
    written = text(one_column("a\rb", "c\nd", "e"), Format.CSV, header=False)
    assert written == '"a\rb"\n"c\nd"\ne\n'
    assert [r[0] for r in csv.reader(io.StringIO(written, newline=""))] == ["a\rb", "c\nd", "e"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("-3.2", "'-3.2"),  # text that looks like a number is still text
        ("a=b", "a=b"),
        ("", ""),
        ("Shanghai", "Shanghai"),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_formula_cells_neutralised_but_numbers_stay_numbers() -> None:
    table = one_column("=cmd|' /C calc'!A0", "+1", "-1", "@x", "\tx", "\rx", -3.2, -7, "ok")
    written = text(table, Format.CSV, header=False)
    cells = [r[0] for r in csv.reader(io.StringIO(written, newline=""))]
    assert cells == ["'=cmd|' /C calc'!A0", "'+1", "'-1", "'@x", "'\tx", "'\rx", "-3.2", "-7", "ok"]


def test_sanitize_false_keeps_cells_raw() -> None:
    table = one_column("=1+1", "@x", "-x")
    cells = [r[0] for r in csv.reader(io.StringIO(text(table, Format.CSV, sanitize=False)))]
    assert cells == ["cell", "=1+1", "@x", "-x"]
    tsv = text(table, Format.TSV, sanitize=False)
    assert tsv == "cell\n=1+1\n@x\n-x\n"


def test_tsv_flattens_tabs_and_newlines() -> None:
    lines = text(TABLE, Format.TSV).split("\n")
    assert lines == [
        "name\tvalue\tchange\tnote",
        "Beta\t3353000000\t-3.2\t'=SUM(A1:A9)",
        "Alpha\t1234.5\t\ta b c",
        "'@cmd\t\t10.0\t",
        "",
    ]


def test_tsv_neutralises_before_flattening() -> None:
    assert text(one_column("\t=x", "\r\nx"), Format.TSV, header=False) == "' =x\n'  x\n"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (5.0, "5"),
        (0.1 + 0.2, "0.3"),
        (-0.5, "-0.5"),
        (float("nan"), ""),
        (float("inf"), ""),
        (True, "true"),
        (False, "false"),
        (12345678901, "12345678901"),
    ],
)
def test_number_cells(value: object, cell: str) -> None:
    lines = text(one_column(value), Format.CSV, header=False).splitlines()
    assert list(csv.reader(lines)) == [[cell]]


def test_json_is_a_list_of_row_objects_with_nulls() -> None:
    loaded = json.loads(text(TABLE, Format.JSON))
    assert loaded == [
        {"name": "Beta", "value": 3353000000, "change": -3.2, "note": "=SUM(A1:A9)"},
        {"name": "Alpha", "value": 1234.5, "change": None, "note": "a\tb\nc"},
        {"name": "@cmd", "value": None, "change": 10.000000000000009, "note": None},
    ]


def test_json_turns_non_finite_numbers_into_null_and_keeps_unicode() -> None:
    document = text(one_column(float("nan"), float("-inf"), "甲城"), Format.JSON)
    assert json.loads(document) == [{"cell": None}, {"cell": None}, {"cell": "甲城"}]
    assert "甲城" in document
    assert "NaN" not in document


def test_jsonl_is_one_object_per_line() -> None:
    lines = text(TABLE, Format.JSONL).splitlines()
    assert len(lines) == 3
    assert [json.loads(line) for line in lines] == json.loads(text(TABLE, Format.JSON))
    assert json.loads(text(one_column(float("inf")), Format.JSONL)) == {"cell": None}


def test_markdown_has_a_header_row_and_footnotes() -> None:
    lines = text(TABLE, Format.MARKDOWN).splitlines()
    assert [c.strip() for c in lines[0].strip("|").split("|")] == [
        "Name",
        "Value",
        "Change",
        "Note",
    ]
    assert re.fullmatch(r"\|[-|:]+\|", lines[1])
    # written for people: thousands separators, numbers aligned right
    assert [c.strip() for c in lines[2].strip("|").split("|")] == [
        "Beta",
        "3,353,000,000",
        "-3.2",
        "=SUM(A1:A9)",
    ]
    assert lines[2].split("|")[2].startswith(" ") and lines[2].split("|")[2].endswith(
        "3,353,000,000 "
    )
    assert len([line for line in lines if line.startswith("|")]) == 5
    assert lines[-1] == "† coverage differs"


def test_markdown_escapes_pipes_and_flattens_newlines() -> None:
    lines = text(one_column("a|b\nc"), Format.MARKDOWN).splitlines()
    assert lines[2].strip("| ") == r"a\|b c"


def test_yaml_round_trips() -> None:
    assert yaml.safe_load(text(TABLE, Format.YAML)) == TABLE.records()


def test_yaml_keeps_unicode_readable() -> None:
    document = text(one_column("甲城"), Format.YAML)
    assert "甲城" in document
    assert yaml.safe_load(document) == [{"cell": "甲城"}]


def test_table_is_not_a_machine_format() -> None:
    with pytest.raises(ValueError, match=r"^table is not a machine format$"):
        serialise(TABLE, Format.TABLE)


def test_one_enum_names_every_format_and_what_it_is() -> None:
    assert {f.value for f in Format} == {f.value for f in (*SCREEN, *EXPORT)}
    assert [f for f in Format if f.is_file_only] == [Format.SQLITE, Format.DATAPACKAGE]
    assert [f for f in Format if not f.is_machine] == [
        Format.TABLE,
        Format.SQLITE,
        Format.DATAPACKAGE,
    ]
    assert Format("jsonl") is Format.JSONL  # a plain string names its member


def test_each_kind_of_command_offers_its_formats() -> None:
    assert [f.value for f in SCREEN] == ["table", "csv", "tsv", "json", "jsonl", "markdown", "yaml"]
    assert [f.value for f in EXPORT] == [
        "csv",
        "tsv",
        "json",
        "jsonl",
        "yaml",
        "markdown",
        "sqlite",
        "datapackage",
    ]


@pytest.mark.parametrize("fmt", [f for f in Format if f.is_machine])
def test_every_machine_format_serialises(fmt: Format) -> None:
    assert "".join(serialise(TABLE, fmt))


def test_choose_gives_an_offered_format_or_lists_the_offer() -> None:
    assert choose("csv", SCREEN) is Format.CSV
    assert choose(Format.SQLITE, EXPORT) is Format.SQLITE
    with pytest.raises(UsageError) as caught:
        choose("sqlite", SCREEN)
    assert str(caught.value) == (
        "the format 'sqlite' is not one of table, csv, tsv, json, jsonl, markdown, yaml"
    )
    assert caught.value.exit_status == 2
    with pytest.raises(UsageError, match=r"^-f 'xml\\x00' is not one of csv"):
        choose("xml\x00", EXPORT, Terms(format="-f"))


def test_write_tables_separates_line_formats_with_a_blank_line() -> None:
    out = io.StringIO()
    write_tables(out, [TABLE, TABLE], Format.CSV)
    first = "".join(serialise(TABLE, Format.CSV))
    assert out.getvalue() == first + "\n" + first
    out = io.StringIO()
    write_tables(out, [TABLE, TABLE], Format.JSONL)
    assert out.getvalue() == "".join(serialise(TABLE, Format.JSONL)) * 2


@pytest.mark.parametrize(
    ("args", "offered"),
    [(("list", "sources"), SCREEN), (("export", "-m", "widgets", "-o", "{out}"), EXPORT)],
)
def test_each_command_takes_its_formats_and_refuses_the_others(
    tiny_path: Path, tmp_path: Path, args: tuple[str, ...], offered: tuple[Format, ...]
) -> None:
    for fmt in Format:
        out = str(tmp_path / f"out-{fmt.value}")
        command = ["--data", str(tiny_path), *(a.format(out=out) for a in args), "-f", fmt.value]
        result = CliRunner().invoke(app, command)
        if fmt in offered:
            assert result.exit_code == 0, (fmt, result.stderr)
        else:
            assert result.exit_code == 2, fmt
            listed = ", ".join(offered)
            assert result.stderr.startswith("Error: ") and listed in result.stderr, result.stderr


def test_machine_formats_carry_the_direction_of_a_computed_bound(tiny_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["--data", str(tiny_path), "compare", "beta", "alpha", "-m", "valid_widgets", "-f", "json"],
    )
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(result.stdout)
    assert (record["difference"], record["difference_qualifier"]) == (-1000, "less_than")
    assert (record["ratio"], record["ratio_qualifier"]) == (0.8, "less_than")
    assert record["alpha_qualifier"] == "more_than"
