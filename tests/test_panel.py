"""The national panel adds up: CNIPA's tables against their own totals, cities against their
provinces, and figures two sources both state against each other.

Runs over the shipped dataset, or over the file named by IPSTATS_DATA. Where a source itself
does not add up, or a stored copy is cut, the difference is recorded below as data (source,
figure, printed total, sum of the parts) and the test asserts that it is exactly that.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import pytest

from ipstats.datafile import choose_path, load
from ipstats.model import (
    PROVINCE_LEVEL,
    CityKind,
    Dataset,
    Measure,
    Observation,
    Period,
    SourceType,
)
from ipstats.names import fold
from ipstats.precision import half_unit

# The official pages of ../shared/sources/official; a source's id is its file's name.
CNIPA_TABLES = frozenset(
    {
        "cnipa-2016-12-t14-pct",
        "cnipa-2016-12-t2-invention-applications",
        "cnipa-2016-12-t8-valid-inventions",
        "cnipa-2017-12-t7-valid-patents",
        "cnipa-2016-12-t17-um-design-grants",
        "cnipa-yearbook-2009-patents-in-force",
        "cnipa-yearbook-2022-um-in-force",
        "cnipa-yearbook-2023-pct",
    }
)
PROSE_PAGES = frozenset(
    {
        "beijing-ipo-2019-briefing",
        "beijing-ipo-2019-statistics",
        "beijing-portal-2023",
        "cnipa-news-nanjing-2020",
        "cnipa-news-shenzhen-2018",
        "mofcom-beijing-2018",
        "sh-ipa-2010-white-paper",
        "sh-shio-2024-briefing",
        "sz-gov-2021-report",
    }
)
OFFICIAL = CNIPA_TABLES | PROSE_PAGES

DOMESTIC = ""  # CNIPA's domestic total, Hong Kong, Macau and Taiwan included
MAINLAND = "mainland (31 provinces)"
BOTH = "domestic and foreign"
FOREIGN = ("foreign applicants", "foreign holders")
SPLITS = ("service", "non-service")


@dataclass(frozen=True)
class Difference:
    """A printed total that its printed parts do not give, as found in the source."""

    total: float
    parts: float
    why: str


# (source, indicator, year, rule, scope of the total) -> the difference
KNOWN_DIFFERENCES = {
    ("cnipa-yearbook-2023-pct", "pct_applications", 2018, "regions", DOMESTIC): Difference(
        51893, 51892, "the 2018 domestic sub-total is 1 above its provinces and HK/MO/TW"
    ),
    (
        "cnipa-2017-12-t7-valid-patents",
        "valid_design_patents",
        2017,
        "origin",
        f"{BOTH}, service",
    ): Difference(914294, 914296, "Total/Design/Service is printed 2 short of its parts"),
    ("cnipa-2017-12-t7-valid-patents", "valid_design_patents", 2017, "split", BOTH): Difference(
        1459054, 1459052, "the same misprint: Service 914,294 + Non-service 544,758"
    ),
}


@dataclass(frozen=True)
class Gap:
    """Rows a cut copy lacks, and what the printed total leaves for them (None: not stated)."""

    missing: frozenset[str]
    left: dict[tuple[str, str], float]  # (indicator, period) -> total minus the present rows


# (source, rule) -> the rows missing from the stored copy (INDEX.md, "complete?")
KNOWN_GAPS = {
    ("cnipa-2016-12-t2-invention-applications", "regions"): Gap(
        frozenset({"jilin"}),
        {
            ("invention_patent_applications", "year"): 7537,
            ("invention_patent_applications", "cumulative"): 49939,
        },
    ),
    ("cnipa-2016-12-t8-valid-inventions", "mainland"): Gap(
        frozenset({"jiangxi", "gansu"}),
        {
            ("valid_invention_patents", "year_end"): 11918,
            ("resident_population", "year_end"): 75.5,
        },
    ),
}


# Chosen at import: the suite's fixtures clear IPSTATS_DATA around each test.
PANEL = choose_path()


@cache
def panel() -> Dataset:
    return load(PANEL, use_cache=False).dataset


def kinds_of(kinds: Iterable[CityKind]) -> frozenset[str]:
    wanted = set(kinds)
    return frozenset(c.id for c in panel().cities if c.kind in wanted)


def additive(o: Observation) -> bool:
    return panel().indicator(o.indicator).measure in (Measure.FLOW, Measure.STOCK)


def from_tables() -> list[Observation]:
    return [o for o in panel().observations if o.source in CNIPA_TABLES]


Group = tuple[str, str, int, Period, object]  # source, indicator, year, period, as_of


@cache
def groups_cached() -> dict[Group, dict[tuple[str, str], Observation]]:
    return groups()


def groups() -> dict[Group, dict[tuple[str, str], Observation]]:
    """The additive table figures by source, indicator and date, each keyed by place and scope."""
    found: dict[Group, dict[tuple[str, str], Observation]] = defaultdict(dict)
    for o in from_tables():
        if additive(o):
            found[(o.source, o.indicator, o.year, o.period, o.as_of)][(o.city, o.scope)] = o
    return found


@dataclass(frozen=True)
class Sum:
    """A printed total and the figures that should add up to it."""

    group: Group
    rule: str
    total: Observation
    parts: tuple[Observation, ...]
    missing: frozenset[str]  # expected parts (places, or scopes) that the data lacks

    @property
    def key(self) -> tuple[str, str, int, str, str]:
        source, indicator, year, _, _ = self.group
        return (source, indicator, year, self.rule, self.total.scope)

    @property
    def shortfall(self) -> float:
        return round(self.total.value - sum(p.value for p in self.parts), 6)


def split_of(scope: str) -> tuple[str, str]:
    """A national scope as (who, service split): "foreign applicants, service" ->
    ("foreign applicants", "service"); "service" -> ("", "service"); "" -> ("", "")."""
    if scope in SPLITS:
        return "", scope
    who, _, split = scope.rpartition(", ")
    return (who, split) if split in SPLITS else (scope, "")


def sum_of(group: Group, rule: str, total: Observation, wanted: dict[str, tuple[str, str]]) -> Sum:
    """The sum of the wanted parts (name -> place and scope) of a group, and the ones it lacks."""
    figures = groups_cached()[group]
    parts = tuple(figures[k] for k in wanted.values() if k in figures)
    missing = frozenset(name for name, k in wanted.items() if k not in figures)
    return Sum(group, rule, total, parts, missing)


def sums() -> Iterator[Sum]:
    """Every printed national total of the tables with the figures that should make it up: the
    places of a regional table, the service and non-service rows, the domestic and foreign
    rows. Only totals of which at least one part is stored."""
    provinces = kinds_of(PROVINCE_LEVEL)
    regions = kinds_of([CityKind.REGION])
    for group, figures in groups_cached().items():
        for (city, scope), total in figures.items():
            if city != "china":
                continue
            candidates = []
            if scope in (DOMESTIC, MAINLAND):
                places = provinces | regions if scope == DOMESTIC else provinces
                rule = "regions" if scope == DOMESTIC else "mainland"
                candidates.append((rule, {p: (p, "") for p in places}))
            who, split = split_of(scope)
            if not split:
                scopes = [f"{who}, {s}" if who else s for s in SPLITS]
                candidates.append(("split", {s: ("china", s) for s in scopes}))
            if who == BOTH:
                suffix = f", {split}" if split else ""
                foreign = next(
                    (f + suffix for f in FOREIGN if ("china", f + suffix) in figures),
                    FOREIGN[0] + suffix,
                )
                domestic = split or DOMESTIC
                candidates.append(("origin", {s: ("china", s) for s in (domestic, foreign)}))
            for rule, wanted in candidates:
                found = sum_of(group, rule, total, wanted)
                if found.parts:
                    yield found


def describe(s: Sum) -> str:
    source, indicator, year, period, _ = s.group
    return f"{source} {indicator} {year} {period.value} {s.rule} [{s.total.scope}]"


# ----------------------------------------------------------------------------- the places


def test_the_panel_has_31_province_level_places_three_regions_and_china_above_them() -> None:
    provinces, regions = kinds_of(PROVINCE_LEVEL), kinds_of([CityKind.REGION])
    assert (len(provinces), len(regions)) == (31, 3)
    assert {panel().city(p).parent for p in provinces | regions} == {"china"}
    for city in kinds_of([CityKind.CITY]):
        parent = panel().city(city).parent
        if parent:
            assert panel().city(parent).kind in PROVINCE_LEVEL, city


# ----------------------------------------------------------------------------- sums


def test_every_table_with_regional_rows_prints_a_total_that_is_stored() -> None:
    regional = {
        g for g, figures in groups_cached().items() if any(c != "china" for c, _ in figures)
    }
    totalled = {s.group for s in sums() if s.rule in ("regions", "mainland")}
    assert regional, "no regional figures from the CNIPA tables"
    assert sorted(regional - totalled, key=str) == []


def test_the_provinces_and_regions_add_up_to_the_printed_totals() -> None:
    checked, wrong = 0, []
    for s in sums():
        if s.rule not in ("regions", "mainland") or s.missing:
            continue
        checked += 1
        known = KNOWN_DIFFERENCES.get(s.key)
        expected = round(known.total - known.parts, 6) if known else 0
        if s.shortfall != expected:
            wrong.append(
                f"{describe(s)}: total {s.total.value}, parts {s.total.value - s.shortfall}"
            )
    assert checked > 0
    assert wrong == []


def test_national_tables_add_up_by_service_and_by_origin() -> None:
    checked, wrong = 0, []
    for s in sums():
        if s.rule not in ("split", "origin"):
            continue
        assert not s.missing, f"{describe(s)}: lacks {sorted(s.missing)}"
        checked += 1
        known = KNOWN_DIFFERENCES.get(s.key)
        expected = round(known.total - known.parts, 6) if known else 0
        if s.shortfall != expected:
            wrong.append(
                f"{describe(s)}: total {s.total.value}, parts {s.total.value - s.shortfall}"
            )
    assert {s.group[0] for s in sums() if s.rule in ("split", "origin")} >= {
        "cnipa-2017-12-t7-valid-patents",
        "cnipa-2016-12-t17-um-design-grants",
    }
    assert checked > 0
    assert wrong == []


def test_each_known_difference_is_in_the_data_exactly_as_found_in_the_source() -> None:
    found = {s.key: s for s in sums()}
    for key, known in KNOWN_DIFFERENCES.items():
        assert key in found, f"{key}: the figures of this known difference are not stored"
        s = found[key]
        assert not s.missing, key
        assert (s.total.value, round(s.total.value - s.shortfall, 6)) == (known.total, known.parts)


def test_a_cut_table_lacks_exactly_the_rows_its_copy_lacks_and_falls_short_by_them() -> None:
    seen = set()
    for s in sums():
        if not s.missing or s.rule not in ("regions", "mainland"):
            continue
        gap = KNOWN_GAPS.get((s.group[0], s.rule))
        assert gap is not None, f"{describe(s)}: rows missing {sorted(s.missing)}"
        assert s.missing == gap.missing, describe(s)
        left = gap.left.get((s.group[1], s.group[3].value))
        if left is None:
            assert s.shortfall > 0, describe(s)
        else:
            assert s.shortfall == left, describe(s)
        seen.add((s.group[0], s.rule))
    assert seen == set(KNOWN_GAPS)


def test_no_row_a_cut_copy_lacks_is_stored_by_any_means() -> None:
    # Never estimated, never derived from a total: no figure of those places from that source.
    for (source, _), gap in KNOWN_GAPS.items():
        stored = [o for o in panel().observations if o.source == source and o.city in gap.missing]
        assert stored == []


def test_no_table_figure_comes_from_a_december_only_column() -> None:
    # The tool is annual: a December flow would be read as the year's.
    assert [o.locator for o in from_tables() if re.search(r"\bMonthly\b", o.locator)] == []


def test_the_production_and_construction_corps_is_no_place_of_the_panel() -> None:
    # XPCC rows are already inside Xinjiang; stored as a place they would be counted twice.
    names = [fold(n) for c in panel().cities for n in c.names]
    assert [n for n in names if "xpcc" in n or "bingtuan" in n or "兵团" in n] == []


def test_table_figures_are_exact() -> None:
    assert [o for o in from_tables() if not o.qualifier.is_exact] == []


# ----------------------------------------------------------------------------- cities


def test_no_city_exceeds_its_province_and_no_province_is_exceeded_by_its_cities() -> None:
    data = panel()
    by_key = {
        (o.indicator, o.city, o.year, o.period, o.as_of, o.scope, o.source): o
        for o in data.observations
    }
    cities_of: dict[tuple[object, ...], list[Observation]] = defaultdict(list)
    above = []
    for o in data.observations:
        place = data.city(o.city)
        if place.kind is not CityKind.CITY or not place.parent or not additive(o):
            continue
        province = by_key.get(
            (o.indicator, place.parent, o.year, o.period, o.as_of, o.scope, o.source)
        )
        if province is None or not (o.qualifier.is_exact and province.qualifier.is_exact):
            continue
        cities_of[(province, o.source)].append(o)
        if o.value > province.value:
            above.append(
                f"{o.source}: {o.indicator} {o.year} {o.city} {o.value} > {province.city} {province.value}"
            )
    for (province, _), cities in cities_of.items():
        if sum(c.value for c in cities) > province.value:
            above.append(
                f"{province.source}: {province.indicator} {province.year} cities of {province.city} sum above it"
            )
    compared = {source for _, source in cities_of}
    with_cities = {
        o.source for o in from_tables() if data.city(o.city).kind is CityKind.CITY and additive(o)
    }
    assert compared == with_cities
    assert above == []


# ----------------------------------------------------------------------------- two sources


def figure(indicator: str, city: str, year: int, source: str, scope: str = "") -> Observation:
    found = [
        o
        for o in panel().observations_of([indicator], [city])
        if o.year == year and o.source == source and o.scope == scope
    ]
    assert len(found) == 1, (
        f"{indicator}/{city}/{year} [{scope}] from {source}: {len(found)} records"
    )
    return found[0]


def test_shanghai_pct_in_the_white_paper_is_the_yearbook_figure() -> None:
    yearbook = "cnipa-yearbook-2023-pct"
    paper = figure("pct_applications", "shanghai", 2023, "sh-wp-2023")
    received = {y: figure("pct_applications", "shanghai", y, yearbook) for y in (2022, 2023)}
    assert paper.value == received[2023].value
    assert paper.yoy is not None
    assert round((received[2023].value / received[2022].value - 1) * 100, 2) == paper.yoy.value


def test_shenzhen_pct_share_is_its_count_over_the_yearbook_domestic_total() -> None:
    page = "cnipa-news-shenzhen-2018"
    shares = [
        o
        for o in panel().observations
        if o.source == page
        and o.city == "shenzhen"
        and "pct" in o.indicator
        and panel().indicator(o.indicator).unit.value == "percent"
    ]
    assert len(shares) == 1, shares
    count = figure("pct_applications", "shenzhen", 2018, page)
    domestic = figure("pct_applications", "china", 2018, "cnipa-yearbook-2023-pct", DOMESTIC)
    assert round(count.value / domestic.value * 100, 1) == shares[0].value


def test_domestic_utility_models_in_force_at_end_2017_agree_in_table_7_and_the_yearbook() -> None:
    t7 = figure("valid_utility_model_patents", "china", 2017, "cnipa-2017-12-t7-valid-patents")
    yearbook = figure(
        "valid_utility_model_patents", "china", 2017, "cnipa-yearbook-2022-um-in-force"
    )
    assert t7.value == yearbook.value


def test_any_figure_two_sources_state_agrees_within_their_rounding() -> None:
    by_key: dict[tuple[object, ...], list[Observation]] = defaultdict(list)
    for o in panel().observations:
        by_key[o.key].append(o)
    apart = [
        f"{a.indicator}/{a.city}/{a.year}: {a.source} {a.printed!r}, {b.source} {b.printed!r}"
        for found in by_key.values()
        for a in found
        for b in found
        if a.source < b.source
        and a.qualifier.is_exact
        and b.qualifier.is_exact
        and abs(a.value - b.value) > half_unit(a.value) + half_unit(b.value)
    ]
    assert apart == []


# ----------------------------------------------------------------------------- citations


def test_every_official_page_is_a_source_with_url_publisher_type_and_retrieval_date() -> None:
    data = panel()
    known = {s.id: s for s in data.sources}
    assert set(known) >= OFFICIAL
    for source_id in sorted(OFFICIAL):
        s = known[source_id]
        assert s.url.startswith(("http://", "https://")), source_id
        assert s.publisher.strip(), source_id
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", s.retrieved), source_id
        if source_id in CNIPA_TABLES:
            assert s.type is SourceType.STATISTICS, source_id
        else:
            assert s.type in (SourceType.REPORT, SourceType.PRESS), source_id


_ROW = re.compile(r"\brow\s+(?P<row>[^,;]+)", re.IGNORECASE)


def row_named(locator: str) -> str | None:
    match = _ROW.search(locator)
    return match["row"].strip() if match else None


def test_every_table_figure_is_located_by_table_and_by_a_row_of_its_place() -> None:
    data = panel()
    unlocated = []
    for o in from_tables():
        row = row_named(o.locator)
        if not re.search(r"\btable\b|表", o.locator, re.IGNORECASE) or row is None:
            unlocated.append(f"{o.source} {o.indicator}/{o.city}/{o.year}: {o.locator!r}")
        elif o.city != "china":
            names = {fold(n).replace("’", "'") for n in data.city(o.city).names}
            if not any(
                re.search(rf"(?<![a-z]){re.escape(n)}(?![a-z])", fold(row).replace("’", "'"))
                for n in names
            ):
                unlocated.append(f"{o.source} {o.indicator}/{o.city}/{o.year}: row {row!r}")
    assert from_tables()
    assert unlocated == []


def test_every_figure_of_a_prose_page_has_a_locator() -> None:
    assert [
        o for o in panel().observations if o.source in PROSE_PAGES and not o.locator.strip()
    ] == []


@pytest.mark.parametrize("source", sorted(OFFICIAL))
def test_every_official_page_gives_the_panel_figures(source: str) -> None:
    assert any(o.source == source for o in panel().observations)
