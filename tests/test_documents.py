"""Every command writes one document per machine format, which the format's own reader takes
back whole: one JSON value, one YAML document, one CSV or TSV header, one JSON object a line."""

from __future__ import annotations

import csv
import io
import json
import shlex
import sqlite3
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ipstats.cli import app

COMMANDS = [
    "show pct",
    "show shanghai",
    "compare shanghai shenzhen --metric pct",
    "compare shanghai shenzhen",
    "growth shanghai --metric pct",
    "growth shanghai shenzhen --metric pct --metric valid_trademarks",
    "rank --metric pct --year 2016 --kind city",
    "list cities",
    "list indicators --search patent",
    "list sources",
    "list observations --metric pct",
    "export --metric pct",
    "export --metric pct --wide",
    "cache info",
]
runner = CliRunner()


def output(command: str, fmt: str) -> str:
    result = runner.invoke(app, [*shlex.split(command), "--format", fmt])
    assert result.exit_code == 0, (command, fmt, result.stderr)
    return result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_json_is_one_value_with_arrays_for_lists(command: str) -> None:
    document = json.loads(output(command, "json"))  # raises on a second value
    rows = (
        document
        if isinstance(document, list)
        else next(v for v in document.values() if isinstance(v, list))
    )
    for row in rows:
        for key in ("aliases", "languages"):
            if key in row:
                assert isinstance(row[key], list), (command, key)


@pytest.mark.parametrize("command", COMMANDS)
def test_yaml_is_one_document(command: str) -> None:
    documents = list(yaml.safe_load_all(output(command, "yaml")))
    assert len(documents) == 1
    assert isinstance(documents[0], list | dict)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_delimited_text_has_one_header_and_rows_of_its_width(command: str, fmt: str) -> None:
    text = output(command, fmt)
    rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))
    header, body = rows[0], rows[1:]
    assert body, command
    assert all(len(row) == len(header) for row in body), command
    assert header not in body
    assert "" not in text.split("\n")[:-1], "a blank line inside"


@pytest.mark.parametrize("command", COMMANDS)
def test_json_lines_are_objects_of_one_shape(command: str) -> None:
    records = [json.loads(line) for line in output(command, "jsonl").splitlines()]
    assert records and all(isinstance(r, dict) for r in records)
    assert len({tuple(r) for r in records}) == 1, command


def test_sqlite_and_data_package_exports_read_back(tmp_path: Path) -> None:
    database = tmp_path / "pct.db"
    assert runner.invoke(app, ["export", "--metric", "pct", "-o", str(database)]).exit_code == 0
    connection = sqlite3.connect(database)
    try:
        (count,) = connection.execute("select count(*) from observations").fetchone()
        sources = {row[0] for row in connection.execute("select id from sources")}
    finally:
        connection.close()
    package = tmp_path / "package"
    package.mkdir()
    assert runner.invoke(app, ["export", "--metric", "pct", "-o", str(package)]).exit_code == 0
    with (package / "observations.csv").open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == count > 100
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in descriptor["resources"]} >= {"observations", "sources"}
    assert "cnipa-yearbook-2023-pct" in sources
