"""ipstats.cite and `ipstats cite`: the sources behind a selection, as text, BibTeX and CSL-JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ipstats._cli_export import CITE_FORMATS
from ipstats.cite import (
    CiteFormat,
    bibtex,
    bibtex_entry,
    choose_format,
    cite,
    cited_sources,
    render,
    sources_of,
    tex,
)
from ipstats.cli import app
from ipstats.datafile import load
from ipstats.errors import NoDataError
from ipstats.model import Dataset, Source, SourceType
from ipstats.query import Filter

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------------ a small BibTeX reader


def _braced(text: str, start: int) -> tuple[str, int]:
    """The text inside the braces opening at ``start``, and the index after the closing one."""
    assert text[start] == "{", text[start:]
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
    raise AssertionError(f"unbalanced braces from {text[start : start + 40]!r}")


def parse_bibtex(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Entries by key: (entry type, fields by name); every brace must balance."""
    entries: dict[str, tuple[str, dict[str, str]]] = {}
    position = 0
    while True:
        found = re.compile(r"@(\w+)\s*\{").search(text, position)
        if found is None:
            assert text[position:].strip() == "", text[position:]
            return entries
        assert text[position : found.start()].strip() == "", text[position : found.start()]
        body, position = _braced(text, found.end() - 1)
        key, _, rest = body.partition(",")
        fields: dict[str, str] = {}
        cursor = 0
        while rest[cursor:].strip():
            named = re.compile(r"\s*([a-z]+)\s*=\s*").match(rest, cursor)
            assert named is not None, rest[cursor:]
            value, cursor = _braced(rest, named.end())
            assert named.group(1) not in fields, named.group(1)
            fields[named.group(1)] = value
            comma = re.compile(r"\s*,?").match(rest, cursor)
            assert comma is not None
            cursor = comma.end()
        assert key.strip() not in entries, key
        entries[key.strip()] = (found.group(1), fields)


_UNTEX = {
    r"\textbackslash{}": "\\",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\^{}": "^",
    r"\~{}": "~",
    **{f"\\{c}": c for c in "%&$#_"},
}


def untex(value: str) -> str:
    """A field's text as a reader sees it: LaTeX's escapes undone."""
    pattern = "|".join(re.escape(k) for k in sorted(_UNTEX, key=len, reverse=True))
    return re.sub(pattern, lambda m: _UNTEX[m.group(0)], value)


def _unescaped_specials(value: str) -> list[str]:
    """LaTeX special characters in ``value`` that are not part of an escape."""
    rest = re.sub("|".join(re.escape(k) for k in _UNTEX), "", value)
    return [c for c in rest if c in "%&$#_^~\\"]


def test_the_reader_refuses_unbalanced_braces() -> None:
    with pytest.raises(AssertionError, match="unbalanced"):
        parse_bibtex("@misc{a,\n  title = {{x},\n}\n")


# ------------------------------------------------------------------ the core


def test_cited_sources_are_each_source_once_in_id_order(cited: Dataset) -> None:
    chosen = cited_sources(cited, cited.observations)
    assert [s.id for s in chosen] == ["news-2025", "stats-2024", "wp-2023"]
    alpha = sources_of(cited, Filter(cities=("alpha",)))
    assert [s.id for s in alpha] == ["stats-2024", "wp-2023"]


def test_an_empty_selection_is_no_data(cited: Dataset) -> None:
    with pytest.raises(NoDataError, match=r"^no observations match these filters"):
        sources_of(cited, Filter(cities=("alpha",), year_from=2030))


def test_reference_list_has_one_line_per_source_with_what_a_reader_needs(cited: Dataset) -> None:
    lines = render(cited.sources, CiteFormat.TEXT).splitlines()
    assert len(lines) == len(cited.sources)
    by_id = {s.id: line for s, line in zip(cited.sources, lines, strict=True)}
    for s in cited.sources:
        line = by_id[s.id]
        assert line.startswith(f"[{s.id}] {s.publisher} ({s.published}). ")
        assert s.title in line and s.title_en in line
        assert ("https://" in line) == bool(s.url)
        if s.url:
            assert line.endswith(s.url)
    statistics = by_id["stats-2024"]
    assert "2024年甲市统计年鉴 [Alpha Statistical Yearbook 2024" in statistics
    assert statistics.endswith(
        "Figures retrieved 2025-03-02 from https://stats.example.org/yearbook/2024?lang=zh&part=1"
    )
    # No retrieval date recorded: none is given, and no date but the publication's appears.
    report = by_id["wp-2023"]
    assert "retrieved" not in report.casefold()
    assert re.findall(r"\d{4}-\d\d(?:-\d\d)?", report) == ["2024-04"]
    assert report.count("Alpha White Paper 2023") == 1  # one title when both are the same


