"""Every shipped figure, as printed, stands in its source document, in the section it names.

The source texts are not part of the repository: they are read from ``../shared/sources`` beside
the checkout (or from the directory named by IPSTATS_SOURCES); without them these tests skip.
The official pages in its ``official`` directory are matched to sources by their URL. The data
checked is the shipped dataset, or the file named by IPSTATS_DATA.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest

from ipstats.datafile import choose_path, load
from ipstats.model import Dataset, Observation
from ipstats.names import fold
from ipstats.printed import normalise

CHECKOUT = Path(__file__).resolve().parents[1]
SOURCES = Path(os.environ.get("IPSTATS_SOURCES", CHECKOUT.parent / "shared" / "sources"))

# Which stored text is which source (see INDEX.md beside the texts).
FILES = {
    "sh-wp-2023": "000_3cb6c642730af1db.txt",
    "sh-wp-2021": "001_e78f9cbde4d6885c.txt",
    "sh-brief-2025": "002_268c87cbd01144f5.txt",
    "sz-ip-2024": "003_767a9d03572bcdb3.txt",
    "sh-proc-2023": "004_378a394f6912b650.txt",
}

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}
_CHINESE = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PART = re.compile(r"^\s*(?:(?P<roman>[IVX]+)\.|(?P<chinese>[一二三四五六七八九])、)")
_SUBPART = re.compile(r"^\s*\((?P<roman>[IVX]+)\)")
_LOCATED = re.compile(r"Part (?P<part>[IVX]+)(?:\((?P<sub>[IVX]+)\))?")
# What may not follow a figure in the text for it to be the whole figure: more digits, a
# decimal or thousands part, a multiplier, a percent sign or 余/多 that the printed form left out.
_CONTINUES = (
    r"(?!\s*(?:\d|[.,、]\d|万|亿|千|余|多|%|个百分点|thousand|million|billion|trillion|percent))"
)

needs_sources = pytest.mark.skipif(
    not SOURCES.is_dir(),
    reason=f"the source texts are not here ({SOURCES}); they live in ../shared/sources beside "
    "the checkout, or set IPSTATS_SOURCES to their directory",
)


def squeeze(text: str) -> str:
    """Text folded for comparison: full-width forms as ASCII, Chinese commas as commas, runs of
    white space as one space."""
    return normalise(text).replace("，", ",")


def _figure_pattern(printed: str) -> re.Pattern[str]:
    """The printed figure as a whole figure in a text that may break or space it anywhere (the
    texts break lines and space digits from characters at random)."""
    chars = [c for c in squeeze(printed) if c != " "]
    body = r"\s*".join(map(re.escape, chars))
    before = r"(?<![A-Za-z])" if chars[0].isascii() and chars[0].isalpha() else ""
    after = r"(?![A-Za-z])" if chars[-1].isascii() and chars[-1].isalpha() else ""
    return re.compile(rf"(?<!\d)(?<!\d[.,、]){before}{body}{after}{_CONTINUES}", re.IGNORECASE)


@cache
def lines_of(source_id: str) -> tuple[str, ...]:
    return tuple((SOURCES / FILES[source_id]).read_text(encoding="utf-8").splitlines())


@cache
def parts_of(source_id: str) -> dict[tuple[int, int | None], tuple[str, ...]]:
    """The texts of each part (and each lettered subpart) of a document; a bilingual document
    has two texts per part."""
    found: dict[tuple[int, int | None], list[str]] = {}
    part: int | None = None
    sub: int | None = None
    opening: list[str] = []
    for line in lines_of(source_id):
        heading = _PART.match(line)
        if part is None and not heading:
            opening.append(line)
        if heading:
            part = _ROMAN.get(heading["roman"] or "") or _CHINESE.get(heading["chinese"] or "")
            sub = None
            found.setdefault((part, None), []).append("") if part else None
        subheading = _SUBPART.match(line)
        if subheading and part:
            sub = _ROMAN[subheading["roman"]]
            found.setdefault((part, sub), []).append("")
        if part:
            found[(part, None)][-1] += line + "\n"
            if sub:
                found[(part, sub)][-1] += line + "\n"
    if found:  # the text before the first part is the opening summary
        found[(0, None)] = ["\n".join(opening)]
    return {key: tuple(squeeze(text) for text in texts) for key, texts in found.items()}


def stands_in(printed: str, text: str) -> bool:
    """Whether the printed figure occurs in the folded text as a whole figure."""
    return _figure_pattern(printed).search(text) is not None


def sections_named(o: Observation) -> list[tuple[str, ...]]:
    """The texts of the sections the locator names that the document has (none: not checked)."""
    parts = parts_of(o.source)
    named = []
    if o.locator.startswith("Opening summary") and (0, None) in parts:
        named.append(parts[(0, None)])
    for match in _LOCATED.finditer(o.locator):
        key = (_ROMAN[match["part"]], _ROMAN[match["sub"]] if match["sub"] else None)
        if key in parts:
            named.append(parts[key])
    return named


# Chosen at import: the suite's fixtures clear IPSTATS_DATA around each test.
DATA = choose_path()


@cache
def shipped() -> Dataset:
    return load(DATA, use_cache=False).dataset


def observations() -> Iterator[Observation]:
    """The shipped observations from the stored texts that say how they are printed."""
    yield from (o for o in shipped().observations if o.source in FILES and o.printed)


def test_every_source_without_a_url_has_a_stored_text() -> None:
    assert {s.id for s in shipped().sources if not s.url} <= set(FILES)


@needs_sources
def test_every_printed_figure_stands_in_its_source() -> None:
    absent = [
        f"{o.indicator}/{o.city}/{o.year}: {o.printed!r} is not in {FILES[o.source]}"
        for o in observations()
        if not stands_in(o.printed, squeeze("\n".join(lines_of(o.source))))
    ]
    assert absent == []


@needs_sources
def test_every_printed_figure_stands_in_the_section_its_locator_names() -> None:
    elsewhere = [
        f"{o.indicator}/{o.city}/{o.year}: {o.printed!r} is not in {o.locator!r}"
        for o in observations()
        if (named := sections_named(o))
        and not any(stands_in(o.printed, text) for texts in named for text in texts)
    ]
    assert elsewhere == []


@needs_sources
def test_the_section_finder_finds_the_parts_of_every_document_with_parts() -> None:
    # A heading pattern that stopped matching would silently turn the section check off.
    counted = {source: len({p for p, _ in parts_of(source) if p}) for source in FILES}
    assert counted == {
        "sh-wp-2023": 6,
        "sh-wp-2021": 7,
        "sh-brief-2025": 0,
        "sz-ip-2024": 7,
        "sh-proc-2023": 6,
    }


@pytest.mark.parametrize(
    ("printed", "text", "expected"),
    [
        ("6,822", "reached 6,822 pieces", True),
        ("6,822", "reached 16,822 pieces", False),
        ("6,822", "reached 6,822,000 pieces", False),
        ("17.93万", "达 17.93 万件", True),
        ("1.2万", "1.2万余件", False),
        ("2.7893 million", "2.7893\nmillion", True),
        ("34.8%", "34.8％", True),
        ("3", "3.5%", False),
    ],
)
def test_a_figure_stands_in_a_text_only_as_a_whole_figure(
    printed: str, text: str, expected: bool
) -> None:
    assert stands_in(printed, squeeze(text)) is expected


# ----------------------------------------------------------------------------- official pages

OFFICIAL = SOURCES / "official"
needs_official = pytest.mark.skipif(
    not OFFICIAL.is_dir(),
    reason=f"the official pages are not here ({OFFICIAL}); they live in "
    "../shared/sources/official beside the checkout, or under IPSTATS_SOURCES",
)
_URL = re.compile(r"^url: (?P<url>\S+)\s*$", re.MULTILINE)
_ROW = re.compile(r"\brow\s+(?P<row>[^,;]+)", re.IGNORECASE)
# Row labels of the CNIPA tables besides place names: the totals, their parts and the blocks
# they stand in. A row's record runs from its name to the next of these or the next place.
TABLE_LABELS = (
    "Total of Domestic Applications",
    "Total of Foreign Applications",
    "Total",
    "Sub-total",
    "Service",
    "Non-service",
    "Domestic",
    "Foreign",
    "Invention",
    "Utility Model",
    "Design",
    "XPCC",
    "Xinjiang bingtua",
    "全国总计",
    "合计",
    "国内小计",
    "国外小计",
    "Note:",
)


class Official(NamedTuple):
    file: str
    body: str  # the text after the header's `---` line
    extract: bool  # a figures extract of a prose page, one `printed | ...` line per figure
    title: str = ""  # the page's title as printed (the header's `title:` line)


@cache
def official_pages() -> dict[str, Official]:
    """The stored official pages by the URL their header names."""
    pages = {}
    for path in sorted(OFFICIAL.glob("*.txt")):
        header, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        match = _URL.search(header)
        if match:
            extract = re.search(r"^body: figures extracted", header, re.MULTILINE) is not None
            title = re.search(r"^title: (.*)$", header, re.MULTILINE)
            pages[match["url"]] = Official(path.name, body, extract, title[1] if title else "")
    return pages


def page_of(o: Observation) -> Official | None:
    return official_pages().get(shipped().source(o.source).url)


def official_observations() -> Iterator[tuple[Observation, Official]]:
    for o in shipped().observations:
        page = page_of(o)
        if page is not None:
            yield o, page


def _apostrophes(text: str) -> str:
    return text.replace("’", "'")


def _name_pattern(name: str) -> str:
    words = squeeze(_apostrophes(name)).split()
    before = r"(?<![A-Za-z])" if words[0][0].isascii() and words[0][0].isalpha() else ""
    after = r"(?![A-Za-z])" if words[-1][-1].isascii() and words[-1][-1].isalpha() else ""
    return before + r"[\s|]*".join(map(re.escape, words)) + after


@cache
def _row_boundary(names: tuple[str, ...]) -> re.Pattern[str]:
    every = sorted(set(names), key=len, reverse=True)
    return re.compile("|".join(_name_pattern(n) for n in every), re.IGNORECASE)


@cache
def row_records(
    body: str, row: str, synonyms: tuple[str, ...], names: tuple[str, ...]
) -> list[str]:
    """The text after each occurrence of the row's name up to the next row name (a place or a
    table label). A name right after the row's name, or another name of the same row, is part
    of the row's name (the yearbooks name a row in Chinese and in English)."""
    text = _apostrophes(squeeze(body))
    same = {fold(_apostrophes(n)) for n in (row, *synonyms)}
    boundary = _row_boundary(names)
    records = []
    for start in re.finditer(_name_pattern(row), text, re.IGNORECASE):
        begin, end = start.end(), len(text)
        for match in boundary.finditer(text, start.end()):
            if fold(_apostrophes(match[0])) in same or not text[begin : match.start()].strip(" |"):
                begin = max(begin, match.end())
                continue
            end = match.start()
            break
        records.append(text[begin:end])
    return records


