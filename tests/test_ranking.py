"""ipstats.ranking: a ranking's rows, the records machine formats write, footnotes and notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipstats.bounds import Qualified
from ipstats.model import Indicator, Observation, Period, Qualifier
from ipstats.ranking import RankedPlace, Ranking, Unranked
from ipstats.shares import Share
from test_rank import CITIES, RANKS, WIDGETS, _panel, obs, ranked

PLACES = {c.id: c for c in CITIES}


def row(
    city: str,
    value: float,
    best: int,
    worst: int | None = None,
    qualifier: str = "exact",
    *,
    national: Share | None = None,
    others: tuple[Observation, ...] = (),
    other_year: bool = False,
) -> RankedPlace:
    observation = obs(city, value, qualifier, year=2015 if other_year else 2016)
    worst = best if worst is None else worst
    return RankedPlace(
        PLACES[city], observation, best, worst, False, national, None, other_year, others
    )


def ranking(
    *rows: RankedPlace,
    indicator: Indicator = WIDGETS,
    period: Period = Period.YEAR,
    pinned: bool = True,
    unranked: tuple[Unranked, ...] = (),
) -> Ranking:
    places = "province-level places"
    return Ranking(indicator, 2016, period, pinned, places, None, rows, unranked)


def test_a_rank_is_shown_as_the_range_the_figures_allow() -> None:
    assert row("p1", 10, 2).rank_text == "2"
    assert row("p1", 10, 1, 3).rank_text == "1–3"


def test_marks_say_another_year_and_another_source_that_disagrees() -> None:
    assert row("p1", 10, 1).marks == ""
    assert row("p1", 10, 1, other_year=True).marks == "*"
    agreeing = row("p1", 10, 1, others=(obs("p1", 10, source="press"),))
    assert agreeing.marks == "" and agreeing.disagreeing == ()
    press = obs("p1", 12, source="press")
    disagreeing = row("p1", 10, 1, others=(press,))
    assert disagreeing.marks == "s" and disagreeing.disagreeing == (press,)


@pytest.mark.parametrize(
    ("period", "when"),
    [
        (Period.YEAR, "in 2016"),
        (Period.YEAR_END, "at the end of 2016"),
        (Period.CUMULATIVE, "in 2016 (running-total figures)"),
    ],
)
def test_when_says_the_year_and_the_kind_of_period(period: Period, when: str) -> None:
    result = ranking(row("p1", 10, 1), period=period)
    assert result.when == when
    unit = WIDGETS.unit.label
    assert result.title == f"Widgets (widgets, {unit}) {when}: province-level places ranked"


def test_the_footnotes_say_the_order_and_only_what_the_rows_need() -> None:
    plain = ranking(row("p1", 20, 1), row("p2", 10, 2)).footnotes()
    assert plain[0] == "Ranked highest first; equal figures share a rank (1, 2, 2, 4)"
    assert not any("range the figures allow" in n or "approximate" in n for n in plain)
    assert not any("latest year" in n for n in plain)
    lowest = ranking(row("p1", 1, 1), indicator=RANKS).footnotes()
    assert lowest[0].startswith("Ranked lowest first (rank 1 is the best)")
    bounded = ranking(row("p1", 20, 1, 2, "more_than"), row("p2", 30, 1, 2)).footnotes()
    assert any("range the figures allow" in n for n in bounded)
    about = ranking(row("p1", 100, 1, qualifier="about"), row("p2", 99, 2)).footnotes()
    assert any("approximate figure (~) is ranked at the figure" in n for n in about)
    latest = ranking(row("p1", 20, 1), pinned=False).footnotes()
    assert any(n.startswith("2016: the latest year most of the province-level") for n in latest)


def test_the_notes_name_the_places_without_a_figure() -> None:
    unranked = (Unranked(PLACES["p3"], (2014, 2015)), Unranked(PLACES["p4"], ()))
    assert ranking(row("p1", 20, 1), unranked=unranked).notes() == (
        "no whole-place calendar-year figure of widgets in 2016 for: p3 (2014, 2015)",
        "no whole-place calendar-year figure of widgets in any year for: p4",
    )
    assert ranking(row("p1", 20, 1)).notes() == ()


def test_a_record_has_every_column_and_its_shares_with_their_totals() -> None:
    nation = PLACES["nation"]
    share = Share(nation, obs("nation", 1000), Qualified(30.0, Qualifier.EXACT))
    press = obs("p1", 320, source="press")
    table = ranking(
        row("p1", 300, 1, national=share, others=(press,)), row("p2", 100, 2)
    ).to_table()
    first, second = table.records()
    assert list(first) == [c.key for c in table.columns]
    assert (first["rank"], first["rank_worst"], first["place"], first["value"]) == (1, 1, "p1", 300)
    assert (first["national_share"], first["national_place"]) == (30.0, "nation")
    assert (first["national_value"], first["national_source"]) == (1000, "stat")
    assert (first["other_sources"], first["marks"]) == ("press: 320", "s")
    assert (second["national_share"], second["national_place"], second["marks"]) == (
        None,
        None,
        None,
    )


def test_every_row_carries_its_figure_with_unit_qualifier_period_scope_and_source(
    tmp_path: Path,
) -> None:
    table = ranked(_panel(tmp_path), level="city").to_table()
    bay = next(r for r in table.records() if r["place"] == "bay")
    assert bay["value"] == 60 and bay["qualifier"] == "more_than" and bay["unit"] == "count"
    assert (bay["period"], bay["scope"], bay["source"]) == ("year", None, "report-a")
    assert (bay["rank"], bay["rank_worst"]) == (1, 2)
    assert bay["parent_share"] == pytest.approx(20.0)
    assert bay["parent_share_qualifier"] == "more_than"