def test_bibtex_entries_parse_back_with_the_required_fields(cited: Dataset) -> None:
    entries = parse_bibtex(bibtex(cited.sources))
    assert list(entries) == [s.id for s in cited.sources]
    for s in cited.sources:
        kind, fields = entries[s.id]
        assert untex(fields["author"]) == "{" + s.publisher + "}"  # one corporate name
        publisher = {"dataset": "publisher", "report": "institution", "online": "organization"}
        assert untex(fields[publisher[kind]]) == s.publisher
        assert fields["title"].startswith("{") and fields["title"].endswith("}")
        assert untex(fields["title"][1:-1]) == s.title_en
        assert fields["date"] == s.published
        if s.title != s.title_en:
            assert untex(fields["origtitle"]) == "{" + s.title + "}"
        else:
            assert "origtitle" not in fields
        assert fields.get("url", "") == s.url
        assert fields.get("urldate", "") == s.retrieved
        for name, value in fields.items():
            if name != "url":
                assert _unescaped_specials(value) == [], (s.id, name, value)
    assert [entries[s.id][0] for s in cited.sources] == ["dataset", "report", "online"]
    assert "2024年甲市统计年鉴" in entries["stats-2024"][1]["origtitle"]  # UTF-8, not escaped
    assert entries["stats-2024"][1]["language"] == "Chinese"


def test_bibtex_keeps_an_address_verbatim_but_never_unbalanced() -> None:
    source = Source(
        "odd",
        "T",
        "T",
        "P",
        "2024",
        ("en",),
        "https://example.org/a}b{c%20d\\e",
        SourceType.PRESS,
        "2025-01-31",
    )
    ((kind, fields),) = parse_bibtex(bibtex_entry(source)).values()
    assert kind == "online"
    assert fields["url"] == "https://example.org/a%7Db%7Bc%20d%5Ce"


def test_a_press_text_without_an_address_is_a_plain_entry() -> None:
    printed = Source("paper", "T", "T", "P", "2024-05", (), "", SourceType.PRESS)
    ((kind, fields),) = parse_bibtex(bibtex_entry(printed)).values()
    assert kind == "misc"
    assert "language" not in fields and "url" not in fields
    (item,) = json.loads(render([printed], CiteFormat.CSL_JSON))
    assert item["type"] == "document"
    assert "URL" not in item and "accessed" not in item


@given(text=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1))
def test_any_text_in_a_bibtex_field_balances_and_reads_back(text: str) -> None:
    title = text.strip() or "x"
    source = Source("any", title, title, title, "2024", ("en",))
    ((_, fields),) = parse_bibtex(bibtex_entry(source)).values()
    assert untex(fields["title"][1:-1]) == " ".join(title.split())
    assert _unescaped_specials(fields["institution"]) == []
    assert tex(title).count("{") == tex(title).count("}")


def _valid_date_parts(value: Any) -> dt.date:
    assert isinstance(value, dict) and list(value) == ["date-parts"]
    ((*parts,),) = value["date-parts"]
    assert 1 <= len(parts) <= 3 and all(isinstance(p, int) for p in parts)
    year, month, day = (*parts, 1, 1)[:3]
    return dt.date(year, month, day)  # raises for a month or day that does not exist


