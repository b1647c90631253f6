"""Exporting observations: a long or wide table to a stream or file, a SQLite file, a data package."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from ipstats.atomic import write_chunks
from ipstats.errors import UsageError
from ipstats.formats import Format, serialise
from ipstats.listing import observations_table
from ipstats.model import Dataset
from ipstats.query import Filter, primaries, require, select, source_lines
from ipstats.table import Column, Kind, Table
from ipstats.terms import PLAIN, Terms


@dataclass(frozen=True, slots=True)
class Written:
    """What an export wrote to a file: how many rows or observations, and where."""

    count: int
    things: str
    path: Path

    def __str__(self) -> str:
        return f"wrote {self.count} {self.things} to {self.path}"


# What a file's extension says it holds (a directory holds a Data Package).
EXTENSIONS = {
    ".csv": Format.CSV,
    ".tsv": Format.TSV,
    ".json": Format.JSON,
    ".jsonl": Format.JSONL,
    ".yaml": Format.YAML,
    ".yml": Format.YAML,
    ".md": Format.MARKDOWN,
    ".db": Format.SQLITE,
    ".sqlite": Format.SQLITE,
}
STDOUT = Path("-")
# The formats a byte-order mark may begin: in JSON and YAML it is not allowed or not expected.
BOM_FORMATS = (Format.CSV, Format.TSV, Format.MARKDOWN)


def chosen_format(
    fmt: Format | None, output: Path | None, terms: Terms = PLAIN
) -> tuple[Format, Path | None]:
    """The format and the file an export writes: the format named, else the one the output's
    extension says (an existing directory: a Data Package), else CSV; ``-`` is standard output
    (None). An output whose extension is unknown, or says another format than the one named,
    is refused."""
    if output == STDOUT:
        chosen = fmt or Format.CSV
        if chosen.is_file_only:
            raise UsageError(f"{terms.format} {chosen} writes files, not standard output")
        return chosen, None
    if output is None:
        return fmt or Format.CSV, None
    said = _format_of(output)
    if fmt is None:
        if said is None and not output.suffix:  # "out", /dev/stdout: nothing said, the default
            return Format.CSV, output
        if said is None:
            known = ", ".join(EXTENSIONS)
            raise UsageError(
                f"{terms.output} {output}: no format for the extension "
                f"{output.suffix!r}; use {known}, an existing directory for a Data Package, "
                f"or give {terms.format}"
            )
        return said, output
    if said is not None and said is not fmt:
        raise UsageError(
            f"{terms.output} {output} says {said}, but {terms.format} is {fmt}; "
            f"make them agree or drop one"
        )
    return fmt, output


def _format_of(output: Path) -> Format | None:
    if output.is_dir():
        return Format.DATAPACKAGE
    return EXTENSIONS.get(output.suffix.lower())


def export(
    dataset: Dataset,
    where: Filter,
    fmt: Format,
    output: Path | None = None,
    *,
    stream: TextIO | None = None,
    wide: bool = False,
    sanitize: bool = True,
    bom: bool = False,
    terms: Terms = PLAIN,
) -> Written | None:
    """The observations ``where`` admits, in ``fmt``, written to ``output`` or to ``stream``.

    Machine formats hold one row per observation, or with ``wide`` one per city and indicator
    with a column per year; sqlite and datapackage write the observations with the dataset's
    sources, cities and indicators, and need ``output``. Files are replaced atomically.
    With ``bom`` a text format begins with a UTF-8 byte-order mark (for spreadsheets).
    Returns what was written to ``output``, or None after writing to ``stream``.
    """
    if bom and fmt not in BOM_FORMATS:
        kinds = ", ".join(f.value for f in BOM_FORMATS)
        raise UsageError(f"{terms.bom} applies to {kinds}, not to {fmt}")
    if fmt.is_file_only:
        if output is None:
            wanted = terms.output_file if fmt is Format.SQLITE else terms.output_directory
            raise UsageError(f"{terms.format} {fmt} writes files: give {wanted}")
        if wide:
            raise UsageError(f"{terms.wide} does not apply to {terms.format} {fmt}")
        return Written(_write_database(dataset, where, fmt, output), "observations", output)
    table = wide_table(dataset, where) if wide else observations_table(dataset, where)
    chunks: Iterable[str] = serialise(table, fmt, sanitize=sanitize)
    if bom:
        chunks = itertools.chain(("\ufeff",), chunks)
    if output is not None:
        write_chunks(output, chunks)
        return Written(len(table.rows), "rows", output)
    if stream is None:
        raise ValueError("export needs an output path or a stream")  # the caller's mistake
    for chunk in chunks:
        stream.write(chunk)
    stream.flush()
    return None


def _write_database(dataset: Dataset, where: Filter, fmt: Format, output: Path) -> int:
    chosen = select(dataset, where)
    require(chosen, "observations match these filters", dataset, where)
    if fmt is Format.SQLITE:
        from ipstats.sqlite_export import write_sqlite

        return write_sqlite(dataset, output, chosen)
    from ipstats.datapackage import write_datapackage

    return write_datapackage(dataset, output, chosen)


def wide_table(dataset: Dataset, where: Filter) -> Table:
    """One row per city, indicator (and period/scope), one column per year: where several
    sources state a figure, its primary."""
    found = select(dataset, where)
    require(found, "observations match these filters", dataset, where)
    found = tuple(f.primary for f in primaries(dataset, found))
    years = sorted({o.year for o in found})
    rows: dict[tuple[str, str, str, str, str], dict[str, Any]] = {}
    for o in found:
        as_of = "" if o.as_of is None else o.as_of.isoformat()
        key = (o.city, o.indicator, o.period.value, as_of, o.scope)
        row = rows.setdefault(
            key,
            {
                "city": o.city,
                "indicator": o.indicator,
                "unit": dataset.indicator(o.indicator).unit.value,
                "period": o.period.value,
                "as_of": as_of or None,
                "scope": o.scope or None,
            },
        )
        row[str(o.year)] = o.value
        if not o.qualifier.is_exact:
            row[f"{o.year}_qualifier"] = o.qualifier.value
    columns = [
        Column("city", "City"),
        Column("indicator", "Indicator"),
        Column("unit", "Unit"),
        Column("period", "Period", date_key="as_of"),
        Column("as_of", "As of"),
        Column("scope", "Scope"),
    ]
    for year in years:
        columns.append(Column(str(year), str(year), Kind.VALUE, qualifier_key=f"{year}_qualifier"))
        columns.append(Column(f"{year}_qualifier", f"{year} qualifier"))
    return Table(
        title="Observations by year",
        columns=tuple(columns),
        rows=tuple(rows.values()),
        sources=source_lines(dataset, (o.source for o in found)),
        hidden=frozenset({"as_of", *(f"{y}_qualifier" for y in years)}),
    )
