"""ipstats.rank: which places and figures are ranked, shares and years in a ranking, levels,
and the command."""

from __future__ import annotations

import csv
import io
import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from ipstats import cli, figures
from ipstats.datafile import load
from ipstats.errors import NoDataError, UsageError
from ipstats.model import (
    PROVINCE_LEVEL,
    Category,
    City,
    CityKind,
    Dataset,
    Indicator,
    Measure,
    Observation,
    Period,
    PlaceLevel,
    Qualifier,
    Source,
    SourceType,
    Unit,
)
from ipstats.rank import rank
from ipstats.ranking import Ranking
from test_widths import broken_cells, terminal

ROOT = Path(__file__).resolve().parents[1]

# A small nation: two provinces and a municipality (province-level), a region, three cities.
PANEL = """\
schema_version: 2
sources:
  - {id: stat-2016, title: Table 14, title_en: Table 14, publisher: Office S, published: "2017-04-10", languages: [en], type: statistics}
  - {id: stat-2017, title: Table 15, title_en: Table 15, publisher: Office S, published: "2018-04-10", languages: [en], type: statistics}
  - {id: report-a, title: Report A, title_en: Report A, publisher: Office A, published: "2017-06", languages: [en], type: report}
  - {id: press-b, title: Press B, title_en: Press B, publisher: Office B, published: "2017-07-01", languages: [en], type: press}
cities:
  - {id: nation, name: Nation, name_zh: 全国, aliases: [], kind: country}
  - {id: north, name: North, name_zh: 北省, aliases: [], kind: province, parent: nation}
  - {id: south, name: South, name_zh: 南省, aliases: [], kind: province, parent: nation}
  - {id: capital, name: Capital, name_zh: 京, aliases: [], kind: municipality, parent: nation}
  - {id: isle, name: Isle, name_zh: 岛, aliases: [], kind: region, parent: nation}
  - {id: port, name: Port, name_zh: 港城, aliases: [], kind: city, parent: south}
  - {id: bay, name: Bay, name_zh: 湾城, aliases: [], kind: city, parent: south}
  - {id: hill, name: Hill, name_zh: 山城, aliases: [], kind: city, parent: north}
indicators:
  - {id: widgets, name: Widget applications, aliases: [], category: creation, unit: count, measure: flow, description: Widget applications in the year.}
  - {id: widget_density, name: Widget density, aliases: [], category: creation, unit: per_million_people, measure: rate, description: Widgets per million people.}
observations:
  - {indicator: widgets, city: nation, year: 2016, value: 1000, qualifier: exact, period: year, source: stat-2016, locator: T14 total}
  - {indicator: widgets, city: north, year: 2016, value: 300, qualifier: exact, period: year, source: stat-2016, locator: T14 North}
  - {indicator: widgets, city: south, year: 2016, value: 300, qualifier: exact, period: year, source: stat-2016, locator: T14 South}
  - {indicator: widgets, city: south, year: 2016, value: 900, qualifier: exact, period: year, scope: industry parks, source: report-a, locator: Part 2}
  - {indicator: widgets, city: capital, year: 2016, value: 200, qualifier: exact, period: year, source: stat-2016, locator: T14 Capital}
  - {indicator: widgets, city: isle, year: 2015, value: 90, qualifier: exact, period: year, source: stat-2016, locator: T14 Isle}
  - {indicator: widgets, city: port, year: 2016, value: 120, qualifier: exact, period: year, source: stat-2016, locator: T14 Port}
  - {indicator: widgets, city: bay, year: 2016, value: 60, qualifier: more_than, period: year, source: report-a, locator: Part 1}
  - {indicator: widgets, city: hill, year: 2016, value: 50, qualifier: about, period: year, source: press-b, locator: Para 3}
  - {indicator: widgets, city: north, year: 2017, value: 320, qualifier: exact, period: year, source: stat-2017, locator: T15 North}
  - {indicator: widget_density, city: north, year: 2016, value: 40.5, qualifier: exact, period: year_end, source: stat-2016, locator: T8 North}
  - {indicator: widget_density, city: south, year: 2016, value: 12.25, qualifier: exact, period: year_end, source: stat-2016, locator: T8 South}
  - {indicator: widget_density, city: nation, year: 2016, value: 20, qualifier: exact, period: year_end, source: stat-2016, locator: T8 total}
"""

