"""ipstats.export: long and wide observation tables, and files written atomically."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from ipstats.errors import NoDataError, UsageError
from ipstats.export import Written, chosen_format, export, wide_table
from ipstats.formats import Format
from ipstats.listing import observations_table as long_table
from ipstats.model import Dataset
from ipstats.query import Filter
from ipstats.terms import Terms


def test_long_table_columns(tiny: Dataset) -> None:
    table = long_table(tiny, Filter())
    assert [c.key for c in table.columns] == [
        "city",
        "year",
        "indicator",
        "value",
        "unit",
        "qualifier",
        "period",
        "as_of",
        "reported_yoy_kind",
        "reported_yoy_value",
        "reported_yoy_qualifier",
        "scope",
        "source",
        "primary",
        "locator",
        "note",
        "printed",
        "source_url",
    ]
    assert len(table.rows) == len(tiny.observations)


def test_long_table_rows_carry_what_a_citation_needs(tiny: Dataset) -> None:
    records = long_table(tiny, Filter(cities=("beta",), indicators=("funding_amount",))).records()
    assert records == [
        {
            "city": "beta",
            "year": 2025,
            "indicator": "funding_amount",
            "value": 3353000000,
            "unit": "cny",
            "qualifier": "exact",
            "period": "as_of",
            "as_of": "2025-04-21",
            "reported_yoy_kind": None,
            "reported_yoy_value": None,
            "reported_yoy_qualifier": None,
            "scope": None,
            "source": "src-b",
            "primary": True,
            "locator": "Part 6",
            "note": None,
            "printed": None,
            "source_url": None,
        }
    ]
    stated = long_table(tiny, Filter(cities=("alpha",), indicators=("widgets_granted",)))
    assert [(r["year"], r["reported_yoy_kind"], r["reported_yoy_value"]) for r in stated.rows] == [
        (2021, None, None),
        (2022, "percent", 10),
        (2024, "percent", 10),
    ]
    assert stated.sources == (
        "src-a (2024): Report A",
        "src-b (2025): Report B",
    )


def test_long_table_with_nothing_matching_says_which_years_exist(tiny: Dataset) -> None:
    where = Filter(cities=("alpha",), indicators=("widgets_granted",), year_from=2030)
    with pytest.raises(NoDataError) as caught:
        long_table(tiny, where)
    assert str(caught.value) == (
        "no observations match these filters in the years asked for; "
        "data exists for 2021, 2022, 2024"
    )
    with pytest.raises(NoDataError) as caught:
        wide_table(tiny, Filter(cities=("nation",)))
    assert str(caught.value) == "no observations match these filters"


def test_wide_table_has_one_row_per_city_and_indicator_with_year_columns(tiny: Dataset) -> None:
    table = wide_table(tiny, Filter(indicators=("widgets_granted", "valid_widgets")))
    assert [c.key for c in table.columns] == [
        "city",
        "indicator",
        "unit",
        "period",
        "as_of",
        "scope",
        "2021",
        "2021_qualifier",
        "2022",
        "2022_qualifier",
        "2024",
        "2024_qualifier",
    ]
    records = {(r["city"], r["indicator"]): r for r in table.records()}
    assert sorted(records) == [
        ("alpha", "valid_widgets"),
        ("alpha", "widgets_granted"),
        ("beta", "valid_widgets"),
        ("beta", "widgets_granted"),
    ]
    alpha = records["alpha", "widgets_granted"]
    assert (alpha["2021"], alpha["2022"], alpha["2024"], alpha["unit"], alpha["period"]) == (
        100,
        110,
        121,
        "count",
        "year",
    )
    beta = records["beta", "widgets_granted"]
    assert (beta["2021"], beta["2022"], beta["2024"]) == (None, None, 242)
    bound = records["alpha", "valid_widgets"]
    assert (bound["2024"], bound["2024_qualifier"], bound["period"]) == (
        5000,
        "more_than",
        "year_end",
    )
    assert records["beta", "valid_widgets"]["2024_qualifier"] is None
    assert table.hidden == frozenset(
        {"as_of", "2021_qualifier", "2022_qualifier", "2024_qualifier"}
    )


def test_wide_table_of_everything(tiny: Dataset) -> None:
    table = wide_table(tiny, Filter())
    pairs = [(r["city"], r["indicator"]) for r in table.records()]
    assert len(pairs) == len(set(pairs)) == len({(o.city, o.indicator) for o in tiny.observations})
    funding = {r["city"]: r for r in table.records() if r["indicator"] == "funding_amount"}
    beta = funding["beta"]
    assert (beta["period"], beta["as_of"], beta["2025"]) == ("as_of", "2025-04-21", 3353000000)
    rank = {r["city"]: r["scope"] for r in table.records() if r["indicator"] == "cluster_rank"}
    assert rank == {"alpha": "Alpha-Gamma cluster", "beta": "Beta-Delta cluster"}


def test_export_to_a_stream_writes_the_long_table(tiny: Dataset) -> None:
    out = io.StringIO()
    where = Filter(cities=("alpha",), indicators=("widgets_granted",))
    assert export(tiny, where, Format.JSON, stream=out) is None
    records = json.loads(out.getvalue())
    assert records == long_table(tiny, where).records()


def test_export_wide_to_a_file_says_how_many_rows(tiny: Dataset, tmp_path: Path) -> None:
    target = tmp_path / "wide.csv"
    written = export(tiny, Filter(indicators=("widgets_granted",)), Format.CSV, target, wide=True)
    assert written == Written(2, "rows", target)
    assert str(written) == f"wrote 2 rows to {target}"
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[:6] == ["city", "indicator", "unit", "period", "as_of", "scope"]
    assert len(lines) == 3


def test_export_to_sqlite_counts_observations(tiny: Dataset, tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    written = export(tiny, Filter(cities=("beta",)), Format.SQLITE, target)
    assert written == Written(4, "observations", target)
    with contextlib.closing(sqlite3.connect(target)) as db:
        (count,) = db.execute("SELECT count(*) FROM observations").fetchone()
    assert count == 4


def test_export_of_nothing_to_a_database_writes_nothing(tiny: Dataset, tmp_path: Path) -> None:
    target = tmp_path / "package"
    with pytest.raises(NoDataError, match="no observations match these filters"):
        export(tiny, Filter(cities=("nation",)), Format.DATAPACKAGE, target)
    assert not target.exists()


@pytest.mark.parametrize(
    ("fmt", "plain", "flags"),
    [
        (
            Format.SQLITE,
            "the format sqlite writes files: give an output file",
            "--format sqlite writes files: give -o FILE",
        ),
        (
            Format.DATAPACKAGE,
            "the format datapackage writes files: give an output directory",
            "--format datapackage writes files: give -o DIRECTORY",
        ),
    ],
)
def test_file_formats_need_a_path_in_plain_words_or_flags(
    tiny: Dataset, fmt: Format, plain: str, flags: str
) -> None:
    with pytest.raises(UsageError) as caught:
        export(tiny, Filter(), fmt, stream=io.StringIO())
    assert str(caught.value) == plain
    cli = Terms(format="--format", output_file="-o FILE", output_directory="-o DIRECTORY")
    with pytest.raises(UsageError) as caught:
        export(tiny, Filter(), fmt, terms=cli)
    assert str(caught.value) == flags


def test_wide_does_not_apply_to_file_formats(tiny: Dataset, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        export(tiny, Filter(), Format.SQLITE, tmp_path / "out.db", wide=True)
    assert str(caught.value) == "the wide layout does not apply to the format sqlite"
    assert not (tmp_path / "out.db").exists()


# -o and its extension ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("out.csv", Format.CSV),
        ("out.TSV", Format.TSV),
        ("out.json", Format.JSON),
        ("out.jsonl", Format.JSONL),
        ("out.yaml", Format.YAML),
        ("out.yml", Format.YAML),
        ("out.md", Format.MARKDOWN),
        ("out.db", Format.SQLITE),
        ("out.sqlite", Format.SQLITE),
        ("out", Format.CSV),
    ],
)
def test_the_extension_says_the_format(name: str, expected: Format, tmp_path: Path) -> None:
    assert chosen_format(None, tmp_path / name) == (expected, tmp_path / name)
    assert chosen_format(expected, tmp_path / name) == (expected, tmp_path / name)


def test_an_existing_directory_takes_a_data_package(tmp_path: Path) -> None:
    assert chosen_format(None, tmp_path) == (Format.DATAPACKAGE, tmp_path)


def test_an_unknown_or_contradicting_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"no format for the extension '\.txt'.*\.csv"):
        chosen_format(None, tmp_path / "out.txt")
    with pytest.raises(UsageError, match="says json, but the format is csv"):
        chosen_format(Format.CSV, tmp_path / "out.json")
    assert chosen_format(Format.CSV, tmp_path / "out.txt") == (Format.CSV, tmp_path / "out.txt")


def test_a_dash_is_standard_output() -> None:
    assert chosen_format(None, Path("-")) == (Format.CSV, None)
    assert chosen_format(Format.JSONL, Path("-")) == (Format.JSONL, None)
    with pytest.raises(UsageError, match="writes files"):
        chosen_format(Format.SQLITE, Path("-"))


def test_cli_writes_what_the_extension_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from ipstats.cli import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["export", "-m", "pct", "-o", "pct.json"]).exit_code == 0
    assert {r["indicator"] for r in json.loads(Path("pct.json").read_text("utf-8"))} == {
        "pct_applications"
    }
    refused = runner.invoke(app, ["export", "-o", "pct.json", "--format", "csv"])
    assert refused.exit_code == 2 and refused.stderr.startswith("Error: -o pct.json says json")
    to_stdout = runner.invoke(app, ["export", "-m", "pct", "-o", "-", "-f", "jsonl"])
    assert to_stdout.exit_code == 0
    assert all(
        json.loads(line)["indicator"] == "pct_applications"
        for line in to_stdout.stdout.splitlines()
    )
    assert not Path("-").exists()


def test_bom_begins_a_spreadsheet_export_and_is_refused_elsewhere(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ipstats.cli import app

    runner = CliRunner()
    target = tmp_path / "pct.csv"
    assert runner.invoke(app, ["export", "-m", "pct", "--bom", "-o", str(target)]).exit_code == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfcity,year,")
    assert data.count(b"\xef\xbb\xbf") == 1
    refused = runner.invoke(app, ["export", "--bom", "-f", "json"])
    assert refused.exit_code == 2 and "--bom" in refused.stderr


@pytest.mark.parametrize("fmt", ["sqlite", "datapackage"])
def test_an_unfiltered_export_says_all_observations(fmt: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ipstats.cli import app

    runner = CliRunner()
    target = tmp_path / ("all.db" if fmt == "sqlite" else "all")
    for args, said in (([], "all"), (["-m", "pct"], "subset")):
        if target.is_dir():
            shutil.rmtree(target)
        result = runner.invoke(app, ["export", *args, "-f", fmt, "-o", str(target)])
        assert result.exit_code == 0, result.stderr
        if fmt == "datapackage":
            descriptor = json.loads((target / "datapackage.json").read_text("utf-8"))
            assert descriptor["ipstats"]["observations"] == said
        else:
            connection = sqlite3.connect(target)
            try:
                meta = dict(connection.execute("select key, value from meta"))
            finally:
                connection.close()
            assert meta["observations"] == said, meta


# ------------------------------------------------------------------ the figure as printed, the address

# What each observation of the `cited` dataset should carry: (city, year, indicator) ->
# (printed, source_url).
_PROVENANCE = {
    ("alpha", 2023, "widgets_granted"): (
        "17.93万",
        "https://stats.example.org/yearbook/2024?lang=zh&part=1",
    ),
    ("alpha", 2022, "widgets_granted"): ("6,822", None),
    ("alpha", 2023, "widget_share"): ("34.8 percent", None),
    ("beta", 2024, "widgets_granted"): ("3000余", "https://news.example.com/beta/widgets"),
}


def _cli(data: Path, *args: str) -> str:
    from typer.testing import CliRunner

    from ipstats.cli import app

    result = CliRunner().invoke(app, ["--data", str(data), *args])
    assert result.exit_code == 0, result.stderr
    assert result.stderr in ("", f"wrote 4 observations to {args[-1]}\n")
    return result.stdout


def _provenance(
    records: Sequence[Mapping[str, Any]], blank: object
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    return {
        (r["city"], int(str(r["year"])), r["indicator"]): (
            r["printed"],
            None if r["source_url"] == blank else r["source_url"],
        )
        for r in records
    }


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_delimited_exports_end_with_printed_and_source_url(cited_path: Path, fmt: str) -> None:
    import csv

    text = _cli(cited_path, "export", "--format", fmt)
    rows = list(
        csv.DictReader(io.StringIO(text, newline=""), delimiter="," if fmt == "csv" else "\t")
    )
    assert list(rows[0])[-2:] == ["printed", "source_url"]
    assert _provenance(rows, "") == _PROVENANCE


@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml"])
def test_structured_exports_carry_printed_and_source_url(cited_path: Path, fmt: str) -> None:
    import yaml

    text = _cli(cited_path, "export", "--format", fmt)
    if fmt == "json":
        records = json.loads(text)
    elif fmt == "jsonl":
        records = [json.loads(line) for line in text.splitlines()]
    else:
        records = yaml.safe_load(text)
    assert _provenance(records, None) == _PROVENANCE


def test_a_version_1_file_exports_null_printed_and_source_url(tiny_path: Path) -> None:
    records = json.loads(_cli(tiny_path, "export", "--format", "json"))
    assert {(r["printed"], r["source_url"]) for r in records} == {(None, None)}


def test_sqlite_keeps_printed_per_observation_and_the_address_per_source(
    cited_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "cited.db"
    _cli(cited_path, "export", "--format", "sqlite", "-o", str(target))
    with contextlib.closing(sqlite3.connect(target)) as db:
        rows = db.execute(
            "SELECT o.city, o.year, o.indicator, o.printed, s.url"
            " FROM observations AS o JOIN sources AS s ON s.id = o.source"
        ).fetchall()
        sources = db.execute("SELECT id, url, type, retrieved FROM sources ORDER BY id").fetchall()
        (version,) = db.execute("PRAGMA user_version").fetchone()
    assert {(c, y, i): (p, u) for c, y, i, p, u in rows} == _PROVENANCE
    assert sources == [
        ("news-2025", "https://news.example.com/beta/widgets", "press", "2025-06-30"),
        (
            "stats-2024",
            "https://stats.example.org/yearbook/2024?lang=zh&part=1",
            "statistics",
            "2025-03-02",
        ),
        ("wp-2023", None, "report", None),
    ]
    assert version == 2


def test_data_package_keeps_printed_per_observation_and_the_address_per_source(
    cited_path: Path, tmp_path: Path
) -> None:
    import csv

    target = tmp_path / "pkg"
    _cli(cited_path, "export", "--format", "datapackage", "-o", str(target))
    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))

    def rows(name: str) -> list[dict[str, str]]:
        with (target / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    urls = {s["id"]: s["url"] for s in rows("sources")}
    observations = rows("observations")
    assert "source_url" not in observations[0]
    assert (
        _provenance([{**o, "source_url": urls[o["source"]]} for o in observations], "")
        == _PROVENANCE
    )
    assert {s["id"]: (s["type"], s["retrieved"]) for s in rows("sources")} == {
        "stats-2024": ("statistics", "2025-03-02"),
        "wp-2023": ("report", ""),
        "news-2025": ("press", "2025-06-30"),
    }
    (resource,) = [r for r in descriptor["resources"] if r["name"] == "sources"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert (fields["url"]["format"], fields["retrieved"]["type"]) == ("uri", "date")
    assert fields["type"]["constraints"]["enum"] == ["statistics", "report", "press"]
    assert {s.get("path") for s in descriptor["sources"]} == {
        "https://stats.example.org/yearbook/2024?lang=zh&part=1",
        "https://news.example.com/beta/widgets",
        None,
    }


def test_show_gives_printed_and_source_url(cited_path: Path) -> None:
    lines = _cli(cited_path, "show", "widgets_granted", "--format", "jsonl").splitlines()
    observations = [r for r in map(json.loads, lines) if "printed" in r]
    assert _provenance(observations, None) == {
        k: v for k, v in _PROVENANCE.items() if k[2] == "widgets_granted"
    }


def test_show_on_a_terminal_shows_printed_and_the_address(
    cited_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ipstats import _cli_output

    monkeypatch.setattr(_cli_output, "_is_terminal", lambda: True)
    text = _cli(cited_path, "show", "widgets_granted")
    assert "17.93万" in text and "3000余" in text
    assert "https://news.example.com/beta/widgets" in text


def test_wide_export_shows_each_figures_primary(sourced: Dataset) -> None:
    table = wide_table(sourced, Filter(indicators=("pct",)))
    by_city = {r["city"]: r for r in table.records()}
    assert (by_city["alpha"]["2022"], by_city["beta"]["2022"]) == (5590, 1000)
    assert (by_city["beta"]["2021"], by_city["beta"]["2023"]) == (900, 1234)
    assert by_city["beta"]["2023_qualifier"] is None  # rep-y's exact figure, not rep-x's bound


def test_sqlite_and_data_package_keep_every_source_and_mark_the_primary(
    sourced: Dataset, tmp_path: Path
) -> None:
    chosen = Filter(cities=("alpha",), indicators=("pct",))
    target = tmp_path / "out.db"
    export(sourced, chosen, Format.SQLITE, target)
    with contextlib.closing(sqlite3.connect(target)) as db:
        rows = db.execute(
            'SELECT year, source, "primary" FROM observations_with_unit ORDER BY id'
        ).fetchall()
    expected = [
        (2022, "wp-2023", 0),
        (2022, "stat-2024", 1),
        (2023, "wp-2024", 0),
        (2023, "stat-2024", 1),
    ]
    assert rows == expected
    package = tmp_path / "pkg"
    export(sourced, chosen, Format.DATAPACKAGE, package)
    lines = (package / "observations.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = [line.split(",") for line in lines[1:]]
    year, source, primary = (header.index(n) for n in ("year", "source", "primary"))
    assert [(int(c[year]), c[source], c[primary]) for c in cells] == [
        (y, s, "true" if p else "false") for y, s, p in expected
    ]