def test_csl_json_is_an_array_of_items_with_the_required_fields(cited: Dataset) -> None:
    items = json.loads(render(cited.sources, CiteFormat.CSL_JSON))
    assert isinstance(items, list)
    assert [item["id"] for item in items] == [s.id for s in cited.sources]
    for item, s in zip(items, cited.sources, strict=True):
        assert item["type"] in {"dataset", "report", "webpage", "document"}
        assert item["title"] == s.title_en
        assert item.get("original-title", s.title) == s.title
        assert item["publisher"] == s.publisher
        assert item["author"] == [{"literal": s.publisher}]
        issued = _valid_date_parts(item["issued"])
        assert issued.isoformat().startswith(s.published)
        assert len(item["issued"]["date-parts"][0]) == len(s.published.split("-"))
        assert item.get("URL", "") == s.url
        if s.retrieved:
            assert _valid_date_parts(item["accessed"]).isoformat() == s.retrieved
        else:
            assert "accessed" not in item
        assert item["language"] == s.languages[0]
    types = {item["id"]: item["type"] for item in items}
    assert types == {"stats-2024": "dataset", "wp-2023": "report", "news-2025": "webpage"}
    assert items[0]["original-title"] == "2024年甲市统计年鉴"


# ------------------------------------------------------------------ the command


def test_city_narrows_the_list_to_its_sources() -> None:
    # the sources of Shenzhen's figures, each once, in id order
    shenzhen = sorted({o.source for o in load().dataset.observations if o.city == "shenzhen"})
    assert "sz-ip-2024" in shenzhen and "sh-wp-2021" not in shenzhen
    code, out, err = run("cite", "--city", "shenzhen")
    assert (code, err) == (0, "")
    assert [line.split("]")[0].lstrip("[") for line in out.splitlines()] == shenzhen
    code, out, _ = run("cite", "--city", "shenzhen", "--format", "bibtex")
    assert list(parse_bibtex(out)) == shenzhen
    code, out, _ = run("cite", "-c", "sz", "-f", "csl-json")
    assert [item["id"] for item in json.loads(out)] == shenzhen
    code, out, _ = run("cite", "-c", "sz", "-y", "2024", "-f", "csl-json")
    assert [item["id"] for item in json.loads(out)] == ["sz-ip-2024"]


def test_every_option_of_the_selection_narrows_it(cited_path: Path) -> None:
    def ids(*options: str) -> list[str]:
        code, out, err = run("--data", str(cited_path), "cite", "-f", "csl-json", *options)
        assert (code, err) == (0, "")
        return [item["id"] for item in json.loads(out)]

    assert ids() == ["news-2025", "stats-2024", "wp-2023"]
    assert ids("--city", "beta") == ["news-2025"]
    assert ids("--metric", "widget_share") == ["wp-2023"]
    assert ids("--year", "2023") == ["stats-2024", "wp-2023"]
    assert ids("--from", "2023", "--to", "2023", "-c", "alpha") == ["stats-2024", "wp-2023"]
    assert ids("--category", "protection") == ["wp-2023"]


def test_the_shipped_sources_are_cited_without_invented_dates() -> None:
    code, out, _ = run("cite", "-f", "bibtex")
    assert code == 0
    entries = parse_bibtex(out)
    dataset = load().dataset
    assert set(entries) == {s.id for s in dataset.sources}
    # a retrieval date only where the source records one, never invented
    for source in dataset.sources:
        assert ("urldate" in entries[source.id][1]) == bool(source.retrieved), source.id
    white_paper = entries["sh-wp-2021"][1]
    assert white_paper["origtitle"] == "{2021年上海知识产权白皮书}"
    assert white_paper["language"] == "Chinese and English"
    code, out, _ = run("cite", "-f", "csl-json")
    retrieved = {s.id: s.retrieved for s in dataset.sources}
    assert all(("accessed" in item) == bool(retrieved[item["id"]]) for item in json.loads(out))


def test_an_empty_selection_is_one_error_line_and_status_1() -> None:
    code, out, err = run("cite", "--city", "shenzhen", "--year", "1990")
    assert (code, out) == (1, "")
    assert (
        err == "Error: no observations match these filters in the years asked for; data exists for "
        "2016, 2017, 2018, 2021, 2022, 2024\n"
    )


def test_an_unknown_format_is_a_usage_error() -> None:
    code, out, err = run("cite", "--format", "ris")
    assert (code, out) == (2, "")
    assert "'ris' is not one of text, bibtex, csl-json" in err