def cells(text: str) -> list[str]:
    """The cells of a stored table: its text split at white space and the yearbooks' pipes."""
    return [cell for cell in re.split(r"[\s|]+", squeeze(text)) if cell]


def in_table(printed: str, text: str) -> bool:
    """Whether the printed figure is a whole cell of the table text."""
    return squeeze(printed) in cells(text)


def row_of(locator: str) -> str | None:
    """The row a locator names, without a gloss in parentheses ("Sub-total (Domestic)")."""
    match = _ROW.search(locator)
    return re.sub(r"\s*\([^)]*\)", "", match["row"]).strip() if match else None


# How an extract's qualifier column reads as an observation's qualifier ("rounded": a rounded
# figure printed without a qualifying word, stored as exact with a note).
_EXTRACT_QUALIFIERS = {
    "exact": "exact",
    "rounded": "exact",
    "more than": "more_than",
    "about": "about",
    "nearly": "nearly",
}


def _bare(printed: str) -> str:
    """The printed figure without its qualifying words, which an extract keeps in its own
    column ("exceeded 460,000" -> "460,000", "3000余" -> "3000")."""
    text = re.sub(r"^\D*?(?=\d)", "", squeeze(printed))
    return re.sub(r"(?<=\d)[余多]", "", text)


_LINES = re.compile(r"extract lines? (?P<first>\d+)(?:\s*(?:-|and)\s*(?P<last>\d+))?")


