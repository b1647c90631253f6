"""Every shipped figure, as printed, stands in its source document, in the section it names.

The source texts are not part of the repository: they are read from ``../shared/sources`` beside
the checkout (or from the directory named by IPSTATS_SOURCES); without them these tests skip.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from ipstats.datafile import default_path, load
from ipstats.model import Dataset, Observation
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


@cache
def shipped() -> Dataset:
    return load(default_path(), use_cache=False).dataset


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