def test_the_command_offers_every_format_of_the_core() -> None:
    assert tuple(f.value for f in CiteFormat) == CITE_FORMATS


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("refs.bib", "bibtex"), ("refs.JSON", "csl-json"), ("refs.txt", "text"), ("refs", "text")],
)
def test_the_output_file_extension_chooses_the_format(tmp_path: Path, name: str, fmt: str) -> None:
    target = tmp_path / name
    code, _, _ = run("cite", "-c", "sz", "-o", str(target))
    assert code == 0
    assert target.read_text(encoding="utf-8") == run("cite", "-c", "sz", "-f", fmt)[1]


def test_a_format_that_contradicts_the_extension_is_refused(tmp_path: Path) -> None:
    code, out, err = run("cite", "-f", "text", "-o", str(tmp_path / "refs.bib"))
    assert (code, out) == (2, "")
    assert err == (
        "Error: --format text contradicts the file name 'refs.bib', which says bibtex: "
        "leave out --format or give the file another extension\n"
    )
    assert list(tmp_path.iterdir()) == []
    assert choose_format(CiteFormat.BIBTEX, Path("refs.bib")) is CiteFormat.BIBTEX
    assert choose_format(CiteFormat.CSL_JSON, Path("refs.txt")) is CiteFormat.CSL_JSON


def test_output_dash_is_stdout() -> None:
    assert run("cite", "-c", "sz", "-o", "-") == run("cite", "-c", "sz")


def test_output_file_holds_what_stdout_would(tmp_path: Path) -> None:
    target = tmp_path / "ipstats.bib"
    code, out, err = run("cite", "-c", "sh", "-f", "bibtex", "-o", str(target))
    count = len({o.source for o in load().dataset.observations if o.city == "shanghai"})
    assert (code, out, err) == (0, "", f"wrote {count} sources to {target}\n")
    assert target.read_text(encoding="utf-8") == run("cite", "-c", "sh", "-f", "bibtex")[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ipstats.bib"]


def test_a_failed_selection_leaves_the_output_file_alone(tmp_path: Path) -> None:
    target = tmp_path / "refs.txt"
    target.write_text("earlier\n", encoding="utf-8")
    code, _, err = run("cite", "-c", "sz", "-y", "1990", "-o", str(target))
    assert code == 1 and err.startswith("Error: ")
    assert target.read_text(encoding="utf-8") == "earlier\n"
    code, _, err = run("cite", "-o", str(tmp_path / "missing" / "refs.txt"))
    assert code == 1
    assert (
        err
        == f"Error: cannot write {tmp_path / 'missing' / 'refs.txt'}: directory {tmp_path / 'missing'} does not exist\n"
    )


def test_cite_writes_one_document_to_a_stream_or_a_file(cited: Dataset, tmp_path: Path) -> None:
    import io

    stream = io.StringIO()
    assert cite(cited, Filter(cities=("beta",)), "bibtex", None, stream) == ""
    assert list(parse_bibtex(stream.getvalue())) == ["news-2025"]
    target = tmp_path / "refs.json"
    said = cite(cited, Filter(), None, target, io.StringIO())
    assert said == f"wrote 3 sources to {target}"
    assert [item["id"] for item in json.loads(target.read_text(encoding="utf-8"))] == [
        "news-2025",
        "stats-2024",
        "wp-2023",
    ]


def test_cite_takes_every_selection_option_export_takes() -> None:
    import typer.main

    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]

    def options(name: str) -> set[str]:
        return {o for p in commands[name].params for o in p.opts if o.startswith("--")}

    own = {"--format", "--output", "--help"}
    export_only = {"--wide", "--no-sanitize", "--bom"}  # how export writes rows, not which
    assert options("export") - own - export_only <= options("cite")


def test_source_narrows_the_list_to_that_source() -> None:
    code, out, err = run("cite", "--source", "cnipa-yearbook-2023-pct", "-f", "csl-json")
    assert (code, err) == (0, "")
    assert [item["id"] for item in json.loads(out)] == ["cnipa-yearbook-2023-pct"]
    code, out, err = run("cite", "--source", "no-such-source")
    assert (code, out) == (2, "")
    assert err.startswith("Error: unknown source 'no-such-source'") and err.count("\n") == 1
