"""What messages call the parameters a user gives: plain words in Python, flags on a command line."""

from typing import NamedTuple


class Terms(NamedTuple):
    """The name of each parameter as a message shows it, before the value given for it."""

    year: str = "the year"
    start: str = "the start year"
    end: str = "the end year"
    bounds: str = "a start or end year"
    format: str = "the format"
    output: str = "the output"
    output_file: str = "an output file"
    output_directory: str = "an output directory"
    wide: str = "the wide layout"
    scope: str = "the scope"
    bom: str = "a byte-order mark"


PLAIN = Terms()
