"""ipstats.export: long and wide observation tables, and files written atomically."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path

import pytest

from ipstats.errors import NoDataError, UsageError
from ipstats.export import Written, export, wide_table
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
        "reported_yoy_kind",
        "reported_yoy_value",
        "reported_yoy_qualifier",
        "scope",
        "source",
        "primary",
        "locator",
        "note",
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
            "period": "as_of 2025-04-21",
            "reported_yoy_kind": None,
            "reported_yoy_value": None,
            "reported_yoy_qualifier": None,
            "scope": None,
            "source": "src-b",
            "primary": True,
            "locator": "Part 6",
            "note": None,
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
    assert table.hidden == frozenset({"2021_qualifier", "2022_qualifier", "2024_qualifier"})


def test_wide_table_of_everything(tiny: Dataset) -> None:
    table = wide_table(tiny, Filter())
    pairs = [(r["city"], r["indicator"]) for r in table.records()]
    assert len(pairs) == len(set(pairs)) == len({(o.city, o.indicator) for o in tiny.observations})
    funding = {r["city"]: r for r in table.records() if r["indicator"] == "funding_amount"}
    assert (funding["beta"]["period"], funding["beta"]["2025"]) == ("as_of 2025-04-21", 3353000000)
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
    assert lines[0].split(",")[:5] == ["city", "indicator", "unit", "period", "scope"]
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
