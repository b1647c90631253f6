"""ipstats.growth: the growth records and tables (changes, span rows, CAGR, implied values,
checks) of the places and metrics asked for."""

from __future__ import annotations

from typing import Any

import pytest

from ipstats.errors import NoDataError, UsageError
from ipstats.growth import Growth, growth
from ipstats.growth_series import PointKind
from ipstats.model import (
    Category,
    ChangeKind,
    City,
    CityKind,
    Dataset,
    Indicator,
    Measure,
    Observation,
    Period,
    Qualifier,
    ReportedChange,
    Source,
    Unit,
)

SOURCE = Source("src", "报告", "Report", "Office", "2025", ("zh",))
CITY = City("alpha", "Alpha", "甲城", (), CityKind.CITY)


def make_dataset(unit: Unit, *observations: Observation) -> Dataset:
    """One city and one indicator ('metric') in the given unit, holding the observations."""
    indicator = Indicator(
        "metric", "Metric", (), Category.CREATION, unit, Measure.FLOW, "A metric."
    )
    return Dataset.build((SOURCE,), (CITY,), (indicator,), observations)


def obs(
    year: int,
    value: float,
    yoy: float | None = None,
    *,
    yoy_kind: ChangeKind = ChangeKind.PERCENT,
    qualifier: Qualifier = Qualifier.EXACT,
) -> Observation:
    reported = ReportedChange(yoy_kind, yoy) if yoy is not None else None
    return Observation(
        "metric", "alpha", year, value, qualifier, Period.YEAR, "src", "p. 1", yoy=reported
    )


def records_of(dataset: Dataset, **options: Any) -> list[dict[str, Any]]:
    return growth(dataset, (CITY,), dataset.indicator("metric"), **options).to_records()


def tiny_growth(tiny: Dataset, indicator: str, **options: Any) -> Growth:
    return growth(tiny, (tiny.city("alpha"),), tiny.indicator(indicator), **options)


def by_year(records: list[dict[str, Any]], kind: str) -> dict[int, dict[str, Any]]:
    return {r["year"]: r for r in records if r["kind"] == kind}


def test_observed_rows_change_from_the_previous_observed_year(tiny: Dataset) -> None:
    records = tiny_growth(tiny, "widgets_granted", implied=False).to_records()
    assert [(r["kind"], r["year"]) for r in records] == [
        ("observed", 2021),
        ("observed", 2022),
        ("observed", 2024),
        ("span", 2024),
    ]
    first, second, third = records[:3]
    assert (first["value"], first["from_year"], first["change"], first["change_pct"]) == (
        100,
        None,
        None,
        None,
    )
    assert (second["from_year"], second["change"]) == (2021, 10)
    assert ((second["reported_yoy_value"], second["reported_yoy_kind"]), second["yoy_check"]) == (
        (10, "percent"),
        "ok",
    )
    assert second["change_pct"] == pytest.approx(10)
    # 2023 is missing, so 2024 changes from 2022
    assert (third["from_year"], third["change"]) == (2022, 11)
    assert third["change_pct"] == pytest.approx(10)
    assert {r["change_unit"] for r in records} == {"count"}


def test_span_row_gives_change_and_cagr(tiny: Dataset) -> None:
    span = by_year(tiny_growth(tiny, "widgets_granted").to_records(), "span")[2024]
    assert (span["from_year"], span["value"], span["change"]) == (2021, 121, 21)
    assert span["change_pct"] == pytest.approx(21)
    assert span["cagr_pct"] == pytest.approx((1.21 ** (1 / 3) - 1) * 100)
    assert span["note"] is None


def test_percent_indicators_change_in_points_without_relative_change(tiny: Dataset) -> None:
    records = tiny_growth(tiny, "widget_share").to_records()
    observed = by_year(records, "observed")[2023]
    assert observed["change"] == pytest.approx(4.1)
    assert observed["change_unit"] == "pp"
    assert observed["change_pct"] is None
    span = by_year(records, "span")[2023]
    assert span["change"] == pytest.approx(4.1)
    assert span["change_pct"] is None
    assert span["cagr_pct"] is None
    assert span["note"] == "CAGR blank: percent values change in points"


def test_rank_from_9_to_8_is_one_place_up(tiny: Dataset) -> None:
    records = tiny_growth(tiny, "cluster_rank").to_records()
    observed = by_year(records, "observed")[2021]
    assert (observed["change"], observed["change_unit"], observed["change_pct"]) == (
        1,
        "places up",
        None,
    )
    span = by_year(records, "span")[2021]
    assert (span["change"], span["change_pct"], span["cagr_pct"]) == (1, None, None)
    assert span["note"] == "CAGR blank: not meaningful for ranks"


