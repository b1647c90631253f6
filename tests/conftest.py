"""Shared fixtures: small datasets written for the test, and a CLI runner."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from ipstats.datafile import load
from ipstats.model import Dataset

HEADER = """\
schema_version: 1
sources:
  - id: src-a
    title: 甲报告
    title_en: Report A
    publisher: Office A
    published: "2024-04"
    languages: [zh, en]
  - id: src-b
    title: Report B
    title_en: Report B
    publisher: Office B
    published: "2025"
    languages: [en]
cities:
  - id: alpha
    name: Alpha
    name_zh: 甲城
    aliases: [al, 甲]
    kind: city
  - id: beta
    name: Beta
    name_zh: 乙城
    aliases: [bt]
    kind: city
  - id: nation
    name: Nation
    name_zh: 全国
    kind: country
indicators:
  - id: widgets_granted
    name: Widgets granted
    aliases: [widgets]
    category: creation
    unit: count
    measure: flow
    description: Widgets granted during the year.
  - id: valid_widgets
    name: Valid widgets
    category: creation
    unit: count
    measure: stock
    description: Widgets in force at the end of the year.
  - id: widget_share
    name: Widget share
    category: protection
    unit: percent
    measure: rate
    description: Share of widget cases among all cases.
  - id: cluster_rank
    name: Cluster rank
    aliases: [rank]
    category: creation
    unit: rank
    measure: rank
    description: Rank of the place's cluster in a global list.
  - id: funding_amount
    name: Funding amount
    category: utilization
    unit: cny
    measure: flow
    description: Money raised during the year.
"""

OBSERVATIONS = """\
observations:
  - {indicator: widgets_granted, city: alpha, year: 2021, value: 100, qualifier: exact, period: year, source: src-a, locator: Part 1}
  - {indicator: widgets_granted, city: alpha, year: 2022, value: 110, qualifier: exact, period: year, yoy: {percent: 10}, source: src-a, locator: Part 1}
  - {indicator: widgets_granted, city: alpha, year: 2024, value: 121, qualifier: exact, period: year, yoy: {percent: 10}, source: src-b, locator: Part 2}
  - {indicator: widgets_granted, city: beta, year: 2024, value: 242, qualifier: exact, period: year, source: src-b, locator: Part 3}
  - {indicator: valid_widgets, city: alpha, year: 2024, value: 5000, qualifier: more_than, period: year_end, source: src-b, locator: Part 2}
  - {indicator: valid_widgets, city: beta, year: 2024, value: 4000, qualifier: exact, period: year_end, source: src-b, locator: Part 3}
  - {indicator: widget_share, city: alpha, year: 2022, value: 5.3, qualifier: exact, period: year, source: src-a, locator: Part 4}
  - {indicator: widget_share, city: alpha, year: 2023, value: 9.4, qualifier: exact, period: year, source: src-a, locator: Part 4}
  - {indicator: cluster_rank, city: alpha, year: 2020, value: 9, qualifier: exact, period: year, scope: Alpha-Gamma cluster, source: src-a, locator: Part 5}
  - {indicator: cluster_rank, city: alpha, year: 2021, value: 8, qualifier: exact, period: year, scope: Alpha-Gamma cluster, source: src-a, locator: Part 5}
  - {indicator: cluster_rank, city: beta, year: 2021, value: 2, qualifier: exact, period: year, scope: Beta-Delta cluster, source: src-b, locator: Part 5}
  - {indicator: funding_amount, city: beta, year: 2025, value: 3353000000, qualifier: exact, period: as_of, as_of: "2025-04-21", source: src-b, locator: Part 6}
  - {indicator: funding_amount, city: alpha, year: 2025, value: 1000000000, qualifier: exact, period: year, source: src-b, locator: Part 6}
