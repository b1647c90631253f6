"""Write synthetic ipstats datasets in the real schema, as YAML and as the same data in JSON.

The shape is the realistic one: many cities, each with yearly figures for many indicators, one
source document per city and year. The first two cities and the first indicator are those of
the shipped dataset, so the same questions (``compare shanghai shenzhen --metric pct``) can be
asked of every size. Output is deterministic for a given size and seed.

    python benchmarks/generate.py --size 100k --out-dir benchmarks/data
    python benchmarks/generate.py --all --out-dir benchmarks/data
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ipstats.model import SCHEMA_VERSION, Category, Measure, Unit

# observations = cities x indicators x years; 300 x 50 x 20 is the realistic ceiling
SIZES: dict[str, tuple[int, int, int]] = {
    "1k": (10, 5, 20),
    "10k": (50, 10, 20),
    "100k": (100, 50, 20),
    "300k": (300, 50, 20),
}
FIRST_YEAR = 2005

_UNITS = (Unit.COUNT, Unit.COUNT, Unit.COUNT, Unit.CNY, Unit.PERCENT, Unit.RANK, Unit.DAYS)
_MEASURE_OF = {
    Unit.COUNT: Measure.FLOW,
    Unit.CNY: Measure.FLOW,
    Unit.PERCENT: Measure.RATE,
    Unit.RANK: Measure.RANK,
    Unit.DAYS: Measure.RATE,
}


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def build(
    cities: int, indicators: int, years: int, seed: int = 1, long_notes: bool = False
) -> dict[str, Any]:
    """The dataset as plain data, in the order the YAML file lists it.

    With ``long_notes`` every observation has a note as long as the shipped dataset's longest
    (250 to 530 characters), as a curated file with a remark on every figure would.
    """
    rng = random.Random(seed)
    city_records: list[dict[str, Any]] = [
        {
            "id": "shanghai",
            "name": "Shanghai",
            "name_zh": "上海",
            "aliases": ["sh", "沪"],
            "kind": "city",
        },
        {
            "id": "shenzhen",
            "name": "Shenzhen",
            "name_zh": "深圳",
            "aliases": ["sz", "深"],
            "kind": "city",
        },
    ]
    for n in range(len(city_records), cities):
        city_records.append(
            {
                "id": f"city-{n:03d}",
                "name": f"City {n:03d}",
                "name_zh": f"城市{n:03d}",
                "aliases": [f"c{n:03d}"],
                "kind": "city",
            }
        )
    categories = list(Category)
    indicator_records: list[dict[str, Any]] = [
        {
            "id": "pct_applications",
            "name": "PCT international patent applications",
            "aliases": ["pct"],
            "category": Category.CREATION.value,
            "unit": Unit.COUNT.value,
            "measure": Measure.FLOW.value,
            "description": "International patent applications filed during the year under the PCT.",
        }
    ]
    for n in range(1, indicators):
        unit = _UNITS[n % len(_UNITS)]
        indicator_records.append(
            {
                "id": f"indicator_{n:02d}",
                "name": f"Synthetic indicator {n:02d}",
                "aliases": [f"ind{n:02d}"],
                "category": categories[n % len(categories)].value,
                "unit": unit.value,
                "measure": _MEASURE_OF[unit].value,
                "description": f"A synthetic indicator measured in {unit.value} (benchmark data).",
            }
        )
    year_list = range(FIRST_YEAR, FIRST_YEAR + years)
    source_records = [
        {
            "id": f"{c['id']}-report-{y}",
            "title": f"{c['name_zh']}{y}年知识产权白皮书",
            "title_en": f"Intellectual property in {c['name']} in {y}",
            "publisher": f"{c['name']} Intellectual Property Office",
            "published": f"{y + 1}-04",
            "languages": ["zh", "en"],
        }
        for c in city_records
        for y in year_list
    ]
    observations = list(_observations(rng, city_records, indicator_records, year_list))
    if long_notes:
        for record in observations:
            record["note"] = _long_note(rng)
    return {
        "schema_version": SCHEMA_VERSION,
        "sources": source_records,
        "cities": city_records,
        "indicators": indicator_records,
        "observations": observations,
    }


def _observations(
    rng: random.Random,
    cities: list[dict[str, Any]],
    indicators: list[dict[str, Any]],
    years: range,
) -> Iterator[dict[str, Any]]:
    qualifiers = ["exact"] * 17 + ["more_than", "about", "nearly"]
    for indicator in indicators:
        unit = indicator["unit"]
        for city in cities:
            previous: float | int | None = None
            for year in years:
                if unit == Unit.PERCENT.value:
                    value: float | int = round(rng.uniform(1, 60), 1)
                elif unit == Unit.RANK.value:
                    value = rng.randint(1, 200)
                elif unit == Unit.DAYS.value:
                    value = rng.randint(20, 400)
                else:
                    base = previous if isinstance(previous, int) else rng.randint(1_000, 90_000)
                    value = max(1, int(base * rng.uniform(0.9, 1.25)))
                record: dict[str, Any] = {
                    "indicator": indicator["id"],
                    "city": city["id"],
                    "year": year,
                    "value": value,
                    "qualifier": rng.choice(qualifiers),
                    "period": "year",
                    "source": f"{city['id']}-report-{year}",
                    "locator": f"Table {rng.randint(1, 12)}, row {rng.randint(1, 40)}",
                }
                # a stated change that agrees with the two values, where both are exact
                if unit == Unit.COUNT.value and isinstance(previous, int) and year % 3 == 0:
                    record["yoy"] = {"percent": round((value / previous - 1) * 100, 2)}
                    record["qualifier"] = "exact"
                if year % 7 == 0:
                    record["note"] = "Synthetic figure; the report rounds to the nearest unit."
                previous = value
                yield record


_TEXT = (
    "the report states the figure for the year in its table of indicators and rounds it to the "
    "nearest unit; the Chinese and English editions agree, though the English one names the "
    "office differently and gives the previous year's value in a footnote that is not stored "
    "here because its period is not stated; stored as a flow during the calendar year"
)
_WORDS = _TEXT.split()


def _long_note(rng: random.Random) -> str:
    words: list[str] = []
    target = rng.randint(250, 530)
    while sum(len(w) + 1 for w in words) < target:
        words.append(rng.choice(_WORDS))
    return " ".join(words).capitalize() + "."


def _yaml_value(value: Any) -> str:
    if isinstance(value, str):
        return _q(value)
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml_value(v)}" for k, v in value.items()) + "}"
    return str(value)


def write_yaml(document: dict[str, Any], path: Path) -> None:
    """Block-style YAML like the shipped dataset: one field per line."""
    with path.open("w", encoding="utf-8") as out:
        out.write("# Synthetic ipstats dataset written by benchmarks/generate.py\n")
        out.write(f"schema_version: {document['schema_version']}\n")
        for section in ("sources", "cities", "indicators", "observations"):
            out.write(f"\n{section}:\n")
            for record in document[section]:
                lead = "  - "
                for key, value in record.items():
                    out.write(f"{lead}{key}: {_yaml_value(value)}\n")
                    lead = "    "


def write_json(document: dict[str, Any], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        json.dump(document, out, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), action="append", default=[])
    parser.add_argument("--all", action="store_true", help="Every size.")
    parser.add_argument("--out-dir", type=Path, default=Path("benchmarks/data"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-json", action="store_true", help="Only the YAML files.")
    parser.add_argument(
        "--long-notes", action="store_true", help="A long note on every observation (obs-N-notes)."
    )
    args = parser.parse_args(argv)
    sizes = list(SIZES) if args.all else args.size
    if not sizes:
        parser.error("give --size (repeatable) or --all")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        document = build(*SIZES[size], seed=args.seed, long_notes=args.long_notes)
        name = f"obs-{size}-notes" if args.long_notes else f"obs-{size}"
        yaml_path = args.out_dir / f"{name}.yaml"
        write_yaml(document, yaml_path)
        written = [yaml_path]
        if not args.no_json:
            json_path = args.out_dir / f"{name}.json"
            write_json(document, json_path)
            written.append(json_path)
        for path in written:
            print(
                f"{path}: {len(document['observations'])} observations, {path.stat().st_size:,} bytes"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