def test_cagr_blank_when_start_is_zero() -> None:
    records = records_of(make_dataset(Unit.COUNT, obs(2020, 0), obs(2022, 50)))
    span = by_year(records, "span")[2022]
    assert (span["change"], span["change_pct"], span["cagr_pct"]) == (50, None, None)
    assert span["note"] == "CAGR blank: start value is not positive"
    assert by_year(records, "observed")[2022]["change_pct"] is None


def test_implied_value_from_next_years_stated_change(tiny: Dataset) -> None:
    table = tiny_growth(tiny, "widgets_granted").to_table()
    implied = by_year(table.records(), "implied")
    assert list(implied) == [2023]
    row = implied[2023]
    assert row["value"] == pytest.approx(121 / 1.1)
    assert row["qualifier"] == "about"
    assert row["change"] is None
    assert row["note"] == "implied by 2024's stated +10%"
    assert table.footnotes == (
        "implied rows are back-calculated from the next year's stated change, not observed",
    )


def test_no_implied_hides_them(tiny: Dataset) -> None:
    table = tiny_growth(tiny, "widgets_granted", implied=False).to_table()
    assert [r for r in table.records() if r["kind"] == "implied"] == []
    assert table.footnotes == ()


def test_no_implied_value_before_the_first_year_asked_for(tiny: Dataset) -> None:
    records = tiny_growth(tiny, "widgets_granted", year_from=2024).to_records()
    assert [(r["kind"], r["year"]) for r in records] == [("observed", 2024)]


def test_stated_change_beyond_rounding_is_flagged() -> None:
    dataset = make_dataset(Unit.COUNT, obs(2023, 6185), obs(2024, 6822, 20))
    result = growth(dataset, (CITY,), dataset.indicator("metric"))
    row = by_year(result.to_records(), "observed")[2024]
    assert ((row["reported_yoy_value"], row["reported_yoy_kind"]), row["yoy_check"]) == (
        (20, "percent"),
        "≠",
    )
    assert result.to_table().footnotes == (
        "≠: the stated change disagrees with the two published values beyond rounding",
    )


def test_stated_change_within_rounding_is_ok() -> None:
    dataset = make_dataset(Unit.COUNT, obs(2023, 6185), obs(2024, 6822, 10.3))
    result = growth(dataset, (CITY,), dataset.indicator("metric"))
    row = by_year(result.to_records(), "observed")[2024]
    assert ((row["reported_yoy_value"], row["reported_yoy_kind"]), row["yoy_check"]) == (
        (10.3, "percent"),
        "ok",
    )
    assert result.to_table().footnotes == ()


def test_stated_absolute_change_is_checked() -> None:
    dataset = make_dataset(
        Unit.COUNT, obs(2023, 6185), obs(2024, 6822, 600, yoy_kind=ChangeKind.ABSOLUTE)
    )
    row = by_year(records_of(dataset), "observed")[2024]
    assert ((row["reported_yoy_value"], row["reported_yoy_kind"]), row["yoy_check"]) == (
        (600, "absolute"),
        "≠",
    )


def test_stated_change_across_a_gap_is_not_checked(tiny: Dataset) -> None:
    row = by_year(tiny_growth(tiny, "widgets_granted").to_records(), "observed")[2024]
    assert (
        row["from_year"],
        (row["reported_yoy_value"], row["reported_yoy_kind"]),
        row["yoy_check"],
    ) == (2022, (10, "percent"), None)


def test_change_from_a_bound_is_noted_and_not_checked() -> None:
    dataset = make_dataset(
        Unit.COUNT, obs(2023, 5000, qualifier=Qualifier.MORE_THAN), obs(2024, 9000, 1)
    )
    records = records_of(dataset)
    row = by_year(records, "observed")[2024]
    assert (row["change"], row["change_qualifier"]) == (4000, "less_than")
    assert row["change_pct"] == 80
    assert row["note"] == "less than: from a bound"
    assert row["yoy_check"] is None
    span = by_year(records, "span")[2024]
    assert (span["note"], span["change_qualifier"], span["cagr_qualifier"]) == (
        "less than: from a bound",
        "less_than",
        "less_than",
    )


def test_without_a_metric_only_indicators_with_two_points(tiny: Dataset) -> None:
    result = growth(tiny, (tiny.city("alpha"),))
    assert [s.indicator.id for s in result.series] == [
        "widgets_granted",
        "widget_share",
        "cluster_rank",
    ]


def test_sources_only_for_the_years_shown(tiny: Dataset) -> None:
    assert tiny_growth(tiny, "widgets_granted", year_from=2024).sources == (
        "src-b (2025): Report B",
    )
    assert tiny_growth(tiny, "widgets_granted", year_to=2022).sources == ("src-a (2024): Report A",)


