"""The floor for a terminal: floor_app.py's program, drawing its answer as a Rich table.

The same two commands as benchmarks/floor_app.py; ``compare`` draws the cities in a Rich table of
three columns on a console instead of printing one line, importing Rich only then, with the
collector paused and frozen around the import as ipstats does. No program built on the same
Typer that draws a Rich table can start faster; benchmarks/startup.py times it beside the floor
on a terminal, to show what Rich alone costs there.

    python benchmarks/rich_floor.py compare shanghai shenzhen --metric pct
"""

import gc
from enum import StrEnum
from typing import Annotated

import typer


class Format(StrEnum):
    TABLE = "table"
    TSV = "tsv"


app = typer.Typer()


@app.command()
def compare(
    cities: list[str],
    metric: Annotated[str | None, typer.Option()] = None,
    fmt: Annotated[Format, typer.Option("--format")] = Format.TSV,
) -> None:
    """Draw the arguments as a table."""
    gc.disable()
    try:
        from rich.console import Console
        from rich.table import Table
    finally:
        gc.freeze()
        gc.enable()
    table = Table(title="compare")
    for header in ("city", "metric", "format"):
        table.add_column(header)
    for city in cities:
        table.add_row(city, metric or "", fmt.value)
    Console(highlight=False, emoji=False, markup=False).print(table)


@app.command()
def show(name: str) -> None:
    """Print the name."""
    print(name)


if __name__ == "__main__":
    app()
