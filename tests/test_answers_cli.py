"""Answers that never mislead, as a user meets them on the command line (shipped data).

Each test is one of the ways ipstats used to mislead: another series' number, a rate across
kinds of period, a place dropped in silence, ranks treated as numbers, a bound losing its
direction. Output is asserted as data (CSV) and as a person reads it (table).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from ipstats.cli import app
from ipstats.datafile import load
from ipstats.model import Category

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "120"})
    return result.exit_code, result.stdout, result.stderr


def records(*args: str) -> tuple[list[dict[str, Any]], str]:
    code, out, err = run(*args, "--format", "csv")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out))), err


def table(*args: str) -> tuple[str, str]:
    code, out, err = run(*args, "--format", "table")
    assert code == 0, err
    return out, err


# 1. Several observations of one indicator, place and year are never reduced to one.


def test_compare_shows_each_scope_of_a_year_in_its_own_labelled_row() -> None:
    rows, err = records(
        "compare", "sh", "sz", "-m", "invention_patents_published", "--from", "2024"
    )
    assert [(r["year"], r["shenzhen"], r["shenzhen_scope"]) for r in rows] == [
        ("2024", "32112", "future industry clusters"),
        ("2024", "124569", "strategic emerging industry clusters"),
    ]
    assert {r["difference"] for r in rows} == {""}
    assert {r["marks"] for r in rows} == {"§"}
    assert err.startswith("note: shanghai has no invention_patents_published")
    assert "related indicators" in err
    out, _ = table("compare", "sh", "sz", "-m", "invention_patents_published", "--from", "2024")
    assert "Shenzhen: future industry clusters" in out
    assert "Shenzhen: strategic emerging industry clusters" in out
    assert "--scope chooses one" in out


def test_compare_in_a_pinned_year_keeps_both_mediation_series() -> None:
    rows, err = records("compare", "sh", "sz", "-m", "ip_mediation_organizations", "--year", "2024")
    assert sorted((int(r["shenzhen"]), r["shenzhen_scope"]) for r in rows) == [
        (13, "people's mediation organisations"),
        (37, "commercial mediation organisations"),
    ]
    assert err == (
        "note: shanghai has no ip_mediation_organizations in 2024; it has it for 2021, 2023; "
        "related indicators it has: ip_mediation_disputes_accepted, "
        "ip_mediation_disputes_resolved, wipo_tisc_organizations_new, "
        "copyright_enforcement_cases, copyright_first_violation_penalty_waivers\n"
    )


def test_scope_chooses_one_series() -> None:
    rows, _ = records(
        "compare",
        "sh",
        "sz",
        "-m",
        "invention_patents_published",
        "--scope",
        "strategic emerging industry",
    )
    assert [(r["year"], r["shenzhen"], r["marks"]) for r in rows] == [("2024", "124569", "")]


def test_an_unknown_scope_lists_the_scopes_there_are() -> None:
    code, out, err = run("compare", "sh", "sz", "-m", "ip_mediation_organizations", "--scope", "x")
    assert (code, out) == (2, "")
    assert err == (
        "Error: --scope 'x' matches no scope of ip_mediation_organizations (scopes: "
        "'commercial mediation organisations'; \"people's mediation organisations\"; "
        "'whole place')\n"
    )


def test_scope_needs_a_metric() -> None:
    code, _, err = run("compare", "sh", "sz", "--scope", "pilot")
    assert (code, err) == (2, "Error: --scope needs a metric: scopes belong to one indicator\n")


def test_growth_keeps_each_scope_a_series_of_its_own() -> None:
    rows, _ = records("growth", "sh", "-m", "municipal_patent_work_units_new")
    assert sorted((r["scope"], r["year"], r["value"]) for r in rows) == [
        ("demonstration units", "2023", "50"),
        ("pilot and demonstration units combined", "2021", "127"),
        ("pilot units", "2023", "150"),
    ]
    assert {r["change"] for r in rows} == {""}  # no -60.63% from 127 to 50
    out, _ = table("growth", "sh", "-m", "municipal_patent_work_units_new")
    assert "has 3 series" in out and "no change or rate is computed between series" in out


def test_growth_scope_keeps_one() -> None:
    rows, _ = records("growth", "sh", "-m", "municipal_patent_work_units_new", "--scope", "pilot u")
    assert [(r["scope"], r["value"]) for r in rows] == [("pilot units", "150")]


# 2. No change or rate across a change of the kind of period.


def test_no_rate_from_a_campaign_to_a_calendar_year() -> None:
    rows, _ = records("growth", "sh", "-m", "police_ip_suspects_arrested")
    by_period = {(r["period"], r["kind"], r["year"]): r for r in rows}
    campaign = by_period[("campaign", "observed", "2021")]
    assert (campaign["change"], campaign["change_pct"]) == ("", "")
    assert all(r["change_pct"] != "285.714286" for r in rows)
    span = by_period[("year", "span", "2024")]
    assert (span["from_year"], span["change"]) == ("2023", "148")


def test_no_rate_from_a_calendar_year_to_a_campaign() -> None:
    rows, _ = records("growth", "sh", "-m", "ip_agency_violation_cases_concluded")
    assert sorted((r["period"], r["value"], r["change"]) for r in rows) == [
        ("campaign", "15", ""),
        ("year", "33", ""),
    ]


def test_a_running_total_is_shown_with_its_period() -> None:
    out, _ = table("compare", "sh", "sz", "-m", "data_ip_registration_certificates")
    assert "Shanghai: to 2025-04-21, running total" in out
    rows, _ = records("compare", "sh", "sz", "-m", "data_ip_registration_certificates")
    assert [
        (r["year"], r["shanghai_period"], r["shanghai_as_of"], r["difference"]) for r in rows
    ] == [
        ("2024", "", "", ""),
        ("2025", "cumulative", "2025-04-21", ""),
    ]


# 3. A place without data is said out loud.


def test_a_place_without_the_metric_is_named_with_what_it_has() -> None:
    out, err = table("compare", "sh", "sz", "-m", "valid_trademarks")
    assert err.startswith("note: shenzhen has no valid_trademarks; related indicators it has: ")
    assert "trademark_registrations" in err and err.count("\n") == 1
    assert "Difference" not in out and "ratio" not in out


def test_a_place_without_the_year_is_told_the_years_it_has() -> None:
    out, err = table("compare", "sh", "sz", "-m", "pct", "--year", "2021")
    assert err.startswith(
        "note: shenzhen has no pct_applications in 2021; it has it for 2016, 2018, 2024;"
    )
    assert "Difference" not in out
    assert "4,830" in out


def test_growth_names_the_city_without_data() -> None:
    out, err = table("growth", "sh", "sz", "-m", "valid_trademarks")
    assert err.startswith("note: shenzhen has no valid_trademarks; related indicators it has: ")
    assert "Shanghai: Valid registered trademarks" in out


def test_no_named_place_with_data_is_an_error() -> None:
    code, out, err = run("compare", "sh", "sz", "-m", "valid_trademarks", "--year", "2022")
    assert (code, out) == (1, "")
    assert err.startswith(
        "Error: no valid_trademarks for shanghai or shenzhen in 2022; "
        "shanghai has it for 2021, 2023, 2024; related indicators with data: "
    )
    assert err.count("\n") == 1


# 4. Ranks mean places.


def test_a_rank_difference_is_places_in_words_without_a_ratio() -> None:
    out, _ = table("compare", "sh", "sz", "-m", "gii")
    assert "3 places behind" in out and "2.500" not in out and "+3" not in out
    back, _ = table("compare", "sz", "sh", "-m", "gii")
    assert "3 places ahead" in back
    rows, _ = records("compare", "sh", "sz", "-m", "gii", "--year", "2024")
    assert [(r["difference"], r["difference_unit"], r["ratio"]) for r in rows] == [
        ("-3", "places ahead", "")
    ]


def test_growth_of_a_rank_is_places_in_words() -> None:
    out, _ = table("growth", "sh", "-m", "gii")
    assert "1 place up" in out
    rows, _ = records("growth", "sh", "-m", "gii")
    assert {r["change_pct"] for r in rows} == {""} and {r["cagr_pct"] for r in rows} == {""}


# 5. Bounds keep their direction through arithmetic.


def test_exact_minus_a_lower_bound_is_an_upper_bound(tiny_path: Path) -> None:
    data = ("--data", str(tiny_path))
    rows, _ = records(*data, "compare", "beta", "alpha", "-m", "valid_widgets")
    assert [(r["difference"], r["difference_qualifier"], r["ratio_qualifier"]) for r in rows] == [
        ("-1000", "less_than", "less_than")
    ]
    out, _ = table(*data, "compare", "beta", "alpha", "-m", "valid_widgets")
    assert "< -1,000" in out and "< 0.800" in out


def test_growth_from_a_lower_bound_is_at_most() -> None:
    rows, _ = records("growth", "sh", "-m", "police_ip_criminal_cases")
    span = next(r for r in rows if r["kind"] == "span")
    assert (span["from_year"], span["change"], span["change_qualifier"]) == (
        "2021",
        "-197",
        "less_than",
    )
    assert span["cagr_qualifier"] == "less_than"
    out, _ = table("growth", "sh", "-m", "police_ip_criminal_cases")
    assert "< -13.13%" in out and "less than: from a bound" in out


def test_a_value_implied_from_a_bound_is_a_bound() -> None:
    rows, _ = records("growth", "sh", "-m", "copyright_registrations")
    implied = {r["year"]: r for r in rows if r["kind"] == "implied"}
    assert (implied["2022"]["value"], implied["2022"]["qualifier"]) == ("370000", "more_than")
    out, _ = table("growth", "sh", "-m", "copyright_registrations")
    assert ">370,000" in out and "~379,630" not in out


def test_implied_values_are_shown_to_the_precision_of_the_source() -> None:
    out, _ = table("growth", "sh", "-m", "ip_pledge_financing_amount")
    assert "~3.841 bn yuan" in out and "3,841,006,289" not in out


def test_the_main_job_keeps_its_machine_line() -> None:
    code, out, _ = run(
        "compare", "shanghai", "shenzhen", "-m", "pct", "--year", "2024", "-f", "csv"
    )
    assert code == 0
    assert out.splitlines()[1].startswith(
        "pct_applications,2024,6822,exact,sh-brief-2025,16300,exact,sz-ip-2024,count,-9478,exact,"
    )


# 7. compare takes --from/--to and --category like list.


def test_compare_takes_a_span_of_years() -> None:
    rows, _ = records("compare", "sh", "sz", "-m", "pct", "--from", "2023")
    assert [r["year"] for r in rows] == ["2023", "2024"]
    rows, _ = records("compare", "sh", "sz", "-m", "pct", "--from", "2019", "--to", "2021")
    assert [r["year"] for r in rows] == ["2021"]
    rows, _ = records("compare", "sh", "sz", "-m", "pct", "--to", "2016")
    assert [r["year"] for r in rows] == ["2010", "2016"]


def test_compare_takes_a_category() -> None:
    rows, _ = records("compare", "sh", "sz", "--category", "protection")
    dataset = load().dataset
    assert rows
    assert {dataset.indicator(r["indicator"]).category for r in rows} == {Category.PROTECTION}


def test_a_metric_outside_the_category_is_refused() -> None:
    code, _, err = run("compare", "sh", "sz", "-m", "pct", "--category", "protection")
    assert (code, err) == (
        2,
        "Error: pct_applications is in the category creation, not protection\n",
    )


def test_one_year_cannot_be_combined_with_a_span() -> None:
    code, _, err = run("compare", "sh", "sz", "-m", "pct", "--year", "2024", "--from", "2023")
    assert (code, err) == (2, "Error: --year cannot be combined with --from/--to\n")


def test_show_lists_each_series_of_a_city_apart() -> None:
    code, out, err = run("show", "shanghai", "--format", "csv")
    assert code == 0, err
    held = list(csv.DictReader(io.StringIO(out)))  # one document: the series the city has

    def series_of(indicator: str) -> list[tuple[str, str]]:
        return [(r["series"], r["years"]) for r in held if r["indicator"] == indicator]

    assert series_of("municipal_patent_work_units_new") == [
        ("pilot and demonstration units combined", "2021"),
        ("demonstration units", "2023"),
        ("pilot units", "2023"),
    ]
    assert series_of("police_ip_suspects_arrested") == [("campaign", "2021"), ("", "2023, 2024")]


def test_a_place_without_the_scope_asked_for_is_named_with_the_scope() -> None:
    rows, err = records(
        "growth", "sh", "sz", "-m", "ip_mediation_organizations", "--scope", "commercial"
    )
    assert [(r["city"], r["value"]) for r in rows] == [("shenzhen", "37")]
    assert err.startswith(
        "note: shanghai has no ip_mediation_organizations of a scope matching 'commercial'; "
        "it has it for 2021, 2023;"
    )