@pytest.mark.parametrize(
    ("city", "metric", "years", "message"),
    [
        ("nation", "widgets_granted", {}, "no widgets_granted for nation"),
        (
            "nation",
            "widgets_granted",
            {"year_from": 2020, "year_to": 2022},
            "no widgets_granted for nation between 2020 and 2022",
        ),
        (
            "alpha",
            "widgets_granted",
            {"year_from": 2030},
            "no widgets_granted for alpha from 2030 on; alpha has it for 2021, 2022, "
            "2024; related indicators with data: valid_widgets, widget_share",
        ),
        ("nation", None, {}, "no indicator with two or more years for nation"),
    ],
)
def test_nothing_matches(
    tiny: Dataset, city: str, metric: str | None, years: dict[str, int], message: str
) -> None:
    indicator = tiny.indicator(metric) if metric else None
    with pytest.raises(NoDataError) as caught:
        growth(tiny, (tiny.city(city),), indicator, **years)
    assert str(caught.value) == message


def test_a_campaign_and_the_calendar_year_are_two_series_and_a_note_says_so() -> None:
    campaign = Observation(
        "metric", "alpha", 2021, 1106, Qualifier.EXACT, Period.CAMPAIGN, "src", "p. 1"
    )
    dataset = make_dataset(Unit.COUNT, campaign, obs(2023, 4266), obs(2024, 4414))
    result = growth(dataset, (CITY,), dataset.indicator("metric"))
    assert [(s.period, s.label) for s in result.series] == [
        (Period.CAMPAIGN, "campaign"),
        (Period.YEAR, ""),
    ]
    first, second = result.series_tables()
    assert first.title == "Alpha: Metric (metric, count) [campaign]"
    assert first.footnotes == ()  # said once, under the last of the series
    assert second.footnotes == (
        "alpha metric has 2 series (campaign: 2021; whole place, calendar year: 2023, 2024); "
        "no change or rate is computed between series",
    )


def test_scope_keeps_the_series_of_one_scope() -> None:
    def scoped(year: int, value: int, scope: str) -> Observation:
        return Observation(
            "metric", "alpha", year, value, Qualifier.EXACT, Period.YEAR, "src", "p", scope=scope
        )

    dataset = make_dataset(
        Unit.COUNT,
        scoped(2021, 127, "combined"),
        scoped(2023, 50, "demo"),
        scoped(2023, 150, "pilot"),
    )
    result = growth(dataset, (CITY,), dataset.indicator("metric"), scope="pilot")
    assert [(s.scope, [p.value for p in s.points]) for s in result.series] == [("pilot", [150])]
    with pytest.raises(UsageError) as caught:
        growth(dataset, (CITY,), dataset.indicator("metric"), scope="zone")
    assert str(caught.value) == (
        "the scope 'zone' matches no scope of metric (scopes: 'combined'; 'demo'; 'pilot')"
    )


def test_growth_runs_through_the_primary_figures_and_notes_disagreements(
    sourced: Dataset,
) -> None:
    result = growth(sourced, [sourced.city("alpha")], sourced.indicator("pct"))
    (series,) = result.series
    observed = [(p.year, p.value) for p in series.points if p.kind is PointKind.OBSERVED]
    assert observed == [(2022, 5590), (2023, 6185)]  # stat-2024's, not wp-2023's 5,591
    assert series.points[1].change == 595
    assert series.disagreements == (
        "Alpha 2022: wp-2023 gives 5,591 (shown: 5,590 from stat-2024)",
    )
    table = result.to_table()
    assert "Alpha 2022: wp-2023 gives 5,591 (shown: 5,590 from stat-2024)" in table.footnotes
    assert {line.partition(" ")[0] for line in table.sources} == {"stat-2024", "wp-2023"}


def test_growth_of_one_source_takes_its_figures_alone(sourced: Dataset) -> None:
    result = growth(sourced, [sourced.city("alpha")], sourced.indicator("pct"), source="wp-2024")
    (series,) = result.series
    # its own stated +10.6% implies its 2022; the other sources' 2022 figures are not used
    assert [(p.kind, p.year, p.value) for p in series.points] == [
        (PointKind.IMPLIED, 2022, 5592),
        (PointKind.OBSERVED, 2023, 6185),
    ]
    assert series.sources == ("wp-2024",) and series.disagreements == ()
    with pytest.raises(UsageError, match=r"^unknown source 'nope'"):
        growth(sourced, [sourced.city("alpha")], sourced.indicator("pct"), source="nope")


def test_growth_of_agreeing_sources_says_nothing_about_them(sourced: Dataset) -> None:
    result = growth(sourced, [sourced.city("alpha")], sourced.indicator("share"))
    (series,) = result.series
    assert [(p.value, series.sources) for p in series.points] == [(34.79, ("wp-2024",))]
    assert not [n for n in result.to_table().footnotes if "gives" in n]
