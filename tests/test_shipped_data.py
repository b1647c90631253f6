"""The shipped dataset: it validates, its headline figures are pinned, and curation rules hold.

The pinned figures were checked number by number against the five source documents (see the
curation log). A failing pin means the shipped data changed: fix the data or, if the change is a
deliberate correction, update the pin together with a note in the observation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from ipstats import resolve
from ipstats.datafile import default_path, load
from ipstats.errors import DatasetError, UsageError
from ipstats.model import Dataset, Measure, Observation, Period, Qualifier, Unit
from ipstats.names import fold, has_cjk
from ipstats.query import Filter

REPORTS = {"sh-wp-2021", "sh-wp-2023", "sh-brief-2025", "sz-ip-2024", "sh-proc-2023"}
# The official pages of ../shared/sources/official: CNIPA tables and yearbooks, city pages.
OFFICIAL = {
    "cnipa-2016-12-t14-pct",
    "cnipa-2016-12-t2-invention-applications",
    "cnipa-2016-12-t8-valid-inventions",
    "cnipa-2017-12-t7-valid-patents",
    "cnipa-2016-12-t17-um-design-grants",
    "cnipa-yearbook-2009-patents-in-force",
    "cnipa-yearbook-2022-um-in-force",
    "cnipa-yearbook-2023-pct",
    "beijing-ipo-2019-statistics",
    "beijing-ipo-2019-briefing",
    "beijing-portal-2023",
    "sh-ipa-2010-white-paper",
    "sh-shio-2024-briefing",
    "cnipa-news-shenzhen-2018",
    "cnipa-news-nanjing-2020",
    "sz-gov-2021-report",
    "mofcom-beijing-2018",
}
SOURCES = REPORTS | OFFICIAL
# The national figures' scopes, one vocabulary for every CNIPA table (README: "National
# figures"); they explain themselves, so they need no note of their own.
NATIONAL_SCOPES = {
    f"{whose}{split}"
    for whose in ("domestic and foreign", "foreign applicants", "foreign holders", "")
    for split in ("", ", service", ", non-service")
} - {""} | {"service", "non-service", "mainland (31 provinces)"}


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    try:
        loaded = load(default_path())
    except DatasetError as error:  # pragma: no cover - shown only when the data is broken
        details = "\n".join(p.describe(error.filename) for p in error.problems)
        pytest.fail(f"the shipped dataset does not validate:\n{details}")
    return loaded.dataset


# ----------------------------------------------------------------------------- (a) validation


def test_shipped_dataset_validates_without_errors_or_warnings() -> None:
    loaded = load(default_path())
    assert loaded.warnings == (), [w.describe(str(loaded.path)) for w in loaded.warnings]
    counts = (
        len(loaded.dataset.sources),
        len(loaded.dataset.cities),
        len(loaded.dataset.observations),
    )
    assert counts[:2] == (len(SOURCES), 50)
    assert counts[2] >= 1000


# ----------------------------------------------------------------------------- (b) pinned figures


@dataclass(frozen=True)
class Pin:
    indicator: str
    city: str
    year: int
    value: int | float
    qualifier: str
    source: str
    period: str = "year"
    scope: str = ""
    as_of: str | None = None
    yoy: tuple[str, float] | None = None  # the source's stated change, or None for "none stated"


def pin(source: str, city: str) -> Callable[..., object]:
    """A maker of pinned figures for one source and city, so the table below stays readable."""

    def make(
        indicator: str,
        year: int,
        value: float,
        qualifier: str,
        period: str = "year",
        scope: str = "",
        yoy: tuple[str, float] | None = None,
        as_of: str | None = None,
        city: str = city,
    ) -> object:
        p = Pin(indicator, city, year, value, qualifier, source, period, scope, as_of, yoy)
        label = f"{source}:{indicator}:{city}:{year}:{period}" + (f"-{scope}" if scope else "")
        return pytest.param(p, id=label)

    return make


def pct(x: float) -> tuple[str, float]:
    return ("percent", x)


def points(x: float) -> tuple[str, float]:
    return ("absolute", x)


WP21 = pin("sh-wp-2021", "shanghai")
WP23 = pin("sh-wp-2023", "shanghai")
BRIEF = pin("sh-brief-2025", "shanghai")
SZ = pin("sz-ip-2024", "shenzhen")
PROC = pin("sh-proc-2023", "shanghai")
T14 = pin("cnipa-2016-12-t14-pct", "china")
T2 = pin("cnipa-2016-12-t2-invention-applications", "china")
T8 = pin("cnipa-2016-12-t8-valid-inventions", "china")
T7 = pin("cnipa-2017-12-t7-valid-patents", "china")
T17 = pin("cnipa-2016-12-t17-um-design-grants", "china")
YB09 = pin("cnipa-yearbook-2009-patents-in-force", "china")
YB22 = pin("cnipa-yearbook-2022-um-in-force", "china")
YB23 = pin("cnipa-yearbook-2023-pct", "china")

# yoy=None means the source states no change for that figure (a stated change sits elsewhere).
# fmt: off
PINS = [
    # CNIPA tables and yearbooks (full-year columns; the national rows as place china)
    T14("pct_applications", 2016, 42173, "exact"),
    T14("pct_applications", 2016, 2819, "exact", scope="foreign applicants"),
    T14("pct_applications", 2016, 23574, "exact", city="guangdong"),
    T14("pct_applications", 2016, 19647, "exact", city="shenzhen"),
    T14("pct_applications", 2016, 1560, "exact", city="shanghai"),
    T2("invention_patent_applications", 2016, 1204981, "exact", yoy=pct(24.4)),
    T2("invention_patent_applications", 2016, 6058575, "exact", "cumulative", as_of="2016-12-31"),
    T8("valid_invention_patents", 2016, 166722, "exact", "year_end", city="beijing",
       yoy=pct(25.3)),
    T8("valid_invention_patents_per_million", 2016, 802.6, "exact", "year_end",
       scope="mainland (31 provinces)"),
    T7("valid_invention_patents", 2017, 1413911, "exact", "year_end"),
    T7("valid_invention_patents", 2017, 2085367, "exact", "year_end", scope="domestic and foreign"),
    T7("valid_invention_patents", 2017, 671456, "exact", "year_end", scope="foreign holders"),
    T17("utility_model_patents_granted", 2016, 897035, "exact", yoy=pct(3.3)),
    T17("utility_model_patents_granted", 2016, 6385, "exact", scope="foreign applicants",
        yoy=pct(-14.7)),
    YB09("valid_patents", 2009, 1193110, "exact", "year_end"),
    YB22("valid_utility_model_patents", 2022, 10781169, "exact", "year_end"),
    YB22("valid_utility_model_patents", 2017, 3563389, "exact", "year_end"),
    YB23("pct_applications", 2018, 51893, "exact"),
    YB23("pct_applications", 2018, 55242, "exact", scope="domestic and foreign"),
    YB23("pct_applications", 2023, 6185, "exact", city="shanghai"),
    YB23("pct_applications", 2022, 5591, "exact", city="shanghai"),
    YB23("pct_applications", 2023, 23676, "exact", city="guangdong"),
    # city publications
    pin("beijing-ipo-2019-statistics", "beijing")(
        "valid_invention_patents", 2019, 284288, "exact", "year_end", yoy=pct(17.82)),
    pin("sh-ipa-2010-white-paper", "shanghai")("pct_applications", 2010, 735, "exact",
                                               yoy=pct(49.1)),
    pin("cnipa-news-shenzhen-2018", "shenzhen")("pct_applications", 2018, 18081, "exact"),
    pin("sh-shio-2024-briefing", "shanghai")("ip_pledge_financing_amount", 2023,
                                             22_760_000_000, "exact"),
    pin("mofcom-beijing-2018", "beijing")("valid_invention_patents_per_10k", 2018, 111.2,
                                          "exact", "year_end"),
    # sh-wp-2021 (the Chinese text is authoritative)
    WP21("patents_granted", 2021, 179300, "exact", yoy=pct(28.29)),
    WP21("invention_patents_granted", 2021, 32900, "exact", yoy=pct(35.74)),
    WP21("pct_applications", 2021, 4830, "exact", yoy=pct(35.75)),
    WP21("valid_invention_patents", 2021, 172000, "exact", "year_end", yoy=pct(18.11)),
    WP21("trademark_registrations", 2021, 421000, "exact", yoy=pct(36.95)),
    WP21("valid_trademarks", 2021, 2117100, "exact", "year_end", yoy=pct(21.86)),
    WP21("copyright_registrations", 2021, 345600, "exact", yoy=pct(8.4)),
    WP21("gii_cluster_rank", 2020, 9, "exact", scope="Shanghai cluster"),
    WP21("gii_cluster_rank", 2021, 8, "exact", scope="Shanghai cluster"),
    WP21("court_ip_cases_accepted", 2021, 53279, "exact", yoy=pct(32.49)),
    WP21("procuratorate_ip_crime_cases_accepted", 2021, 1800, "more_than", yoy=pct(18.8)),
    WP21("procuratorate_ip_crime_persons_accepted", 2021, 4400, "more_than", yoy=pct(23.6)),
    WP21("police_ip_case_value", 2021, 8_000_000_000, "more_than", yoy=pct(100)),
    WP21("police_ip_criminal_cases", 2021, 243, "exact", "campaign", yoy=pct(100)),
    WP21("ip_pledge_financing_amount", 2021, 7_634_000_000, "exact", yoy=pct(98.75)),
    WP21("china_patent_awards", 2021, 46, "exact"),
    WP21("ip_mediation_organizations", 2021, 16, "exact", "year_end",
         scope="people's mediation organisations"),
    WP21("ip_arbitration_cases_accepted", 2021, 504, "exact",
         scope="Shanghai Arbitration Commission and SHIAC"),
    # sh-wp-2023
    WP23("patents_granted", 2023, 159100, "exact", yoy=None),
    WP23("invention_patents_granted", 2023, 44300, "exact", yoy=pct(20.51)),
    WP23("pct_applications", 2023, 6185, "exact", yoy=pct(10.62)),
    WP23("valid_invention_patents", 2023, 241400, "exact", "year_end", yoy=pct(19.53)),
    WP23("high_value_invention_patents_per_10k", 2023, 50.2, "exact", "year_end",
         yoy=points(9.3)),
    WP23("valid_trademarks", 2023, 2613500, "exact", "year_end", yoy=pct(7.66)),
    WP23("copyright_registrations", 2023, 410000, "more_than", yoy=pct(8)),
    WP23("gii_cluster_rank", 2023, 5, "exact", scope="Shanghai-Suzhou cluster"),
    WP23("court_ip_cases_accepted", 2023, 66120, "exact", yoy=pct(56.87)),
    WP23("court_ip_damages_awarded", 2023, 820_000_000, "exact", yoy=None),
    WP23("court_punitive_damages", 2023, 50_000_000, "exact", yoy=pct(45.2)),
    WP23("procuratorate_arrest_approved_persons", 2023, 397, "exact"),
    WP23("procuratorate_prosecuted_cases", 2023, 785, "exact"),
    WP23("police_ip_case_value", 2023, 5_290_000_000, "more_than"),
    WP23("customs_seized_items", 2023, 7_408_000, "exact"),
    WP23("ip_pledge_financing_amount", 2023, 22_760_000_000, "exact", yoy=pct(87)),
    WP23("ip_pledge_financing_deals", 2023, 1000, "more_than"),
    WP23("patent_pre_examination_cases_accepted", 2023, 2029, "exact", "cumulative"),
    WP23("cross_regional_copyright_registrations", 2023, 500, "more_than",
         scope="National Copyright Innovation and Development Base (Pudong)"),
    WP23("national_ip_demonstration_enterprises_new", 2023, 25, "exact"),
    WP23("national_ip_advantage_enterprises", 2023, 122, "exact"),
    WP23("wipo_copyright_gold_awards", 2023, 2, "exact"),
    # sh-brief-2025 (Shanghai in 2024, some figures as of 21 April 2025)
    BRIEF("pct_applications", 2024, 6822, "exact", yoy=pct(10.3)),
    BRIEF("high_value_invention_patents_per_10k", 2024, 57.9, "exact", "year_end",
          yoy=pct(15.3)),
    BRIEF("valid_trademarks", 2024, 2789300, "exact", "year_end", yoy=pct(6.7)),
    BRIEF("copyright_registrations", 2024, 450000, "more_than", yoy=pct(9.05)),
    BRIEF("gii_cluster_rank", 2024, 5, "exact", scope="Shanghai-Suzhou cluster"),
    BRIEF("ip_pledge_financing_amount", 2024, 32_000_000_000, "exact"),
    BRIEF("ip_pledge_financing_deals", 2024, 2223, "exact"),
    BRIEF("court_ip_cases_accepted", 2024, 47000, "exact"),
    BRIEF("court_punitive_damages", 2024, 110_000_000, "more_than"),
    BRIEF("procuratorate_ip_crime_cases_accepted", 2024, 1744, "exact"),
    BRIEF("procuratorate_arrest_approved_persons", 2024, 584, "exact"),
    BRIEF("procuratorate_prosecuted_persons", 2024, 1702, "exact"),
    BRIEF("police_ip_case_value", 2024, 8_500_000_000, "more_than"),
    BRIEF("ip_admin_enforcement_fines", 2024, 17_900_000, "more_than",
          scope="patent and trademark cases"),
    BRIEF("data_ip_registration_applications_accepted", 2025, 409, "exact", "cumulative",
          as_of="2025-04-21"),
    BRIEF("patent_intensive_products_recognized", 2024, 130, "exact", "cumulative"),
    BRIEF("patent_intensive_products_output_value", 2024, 70_000_000_000, "more_than"),
    # sz-ip-2024 (Shenzhen in 2024, and one national figure)
    SZ("pct_applications", 2024, 16300, "exact", yoy=None),
    SZ("patents_granted", 2024, 241900, "exact"),
    SZ("trademark_registrations", 2024, 249500, "exact"),
    SZ("high_value_invention_patents_per_10k", 2024, 110, "exact", "year_end"),
    SZ("high_value_invention_patents_per_10k", 2024, 14, "exact", "year_end", city="china"),
    SZ("gii_cluster_rank", 2024, 2, "exact", scope="Shenzhen-Hong Kong-Guangzhou cluster"),
    SZ("court_ip_cases_accepted", 2024, 19055, "exact",
       scope="intermediate and grassroots courts"),
    SZ("ip_pledge_financing_amount", 2024, 50_421_000_000, "exact"),
    SZ("customs_seized_items", 2024, 28_835_000, "about"),
    SZ("procuratorate_arrest_review_persons", 2024, 451, "exact"),
    SZ("procuratorate_arrest_review_cases", 2024, 259, "exact"),
    SZ("china_patent_awards", 2024, 81, "exact"),
    SZ("ip_securitization_products", 2024, 99, "exact", "cumulative"),
    SZ("ip_securitization_amount", 2024, 21_906_000_000, "exact", "cumulative"),
    SZ("ip_service_revenue", 2024, 3_914_000_000, "exact",
       scope="IP service institutions attracted in 2024", yoy=pct(20.6)),
    SZ("invention_patents_published", 2024, 124569, "exact",
       scope="strategic emerging industry clusters"),
    SZ("invention_patents_published", 2024, 32112, "exact", scope="future industry clusters"),
    SZ("data_ip_registration_certificates", 2024, 801, "exact"),
    SZ("data_ip_registered_data_entries", 2024, 13_400_000_000, "more_than"),
    SZ("patent_pre_examination_registered_entities", 2024, 10000, "more_than"),
    # sh-proc-2023 (Shanghai procuratorates in 2023, and one 2022 comparison base)
    PROC("procuratorate_ip_crime_cases_accepted", 2023, 1369, "exact", yoy=None),
    PROC("procuratorate_ip_crime_persons_accepted", 2023, 2810, "exact"),
    PROC("procuratorate_arrest_review_cases", 2023, 425, "exact", yoy=pct(144.3)),
    PROC("procuratorate_arrest_review_persons", 2023, 738, "exact", yoy=pct(123.0)),
    PROC("procuratorate_prosecution_review_cases", 2023, 944, "exact", yoy=pct(53.2)),
    PROC("procuratorate_prosecution_review_persons", 2023, 2072, "exact", yoy=pct(49.9)),
    PROC("procuratorate_ip_first_instance_avg_handling_days", 2023, 56.63, "exact",
         yoy=pct(-29.5)),
    PROC("procuratorate_copyright_crime_case_share", 2022, 5.3, "exact"),
    PROC("procuratorate_cases_copyright_infringement", 2023, 105, "exact", yoy=pct(180)),
    PROC("procuratorate_non_prosecution_cases", 2023, 153, "exact"),
    PROC("procuratorate_prosecuted_persons", 2023, 126, "exact", "campaign"),
]
# fmt: on


def find(dataset: Dataset, p: Pin) -> Observation:
    as_of = dt.date.fromisoformat(p.as_of) if p.as_of else None
    hits = [
        o
        for o in dataset.observations
        if (o.indicator, o.city, o.year, o.period.value, o.scope, o.as_of, o.source)
        == (p.indicator, p.city, p.year, p.period, p.scope, as_of, p.source)
    ]
    assert len(hits) == 1, f"expected one observation for {p}, found {len(hits)}"
    return hits[0]


@pytest.mark.parametrize("p", PINS)
def test_headline_figure(dataset: Dataset, p: Pin) -> None:
    o = find(dataset, p)
    assert o.value == p.value
    assert type(o.value) is type(p.value)
    assert o.qualifier.value == p.qualifier
    assert o.source == p.source


@pytest.mark.parametrize("p", PINS)
def test_headline_stated_change(dataset: Dataset, p: Pin) -> None:
    o = find(dataset, p)
    if p.yoy is None:
        assert o.yoy is None, "no change is stated for this figure in its source"
    else:
        assert o.yoy is not None
        assert (o.yoy.kind.value, o.yoy.value) == p.yoy


def test_pins_cover_every_source() -> None:
    per_source = Counter(p.values[0].source for p in PINS)  # type: ignore[attr-defined]
    assert REPORTS <= set(per_source) <= SOURCES
    assert min(per_source[s] for s in REPORTS) >= 6
    assert {s for s in OFFICIAL if s.startswith(("cnipa-20", "cnipa-yearbook"))} <= set(per_source)
    assert len(PINS) >= 45


# ----------------------------------------------------------------------------- (c) structure


def test_fixed_sources_and_cities(dataset: Dataset) -> None:
    assert {s.id for s in dataset.sources} == SOURCES
    proc = dataset.source("sh-proc-2023")
    assert proc.publisher == "Shanghai People's Procuratorate"
    assert (proc.published, proc.languages) == ("2024-04-23", ("en",))
    assert dataset.source("sh-wp-2021").languages == ("zh", "en")
    expected = {
        "shanghai": ("上海", {"sh", "沪", "上海市"}, "municipality"),
        "shenzhen": ("深圳", {"sz", "深", "深圳市"}, "city"),
        "china": ("中国", {"cn", "prc", "全国", "national"}, "country"),
    }
    assert set(expected) <= {c.id for c in dataset.cities}
    for city_id, (name_zh, aliases, kind) in expected.items():
        city = dataset.city(city_id)
        assert city.name_zh == name_zh
        assert aliases <= set(city.aliases)
        assert city.kind.value == kind


@pytest.mark.parametrize(
    ("typed", "indicator"),
    [
        ("pct", "pct_applications"),
        ("patents", "patents_granted"),
        ("inventions", "invention_patents_granted"),
        ("trademarks", "valid_trademarks"),
        ("copyrights", "copyright_registrations"),
        ("gii", "gii_cluster_rank"),
        ("pledge", "ip_pledge_financing_amount"),
        ("courts", "court_ip_cases_accepted"),
        ("procuratorate", "procuratorate_ip_crime_cases_accepted"),
        ("police", "police_ip_criminal_cases"),
        ("customs", "customs_seized_batches"),
    ],
)
def test_common_aliases(dataset: Dataset, typed: str, indicator: str) -> None:
    owners = [i.id for i in dataset.indicators if typed in {n.casefold() for n in i.names}]
    assert owners == [indicator]


def test_every_observation_is_located(dataset: Dataset) -> None:
    unlocated = [o for o in dataset.observations if not o.locator.strip()]
    assert unlocated == []


def test_judgement_calls_are_explained(dataset: Dataset) -> None:
    """A bound, an approximation, a non-calendar period, a scope or a vague change needs a note."""
    calendar = {Period.YEAR, Period.YEAR_END}
    unexplained = [
        (o.indicator, o.city, o.year, o.source)
        for o in dataset.observations
        if not o.note.strip()
        and (
            o.qualifier is not Qualifier.EXACT
            or o.period not in calendar
            or (o.scope and not (o.city == "china" and o.scope in NATIONAL_SCOPES))
            or (o.yoy is not None and o.yoy.qualifier is not Qualifier.EXACT)
        )
    ]
    assert unexplained == []


ALLOWED_PERIODS = {
    Measure.FLOW: {Period.YEAR, Period.CAMPAIGN, Period.CUMULATIVE, Period.AS_OF},
    Measure.STOCK: {Period.YEAR_END, Period.AS_OF, Period.CUMULATIVE},
    Measure.RATE: {Period.YEAR, Period.YEAR_END},
    Measure.RANK: {Period.YEAR, Period.YEAR_END},  # a rank of a flow, or of a stock's level
}


def test_periods_fit_the_measure(dataset: Dataset) -> None:
    """Flows are never stored as year-end levels, stocks never as flows of the year."""
    wrong = [
        (o.indicator, o.period.value, o.source)
        for o in dataset.observations
        if o.period not in ALLOWED_PERIODS[dataset.indicator(o.indicator).measure]
    ]
    assert wrong == []


def test_no_indicator_mixes_year_and_year_end(dataset: Dataset) -> None:
    periods: dict[str, set[Period]] = defaultdict(set)
    for o in dataset.observations:
        periods[o.indicator].add(o.period)
    mixed = [i for i, p in periods.items() if {Period.YEAR, Period.YEAR_END} <= p]
    assert mixed == []


def test_units_fit_the_measure(dataset: Dataset) -> None:
    for i in dataset.indicators:
        assert (i.unit is Unit.RANK) == (i.measure is Measure.RANK), i.id
        if i.unit in (Unit.PERCENT, Unit.PER_10K_PEOPLE, Unit.RATIO, Unit.DAYS):
            assert i.measure is Measure.RATE, i.id


def test_stocks_and_flows_are_different_indicators(dataset: Dataset) -> None:
    pairs = [
        ("valid_trademarks", "trademark_registrations"),
        ("valid_invention_patents", "invention_patents_granted"),
    ]
    for stock, flow in pairs:
        assert dataset.indicator(stock).measure is Measure.STOCK
        assert dataset.indicator(flow).measure is Measure.FLOW


def test_values_are_plausible_for_their_unit(dataset: Dataset) -> None:
    for o in dataset.observations:
        unit = dataset.indicator(o.indicator).unit
        if unit in (Unit.COUNT, Unit.CNY, Unit.USD, Unit.RANK):
            assert float(o.value).is_integer(), (o.indicator, o.value)
        if unit is Unit.PERCENT:
            assert 0 <= o.value <= 100, (o.indicator, o.value)


def test_years_and_dates_do_not_postdate_the_source(dataset: Dataset) -> None:
    for o in dataset.observations:
        published = dataset.source(o.source).published
        assert o.year <= int(published[:4]), (o.indicator, o.year, o.source)
        if o.as_of is not None:
            assert o.as_of.year == o.year
            assert o.as_of.isoformat()[: len(published)] <= published


def test_everything_defined_is_used(dataset: Dataset) -> None:
    used = {o.indicator for o in dataset.observations}
    assert {i.id for i in dataset.indicators} == used
    assert {o.city for o in dataset.observations} <= {c.id for c in dataset.cities}
    per_source = Counter(o.source for o in dataset.observations)
    assert set(per_source) == SOURCES
    assert min(per_source[s] for s in REPORTS) >= 30


def test_gii_ranks_name_their_cluster(dataset: Dataset) -> None:
    for o in dataset.observations:
        if o.indicator == "gii_cluster_rank":
            assert o.scope.endswith("cluster"), o


def test_indicator_names_and_descriptions(dataset: Dataset) -> None:
    names = Counter(i.name.casefold() for i in dataset.indicators)
    assert [n for n, k in names.items() if k > 1] == []
    for i in dataset.indicators:
        sentences = re.findall(r"[.!?](?:\s|$)", i.description.strip())
        assert 1 <= len(sentences) <= 2, (i.id, i.description)


def test_every_indicator_has_its_own_chinese_name(dataset: Dataset) -> None:
    unnamed = [i.id for i in dataset.indicators if not has_cjk(i.name_zh)]
    assert unnamed == []
    shared = Counter(fold(i.name_zh) for i in dataset.indicators)
    assert [n for n, k in shared.items() if k > 1] == []


# Terms of the Chinese 2021 white paper, its own words for the figures stored from it.
WHITE_PAPER_TERMS = {
    "patents_granted": "专利授权量",
    "invention_patents_granted": "发明专利授权量",
    "pct_applications": "PCT国际专利申请量",
    "valid_invention_patents": "有效发明专利拥有量",
    "high_value_invention_patents_per_10k": "每万人口高价值发明专利拥有量",
    "trademark_applications": "商标申请量",
    "trademark_registrations": "新增商标注册量",
    "valid_trademarks": "有效商标注册量",
    "copyright_registrations": "作品著作权登记数",
    "court_first_instance_no_appeal_rate": "一审服判息诉率",
    "patent_attorneys": "执业专利代理师",
}


@pytest.mark.parametrize(("indicator", "term"), WHITE_PAPER_TERMS.items())
def test_chinese_names_are_the_white_papers_terms(
    dataset: Dataset, indicator: str, term: str
) -> None:
    assert dataset.indicator(indicator).name_zh == term


@pytest.mark.parametrize(
    ("typed", "indicator"),
    [
        ("PCT applications", "pct_applications"),
        ("valid trademarks", "valid_trademarks"),
        ("Valid registered trademarks", "valid_trademarks"),
        ("有效商标", "valid_trademarks"),
        ("granted patents", "patents_granted"),
        ("PCT国际专利申请量", "pct_applications"),
    ],
)
def test_metrics_by_english_or_chinese_name(dataset: Dataset, typed: str, indicator: str) -> None:
    assert resolve.indicator(dataset, typed).id == indicator


def test_a_chinese_term_in_several_names_is_ambiguous(dataset: Dataset) -> None:
    with pytest.raises(UsageError) as caught:
        resolve.indicator(dataset, "有效发明专利")
    message = str(caught.value)
    assert message.startswith(
        "ambiguous metric '有效发明专利': it could be valid_invention_patents "
    )
    candidates = set(re.findall(r"(?:be |; )([a-z0-9_]+) \(", message))
    assert {
        "valid_invention_patents",
        "strategic_industries_valid_invention_patent_share",
        "valid_invention_patents_per_million",
    } <= candidates


@pytest.mark.parametrize(
    ("term", "obvious"),
    [
        ("专利", {"patents_granted", "invention_patents_granted", "valid_invention_patents"}),
        ("商标", {"trademark_registrations", "valid_trademarks", "trademark_applications"}),
        ("版权", {"copyright_registrations", "copyright_enforcement_cases"}),
        ("发明", {"invention_patents_granted", "valid_invention_patents"}),
        ("知识产权", {"ip_pledge_financing_amount", "court_ip_cases_accepted"}),
        ("granted patents", {"patents_granted", "invention_patents_granted"}),
    ],
)
def test_search_in_chinese_and_english(dataset: Dataset, term: str, obvious: set[str]) -> None:
    found = {i.id for i in dataset.indicators if Filter(search=term).admits_indicator(i)}
    assert obvious <= found
    assert len(found) < len(dataset.indicators)


def test_the_cache_keeps_the_chinese_names() -> None:
    fresh = load(default_path(), use_cache=False).dataset
    load(default_path())  # written to the cache, if it was not there yet
    cached = load(default_path()).dataset
    assert [i.name_zh for i in cached.indicators] == [i.name_zh for i in fresh.indicators]


# ----------------------------------------------------------------------------- (d) curation decisions


def _only(dataset: Dataset, indicator: str, city: str, year: int) -> list[Observation]:
    return [
        o for o in dataset.observations if (o.indicator, o.city, o.year) == (indicator, city, year)
    ]


def test_shenzhen_procuratorate_cases_and_persons_share_the_arrest_review_stage(
    dataset: Dataset,
) -> None:
    """259 cases and 451 persons come from one clause, so they are one stage, not two."""
    stages = {
        o.indicator: o.value
        for o in dataset.observations
        if (o.city, o.year, o.source) == ("shenzhen", 2024, "sz-ip-2024")
        and o.indicator.startswith("procuratorate_")
    }
    assert stages == {
        "procuratorate_arrest_review_cases": 259,
        "procuratorate_arrest_review_persons": 451,
    }


def test_mediation_organisations_are_levels_not_running_totals(dataset: Dataset) -> None:
    """A count of organisations in place is a stock at a point in time, never a running total."""
    found = _only(dataset, "ip_mediation_organizations", "shanghai", 2021)
    assert [(o.value, o.period) for o in found] == [(16, Period.YEAR_END)]
    periods = {
        o.period for o in dataset.observations if o.indicator == "ip_mediation_organizations"
    }
    assert periods == {Period.YEAR_END}


def test_accepted_mediation_disputes_have_no_name_that_suggests_settlement(
    dataset: Dataset,
) -> None:
    """Accepted disputes and settled disputes are easy to confuse; no name may blur the two."""
    accepted = dataset.indicator("ip_mediation_disputes_accepted")
    resolved = dataset.indicator("ip_mediation_disputes_resolved")
    suggestive = ("mediated", "resolved", "settled", "success")
    assert [n for n in accepted.names if any(w in n.casefold() for w in suggestive)] == []
    assert {n.casefold() for n in accepted.names}.isdisjoint(n.casefold() for n in resolved.names)


def test_every_shipped_observation_says_how_its_source_prints_it() -> None:
    # The loader has checked each printed figure against its value and qualifier; the
    # source texts themselves are checked in test_provenance.
    dataset = load(default_path()).dataset
    assert [o.key for o in dataset.observations if not o.printed] == []
