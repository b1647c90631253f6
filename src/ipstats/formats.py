"""Output formats: which there are, and tables in CSV, TSV, JSON, JSON Lines, Markdown or YAML."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, TextIO

from ipstats.errors import UsageError
from ipstats.table import Table
from ipstats.terms import PLAIN, Terms

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Format(StrEnum):
    """Every output format; each command offers some of them (SCREEN, EXPORT)."""

    TABLE = "table"  # drawn for people on a terminal
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    MARKDOWN = "markdown"
    YAML = "yaml"
    SQLITE = "sqlite"  # a database file
    DATAPACKAGE = "datapackage"  # a directory of CSV files and their descriptor

    @property
    def is_file_only(self) -> bool:
        """Written to a file or directory, never to a stream."""
        return self in (Format.SQLITE, Format.DATAPACKAGE)

    @property
    def is_machine(self) -> bool:
        """Text with raw numbers that programs read: what ``serialise`` writes."""
        return not (self is Format.TABLE or self.is_file_only)


# What each kind of command offers, in the order its help lists them.
SCREEN = (
    Format.TABLE,
    Format.CSV,
    Format.TSV,
    Format.JSON,
    Format.JSONL,
    Format.MARKDOWN,
    Format.YAML,
)
EXPORT = (
    Format.CSV,
    Format.TSV,
    Format.JSON,
    Format.JSONL,
    Format.YAML,
    Format.MARKDOWN,
    Format.SQLITE,
    Format.DATAPACKAGE,
)


def choose(value: str, offered: Sequence[Format], terms: Terms = PLAIN) -> Format:
    """The format called ``value`` if it is one of ``offered``; a UsageError listing them if not."""
    if value in offered:
        return Format(value)
    from ipstats.resolve import quote_input  # here: only a refusal needs it, and startup counts

    listed = ", ".join(offered)
    raise UsageError(f"{terms.format} {quote_input(str(value))} is not one of {listed}")


def neutralise(cell: str) -> str:
    """Stop a spreadsheet from running a text cell as a formula (OWASP 'CSV Injection')."""
    return "'" + cell if cell.startswith(_FORMULA_STARTS) else cell


def _cell(value: Any, sanitize: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple):  # a list of names: one cell, as the table shows it
        return ", ".join(_cell(v, sanitize) for v in value)
    text = str(value)
    return neutralise(text) if sanitize else text


def _number(value: float) -> str:
    if not math.isfinite(value):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(round(value, 6))


# TSV has no quoting: tabs and line breaks inside a cell (every one str.splitlines knows,
# U+2028 included) become spaces so rows stay rows.
_TSV_BLANKS = str.maketrans(dict.fromkeys("\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029", " "))


def _tsv_text(cell: str) -> str:
    return cell.translate(_TSV_BLANKS)


def delimited(
    table: Table, delimiter: str, sanitize: bool = True, header: bool = True
) -> Iterable[str]:
    """CSV (quoted as needed) or TSV lines, one per row, each ending in a newline."""
    keys = [c.key for c in table.columns]
    if delimiter == "\t":
        if header:
            yield "\t".join(keys) + "\n"
        for record in table.records():
            yield "\t".join(_tsv_text(_cell(record[k], sanitize)) for k in keys) + "\n"
        return
    import csv  # here, not at the top: only CSV needs it, and startup time counts

    buffer = io.StringIO()
    # The csv module only quotes line-break characters that occur in its line terminator, so
    # write with "\r\n" (a lone CR in a cell gets quoted too) and end each line with "\n".
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(cells: list[str]) -> str:
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text[:-2] + "\n"

    if header:
        yield line(keys)
    for record in table.records():
        yield line([_cell(record[k], sanitize) for k in keys])


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _json_value(v) for k, v in value.items()}
    return value


def json_lines(table: Table) -> Iterable[str]:
    import json

    for record in table.records():
        yield json.dumps({k: _json_value(v) for k, v in record.items()}, ensure_ascii=False) + "\n"


def json_document(table: Table) -> str:
    import json

    records = [{k: _json_value(v) for k, v in r.items()} for r in table.records()]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def markdown(table: Table) -> str:
    """A table to paste into a document: the columns a reader needs, values written as on a
    terminal (thousands separators, qualifier marks, money with a scale), numbers aligned
    right, then the footnotes and sources."""
    from tabulate import tabulate

    from ipstats.cells import RIGHT, format_cell, shown_columns

    shown = shown_columns(table)
    body = [[_markdown_text(format_cell(c, r)) for c in shown] for r in table.records()]
    text = tabulate(
        body,
        headers=[c.header for c in shown],
        tablefmt="github",
        disable_numparse=True,
        colalign=["right" if c.kind in RIGHT else "left" for c in shown],
    )
    extra = [*table.footnotes, *(f"Source: {line}" for line in table.sources)]
    return text + "\n" + "".join(f"\n{e}\n" for e in extra)


def _markdown_text(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def yaml_document(table: Table) -> str:
    from ipstats.loader import dump_records

    return dump_records(table.records())


def serialise(
    table: Table, fmt: Format, sanitize: bool = True, header: bool = True
) -> Iterable[str]:
    """The table in a machine format, as chunks of text to write in order."""
    if fmt is Format.CSV:
        return delimited(table, ",", sanitize, header)
    if fmt is Format.TSV:
        return delimited(table, "\t", sanitize, header)
    if fmt is Format.JSONL:
        return json_lines(table)
    if fmt is Format.JSON:
        return [json_document(table)]
    if fmt is Format.MARKDOWN:
        return [markdown(table)]
    if fmt is Format.YAML:
        return [yaml_document(table)]
    raise ValueError(f"{fmt} is not a machine format")  # the caller's mistake, not the user's


def write_document(out: TextIO, document: Mapping[str, Any], fmt: Format) -> None:
    """One JSON or YAML document made of several parts (``show``: a record and its rows)."""
    if fmt is Format.JSON:
        import json

        out.write(json.dumps(_json_value(dict(document)), ensure_ascii=False, indent=2) + "\n")
    elif fmt is Format.YAML:
        from ipstats.loader import dump_document

        out.write(dump_document(document))
    else:
        raise ValueError(f"{fmt} holds no document of parts")  # the caller's mistake
    out.flush()


def write_tables(out: TextIO, tables: Iterable[Table], fmt: Format, sanitize: bool = True) -> None:
    """Several tables in one machine format, a blank line between those that are lines of text."""
    for index, table in enumerate(tables):
        if index and fmt in (Format.TSV, Format.CSV, Format.MARKDOWN):
            out.write("\n")
        for chunk in serialise(table, fmt, sanitize=sanitize):
            out.write(chunk)
    out.flush()
