"""The command line: exit codes, exact error lines, and output of every command."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipstats import __version__
from ipstats.cli import app
from ipstats.datafile import load

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert (code, out) == (0, f"ipstats {__version__}\n")


def test_main_job_on_shipped_data() -> None:
    code, out, err = run("compare", "shanghai", "shenzhen", "--metric", "pct", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    by_year = {r["year"]: r for r in rows}
    assert by_year["2024"]["shanghai"] == "6822"
    assert by_year["2024"]["shenzhen"] == "16300"
    assert by_year["2024"]["difference"] == "-9478"
    assert float(by_year["2024"]["ratio"]) == pytest.approx(6822 / 16300)
    assert by_year["2024"]["shanghai_source"] == "sh-brief-2025"
    assert by_year["2024"]["shenzhen_source"] == "sz-ip-2024"
    assert by_year["2023"]["shanghai"] == "6185"
    assert by_year["2023"]["shenzhen"] == ""
    assert by_year["2023"]["difference"] == ""


def test_main_job_as_a_table_names_values_units_and_sources() -> None:
    code, out, _ = run("compare", "shanghai", "shenzhen", "--metric", "pct", "--format", "table")
    assert code == 0
    assert "6,822" in out and "16,300" in out and "-9,478" in out
    # many sources: their ids and years; one year's few: with titles
    assert "sz-ip-2024 (2025)" in " ".join(out.split())
    code, out, _ = run("compare", "sh", "sz", "-m", "pct", "-y", "2024", "-f", "table")
    assert "sz-ip-2024 (2025): Intellectual Property in Shenzhen 2024" in out


def test_names_resolve_in_any_case_and_chinese() -> None:
    code, out, _ = run("compare", "SH", "深圳", "-m", "PCT", "--year", "2024", "-f", "json")
    assert code == 0
    (row,) = json.loads(out)
    assert (row["shanghai"], row["shenzhen"], row["year"]) == (6822, 16300, 2024)


def test_unknown_city_is_a_usage_error_with_suggestion() -> None:
    code, out, err = run("compare", "shanghai", "shenzen", "--metric", "pct")
    assert code == 2
    assert out == ""
    assert err.startswith("Error: unknown city 'shenzen'; did you mean: shenzhen,")
    assert err.count("\n") == 1


def test_unknown_metric_is_a_usage_error() -> None:
    code, _, err = run("compare", "shanghai", "shenzhen", "--metric", "pcx")
    assert code == 2
    assert err.startswith("Error: unknown metric 'pcx'; did you mean: pct?")


def test_year_with_no_data_says_what_exists(tiny_path: Path) -> None:
    code, out, err = run(
        "--data", str(tiny_path), "compare", "alpha", "beta", "-m", "widgets", "--year", "2023"
    )
    assert code == 1
    assert out == ""
    assert err == (
        "Error: no widgets_granted for alpha or beta in 2023; alpha has it for 2021, 2022, 2024; "
        "beta has it for 2024; related indicators with data: valid_widgets, widget_share\n"
    )


def test_implausible_year_option() -> None:
    code, _, err = run("compare", "shanghai", "shenzhen", "-m", "pct", "--year", "20244")
    assert code == 2
    assert err == "Error: --year 20244 is not a plausible year (1900-2100)\n"


def test_non_numeric_year_option_is_a_usage_error() -> None:
    code, _, err = run("compare", "shanghai", "shenzhen", "-m", "pct", "--year", "abc")
    assert code == 2
    assert err == "Error: --year 'abc' is not a year; give one such as 2024\n"


def test_from_later_than_to() -> None:
    code, _, err = run("list", "observations", "--from", "2024", "--to", "2021")
    assert code == 2
    assert err == "Error: --from 2024 is later than --to 2021\n"


def test_compare_needs_two_cities() -> None:
    code, _, err = run("compare", "shanghai", "--metric", "pct")
    assert code == 2
    assert err.startswith("Error: compare needs at least two cities")


def test_validate_shipped_dataset() -> None:
    code, out, _ = run("validate")
    assert code == 0
    dataset = load().dataset
    counts = (len(dataset.sources), len(dataset.cities), len(dataset.observations))
    assert out == (
        f"shipped dataset: valid: {counts[0]} sources, {counts[1]} cities, "
        f"{len(dataset.indicators)} indicators, {counts[2]} observations\n"
    )


def test_validate_reports_every_problem_and_exits_1(write_dataset, tiny_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = tiny_path.read_text(encoding="utf-8")
    bad = write_dataset(
        text.replace("value: 242,", "value: x,").replace("kind: country", "kind: planet"),
        "bad.yaml",
    )
    code, out, err = run("validate", str(bad))
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"error: {bad}:29:11: cities[2].kind: unknown city kind 'planet'")
    assert lines[1].startswith(f"error: {bad}:67:65: observations[3].value: must be a number")
    assert lines[-1] == f"Error: {bad} is not a valid dataset (2 problems)"


def test_validate_summary_counts(tiny_path: Path) -> None:
    code, out, _ = run("validate", str(tiny_path))
    assert code == 0
    assert out == f"{tiny_path}: valid: 2 sources, 3 cities, 5 indicators, 13 observations\n"


def test_broken_dataset_in_any_command_is_one_error_line(write_dataset) -> None:  # type: ignore[no-untyped-def]
    bad = write_dataset("schema_version: 1\nsources: [\n", "broken.yaml")
    code, out, err = run("--data", str(bad), "compare", "shanghai", "shenzhen", "-m", "pct")
    assert code == 1
    assert out == ""
    assert err.startswith(f"Error: invalid dataset {bad}:")
    assert err.count("\n") == 1


def test_data_from_environment_variable(tiny_path: Path) -> None:
    code, out, _ = run("list", "cities", "-f", "csv", env={"IPSTATS_DATA": str(tiny_path)})
    assert code == 0
    assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == ["alpha", "beta", "nation"]


def test_option_beats_environment(tiny_path: Path, write_dataset) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(
        "--data", str(tiny_path), "list", "cities", env={"IPSTATS_DATA": "/nonexistent.yaml"}
    )
    assert code == 0, err


def test_missing_data_file() -> None:
    code, _, err = run("--data", "/nonexistent/x.yaml", "list", "cities")
    assert code == 1
    assert err == "Error: invalid dataset /nonexistent/x.yaml: no such file\n"


def test_list_observations_filters(tiny_path: Path) -> None:
    code, out, _ = run(
        "--data",
        str(tiny_path),
        "list",
        "observations",
        "--city",
        "beta",
        "--from",
        "2024",
        "-f",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["indicator"], r["year"]) for r in rows} == {
        ("widgets_granted", "2024"),
        ("valid_widgets", "2024"),
        ("funding_amount", "2025"),
    }
    assert {r["city"] for r in rows} == {"beta"}


def test_list_observations_no_match_exits_1(tiny_path: Path) -> None:
    code, _, err = run("--data", str(tiny_path), "list", "observations", "--city", "nation")
    assert code == 1
    assert err == "Error: no observations match these filters\n"


def test_list_indicators_search_and_category(tiny_path: Path) -> None:
    code, out, _ = run(
        "--data",
        str(tiny_path),
        "list",
        "indicators",
        "--search",
        "widget",
        "--category",
        "creation",
        "-f",
        "csv",
    )
    assert code == 0
    assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == [
        "valid_widgets",
        "widgets_granted",
    ]


def test_default_format_in_a_pipe_is_tsv(tiny_path: Path) -> None:
    code, out, _ = run("--data", str(tiny_path), "list", "sources")
    assert code == 0
    assert out.splitlines()[0].split("\t")[:2] == ["id", "title_en"]


def test_show_indicator_and_city(tiny_path: Path) -> None:
    code, out, _ = run("--data", str(tiny_path), "show", "widget_s", "-f", "csv")
    assert code == 0
    # one document per format: in CSV the rows alone, in JSON the record and its rows
    assert out.startswith("city,year,indicator,") and out.count("city,year,indicator,") == 1
    assert "alpha,2023,widget_share,9.4,percent,exact,year" in out
    code, out, _ = run("--data", str(tiny_path), "show", "widget_s", "-f", "json")
    document = json.loads(out)
    assert document["indicator"]["description"] == "Share of widget cases among all cases."
    assert {r["value"] for r in document["observations"]} >= {9.4}
    code, out, _ = run("--data", str(tiny_path), "show", "甲", "-f", "csv")
    assert code == 0
    assert 'widgets_granted,Widgets granted,creation,,"2021, 2022, 2024",3' in out
    code, out, _ = run("--data", str(tiny_path), "show", "甲", "-f", "json")
    document = json.loads(out)
    assert document["city"]["aliases"] == ["al", "甲"]
    assert "widgets_granted" in {r["indicator"] for r in document["indicators"]}


def test_show_unknown_name(tiny_path: Path) -> None:
    code, _, err = run("--data", str(tiny_path), "show", "zzz")
    assert code == 2
    assert err.startswith("Error: no indicator or city named 'zzz'")


def test_growth_command(tiny_path: Path) -> None:
    code, out, _ = run("--data", str(tiny_path), "growth", "alpha", "-m", "widgets", "-f", "json")
    assert code == 0
    rows = json.loads(out)
    kinds = [(r["kind"], r["year"]) for r in rows]
    assert kinds == [
        ("observed", 2021),
        ("observed", 2022),
        ("implied", 2023),
        ("observed", 2024),
        ("span", 2024),
    ]
    implied = rows[2]
    assert implied["value"] == pytest.approx(110.0)
    span = rows[-1]
    assert span["cagr_pct"] == pytest.approx(((121 / 100) ** (1 / 3) - 1) * 100)
    code, out, _ = run(
        "--data", str(tiny_path), "growth", "alpha", "-m", "widgets", "--no-implied", "-f", "json"
    )
    assert "implied" not in {r["kind"] for r in json.loads(out)}


def test_export_csv_contract(tiny_path: Path) -> None:
    code, out, _ = run("--data", str(tiny_path), "export")
    assert code == 0
    reader = csv.DictReader(io.StringIO(out))
    assert {"city", "year", "indicator", "value", "unit", "qualifier", "period", "source"} <= set(
        reader.fieldnames or []
    )
    rows = list(reader)
    assert len(rows) == 13
    assert rows[0]["value"].lstrip("-").replace(".", "").isdigit()


def test_export_to_file_is_atomic_and_reports(tiny_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    code, out, err = run("--data", str(tiny_path), "export", "-f", "jsonl", "-o", str(target))
    assert code == 0
    assert out == ""
    assert err == f"wrote 13 rows to {target}\n"
    assert len(target.read_text(encoding="utf-8").splitlines()) == 13


def test_export_into_missing_directory(tiny_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "nope" / "out.csv"
    code, _, err = run("--data", str(tiny_path), "export", "-o", str(target))
    assert code == 1
    assert err == f"Error: cannot write {target}: directory {target.parent} does not exist\n"


def test_debug_shows_traceback(tiny_path: Path) -> None:
    result = runner.invoke(app, ["--debug", "--data", str(tiny_path), "compare", "alpha", "zzz"])
    assert result.exception is not None
    assert type(result.exception).__name__ == "UsageError"


def _console_script() -> str:
    import shutil
    import sys

    found = Path(sys.executable).parent / "ipstats"
    return str(found) if found.exists() else (shutil.which("ipstats") or "ipstats")


def test_shell_completion_offers_city_and_metric_names() -> None:
    import os
    import subprocess

    def complete(words: str) -> list[str]:
        env = {
            **os.environ,
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
            "_IPSTATS_COMPLETE": "complete_bash",
        }
        done = subprocess.run(
            [_console_script()], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.split()

    assert {"shanghai", "shenzhen", "sh"} <= set(complete("ipstats compare sh"))
    assert "pct" in complete("ipstats compare shanghai shenzhen --metric pc")


def test_show_completion_prints_a_script() -> None:
    import subprocess

    done = subprocess.run(
        [_console_script(), "--show-completion", "bash"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "_IPSTATS_COMPLETE" in done.stdout


def test_export_sqlite_through_the_cli(tiny_path: Path, tmp_path: Path) -> None:
    import sqlite3

    target = tmp_path / "ip.db"
    code, _, err = run(
        "--data",
        str(tiny_path),
        "export",
        "--format",
        "sqlite",
        "-o",
        str(target),
        "--city",
        "beta",
    )
    assert code == 0, err
    assert err == f"wrote 4 observations to {target}\n"
    with contextlib.closing(sqlite3.connect(target)) as db:  # a bare `with` does not close
        rows = db.execute(
            "SELECT city, year, value FROM observations ORDER BY year, indicator"
        ).fetchall()
    assert ("beta", 2024, 242) in rows
    assert {r[0] for r in rows} == {"beta"}


def test_export_datapackage_through_the_cli(tiny_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    code, _, err = run(
        "--data", str(tiny_path), "export", "--format", "datapackage", "-o", str(target)
    )
    assert code == 0, err
    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in descriptor["resources"]} == {
        "observations.csv",
        "indicators.csv",
        "cities.csv",
        "sources.csv",
    }


@pytest.mark.parametrize("fmt", ["sqlite", "datapackage"])
def test_file_formats_need_an_output(fmt: str) -> None:
    code, out, err = run("export", "--format", fmt)
    assert code == 2
    assert out == ""
    assert err.startswith(f"Error: --format {fmt} writes files: give -o ")


def test_stated_changes_are_numbers_in_machine_formats_and_signed_on_terminal() -> None:
    code, out, _ = run(
        "list", "observations", "-c", "shanghai", "-m", "pct", "--year", "2024", "-f", "csv"
    )
    assert code == 0
    (row,) = list(csv.DictReader(io.StringIO(out)))
    assert (row["reported_yoy_value"], row["reported_yoy_kind"]) == ("10.3", "percent")
    assert "'" not in out
    code, out, _ = run(
        "list", "observations", "-c", "shanghai", "-m", "pct", "--year", "2024", "-f", "table"
    )
    assert "+10.3%" in out


def _ids(out: str, column: str = "id") -> list[str]:
    return [r[column] for r in csv.DictReader(io.StringIO(out))]


@pytest.mark.parametrize(
    ("term", "obvious"),
    [
        ("专利", "patents_granted"),
        ("商标", "valid_trademarks"),
        ("版权", "copyright_registrations"),
        ("发明", "invention_patents_granted"),
        ("知识产权", "ip_pledge_financing_amount"),
        ("granted patents", "patents_granted"),
    ],
)
def test_list_indicators_searches_chinese_and_english_words(term: str, obvious: str) -> None:
    code, out, err = run("list", "indicators", "--search", term, "-f", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert obvious in [r["id"] for r in rows]
    assert all(r["name_zh"] for r in rows)


def test_a_metric_by_its_chinese_or_english_name() -> None:
    for typed in ("有效商标", "valid trademarks", "Valid registered trademarks"):
        code, out, err = run("list", "observations", "-m", typed, "-f", "csv")
        assert code == 0, err
        assert set(_ids(out, "indicator")) == {"valid_trademarks"}
    code, out, err = run("show", "PCT applications", "-f", "json")
    assert code == 0, err
    assert json.loads(out)["indicator"]["name_zh"] == "PCT国际专利申请量"


def test_an_ambiguous_metric_is_a_usage_error_listing_candidates() -> None:
    code, out, err = run("compare", "sh", "sz", "-m", "专利")
    assert (code, out) == (2, "")
    assert err.startswith(
        "Error: ambiguous metric '专利': it could be patents_granted (Patents granted, 专利授权量); "
    )
    assert err.count("\n") == 1


def test_growth_takes_several_metrics() -> None:
    code, out, err = run("growth", "sh", "-m", "pct", "-m", "valid_trademarks", "-f", "csv")
    assert code == 0, err
    assert sorted(set(_ids(out, "indicator"))) == ["pct_applications", "valid_trademarks"]


def test_growth_names_a_metric_without_data_and_shows_the_others() -> None:
    code, out, err = run("growth", "sz", "-m", "pct", "-m", "valid_trademarks", "-f", "csv")
    assert code == 0
    assert set(_ids(out, "indicator")) == {"pct_applications"}
    assert "valid_trademarks" in err
    code, out, err = run("growth", "sz", "-m", "valid_trademarks", "-m", "trademark_applications")
    assert (code, out) == (1, "")
    assert err.startswith("Error: no valid_trademarks or trademark_applications for shenzhen")
    assert err.count("\n") == 1


def test_export_takes_several_metrics_and_years() -> None:
    code, out, err = run("export", "-m", "pct", "-m", "patents", "-y", "2024", "-y", "2023")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["indicator"] for r in rows} == {"pct_applications", "patents_granted"}
    assert {r["year"] for r in rows} == {"2023", "2024"}
    code, out, err = run(
        "list", "observations", "-m", "pct", "-y", "2021", "-y", "2024", "-f", "csv"
    )
    assert code == 0, err
    assert {r["year"] for r in csv.DictReader(io.StringIO(out))} == {"2021", "2024"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("compare", "sh", "sz", "-m", "pct", "-m", "patents"),
            "Error: --metric takes one value, got 2: pct, patents\n",
        ),
        (
            ("compare", "sh", "sz", "-m", "pct", "-y", "2024", "-y", "2023"),
            "Error: --year takes one value, got 2: 2024, 2023\n",
        ),
        (
            ("growth", "sh", "-m", "pct", "--from", "2021", "--from", "2023"),
            "Error: --from takes one value, got 2: 2021, 2023\n",
        ),
        (
            ("list", "indicators", "-s", "专利", "--search=商标"),
            "Error: --search takes one value, got 2: 专利, 商标\n",
        ),
        (
            ("export", "-fcsv", "-m", "pct", "--format", "json"),
            "Error: --format takes one value, got 2: csv, json\n",
        ),
        (
            ("export", "-m", "pct", "--to", "2021", "--to", "2023"),
            "Error: --to takes one value, got 2: 2021, 2023\n",
        ),
        (
            ("list", "observations", "-y", "2021", "-y", "2023", "--from", "2021"),
            "Error: --year cannot be combined with --from/--to\n",
        ),
    ],
)
def test_an_option_given_twice_where_it_takes_one_is_refused(
    args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(*args)
    assert (code, out, err) == (2, "", message)


def test_list_indicators_of_a_place_lists_what_it_has() -> None:
    code, out, err = run("list", "indicators", "--city", "sz", "-f", "csv")
    assert code == 0, err
    rows = {r["id"]: int(r["observations"]) for r in csv.DictReader(io.StringIO(out))}
    code, out, _ = run("list", "observations", "--city", "sz", "-f", "csv")
    held = Counter(_ids(out, "indicator"))
    assert rows == dict(held)
    code, out, _ = run("list", "indicators", "-f", "csv")
    assert len(rows) < len(_ids(out))


def test_repeatable_options_and_flags_may_be_repeated() -> None:
    code, out, err = run(
        "export",
        "--no-sanitize",
        "--no-sanitize",
        "-c",
        "sh",
        "-c",
        "sz",
        "-m",
        "pct",
        "-y",
        "2024",
    )
    assert code == 0, err
    assert {r["city"] for r in csv.DictReader(io.StringIO(out))} == {"shanghai", "shenzhen"}
    # a value is a value, even when it looks like another option
    code, _, err = run("list", "indicators", "--search", "-fx", "-f", "csv")
    assert (code, err) == (
        1,
        "Error: no indicator matches these filters; `ipstats list indicators` shows them all\n",
    )


SELECTING = (
    ("list", "indicators"),
    ("list", "observations"),
    ("show", "pct"),
    ("compare", "alpha", "beta", "-m", "pct"),
    ("growth", "alpha", "-m", "pct"),
    ("export",),
)


@pytest.mark.parametrize("command", SELECTING)
def test_an_unknown_source_is_one_error_line_naming_the_known_ids(
    sourced_path: Path, command: tuple[str, ...]
) -> None:
    code, out, err = run("--data", str(sourced_path), *command, "--source", "stat-2025")
    assert (code, out) == (2, "")
    assert err == (
        "Error: unknown source 'stat-2025'; did you mean: stat-2024, stat-2023? (known sources: "
        "stat-2024, stat-2023, wp-2023, wp-2024, press-2024, rep-x, rep-y)\n"
    )


@pytest.mark.parametrize("command", SELECTING)
def test_source_keeps_one_sources_figures_in_every_selecting_command(
    sourced_path: Path, command: tuple[str, ...]
) -> None:
    code, out, err = run(
        "--data", str(sourced_path), *command, "--source", "wp-2023", "--format", "json"
    )
    assert code == 0, err
    if command[1:] == ("indicators",):  # the indicators it has figures of, counted
        assert [(r["id"], r["observations"]) for r in json.loads(out)] == [("pct", 1)]
        return
    assert "5591" in out and "5590" not in out and "6185" not in out


def test_show_lists_every_sources_figure_and_marks_the_primary(sourced_path: Path) -> None:
    code, out, _ = run("--data", str(sourced_path), "show", "pct", "-f", "table")
    assert code == 0
    rows = [line.split() for line in out.splitlines() if line.startswith("  alpha   2022")]
    # each row's value, its source, and in the column after the source whether it is primary
    sources = [next(t for t in r if t in ("wp-2023", "stat-2024")) for r in rows]
    assert [(r[2], s, r[r.index(s) + 1]) for r, s in zip(rows, sources, strict=True)] == [
        ("5,591", "wp-2023", "no"),
        ("5,590", "stat-2024", "yes"),
    ]
    assert "primary: the figure compare and growth use" in out


def test_export_keeps_every_source_and_marks_the_primary(sourced_path: Path) -> None:
    code, out, _ = run("--data", str(sourced_path), "export", "-m", "pct", "-c", "alpha")
    assert code == 0
    rows = [
        (r["year"], r["value"], r["source"], r["primary"]) for r in csv.DictReader(io.StringIO(out))
    ]
    assert rows == [
        ("2022", "5591", "wp-2023", "false"),
        ("2022", "5590", "stat-2024", "true"),
        ("2023", "6185", "wp-2024", "false"),
        ("2023", "6185", "stat-2024", "true"),
    ]


def test_compare_and_growth_say_when_another_source_disagrees(sourced_path: Path) -> None:
    line = "Alpha 2022: wp-2023 gives 5,591 (shown: 5,590 from stat-2024)"
    for command in (("compare", "alpha", "beta", "-m", "pct"), ("growth", "alpha", "-m", "pct")):
        code, out, _ = run("--data", str(sourced_path), *command, "-f", "table")
        assert code == 0
        assert out.count(line) == 1, command
        assert "6,185 from" not in out  # the sources that agree are not worth a line


def test_validate_warns_of_sources_that_disagree(sourced_path: Path) -> None:
    code, out, err = run("--data", str(sourced_path), "--no-cache", "validate")
    assert code == 0
    assert out.endswith("14 observations, 2 warnings\n")
    assert err.count("they disagree beyond rounding") == 2
    assert "warning: " + str(sourced_path) + ":29:" in err
