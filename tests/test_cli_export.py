"""ipstats._cli_export: the --format values export and cite take, checked and completed."""

from __future__ import annotations

import pytest
import typer

from ipstats._cli_export import (
    CITE_FORMATS,
    _cite_format,
    _complete_cite_format,
    _complete_export_format,
    _export_format,
)
from ipstats.formats import EXPORT, Format


@pytest.mark.parametrize("fmt", EXPORT)
def test_export_takes_every_export_format(fmt: Format) -> None:
    assert _export_format(fmt.value) is fmt


@pytest.mark.parametrize("text", ["table", "xlsx", "CSV", ""])
def test_export_refuses_any_other_format_listing_those_it_writes(text: str) -> None:
    with pytest.raises(typer.BadParameter) as refused:
        _export_format(text)
    message = str(refused.value)
    assert message.startswith(f"{text!r} is not one of ")
    assert message.removeprefix(f"{text!r} is not one of ").split(", ") == [f.value for f in EXPORT]


def test_export_formats_complete_in_the_order_help_lists_them() -> None:
    assert _complete_export_format("") == [f.value for f in EXPORT]
    assert _complete_export_format("js") == ["json", "jsonl"]
    assert _complete_export_format("table") == []


@pytest.mark.parametrize("fmt", CITE_FORMATS)
def test_cite_takes_every_cite_format(fmt: str) -> None:
    assert _cite_format(fmt) == fmt


@pytest.mark.parametrize("text", ["json", "csv", "BibTeX", ""])
def test_cite_refuses_any_other_format_listing_those_it_writes(text: str) -> None:
    with pytest.raises(typer.BadParameter) as refused:
        _cite_format(text)
    message = str(refused.value)
    assert message.startswith(f"{text!r} is not one of ")
    assert message.removeprefix(f"{text!r} is not one of ").split(", ") == list(CITE_FORMATS)


def test_cite_formats_complete() -> None:
    assert _complete_cite_format("") == list(CITE_FORMATS)
    assert _complete_cite_format("b") == ["bibtex"]
    assert _complete_cite_format("x") == []
