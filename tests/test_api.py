"""The Python API: load, query by name, and the same result objects the CLI renders."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ipstats
from ipstats.cli import app
from ipstats.compare import Comparison
from ipstats.errors import IpstatsError, NoDataError, UsageError
from ipstats.growth import Growth
from ipstats.table import Table


def test_load_shipped_and_compare_main_job() -> None:
    data = ipstats.load()
    result = data.compare("shanghai", "shenzhen", metric="pct", year=2024)
    assert isinstance(result, Comparison)
    (record,) = result.to_records()
    assert (record["shanghai"], record["shenzhen"], record["difference"]) == (6822, 16300, -9478)


def test_load_path_and_query_by_typed_names(tiny_path: Path) -> None:
    data = ipstats.load(tiny_path)
    table = data.series("AL", "widgets")
    assert isinstance(table, Table)
    assert [r["value"] for r in table.to_records()] == [100, 110, 121]
    growth = data.growth("alpha", metric="widgets", implied=False)
    assert isinstance(growth, Growth)
    assert [p.kind.value for p in growth.series[0].points] == [
        "observed",
        "observed",
        "observed",
        "span",
    ]
    assert data.observations(city=["beta"], start=2025).to_records()[0]["value"] == 3353000000


def test_errors_are_the_project_error_type(tiny_path: Path) -> None:
    data = ipstats.load(tiny_path)
    with pytest.raises(ipstats.IpstatsError, match="unknown city 'gamma'"):
        data.compare("alpha", "gamma", metric="widgets")


def test_to_pandas_without_pandas_says_how_to_get_it(tiny_path: Path) -> None:
    data = ipstats.load(tiny_path)
    result = data.compare("alpha", "beta", metric="widgets")
    if importlib.util.find_spec("pandas") is None:
        with pytest.raises(ipstats.IpstatsError, match=r"pip install 'ipstats\[pandas\]'"):
            result.to_pandas()
    else:  # pragma: no cover - depends on the environment
        frame = result.to_pandas()
        assert list(frame["year"]) == [2021, 2022, 2024]


def test_importing_ipstats_is_light() -> None:
    code = "import sys, ipstats; print(sorted(m for m in ('yaml', 'typer', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_package_is_typed() -> None:
    assert (Path(ipstats.__file__).parent / "py.typed").is_file()


def cli_error(tiny_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--data", str(tiny_path), *args])
    assert result.stderr.startswith("Error: "), result.stderr
    return result.exit_code, result.stderr.removeprefix("Error: ").strip()


@pytest.mark.parametrize(
    ("call", "args", "error", "message"),
    [
        (
            lambda d: d.compare("alpha", metric="widgets"),
            ("compare", "alpha", "-m", "widgets"),
            UsageError,
            "compare needs at least two cities (known: alpha, beta, nation)",
        ),
        (
            lambda d: d.compare("alpha", "beta", year=20244),
            ("compare", "alpha", "beta", "--year", "20244"),
            UsageError,
            "{year} 20244 is not a plausible year (1900-2100)",
        ),
        (
            lambda d: d.observations(start=2025, end=2021),
            ("list", "observations", "--from", "2025", "--to", "2021"),
            UsageError,
            "{start} 2025 is later than {end} 2021",
        ),
        (
            lambda d: d.observations(start="later"),
            ("list", "observations", "--from", "later"),
            UsageError,
            "{start} 'later' is not a year; give one such as 2024",
        ),
        (
            lambda d: d.growth("alpha", metric="widgets", start=2024, end=2021),
            ("growth", "alpha", "-m", "widgets", "--from", "2024", "--to", "2021"),
            UsageError,
            "{start} 2024 is later than {end} 2021",
        ),
        (
            lambda d: d.observations(city="alpha", metric="widgets", start=2030),
            ("list", "observations", "-c", "alpha", "-m", "widgets", "--from", "2030"),
            NoDataError,
            "no observations match these filters in the years asked for; "
            "data exists for 2021, 2022, 2024",
        ),
        (
            lambda d: d.show("zzz"),
            ("show", "zzz"),
            UsageError,
            "no indicator or city named 'zzz' "
            "(`ipstats list indicators` shows them all; known cities: alpha, beta, nation)",
        ),
        (
            lambda d: d.compare("alpha", "gamma"),
            ("compare", "alpha", "gamma"),
            UsageError,
            "unknown city 'gamma' (known: alpha, beta, nation)",
        ),
    ],
)
def test_the_api_and_the_cli_refuse_the_same_mistakes_alike(
    tiny_path: Path,
    call: Callable[[ipstats.Data], object],
    args: tuple[str, ...],
    error: type[IpstatsError],
    message: str,
) -> None:
    data = ipstats.load(tiny_path)
    with pytest.raises(IpstatsError) as caught:
        call(data)
    assert type(caught.value) is error
    assert str(caught.value) == message.format(
        year="the year", start="the start year", end="the end year"
    )
    code, shown = cli_error(tiny_path, *args)
    assert code == caught.value.exit_status
    assert shown == message.format(year="--year", start="--from", end="--to")


def test_the_api_accepts_a_category_by_name_and_refuses_an_unknown_one(tiny_path: Path) -> None:
    data = ipstats.load(tiny_path)
    records = data.observations(category="PROTECTION").to_records()
    assert {r["indicator"] for r in records} == {"widget_share"}
    with pytest.raises(UsageError, match=r"^unknown category 'colour'"):
        data.observations(category="colour")


def test_show_gives_the_tables_the_cli_prints(tiny_path: Path) -> None:
    about, observed = ipstats.load(tiny_path).show("widgets")
    assert about.title == "Widgets granted (widgets_granted)"
    assert [r["year"] for r in observed.to_records()] == [2021, 2022, 2024, 2024]


def test_the_api_takes_several_metrics_and_years_and_chinese_names() -> None:
    data = ipstats.load()
    records = data.observations(metric=["pct", "有效商标"], year=[2021, "2024"]).to_records()
    assert {r["indicator"] for r in records} == {"pct_applications", "valid_trademarks"}
    assert {r["year"] for r in records} == {2021, 2024}


def test_the_api_uses_primary_figures_and_selects_a_source(sourced_path: Path) -> None:
    data = ipstats.load(sourced_path)
    assert [w.path for w in data.warnings] == ["observations[0].value", "observations[4].value"]
    (row, _) = data.compare("alpha", "beta", metric="pct", end=2023, start=2022).to_records()
    assert (row["alpha"], row["alpha_source"]) == (5590, "stat-2024")
    (only,) = data.compare("alpha", "beta", metric="pct", source="wp-2023").to_records()
    assert (only["alpha"], only["alpha_source"]) == (5591, "wp-2023")
    grown = data.growth("alpha", metric="pct", implied=False)
    assert [p.value for p in grown.series[0].points][:2] == [5590, 6185]
    assert data.growth("alpha", metric="pct", source="stat-2024").series[0].sources == (
        "stat-2024",
    )
    every = data.series("alpha", "pct").to_records()
    assert [(r["source"], r["primary"]) for r in every if r["year"] == 2022] == [
        ("wp-2023", False),
        ("stat-2024", True),
    ]
    assert [
        r["source"] for r in data.observations(city="alpha", source="wp-2024").to_records()
    ] == [
        "wp-2024",
        "wp-2024",
        "wp-2024",
    ]
    _, observations = data.show("pct", source="rep-x")
    assert {r["source"] for r in observations.to_records()} == {"rep-x"}
    with pytest.raises(UsageError, match=r"^unknown source 'x'"):
        data.show("pct", source="x")
    with pytest.raises(NoDataError, match=r"^rep-x has no figure for alpha$"):
        data.show("alpha", source="rep-x")
