"""ipstats.tableschema: the Table Schema of each file of a data package."""

from __future__ import annotations

import hashlib
import re
from enum import StrEnum

import pytest

from ipstats.model import ChangeKind, Period, Qualifier, SourceType, Unit
from ipstats.tableschema import (
    CITIES,
    INDICATORS,
    OBSERVATIONS,
    RESOURCES,
    SOURCES,
    Field,
    Resource,
)


def field(resource: Resource, name: str) -> Field:
    (found,) = [f for f in resource.fields if f.name == name]
    return found


def test_a_plain_field_has_no_constraints() -> None:
    assert Field("note", "string", "Anything else.").descriptor() == {
        "name": "note",
        "type": "string",
        "description": "Anything else.",
    }


def test_a_field_states_each_of_its_constraints_and_its_format() -> None:
    described = Field("q", "string", "Q.", True, Qualifier, "[a-z_]+", "uri").descriptor()
    assert described["format"] == "uri"
    assert described["constraints"] == {
        "required": True,
        "enum": [q.value for q in Qualifier],
        "pattern": "[a-z_]+",
    }


def test_a_resource_describes_its_csv_file_by_size_and_hash() -> None:
    content = "id,name_zh\nalpha,甲城\n".encode()  # bytes, not characters
    described = CITIES.descriptor(content)
    assert described["name"] == "cities" and described["path"] == CITIES.path == "cities.csv"
    assert described["bytes"] == len(content)
    assert described["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()
    assert (described["format"], described["mediatype"], described["encoding"]) == (
        "csv",
        "text/csv",
        "utf-8",
    )
    schema = described["schema"]
    assert schema["primaryKey"] == ["id"]
    assert schema["fields"] == [f.descriptor() for f in CITIES.fields]
    assert "foreignKeys" not in schema


def test_foreign_keys_reference_the_id_of_another_resource() -> None:
    keys = OBSERVATIONS.descriptor(b"")["schema"]["foreignKeys"]
    assert {"fields": ["city"], "reference": {"resource": "cities", "fields": ["id"]}} in keys
    assert len(keys) == len(OBSERVATIONS.foreign_keys) == 3
    names = {r.name for r in RESOURCES}
    for name, target in OBSERVATIONS.foreign_keys:
        assert target in names and field(OBSERVATIONS, name).required


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_resource_is_keyed_by_a_required_id_and_names_each_field_once(
    resource: Resource,
) -> None:
    names = [f.name for f in resource.fields]
    assert names[0] == "id" and resource.fields[0].required
    assert len(names) == len(set(names))
    assert all(f.description.strip() for f in resource.fields)


def test_the_package_has_one_resource_per_file() -> None:
    assert {r.path for r in RESOURCES} == {
        "observations.csv",
        "indicators.csv",
        "cities.csv",
        "sources.csv",
    }


@pytest.mark.parametrize(
    ("resource", "name", "enum"),
    [
        (OBSERVATIONS, "unit", Unit),
        (INDICATORS, "unit", Unit),
        (OBSERVATIONS, "qualifier", Qualifier),
        (OBSERVATIONS, "period", Period),
        (SOURCES, "type", SourceType),
    ],
)
def test_a_coded_field_says_what_each_of_its_codes_means(
    resource: Resource, name: str, enum: type[StrEnum]
) -> None:
    described = field(resource, name)
    assert described.enum is enum
    for member in enum:
        assert re.search(rf"\b{member.value}: \S", described.description), member


def test_optional_coded_fields_allow_only_their_codes() -> None:
    kind = field(OBSERVATIONS, "reported_yoy_kind").descriptor()
    assert kind["constraints"] == {"enum": [k.value for k in ChangeKind]}


@pytest.mark.parametrize("text", ["2024", "2024-04", "2024-04-21"])
def test_a_publication_date_may_be_as_precise_as_known(text: str) -> None:
    assert re.fullmatch(field(SOURCES, "published").pattern, text)


@pytest.mark.parametrize("text", ["24", "2024-4", "2024/04", "2024-04-21T00"])
def test_a_publication_date_in_another_form_is_not_one(text: str) -> None:
    assert not re.fullmatch(field(SOURCES, "published").pattern, text)
