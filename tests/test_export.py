"""ipstats.export: long and wide observation tables, and files written atomically."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ipstats.atomic import atomic_writer, write_chunks
from ipstats.errors import ExportError, NoDataError
from ipstats.export import wide_table
from ipstats.model import Dataset
from ipstats.query import Filter
from ipstats.query import observations_table as long_table


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


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
        "src-a: Report A (Office A, 2024-04)",
        "src-b: Report B (Office B, 2025)",
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


def test_atomic_writer_replaces_content_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    with atomic_writer(target) as handle:
        handle.write("new,甲城\r\n")
        assert target.read_text(encoding="utf-8") == "old\n"  # not yet replaced
    assert target.read_bytes() == "new,甲城\r\n".encode()  # utf-8, newlines untranslated
    assert leftovers(tmp_path) == []


def test_atomic_writer_creates_a_readable_file(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with atomic_writer(target, binary=True) as handle:
        handle.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o644 & ~umask


def test_failure_inside_the_block_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="boom"), atomic_writer(target) as handle:
        handle.write("partial")
        raise RuntimeError("boom")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_failure_inside_the_block_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(KeyboardInterrupt), atomic_writer(target) as handle:
        handle.write("partial")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_missing_directory_is_an_export_error(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "out.csv"
    with pytest.raises(ExportError) as caught, atomic_writer(target):
        pytest.fail("the block must not run")
    assert str(caught.value) == f"cannot write {target}: directory {target.parent} does not exist"
    assert not target.parent.exists()


def test_directory_as_target_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as caught, atomic_writer(tmp_path):
        pytest.fail("the block must not run")
    assert str(caught.value) == f"cannot write {tmp_path}: it is a directory"


def test_os_error_while_writing_is_an_export_error(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with pytest.raises(ExportError) as caught, atomic_writer(target):
        raise OSError(28, "No space left on device")
    assert str(caught.value) == f"cannot write {target}: No space left on device"
    assert list(tmp_path.iterdir()) == []


def test_sigterm_handler_is_restored(tmp_path: Path) -> None:
    before = signal.getsignal(signal.SIGTERM)
    with atomic_writer(tmp_path / "out.csv") as handle:
        handle.write("x")
        assert signal.getsignal(signal.SIGTERM) is not before
    assert signal.getsignal(signal.SIGTERM) is before


def test_write_chunks(tmp_path: Path) -> None:
    target = tmp_path / "out.tsv"
    write_chunks(target, iter(["a\tb\n", "1\t2\n"]))
    assert target.read_text(encoding="utf-8") == "a\tb\n1\t2\n"


SIGTERM_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from ipstats.atomic import atomic_writer

    with atomic_writer(Path(sys.argv[1])) as handle:
        handle.write("city,value\\n" * 1000)
        handle.flush()
        os.kill(os.getpid(), signal.SIGTERM)
        handle.write("never written\\n")
    print("survived")
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("existing", [None, "old\n"])
def test_sigterm_during_export_leaves_no_partial_file(tmp_path: Path, existing: str | None) -> None:
    target = tmp_path / "out.csv"
    if existing is not None:
        target.write_text(existing, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", SIGTERM_SCRIPT, str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "survived" not in done.stdout
    assert "KeyboardInterrupt" in done.stderr
    assert leftovers(tmp_path) == []
    if existing is None:
        assert not target.exists()
    else:
        assert target.read_text(encoding="utf-8") == existing