# Records for datasets made in a test: a nation and six provinces p1..p6, two cities in p1.
SOURCES = (
    Source("stat", "S", "S", "Office", "2017-04", ("en",), type=SourceType.STATISTICS),
    Source("stat-old", "S0", "S0", "Office", "2016-04", ("en",), type=SourceType.STATISTICS),
    Source("report", "R", "R", "Office", "2018", ("en",), type=SourceType.REPORT),
    Source("press", "P", "P", "Paper", "2019-01-01", ("en",), type=SourceType.PRESS),
)
CITIES = (
    City("nation", "Nation", "国", (), CityKind.COUNTRY),
    *(City(f"p{n}", f"P{n}", f"省{n}", (), CityKind.PROVINCE, "nation") for n in range(1, 7)),
    City("c1", "C1", "市1", (), CityKind.CITY, "p1"),
    City("c2", "C2", "市2", (), CityKind.CITY, "p1"),
)
WIDGETS = Indicator("widgets", "Widgets", (), Category.CREATION, Unit.COUNT, Measure.FLOW, "")
RANKS = Indicator("place", "Place", (), Category.CREATION, Unit.RANK, Measure.RANK, "")
RATE = Indicator(
    "density", "Density", (), Category.CREATION, Unit.PER_MILLION_PEOPLE, Measure.RATE, ""
)


def obs(
    city: str,
    value: float,
    qualifier: str = "exact",
    year: int = 2016,
    source: str = "stat",
    indicator: str = "widgets",
    period: str = "year",
    scope: str = "",
) -> Observation:
    return Observation(
        indicator,
        city,
        year,
        value,
        Qualifier(qualifier),
        Period(period),
        source,
        "T1",
        scope=scope,
    )


def dataset(*observations: Observation) -> Dataset:
    return Dataset.build(SOURCES, CITIES, (WIDGETS, RANKS, RATE), observations)


def ranked(ds: Dataset, indicator: str = "widgets", **options: Any) -> Ranking:
    return rank(ds, ds.indicator(indicator), **options)


def order(result: Ranking) -> list[tuple[str, str]]:
    """(place, rank as shown) in the order of the ranking."""
    return [(r.place.id, r.rank_text) for r in result.rows]


# Shares


def test_shares_are_of_the_national_figure_not_of_the_sum_of_the_rows() -> None:
    result = ranked(dataset(obs("nation", 1000), obs("p1", 300), obs("p2", 100)))
    shares = [r.national.share.value for r in result.rows if r.national and r.national.share]
    assert shares == pytest.approx([30.0, 10.0])  # of 1,000, not of 400
    first = result.rows[0]
    assert first.national is not None and first.national.total == obs("nation", 1000)
    record = result.to_table().records()[0]
    assert (record["national_share"], record["national_value"]) == (pytest.approx(30.0), 1000)
    assert record["national_source"] == "stat"


def test_without_a_national_figure_the_share_is_blank_and_said_to_be() -> None:
    result = ranked(dataset(obs("p1", 300), obs("p2", 100), obs("nation", 999, year=2015)))
    assert all(r.national is not None and r.national.share is None for r in result.rows)
    assert [r["national_share"] for r in result.to_table().records()] == [None, None]
    assert any("not given for 2016" in n for n in result.footnotes())


def test_a_city_has_its_share_of_its_province() -> None:
    ds = dataset(obs("nation", 1000), obs("p1", 400), obs("c1", 100), obs("c2", 300))
    result = ranked(ds, level=PlaceLevel.CITY)
    assert order(result) == [("c2", "1"), ("c1", "2")]
    parent = result.rows[0].parent
    assert parent is not None and parent.of.id == "p1" and parent.share is not None
    assert parent.share.value == pytest.approx(75.0)
    national = result.rows[0].national
    assert national is not None and national.share is not None
    assert national.share.value == pytest.approx(30.0)
    assert result.parent_differs_from_nation


def test_a_rate_has_no_share() -> None:
    ds = dataset(*(obs(p, v, indicator="density") for p, v in (("nation", 20), ("p1", 40))))
    result = ranked(ds, "density")
    assert result.rows[0].national is None and result.rows[0].parent is None
    assert any("no shares" in n for n in result.footnotes())