"""

TINY = HEADER + OBSERVATIONS


@pytest.fixture
def write_dataset(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML text (dedented) to a file and return its path."""

    def write(text: str, name: str = "data.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def tiny_path(write_dataset: Callable[[str], Path]) -> Path:
    return write_dataset(TINY, "tiny.yaml")


@pytest.fixture
def tiny(tiny_path: Path) -> Dataset:
    return load(tiny_path).dataset


@pytest.fixture(scope="session")
def session_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache directory for the whole run, so that no test writes to the user's cache."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch, session_cache_dir: Path) -> None:
    """Tests see the shipped dataset and a fixed terminal width unless they say otherwise."""
    monkeypatch.delenv("IPSTATS_DATA", raising=False)
    monkeypatch.setenv("IPSTATS_CACHE_DIR", str(session_cache_dir))
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.delenv("NO_COLOR", raising=False)


# A schema-version-2 dataset whose sources have addresses, kinds and retrieval dates and whose
# observations record the figure as printed; its texts hold what citations must escape.
CITED = """\
schema_version: 2
sources:
  - id: stats-2024
    title: "2024年甲市统计年鉴"
    title_en: "Alpha Statistical Yearbook 2024 {tables} & 100% data"
    publisher: Alpha Bureau of Statistics & Survey
    published: "2024-09-15"
    languages: [zh]
    url: https://stats.example.org/yearbook/2024?lang=zh&part=1
    type: statistics
    retrieved: "2025-03-02"
  - id: wp-2023
    title: Alpha White Paper 2023
    title_en: Alpha White Paper 2023
    publisher: Alpha IP Office
    published: "2024-04"
    languages: [en]
  - id: news-2025
    title: "Beta widgets up_10% on #1 day"
    title_en: "Beta widgets up_10% on #1 day"
    publisher: Beta Daily
    published: "2025"
    languages: [en]
    url: https://news.example.com/beta/widgets
    type: press
    retrieved: "2025-06-30"
cities:
  - {id: alpha, name: Alpha, name_zh: 甲城, aliases: [al], kind: city}
  - {id: beta, name: Beta, name_zh: 乙城, kind: city}
indicators:
  - id: widgets_granted
    name: Widgets granted
    category: creation
    unit: count
    measure: flow
    description: Widgets granted during the year.
  - id: widget_share
    name: Widget share
    category: protection
    unit: percent
    measure: rate
    description: Share of widget cases among all cases.
observations:
  - {indicator: widgets_granted, city: alpha, year: 2023, value: 179300, printed: 17.93万, qualifier: exact, period: year, source: stats-2024, locator: Table 3}
  - {indicator: widgets_granted, city: alpha, year: 2022, value: 6822, printed: "6,822", qualifier: exact, period: year, source: wp-2023, locator: Part 1}
  - {indicator: widget_share, city: alpha, year: 2023, value: 34.8, printed: 34.8 percent, qualifier: exact, period: year, source: wp-2023, locator: Part 2}
  - {indicator: widgets_granted, city: beta, year: 2024, value: 3000, printed: 3000余, qualifier: more_than, period: year, source: news-2025, locator: Paragraph 2}
"""


@pytest.fixture
def cited_path(write_dataset: Callable[[str], Path]) -> Path:
    return write_dataset(CITED, "cited.yaml")


@pytest.fixture
def cited(cited_path: Path) -> Dataset:
    return load(cited_path).dataset


# Several sources stating one figure: of every type and of dates that order them, agreeing
# (within rounding, or as a bound) and disagreeing, and ties broken by the qualifier and the id.
SOURCED = """\
schema_version: 2
sources:
  - {id: stat-2024, title: Yearbook 2024, title_en: Yearbook 2024, publisher: Statistics Office,
     published: "2024-06", languages: [en], type: statistics}
  - {id: stat-2023, title: Yearbook 2023, title_en: Yearbook 2023, publisher: Statistics Office,
     published: "2023-06", languages: [en], type: statistics}
  - {id: wp-2023, title: White paper 2022, title_en: White paper 2022, publisher: City Office,
     published: "2023-04-26", languages: [en], type: report}
  - {id: wp-2024, title: White paper 2023, title_en: White paper 2023, publisher: City Office,
     published: "2024-04-26", languages: [en], type: report}
  - {id: press-2024, title: News, title_en: News, publisher: A newspaper,
     published: "2024-05-01", languages: [en], type: press}
  - {id: rep-x, title: Report X, title_en: Report X, publisher: Office X,
     published: "2024", languages: [en]}
  - {id: rep-y, title: Report Y, title_en: Report Y, publisher: Office Y,
     published: "2024", languages: [en]}
cities:
  - {id: alpha, name: Alpha, name_zh: 甲城, aliases: [], kind: city}
  - {id: beta, name: Beta, name_zh: 乙城, aliases: [], kind: city}
indicators:
  - {id: pct, name: PCT applications, aliases: [], category: creation, unit: count,
     measure: flow, description: PCT applications filed in the year.}
  - {id: apps, name: Applications, aliases: [], category: creation, unit: count,
     measure: flow, description: Applications filed in the year.}
  - {id: share, name: Share, aliases: [], category: creation, unit: percent,
     measure: rate, description: A share of the whole.}
observations:
  # a report and the statistics disagree by one: the statistics are primary
  - {indicator: pct, city: alpha, year: 2022, value: 5591, qualifier: exact, period: year,
     source: wp-2023, locator: p. 2}
  - {indicator: pct, city: alpha, year: 2022, value: 5590, qualifier: exact, period: year,
     source: stat-2024, locator: T6}
  # the same figure twice: nothing to say
  - {indicator: pct, city: alpha, year: 2023, value: 6185, printed: "6,185", qualifier: exact,
     period: year, source: wp-2024, locator: p. 3, yoy: {percent: 10.6}}
  - {indicator: pct, city: alpha, year: 2023, value: 6185, qualifier: exact, period: year,
     source: stat-2024, locator: T6}
  # two yearbooks: the newer is primary
  - {indicator: pct, city: beta, year: 2022, value: 1100, qualifier: exact, period: year,
     source: stat-2023, locator: T6}
  - {indicator: pct, city: beta, year: 2022, value: 1000, qualifier: exact, period: year,
     source: stat-2024, locator: T6}
  # equal type and date: the exact figure before the bound, which it agrees with
  - {indicator: pct, city: beta, year: 2023, value: 1200, printed: more than 1200,
     qualifier: more_than, period: year, source: rep-x, locator: p. 1}
  - {indicator: pct, city: beta, year: 2023, value: 1234, qualifier: exact, period: year,
     source: rep-y, locator: p. 1}
  # equal in everything but the id
  - {indicator: pct, city: beta, year: 2021, value: 900, qualifier: exact, period: year,
     source: rep-y, locator: p. 1}
  - {indicator: pct, city: beta, year: 2021, value: 900, qualifier: exact, period: year,
     source: rep-x, locator: p. 1}
  # rounded in a newspaper, exact in the report: they agree, the report is primary
  - {indicator: apps, city: alpha, year: 2023, value: 226100, printed: 22.61万, qualifier: exact,
     period: year, source: press-2024, locator: para. 2}
  - {indicator: apps, city: alpha, year: 2023, value: 226113, qualifier: exact, period: year,
     source: wp-2024, locator: p. 4}
  - {indicator: share, city: alpha, year: 2023, value: 34.8, qualifier: exact, period: year,
     source: press-2024, locator: para. 3}
  - {indicator: share, city: alpha, year: 2023, value: 34.79, qualifier: exact, period: year,
     source: wp-2024, locator: p. 5}
"""


@pytest.fixture
def sourced_path(write_dataset: Callable[[str], Path]) -> Path:
    return write_dataset(SOURCED, "sourced.yaml")


@pytest.fixture
def sourced(sourced_path: Path) -> Dataset:
    return load(sourced_path).dataset