def named_lines(locator: str, count: int) -> list[int]:
    """The extract lines (1-based) a locator names ("extract lines 3-4", "extract lines 1 and
    3", "extract line 5"); every line when it names none."""
    named = _LINES.search(locator)
    if named is None:
        return list(range(1, count + 1))
    first, last = int(named["first"]), named["last"]
    if last is None:
        return [first]
    if "-" in named[0]:
        return list(range(first, int(last) + 1))
    return [first, int(last)]


def extract_line(o: Observation, page: Official) -> list[str] | None:
    """The columns of the extract line that holds the observation's figure: its printed column
    holds the printed figure, or the figure without qualifying words. Where the locator names
    extract lines, only those."""
    lines = page.body.splitlines()
    for number in named_lines(o.locator, len(lines)):
        if number > len(lines):
            continue
        columns = [c.strip() for c in lines[number - 1].split("|")]
        if any(stands_in(f, squeeze(columns[0])) for f in {o.printed, _bare(o.printed)}):
            return columns
    return None


def row_names() -> tuple[str, ...]:
    return (*TABLE_LABELS, *(n for c in shipped().cities for n in c.names))


def place_names(o: Observation) -> tuple[str, ...]:
    return () if o.city == "china" else shipped().city(o.city).names


@needs_sources
@needs_official
def test_every_source_is_matched_to_a_stored_text() -> None:
    unmatched = [
        s.id for s in shipped().sources if s.id not in FILES and s.url not in official_pages()
    ]
    assert unmatched == []
    assert [o for o in shipped().observations if not o.printed] == []


