"""The Python API: load, query by name, and the same result objects the CLI renders."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import ipstats
from ipstats.compare import Comparison
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
