"""The SQLite export: tables, keys, constraints and indexes, values, atomic replacement."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ipstats import __version__
from ipstats.errors import ExportError
from ipstats.model import Dataset
from ipstats.rows import FIELDS, fields_except
from ipstats.sqlite_export import SQLITE_SCHEMA_VERSION, _image_by_backup, write_sqlite


@pytest.fixture
def db_path(tiny: Dataset, tmp_path: Path) -> Path:
    path = tmp_path / "out" / "ipstats.sqlite"
    path.parent.mkdir()
    assert write_sqlite(tiny, path) == len(tiny.observations)
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(db_path)
    yield connection
    connection.close()


def _open(path: Path) -> contextlib.closing[sqlite3.Connection]:
    return contextlib.closing(sqlite3.connect(path))


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_row_counts_equal_the_dataset(db: sqlite3.Connection, tiny: Dataset) -> None:
    def count(table: str) -> int:
        (n,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(n)

    assert count("sources") == len(tiny.sources) == 2
    assert count("cities") == len(tiny.cities) == 3
    assert count("indicators") == len(tiny.indicators) == 5
    assert count("observations") == len(tiny.observations) == 13
    assert count("city_aliases") == sum(len(c.aliases) for c in tiny.cities) == 3
    assert count("indicator_aliases") == sum(len(i.aliases) for i in tiny.indicators) == 2


def test_observation_columns_follow_the_shared_field_order(db: sqlite3.Connection) -> None:
    columns = [row[1] for row in db.execute("PRAGMA table_info(observations)")]
    assert columns == ["id", *fields_except("unit", "source_url")]
    view = [row[1] for row in db.execute("PRAGMA table_info(observations_with_unit)")]
    assert view == ["id", *fields_except("source_url")]
    assert "source_url" in FIELDS  # the address stands once, in sources.url


def test_known_value_is_a_raw_integer(db: sqlite3.Connection) -> None:
    row = db.execute(
        "SELECT value, typeof(value) FROM observations"
        " WHERE indicator = 'widgets_granted' AND city = 'beta' AND year = 2024"
    ).fetchone()
    assert row == (242, "integer")


def test_fractional_value_is_real(db: sqlite3.Connection) -> None:
    row = db.execute(
        "SELECT value, typeof(value) FROM observations"
        " WHERE indicator = 'widget_share' AND city = 'alpha' AND year = 2022"
    ).fetchone()
    assert row == (5.3, "real")


def test_every_observation_round_trips(db: sqlite3.Connection, tiny: Dataset) -> None:
    rows = db.execute(
        "SELECT id, city, year, indicator, value, qualifier, period, as_of, reported_yoy_kind,"
        " reported_yoy_value, reported_yoy_qualifier, scope, source, locator, note"
        " FROM observations ORDER BY id"
    ).fetchall()
    assert len(rows) == len(tiny.observations)
    for number, (row, o) in enumerate(zip(rows, tiny.observations, strict=True), start=1):
        assert row == (
            number,
            o.city,
            o.year,
            o.indicator,
            o.value,
            o.qualifier.value,
            o.period.value,
            o.as_of.isoformat() if o.as_of else None,
            o.yoy.kind.value if o.yoy else None,
            o.yoy.value if o.yoy else None,
            o.yoy.qualifier.value if o.yoy else None,
            o.scope or None,
            o.source,
            o.locator,
            o.note or None,
        )


def test_period_as_of_scope_and_qualifier_columns(db: sqlite3.Connection) -> None:
    assert db.execute(
        "SELECT value, period, as_of FROM observations WHERE indicator = 'funding_amount'"
        " AND city = 'beta'"
    ).fetchone() == (3353000000, "as_of", "2025-04-21")
    assert db.execute(
        "SELECT scope FROM observations WHERE indicator = 'cluster_rank' AND city = 'beta'"
    ).fetchone() == ("Beta-Delta cluster",)
    assert db.execute(
        "SELECT value, qualifier, period FROM observations"
        " WHERE indicator = 'valid_widgets' AND city = 'alpha'"
    ).fetchone() == (5000, "more_than", "year_end")
    assert db.execute(
        "SELECT reported_yoy_kind, reported_yoy_value, reported_yoy_qualifier FROM observations"
        " WHERE indicator = 'widgets_granted' AND city = 'alpha' AND year = 2022"
    ).fetchone() == ("percent", 10, "exact")


def test_reference_tables_hold_the_dataset(db: sqlite3.Connection) -> None:
    assert db.execute("SELECT * FROM sources WHERE id = 'src-a'").fetchone() == (
        "src-a",
        "甲报告",
        "Report A",
        "Office A",
        "2024-04",
        "zh,en",
        None,
        "report",
        None,
    )
    assert db.execute("SELECT * FROM cities WHERE id = 'alpha'").fetchone() == (
        "alpha",
        "Alpha",
        "甲城",
        "city",
    )
    assert db.execute("SELECT * FROM indicators WHERE id = 'widget_share'").fetchone() == (
        "widget_share",
        "Widget share",
        None,  # no Chinese name in this dataset
        "protection",
        "percent",
        "rate",
        "Share of widget cases among all cases.",
    )


def test_aliases_look_up_their_owner(db: sqlite3.Connection) -> None:
    assert db.execute("SELECT city FROM city_aliases WHERE alias = '甲'").fetchall() == [("alpha",)]
    assert db.execute(
        "SELECT alias FROM city_aliases WHERE city = 'alpha' ORDER BY position"
    ).fetchall() == [("al",), ("甲",)]
    assert db.execute(
        "SELECT indicator FROM indicator_aliases WHERE alias = 'rank'"
    ).fetchall() == [("cluster_rank",)]


def test_meta_table(db: sqlite3.Connection) -> None:
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    assert meta == {
        "ipstats_version": __version__,
        "dataset_schema_version": "2",
        "sqlite_schema_version": str(SQLITE_SCHEMA_VERSION),
        "generated_from": "tiny.yaml",
        "observations": "all",
    }
    assert db.execute("PRAGMA user_version").fetchone() == (SQLITE_SCHEMA_VERSION,)


def test_primary_keys(db: sqlite3.Connection) -> None:
    def primary_key(table: str) -> list[str]:
        info = db.execute(f"PRAGMA table_info({table})").fetchall()
        return [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]

    assert primary_key("meta") == ["key"]
    assert primary_key("sources") == ["id"]
    assert primary_key("cities") == ["id"]
    assert primary_key("indicators") == ["id"]
    assert primary_key("observations") == ["id"]
    assert primary_key("city_aliases") == ["city", "alias"]
    assert primary_key("indicator_aliases") == ["indicator", "alias"]


def test_foreign_keys_declared(db: sqlite3.Connection) -> None:
    def foreign_keys(table: str) -> set[tuple[str, str, str]]:
        # rows: id, seq, table, from, to, on_update, on_delete, match
        return {(r[3], r[2], r[4]) for r in db.execute(f"PRAGMA foreign_key_list({table})")}

    assert foreign_keys("observations") == {
        ("city", "cities", "id"),
        ("indicator", "indicators", "id"),
        ("source", "sources", "id"),
    }
    assert foreign_keys("city_aliases") == {("city", "cities", "id")}
    assert foreign_keys("indicator_aliases") == {("indicator", "indicators", "id")}


def test_foreign_key_and_integrity_checks_pass(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_indexes(db: sqlite3.Connection) -> None:
    def columns(index: str) -> list[str | None]:
        return [row[2] for row in db.execute(f"PRAGMA index_info({index})")]

    indexes = {row[1]: bool(row[2]) for row in db.execute("PRAGMA index_list(observations)")}
    assert indexes == {
        "observations_key": True,
        "observations_city": False,
        "observations_year": False,
        "observations_source": False,
    }
    # The key index leads with indicator, city, year: it serves lookups by indicator too.
    assert columns("observations_key")[:4] == ["indicator", "city", "year", "period"]
    assert columns("observations_city") == ["city", "year"]
    assert columns("observations_year") == ["year"]
    assert columns("city_aliases_alias") == ["alias"]
    assert columns("indicator_aliases_alias") == ["alias"]


def test_not_null_and_checks_reject_bad_rows(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA foreign_keys = ON")
    good = (
        "INSERT INTO observations (city, year, indicator, value, qualifier, period, source,"
        " \"primary\", locator{extra}) VALUES ('alpha', 2030, 'widgets_granted', {value},"
        " '{qualifier}', '{period}', '{source}', {primary}, 'p. 1'{extra_value})"
    )

    def insert(**changes: str) -> None:
        values = {
            "value": "1",
            "qualifier": "exact",
            "period": "year",
            "source": "src-a",
            "primary": "1",
            "extra": "",
            "extra_value": "",
        }
        values.update(changes)
        db.execute(good.format(**values))

    insert()  # the template itself is valid
    db.rollback()
    for changes in (
        {"qualifier": "roughly"},
        {"period": "decade"},
        {"value": "'lots'"},
        {"value": "NULL"},
        {"period": "as_of"},  # needs an as_of date
        {"extra": ", as_of", "extra_value": ", '2030-02-30'"},  # not a date
        {"extra": ", as_of", "extra_value": ", '2030-01-01'"},  # only with as_of/cumulative
        {"extra": ", reported_yoy_kind", "extra_value": ", 'percent'"},  # without a value
        {"extra": ", scope", "extra_value": ", ''"},
        {"source": "src-z"},  # foreign key
        {"primary": "2"},
        {"primary": "NULL"},
    ):
        with pytest.raises(sqlite3.IntegrityError):
            insert(**changes)
    with pytest.raises(sqlite3.IntegrityError):  # a second observation with the same key
        db.execute(
            "INSERT INTO observations (city, year, indicator, value, qualifier, period, source,"
            " \"primary\", locator) VALUES ('beta', 2024, 'widgets_granted', 1, 'exact',"
            " 'year', 'src-b', 1, 'x')"
        )
    # the same figure from another source is another observation
    db.execute(
        "INSERT INTO observations (city, year, indicator, value, qualifier, period, source,"
        " \"primary\", locator) VALUES ('beta', 2024, 'widgets_granted', 1, 'exact',"
        " 'year', 'src-a', 0, 'x')"
    )
    db.rollback()


def test_view_puts_each_value_next_to_its_unit(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT indicator, value, unit FROM observations_with_unit"
        " WHERE city = 'alpha' AND year = 2022 ORDER BY indicator"
    ).fetchall()
    assert rows == [("widget_share", 5.3, "percent"), ("widgets_granted", 110, "count")]


def test_subset_keeps_whole_reference_tables(tiny: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "beta.sqlite"
    chosen = [o for o in tiny.observations if o.city == "beta"]
    assert write_sqlite(tiny, path, chosen) == 4
    with _open(path) as db:
        assert db.execute("SELECT DISTINCT city FROM observations").fetchall() == [("beta",)]
        assert db.execute("SELECT id FROM observations ORDER BY id").fetchall() == [
            (1,),
            (2,),
            (3,),
            (4,),
        ]
        assert db.execute("SELECT count(*) FROM cities").fetchone() == (3,)
        assert db.execute("SELECT value FROM meta WHERE key = 'observations'").fetchone() == (
            "subset",
        )
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_empty_subset_writes_empty_observations(tiny: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    assert write_sqlite(tiny, path, []) == 0
    with _open(path) as db:
        assert db.execute("SELECT count(*) FROM observations").fetchone() == (0,)


def test_replaces_an_existing_file(tiny: Dataset, db_path: Path) -> None:
    write_sqlite(tiny, db_path, tiny.observations[:2])
    with _open(db_path) as db:
        assert db.execute("SELECT count(*) FROM observations").fetchone() == (2,)
    assert _names(db_path.parent) == ["ipstats.sqlite"]


def test_unknown_reference_fails_and_leaves_the_file_untouched(
    tiny: Dataset, db_path: Path
) -> None:
    before = db_path.read_bytes()
    stray = tiny.observations[0]._replace(city="gamma")
    with pytest.raises(ExportError) as caught:
        write_sqlite(tiny, db_path, [*tiny.observations, stray])
    assert str(caught.value) == (
        "cannot export the observation of widgets_granted for gamma in 2021: unknown city 'gamma'"
    )
    assert db_path.read_bytes() == before
    assert _names(db_path.parent) == ["ipstats.sqlite"]


def test_duplicate_observation_fails_and_leaves_the_file_untouched(
    tiny: Dataset, db_path: Path
) -> None:
    before = db_path.read_bytes()
    with pytest.raises(ExportError, match=r"^cannot write .*ipstats\.sqlite: UNIQUE constraint"):
        write_sqlite(tiny, db_path, [*tiny.observations, tiny.observations[0]])
    assert db_path.read_bytes() == before
    assert _names(db_path.parent) == ["ipstats.sqlite"]


def test_write_failure_leaves_the_file_untouched(
    tiny: Dataset, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = db_path.read_bytes()

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(ExportError, match=r"ipstats\.sqlite: No space left on device$"):
        write_sqlite(tiny, db_path, tiny.observations[:1])
    assert db_path.read_bytes() == before
    assert _names(db_path.parent) == ["ipstats.sqlite"]


def test_missing_directory_is_an_export_error(tiny: Dataset, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "x.sqlite"
    with pytest.raises(ExportError, match=r"directory .*nowhere does not exist"):
        write_sqlite(tiny, target)


def test_backup_fallback_gives_the_same_database(tiny: Dataset, db_path: Path) -> None:
    with _open(db_path) as source:
        image = _image_by_backup(source)
    copy = db_path.with_name("copy.sqlite")
    copy.write_bytes(image)
    with _open(copy) as db, _open(db_path) as original:
        query = "SELECT * FROM observations ORDER BY id"
        assert db.execute(query).fetchall() == original.execute(query).fetchall()
