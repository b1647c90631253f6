"""The floor for startup: the least a Typer program with ipstats's main job's shape can do.

Two commands (so Typer builds a group, as ipstats's), the first taking a list of texts as an
argument, a text option and an enum option, and printing one line. No program built on the
same Typer can start faster than this one; benchmarks/startup.py times ipstats against it.

    python benchmarks/floor_app.py compare shanghai shenzhen --metric pct --format tsv
"""

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
    """Print the arguments on one line."""
    print(" ".join(cities), metric, fmt.value)


@app.command()
def show(name: str) -> None:
    """Print the name."""
    print(name)


if __name__ == "__main__":
    app()
