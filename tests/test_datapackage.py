"""The data package export: descriptor, CSV resources, keys, values, atomic replacement."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from ipstats import __version__
from ipstats.datapackage import write_datapackage
from ipstats.errors import ExportError
from ipstats.model import Dataset
from ipstats.rows import fields_except

FILES = ["cities.csv", "datapackage.json", "indicators.csv", "observations.csv", "sources.csv"]


@pytest.fixture
def package(tiny: Dataset, tmp_path: Path) -> Path:
    directory = tmp_path / "pkg"
    assert write_datapackage(tiny, directory) == len(tiny.observations)
    return directory


def _descriptor(directory: Path) -> dict[str, Any]:
    document = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _resource(directory: Path, name: str) -> dict[str, Any]:
    (found,) = [r for r in _descriptor(directory)["resources"] if r["name"] == name]
    assert isinstance(found, dict)
    return found


def _header_and_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = csv.reader(handle)
    return header, rows


def _typed(field: dict[str, Any], text: str) -> Any:
    """A CSV cell read as its Table Schema type says (empty is missing)."""
    if text == "":
        return None
    kind = field["type"]
    if kind in ("integer", "year"):
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "date":
        return dt.date.fromisoformat(text)
    if kind == "array":
        return tuple(json.loads(text))
    if kind == "boolean":
        assert text in ("true", "false")
        return text == "true"
    assert kind == "string"
    return text


def _records(directory: Path, name: str) -> list[dict[str, Any]]:
    resource = _resource(directory, name)
    fields = resource["schema"]["fields"]
    header, rows = _header_and_rows(directory / resource["path"])
    assert header == [f["name"] for f in fields]
    return [
        {f["name"]: _typed(f, cell) for f, cell in zip(fields, row, strict=True)} for row in rows
    ]


def _hidden(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_descriptor_is_a_tabular_data_package(package: Path, tiny: Dataset) -> None:
    descriptor = _descriptor(package)
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["name"] == "ipstats"
    assert descriptor["title"]
    assert descriptor["version"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", descriptor["created"])
    assert "licenses" not in descriptor
    assert descriptor["sources"] == [
        {"title": "Report A (Office A, 2024-04)"},
        {"title": "Report B (Office B, 2025)"},
    ]
    assert descriptor["ipstats"] == {
        "version": __version__,
        "dataset_schema_version": 2,
        "generated_from": "tiny.yaml",
        "observations": "all",
    }
    for resource in descriptor["resources"]:
        assert resource["profile"] == "tabular-data-resource"
        assert resource["format"] == "csv"
        assert resource["encoding"] == "utf-8"
        for field in resource["schema"]["fields"]:
            assert field["description"], (resource["name"], field["name"])


def test_lists_every_file_and_every_file_exists(package: Path) -> None:
    paths = [r["path"] for r in _descriptor(package)["resources"]]
    assert sorted(paths) == ["cities.csv", "indicators.csv", "observations.csv", "sources.csv"]
    assert all((package / p).is_file() for p in paths)
    assert sorted(p.name for p in package.iterdir()) == FILES


def test_bytes_and_hash_describe_each_file(package: Path) -> None:
    for resource in _descriptor(package)["resources"]:
        content = (package / resource["path"]).read_bytes()
        assert resource["bytes"] == len(content)
        assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize("name", ["observations", "indicators", "cities", "sources"])
def test_schema_fields_equal_the_csv_header(package: Path, name: str) -> None:
    resource = _resource(package, name)
    header, rows = _header_and_rows(package / resource["path"])
    assert [f["name"] for f in resource["schema"]["fields"]] == header
    assert all(len(row) == len(header) for row in rows)


def test_observation_fields_follow_the_shared_field_order(package: Path) -> None:
    resource = _resource(package, "observations")
    assert [f["name"] for f in resource["schema"]["fields"]] == ["id", *fields_except("source_url")]


def test_field_types(package: Path) -> None:
    fields = {f["name"]: f for f in _resource(package, "observations")["schema"]["fields"]}
    assert {name: f["type"] for name, f in fields.items()} == {
        "id": "integer",
        "city": "string",
        "year": "year",
        "indicator": "string",
        "value": "number",
        "unit": "string",
        "qualifier": "string",
        "period": "string",
        "as_of": "date",
        "reported_yoy_kind": "string",
        "reported_yoy_value": "number",
        "reported_yoy_qualifier": "string",
        "scope": "string",
        "source": "string",
        "primary": "boolean",
        "locator": "string",
        "note": "string",
        "printed": "string",
    }
    assert "unit column" in fields["value"]["description"]
    assert "more_than" in fields["qualifier"]["description"]
    assert "year_end" in fields["period"]["description"]
    assert fields["qualifier"]["constraints"]["enum"][0] == "exact"
    assert fields["value"]["constraints"] == {"required": True}
    assert "constraints" not in fields["note"]


@pytest.mark.parametrize("name", ["observations", "indicators", "cities", "sources"])
def test_primary_keys_are_unique(package: Path, name: str) -> None:
    schema = _resource(package, name)["schema"]
    assert schema["primaryKey"] == ["id"]
    ids = [r["id"] for r in _records(package, name)]
    assert None not in ids
    assert len(ids) == len(set(ids))


def test_foreign_keys_resolve(package: Path) -> None:
    foreign_keys = _resource(package, "observations")["schema"]["foreignKeys"]
    assert foreign_keys == [
        {"fields": ["city"], "reference": {"resource": "cities", "fields": ["id"]}},
        {"fields": ["indicator"], "reference": {"resource": "indicators", "fields": ["id"]}},
        {"fields": ["source"], "reference": {"resource": "sources", "fields": ["id"]}},
    ]
    observations = _records(package, "observations")
    for key in foreign_keys:
        (field,) = key["fields"]
        (target_field,) = key["reference"]["fields"]
        targets = {r[target_field] for r in _records(package, key["reference"]["resource"])}
        assert {o[field] for o in observations} <= targets


def test_observations_round_trip(package: Path, tiny: Dataset) -> None:
    records = _records(package, "observations")
    assert len(records) == len(tiny.observations)
    for number, (r, o) in enumerate(zip(records, tiny.observations, strict=True), start=1):
        assert r == {
            "id": number,
            "city": o.city,
            "year": o.year,
            "indicator": o.indicator,
            "value": o.value,
            "unit": tiny.indicator(o.indicator).unit.value,
            "qualifier": o.qualifier.value,
            "period": o.period.value,
            "as_of": o.as_of,
            "reported_yoy_kind": o.yoy.kind.value if o.yoy else None,
            "reported_yoy_value": o.yoy.value if o.yoy else None,
            "reported_yoy_qualifier": o.yoy.qualifier.value if o.yoy else None,
            "scope": o.scope or None,
            "source": o.source,
            "primary": True,  # tiny has one source per figure
            "locator": o.locator,
            "note": o.note or None,
            "printed": o.printed or None,
        }


def test_numbers_are_raw(package: Path) -> None:
    text = (package / "observations.csv").read_text(encoding="utf-8")
    assert ",beta,2024,widgets_granted,242,count,exact,year," in text
    assert ",3353000000,cny,exact,as_of,2025-04-21," in text
    assert ",5.3,percent," in text


def test_reference_tables_round_trip(package: Path, tiny: Dataset) -> None:
    assert _records(package, "cities") == [
        {"id": c.id, "name": c.name, "name_zh": c.name_zh, "aliases": c.aliases, "kind": c.kind}
        for c in tiny.cities
    ]
    assert _records(package, "indicators") == [
        {
            "id": i.id,
            "name": i.name,
            "name_zh": i.name_zh or None,
            "aliases": i.aliases,
            "category": i.category,
            "unit": i.unit,
            "measure": i.measure,
            "description": i.description,
        }
        for i in tiny.indicators
    ]
    assert _records(package, "sources") == [
        {
            "id": s.id,
            "title": s.title,
            "title_en": s.title_en,
            "publisher": s.publisher,
            "published": s.published,
            "languages": s.languages,
            "url": s.url or None,
            "type": s.type.value,
            "retrieved": None,
        }
        for s in tiny.sources
    ]


def test_cells_are_not_formula_sanitised(tiny: Dataset, tmp_path: Path) -> None:
    first = tiny.observations[0]._replace(locator="=HYPERLINK(1)", note="-2 pages")
    write_datapackage(tiny, tmp_path / "pkg", [first])
    (record,) = _records(tmp_path / "pkg", "observations")
    assert (record["locator"], record["note"]) == ("=HYPERLINK(1)", "-2 pages")


def test_created_can_be_fixed(tiny: Dataset, tmp_path: Path) -> None:
    moment = dt.datetime(2025, 5, 1, 12, 30, 15, 999, tzinfo=dt.UTC)
    write_datapackage(tiny, tmp_path / "pkg", created=moment)
    assert _descriptor(tmp_path / "pkg")["created"] == "2025-05-01T12:30:15Z"


def test_subset_keeps_whole_reference_tables(tiny: Dataset, tmp_path: Path) -> None:
    chosen = [o for o in tiny.observations if o.city == "beta"]
    assert write_datapackage(tiny, tmp_path / "pkg", chosen) == 4
    assert {r["city"] for r in _records(tmp_path / "pkg", "observations")} == {"beta"}
    assert len(_records(tmp_path / "pkg", "cities")) == 3
    assert _descriptor(tmp_path / "pkg")["ipstats"]["observations"] == "subset"


def test_replaces_a_previous_package(package: Path, tiny: Dataset) -> None:
    assert write_datapackage(tiny, package, tiny.observations[:2]) == 2
    assert len(_records(package, "observations")) == 2
    assert sorted(p.name for p in package.iterdir()) == FILES
    assert _hidden(package.parent) == []


def test_fills_an_empty_directory(tiny: Dataset, tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    write_datapackage(tiny, tmp_path / "pkg")
    assert sorted(p.name for p in (tmp_path / "pkg").iterdir()) == FILES


def test_refuses_a_directory_that_is_not_a_package(tiny: Dataset, tmp_path: Path) -> None:
    directory = tmp_path / "docs"
    directory.mkdir()
    (directory / "thesis.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        write_datapackage(tiny, directory)
    assert str(caught.value) == (
        f"cannot write data package {directory}: it is a non-empty directory that is not an "
        "ipstats data package; choose a new or empty directory"
    )
    assert sorted(p.name for p in directory.iterdir()) == ["thesis.txt"]


def test_refuses_someone_elses_data_package(tiny: Dataset, tmp_path: Path) -> None:
    directory = tmp_path / "other"
    directory.mkdir()
    (directory / "datapackage.json").write_text('{"name": "other", "resources": []}')
    with pytest.raises(ExportError, match="not an ipstats data package"):
        write_datapackage(tiny, directory)


def test_refuses_a_package_holding_other_files(package: Path, tiny: Dataset) -> None:
    (package / "notes.md").write_text("mine", encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        write_datapackage(tiny, package)
    assert str(caught.value) == (
        f"cannot write data package {package}: the earlier data package there also holds "
        "notes.md; move them away or choose another directory"
    )
    assert (package / "notes.md").read_text(encoding="utf-8") == "mine"


def test_refuses_a_file(tiny: Dataset, tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match=r"it exists and is not a directory$"):
        write_datapackage(tiny, target)


def test_refuses_a_symbolic_link(package: Path, tiny: Dataset) -> None:
    link = package.with_name("link")
    link.symlink_to(package, target_is_directory=True)
    with pytest.raises(ExportError, match="it is a symbolic link"):
        write_datapackage(tiny, link)


def test_refuses_a_directory_without_a_name(tiny: Dataset) -> None:
    with pytest.raises(ExportError, match="give the package directory a name"):
        write_datapackage(tiny, Path())


def test_missing_parent_is_an_export_error(tiny: Dataset, tmp_path: Path) -> None:
    with pytest.raises(ExportError) as caught:
        write_datapackage(tiny, tmp_path / "nowhere" / "pkg")
    assert str(caught.value) == (
        f"cannot write data package {tmp_path / 'nowhere' / 'pkg'}: "
        f"directory {tmp_path / 'nowhere'} does not exist"
    )


def test_unknown_reference_writes_nothing(tiny: Dataset, tmp_path: Path) -> None:
    stray = tiny.observations[0]._replace(indicator="gadgets")
    with pytest.raises(ExportError, match=r"unknown indicator 'gadgets'$"):
        write_datapackage(tiny, tmp_path / "pkg", [stray])
    assert not (tmp_path / "pkg").exists()
    assert _hidden(tmp_path) == []


def test_failure_while_writing_leaves_the_previous_package(
    package: Path, tiny: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p.name: p.read_bytes() for p in package.iterdir()}
    calls = []

    def failing(path: Path, content: bytes) -> None:
        calls.append(path.name)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        path.write_bytes(content)

    monkeypatch.setattr("ipstats.datapackage._write_file", failing)
    with pytest.raises(ExportError, match=r"pkg: No space left on device$"):
        write_datapackage(tiny, package, tiny.observations[:1])
    assert {p.name: p.read_bytes() for p in package.iterdir()} == before
    assert _hidden(package.parent) == []


def test_failure_while_swapping_restores_the_previous_package(
    package: Path, tiny: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p.name: p.read_bytes() for p in package.iterdir()}
    rename = Path.rename

    def failing(self: Path, target: Any) -> Path:
        if self.name.endswith(".tmp"):  # the new package moving in
            raise OSError(13, "Permission denied")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(ExportError, match=r"pkg: Permission denied$"):
        write_datapackage(tiny, package, tiny.observations[:1])
    assert {p.name: p.read_bytes() for p in package.iterdir()} == before
    assert _hidden(package.parent) == []