@needs_sources
@needs_official
def test_every_printed_figure_stands_in_its_official_page() -> None:
    absent = [
        f"{o.indicator}/{o.city}/{o.year}: {o.printed!r} is not in {page.file}"
        for o, page in official_observations()
        if not (
            extract_line(o, page) is not None if page.extract else in_table(o.printed, page.body)
        )
        and not in_title(o, page)
    ]
    assert absent == []


def in_title(o: Observation, page: Official) -> bool:
    """A figure the locator places in the page's title ("Ranks Top Nationwide"), found there."""
    return o.locator.startswith("Title") and stands_in(o.printed, squeeze(page.title))


@needs_sources
@needs_official
def test_every_figure_of_an_extract_has_the_qualifier_its_line_gives() -> None:
    disagree = [
        f"{o.indicator}/{o.city}/{o.year}: {o.printed!r} is {o.qualifier.value}, "
        f"{page.file} says {line[4]!r}"
        for o, page in official_observations()
        if page.extract
        and (line := extract_line(o, page)) is not None
        and len(line) > 4
        and _EXTRACT_QUALIFIERS.get(line[4]) != o.qualifier.value
    ]
    assert disagree == []


@needs_sources
@needs_official
def test_every_table_figure_stands_in_the_row_its_locator_names() -> None:
    names = tuple(sorted(set(row_names())))
    checked, elsewhere = 0, []
    for o, page in official_observations():
        row = row_of(o.locator)
        if page.extract or row is None:
            continue
        checked += 1
        records = row_records(page.body, row, place_names(o), names)
        if not any(in_table(o.printed, record) for record in records):
            found = "found" if records else "not found"
            elsewhere.append(
                f"{o.indicator}/{o.city}/{o.year}: {o.printed!r} is not in row "
                f"{row!r} of {page.file} (row {found})"
            )
    assert elsewhere == []
    tables = [o for o, page in official_observations() if not page.extract]
    assert checked == len(tables)


FLATTENED = (
    "Region\n\nTotal\n\nGuangdong\n\n2717\n\n23574\n\nGuizhou\n\n3\n\n22\n\nXi’an\n\n8\n\n138"
)
LINES = "全国总计 total 180042 558791\n北京 beijing 28774 32616\n天津 tianjin 4919 11542\n"
PIPES = "国内小计Sub-total | 51893 | 69115 |\n北京 | Beijing | 6527 | 11463 |\n"


@pytest.mark.parametrize(
    ("locator", "lines"),
    [
        ("Text, trademarks (extract line 10)", [10]),
        ("Part I, patents (extract lines 1 and 3)", [1, 3]),
        ("Text (extract lines 4-6)", [4, 5, 6]),
        ("Opening summary", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
    ],
)
def test_a_locator_names_extract_lines_by_number(locator: str, lines: list[int]) -> None:
    assert named_lines(locator, 12) == lines


@pytest.mark.parametrize(
    ("body", "row", "synonyms", "printed", "expected"),
    [
        (FLATTENED, "Guangdong", (), "23574", True),
        (FLATTENED, "Guangdong", (), "22", False),
        (FLATTENED, "Guizhou", (), "22", True),
        (FLATTENED, "Xi'an", ("xian",), "138", True),
        (LINES, "北京", ("beijing",), "32616", True),
        (LINES, "beijing", ("北京",), "4919", False),
        (LINES, "全国总计", (), "558791", True),
        (PIPES, "国内小计", (), "69115", True),
        (PIPES, "Beijing", ("北京",), "51893", False),
    ],
)
def test_a_row_record_runs_from_its_name_to_the_next_row_name(
    body: str, row: str, synonyms: tuple[str, ...], printed: str, expected: bool
) -> None:
    names = (*TABLE_LABELS, "Guangdong", "Guizhou", "Xi'an", "北京", "beijing", "天津", "tianjin")
    records = row_records(body, row, synonyms, names)
    assert records
    assert any(in_table(printed, record) for record in records) is expected