# Years


def test_a_year_asked_for_ranks_only_that_year_and_names_the_places_without_it() -> None:
    ds = dataset(obs("p1", 100), obs("p2", 200), obs("p3", 300, year=2015))
    result = ranked(ds, year=2016)
    assert order(result) == [("p2", "1"), ("p1", "2")]
    assert not any(r.other_year for r in result.rows)
    (line, nothing) = result.notes()
    assert "in 2016 for: p3 (2015)" in line
    assert "in any year for: p4, p5, p6" in nothing


def test_without_a_year_the_latest_year_most_places_have_is_ranked() -> None:
    ds = dataset(
        *(obs(p, 10 * n, year=2016) for n, p in enumerate(("p1", "p2", "p3"), start=1)),
        *(obs(p, 10, year=2018) for p in ("p1", "p2")),
        *(obs(p, 10, year=2015) for p in ("p1", "p2", "p3")),
    )
    result = ranked(ds)
    assert result.year == 2016 and not result.pinned
    assert all(r.observation.year == 2016 for r in result.rows)
    assert "2016: the latest year most of the province-level" in " ".join(result.footnotes())
    assert "latest year" not in " ".join(ranked(ds, year=2016).footnotes())


def test_a_place_without_the_year_is_ranked_with_its_closest_year_and_marked() -> None:
    ds = dataset(
        obs("nation", 1000),
        obs("nation", 500, year=2014),
        obs("p1", 100),
        obs("p2", 200),
        obs("p3", 150, year=2014),
        obs("p3", 50, year=2019),
    )
    result = ranked(ds)
    off = {r.place.id: r for r in result.rows if r.other_year}
    assert list(off) == ["p3"] and off["p3"].observation.year == 2014  # 2 years off, not 3
    assert off["p3"].marks == "*"
    share = off["p3"].national
    assert share is not None and share.share is not None
    assert share.share.value == pytest.approx(30.0)  # of 2014's national figure
    assert any("closest year: P3 2014" in n for n in result.footnotes())
    assert result.to_table().records()[1]["other_year"] is True


def test_a_year_nobody_has_is_no_data_naming_the_years_there_are() -> None:
    with pytest.raises(NoDataError, match=r"in 2020 for any of the province-level.*2016"):
        ranked(dataset(obs("p1", 100)), year=2020)


def test_a_year_that_is_not_one_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not a year"):
        ranked(dataset(obs("p1", 100)), year="20x6")


# Series: scope, period and several sources


def test_only_whole_place_figures_are_ranked() -> None:
    ds = dataset(obs("p1", 100), obs("p2", 50), obs("p2", 900, scope="industry parks"))
    result = ranked(ds)
    assert order(result) == [("p1", "1"), ("p2", "2")]
    assert result.scoped == 1 and any("(a scope) left out" in n for n in result.footnotes())


def test_one_kind_of_period_is_ranked_the_one_most_figures_have() -> None:
    ds = dataset(obs("p1", 100), obs("p2", 50), obs("p3", 900, period="cumulative"))
    result = ranked(ds)
    assert result.period is Period.YEAR and order(result) == [("p1", "1"), ("p2", "2")]
    assert any("1 running-total figure left out" in n for n in result.footnotes())


def test_the_primary_source_is_statistics_then_report_then_press() -> None:
    ds = dataset()
    found = [obs("p1", 1, source="press"), obs("p1", 2, source="report")]
    assert figures.primary(found, ds.source).source == "report"
    found.append(obs("p1", 3, source="stat-old"))
    assert figures.primary(found, ds.source).source == "stat-old"
    found.append(obs("p1", 4, source="stat"))  # the later published of two statistics
    assert figures.primary(found, ds.source).source == "stat"


def test_another_source_that_disagrees_is_kept_and_marked() -> None:
    ds = dataset(obs("p1", 100), obs("p1", 120, source="press"), obs("p2", 110))
    result = ranked(ds)
    assert order(result) == [("p2", "1"), ("p1", "2")]
    p1 = result.rows[1]
    assert p1.observation.source == "stat" and [x.source for x in p1.others] == ["press"]
    assert "s" in p1.marks and any("press gives 120" in n for n in result.footnotes())
    assert result.to_table().records()[1]["other_sources"] == "press: 120"


