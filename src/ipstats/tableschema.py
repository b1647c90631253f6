"""The Table Schema of each file of a data package: fields, types, meanings and keys."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ipstats.model import (
    Category,
    ChangeKind,
    CityKind,
    Measure,
    Period,
    Qualifier,
    SourceType,
    Unit,
)

_UNIT_MEANINGS = {
    Unit.COUNT: "a number of things (applications, grants, cases, ...)",
    Unit.CNY: "an amount in Chinese yuan (renminbi)",
    Unit.USD: "an amount in US dollars",
    Unit.PERCENT: "a percentage (5.3 means 5.3 %)",
    Unit.PER_10K_PEOPLE: "a number per 10,000 residents",
    Unit.PER_MILLION_PEOPLE: "a number per million residents",
    Unit.MILLION_PEOPLE: "a number of people, in millions",
    Unit.RANK: "a place in a ranking, 1 being the first",
    Unit.DAYS: "a duration in days",
    Unit.MONTHS: "a duration in months",
    Unit.YEARS: "a duration in years",
    Unit.RATIO: "a ratio of two quantities",
    Unit.TIMES: "a multiple ('n times')",
}
_QUALIFIER_MEANINGS = {
    Qualifier.EXACT: "the source gives the figure as such",
    Qualifier.MORE_THAN: "'more than'",
    Qualifier.AT_LEAST: "'at least'",
    Qualifier.ABOUT: "'about'",
    Qualifier.NEARLY: "'nearly' (just under)",
    Qualifier.LESS_THAN: "'less than'",
    Qualifier.AT_MOST: "'at most'",
}
_PERIOD_MEANINGS = {
    Period.YEAR: "a flow during the calendar year",
    Period.YEAR_END: "a stock on 31 December of the year",
    Period.AS_OF: "a stock or running total on the as_of date",
    Period.CUMULATIVE: "a running total since some start ('to date'), up to as_of when given",
    Period.CAMPAIGN: "during a named campaign inside the year (see scope or note)",
}
_SOURCE_TYPE_MEANINGS = {
    SourceType.STATISTICS: "a statistical table or yearbook of a statistics office",
    SourceType.REPORT: "a report or white paper of a government body",
    SourceType.PRESS: "a press release, news text or reprint",
}


def _meanings(table: dict[Any, str]) -> str:
    return "; ".join(f"{key.value}: {text}" for key, text in table.items())


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: str  # the Table Schema type
    description: str
    required: bool = False
    enum: type[StrEnum] | None = None
    pattern: str = ""
    form: str = ""  # the Table Schema format of a string field, e.g. "uri"

    def descriptor(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "name": self.name,
            "type": self.kind,
            "description": self.description,
        }
        if self.form:
            result["format"] = self.form
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum is not None:
            constraints["enum"] = [member.value for member in self.enum]
        if self.pattern:
            constraints["pattern"] = self.pattern
        if constraints:
            result["constraints"] = constraints
        return result


@dataclass(frozen=True, slots=True)
class Resource:
    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    foreign_keys: tuple[tuple[str, str], ...] = ()  # (field, resource whose id it names)

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def descriptor(self, content: bytes) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "fields": [f.descriptor() for f in self.fields],
            "primaryKey": ["id"],
            "missingValues": [""],
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": [name], "reference": {"resource": target, "fields": ["id"]}}
                for name, target in self.foreign_keys
            ]
        return {
            "name": self.name,
            "path": self.path,
            "profile": "tabular-data-resource",
            "title": self.title,
            "description": self.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(content),
            "hash": "sha256:" + hashlib.sha256(content).hexdigest(),
            "schema": schema,
        }


_ALIASES = "Other names it answers to, as a JSON array of strings."

SOURCES = Resource(
    "sources",
    "Sources",
    "The published reports every observation is taken from.",
    (
        Field("id", "string", "Short identifier, referred to by observations.source.", True),
        Field("title", "string", "Title in the report's own language.", True),
        Field("title_en", "string", "Title in English.", True),
        Field("publisher", "string", "Who published the report.", True),
        Field(
            "published",
            "string",
            "When it was published: YYYY, YYYY-MM or YYYY-MM-DD, as precisely as known.",
            True,
            pattern=r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?",
        ),
        Field("languages", "array", "Languages of the report (ISO 639 codes), a JSON array.", True),
        Field(
            "url",
            "string",
            "Where the document is published, when it is online; empty otherwise.",
            form="uri",
        ),
        Field(
            "type",
            "string",
            f"What kind of publication it is. {_meanings(_SOURCE_TYPE_MEANINGS)}.",
            True,
            SourceType,
        ),
        Field(
            "retrieved",
            "date",
            "When the figures were taken from the document; empty when not recorded.",
        ),
    ),
)
CITIES = Resource(
    "cities",
    "Places",
    "Cities and the other places observations are about (countries, clusters, ...).",
    (
        Field("id", "string", "Short identifier, referred to by observations.city.", True),
        Field("name", "string", "Name in English.", True),
        Field("name_zh", "string", "Name in Chinese.", True),
        Field("aliases", "array", _ALIASES, True),
        Field("kind", "string", "What sort of place it is.", True, CityKind),
    ),
)
INDICATORS = Resource(
    "indicators",
    "Indicators",
    "What is measured, in which unit.",
    (
        Field("id", "string", "Identifier, referred to by observations.indicator.", True),
        Field("name", "string", "Name in English.", True),
        Field("name_zh", "string", "Name in Chinese, where the dataset gives one.", False),
        Field("aliases", "array", _ALIASES, True),
        Field("category", "string", "Area of intellectual-property work.", True, Category),
        Field(
            "unit",
            "string",
            f"Unit of every observation of this indicator. {_meanings(_UNIT_MEANINGS)}.",
            True,
            Unit,
        ),
        Field(
            "measure",
            "string",
            "Kind of quantity: flow (during a period), stock (at a moment), rate or rank.",
            True,
            Measure,
        ),
        Field("description", "string", "What exactly the indicator counts.", True),
    ),
)
OBSERVATIONS = Resource(
    "observations",
    "Observations",
    "One figure each, as its source states it: value, unit, qualifier, period and where in "
    "which report it stands.",
    (
        Field("id", "integer", "Row number in this export, from 1.", True),
        Field("city", "string", "The place (cities.id).", True),
        Field("year", "year", "The year the figure is about.", True),
        Field("indicator", "string", "What is measured (indicators.id).", True),
        Field(
            "value",
            "number",
            "The figure, a raw number in the unit named by this row's unit column "
            "(so 5.3 with unit percent is 5.3 %); read it together with qualifier and period.",
            True,
        ),
        Field(
            "unit",
            "string",
            f"Unit of value, repeated from the indicator. {_meanings(_UNIT_MEANINGS)}.",
            True,
            Unit,
        ),
        Field(
            "qualifier",
            "string",
            "How the source states value: exactly, or as a bound or approximation. "
            f"{_meanings(_QUALIFIER_MEANINGS)}.",
            True,
            Qualifier,
        ),
        Field(
            "period",
            "string",
            f"What span of time value covers. {_meanings(_PERIOD_MEANINGS)}.",
            True,
            Period,
        ),
        Field(
            "as_of",
            "date",
            "The date a stock or running total refers to; present when period is as_of, "
            "optional for cumulative, empty otherwise.",
        ),
        Field(
            "reported_yoy_kind",
            "string",
            "Kind of year-on-year change the source states (empty if none): percent is a "
            "relative change in %; absolute is in the indicator's unit (points for percents, "
            "places for ranks).",
            enum=ChangeKind,
        ),
        Field(
            "reported_yoy_value",
            "number",
            "The year-on-year change as the source states it, not computed from the values.",
        ),
        Field(
            "reported_yoy_qualifier",
            "string",
            "How the source states the change (same words as qualifier).",
            enum=Qualifier,
        ),
        Field(
            "scope",
            "string",
            "What part of the place or indicator the figure covers when narrower than both "
            "(e.g. a named cluster); empty when it is the whole.",
        ),
        Field("source", "string", "The report it comes from (sources.id).", True),
        Field(
            "primary",
            "boolean",
            "Whether this is the figure ipstats uses where several sources state the same "
            "one: the source of the highest type (statistics, report, press), then the most "
            "recently published, then an exact figure before a bound, then the source id.",
            True,
        ),
        Field("locator", "string", "Where in the report: section, table or page.", True),
        Field("note", "string", "Anything else a reader needs to use the figure correctly."),
        Field(
            "printed",
            "string",
            "The figure exactly as the source prints it (17.93万, 2.7893 million, more than "
            "6,822), to find it in the source; empty when the dataset does not record it.",
        ),
    ),
    foreign_keys=(("city", "cities"), ("indicator", "indicators"), ("source", "sources")),
)
RESOURCES = (OBSERVATIONS, INDICATORS, CITIES, SOURCES)