# Which places


def test_by_default_province_level_places_and_regions_are_ranked_never_cities(
    tmp_path: Path,
) -> None:
    ds = _panel(tmp_path)
    result = ranked(ds, year=2016)
    kinds = {r.place.kind for r in result.rows} | {u.place.kind for u in result.unranked}
    assert kinds == PROVINCE_LEVEL | {CityKind.REGION}
    assert {r.place.id for r in result.rows} == {"north", "south", "capital"}


@pytest.mark.parametrize(
    ("level", "places"),
    [
        (PlaceLevel.PROVINCE, {"north", "south", "capital"}),
        ("city", {"port", "bay", "hill"}),
        ("Region", {"isle"}),
    ],
)
def test_a_level_ranks_its_places(
    tmp_path: Path, level: PlaceLevel | str, places: set[str]
) -> None:
    result = ranked(_panel(tmp_path), level=level)
    assert {r.place.id for r in result.rows} == places


def test_within_ranks_the_places_inside_one(tmp_path: Path) -> None:
    ds = _panel(tmp_path)
    result = ranked(ds, within=ds.city("south"))
    assert order(result) == [("port", "1–2"), ("bay", "1–2")]
    assert result.places == "places in South"
    assert ranked(ds, within=ds.city("south"), level="city").rows == result.rows


def test_within_a_place_with_nothing_of_the_level_inside_is_a_usage_error(
    tmp_path: Path,
) -> None:
    ds = _panel(tmp_path)
    with pytest.raises(UsageError, match=r"no city lies within nation.*of kind"):
        ranked(ds, within=ds.city("nation"), level="city")
    with pytest.raises(UsageError, match=r"no place lies within port.*nation, north, south"):
        ranked(ds, within=ds.city("port"))


def test_an_unknown_level_is_a_usage_error_listing_the_levels() -> None:
    with pytest.raises(UsageError, match="valid: province, region, city"):
        ranked(dataset(obs("p1", 1)), level="county")


def test_a_dataset_without_places_of_the_level_says_what_it_has() -> None:
    ds = Dataset.build(SOURCES, CITIES[:1] + CITIES[-2:], (WIDGETS,), ())
    with pytest.raises(NoDataError, match=r"no province-level places and regions.*city, country"):
        rank(ds, WIDGETS)


# The command


def _panel(tmp_path: Path) -> Dataset:
    return load(_panel_path(tmp_path)).dataset


def _panel_path(tmp_path: Path) -> Path:
    path = tmp_path / "panel.yaml"
    if not path.exists():
        path.write_text(PANEL, encoding="utf-8")
    return path


@pytest.fixture
def panel(tmp_path: Path) -> Callable[..., Any]:
    data = _panel_path(tmp_path)

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli.app, ["--data", str(data), "rank", *args])

    return run


def _parsed(fmt: str, text: str) -> list[dict[str, Any]]:
    if fmt == "json":
        rows: list[dict[str, Any]] = json.loads(text)
        return rows
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines()]
    if fmt == "yaml":
        loaded: list[dict[str, Any]] = yaml.safe_load(text)
        return loaded
    delimiter = "," if fmt == "csv" else "\t"
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


@pytest.mark.parametrize("fmt", ["json", "jsonl", "yaml", "csv", "tsv"])
def test_every_machine_format_reads_back_as_the_ranking(
    fmt: str, panel: Callable[..., Any]
) -> None:
    result = panel("--metric", "widgets", "--kind", "city", "-f", fmt)
    assert result.exit_code == 0, result.output
    rows = _parsed(fmt, result.stdout)
    assert [r["place"] for r in rows] == ["port", "bay", "hill"]
    assert [str(r["rank"]) for r in rows] == ["1", "1", "3"]
    assert [str(r["rank_worst"]) for r in rows] == ["2", "2", "3"]
    assert [r["qualifier"] for r in rows] == ["exact", "more_than", "about"]
    assert float(rows[0]["national_share"]) == pytest.approx(12.0)
    assert float(rows[0]["parent_share"]) == pytest.approx(40.0)


def test_markdown_is_a_table_with_its_notes(panel: Callable[..., Any]) -> None:
    result = panel("--metric", "widgets", "--kind", "city", "-f", "markdown")
    lines = result.stdout.splitlines()
    assert lines[0].split("|")[1].strip() == "Rank" and set(lines[1]) <= set("|-:")
    assert sum(line.startswith("| ") for line in lines) == 4
    assert "equal figures share a rank" in result.stdout


def test_a_pipe_gets_tsv_and_the_places_without_a_figure_go_to_stderr(
    panel: Callable[..., Any],
) -> None:
    result = panel("--metric", "widgets", "--year", "2017")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("rank\trank_worst\t")
    assert "note: no whole-place calendar-year figure of widgets in 2017 for: south (2016)" in (
        result.stderr
    )


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize(
    "args",
    [
        "--metric widgets",
        "--metric widgets --kind city",
        "--metric widgets --kind city --chart",
        "--metric widgets --within south",
        "--metric widget_density",
    ],
)
def test_a_terminal_shows_every_figure_whole(
    args: str, width: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command = f"--data {_panel_path(tmp_path)} rank {args}"
    output, tables, code = terminal(command, width, monkeypatch)
    assert code == 0 and tables, output
    assert broken_cells(output, tables, True, width) == []
    assert all(len(line.rstrip()) <= width for line in output.splitlines())


def test_a_terminal_shows_ranges_shares_parents_and_other_years(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _panel_path(tmp_path)
    cities, _, _ = terminal(f"--data {data} rank --metric widgets --kind city", 80, monkeypatch)
    assert "1–2" in cities and "12.00%" in cities and ">20.00%" in cities
    assert "% of province" in cities and "South" in cities
    default, _, _ = terminal(f"--data {data} rank --metric widgets", 80, monkeypatch)
    assert "2015" in default and "closest year: Isle 2015" in default
    assert "% of province" not in default  # a province's parent is the nation
    chart, _, _ = terminal(f"--data {data} rank --metric widgets --chart", 80, monkeypatch)
    assert "█" in chart and "Isle *" in chart


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 2, "Error: rank needs --metric"),
        (["--metric", "widgets", "--kind", "county"], 2, "county"),
        (["--metric", "widgets", "--within", "nowhere"], 2, "Error: unknown city 'nowhere'"),
        (["--metric", "widgets", "--year", "2030"], 1, "Error: no widgets figure"),
        (["--metric", "widgets", "--year", "soon"], 2, "Error: --year 'soon' is not a year"),
        (["--metric", "widgets", "-f", "sqlite"], 2, "Error: --format"),
    ],
)
def test_bad_input_is_one_error_line(
    args: list[str], code: int, message: str, panel: Callable[..., Any]
) -> None:
    result = panel(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_help_leads_with_real_examples(panel: Callable[..., Any]) -> None:
    text = CliRunner().invoke(cli.app, ["rank", "--help"], env={"COLUMNS": "200"}).stdout
    examples = [line.strip() for line in text.splitlines() if line.strip().startswith("ipstats ")]
    assert len(examples) == 2
    assert "--kind city" in examples[0] and "--within" in examples[1]


def test_the_shipped_cities_rank(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(cli.app, shlex.split("rank --metric pct --kind city -f json"))
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    values = [r["value"] for r in rows]
    assert values == sorted(values, reverse=True) and rows[0]["rank"] == 1


def test_the_panel_example_ranks_the_sub_provincial_cities() -> None:
    ds = load(None).dataset
    provinces = [c for c in ds.cities if c.kind in PROVINCE_LEVEL]
    if len(provinces) < 10:
        pytest.skip(f"the shipped data has {len(provinces)} province-level places, not the panel")
    result = CliRunner().invoke(
        cli.app, shlex.split("rank --metric pct --year 2016 --kind city -f json")
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) >= 10 and rows[0]["rank"] == 1
    assert all(r["year"] == 2016 and r["parent_share"] is not None for r in rows)


def test_the_python_api_ranks_with_the_names_people_type(tmp_path: Path) -> None:
    import ipstats

    data = ipstats.load(_panel_path(tmp_path))
    records = data.rank("widgets", year="2016", kind="city", within="South").to_records()
    assert [(r["place"], r["rank"], r["rank_worst"]) for r in records] == [
        ("port", 1, 2),
        ("bay", 1, 2),
    ]
    with pytest.raises(UsageError, match="unknown city"):
        data.rank("widgets", within="nowhere")
