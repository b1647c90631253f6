"""Hostile and broken dataset files: one clear `Error:` line, a non-zero exit, never a traceback.

Every file goes through the real command line (``--data FILE``), as a user would give it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from hostile import Run, where, with_data

from conftest import TINY
from ipstats.loader import MAX_DEPTH, MAX_FILE_BYTES, MAX_FILE_BYTES_VAR, MAX_PROBLEMS

Write = Callable[..., Path]
T = TypeVar("T")


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write text (UTF-8) or bytes to a file, exactly as given, and return its path."""

    def write(content: str | bytes, name: str = "data.yaml") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


def bounded(action: Callable[[], T], seconds: float, megabytes: float) -> T:
    """The action's result; fails unless it takes less than that time and memory.

    It runs twice: timed, then with Python's allocations traced (which slows it down).
    """
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    assert elapsed < seconds, f"took {elapsed:.2f} s"
    tracemalloc.start()
    try:
        again = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert again == result
    assert peak < megabytes * 2**20, f"allocated {peak / 2**20:.1f} MiB"
    return result


def refused(path: Path, *args: str) -> str:
    """The one error line for a dataset that cannot be used (exit status 1)."""
    result = with_data(path, *args)
    assert result.code == 1, result
    assert result.out == ""
    return result.error


def invalid(path: Path, rest: str) -> str:
    return f"invalid dataset {path}:{rest}"


# Code in the file never runs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "argument", "kind"),
    [
        ("!!python/object/apply:os.system", ' ["touch {marker}"]', ""),
        ("!!python/object/new:os.system", ' ["touch {marker}"]', ""),
        ("!!python/object/apply:subprocess.check_call", ' [["touch", "{marker}"]]', ""),
        ("!!python/name:os.system", "", "; only plain values"),
        ("!!python/module:os", "", "; only plain values"),
        ("!!python/object:ipstats.model.Source", " {id: x}", ""),
    ],
)
def test_python_tags_are_rejected_and_nothing_runs(
    write: Write, tmp_path: Path, tag: str, argument: str, kind: str
) -> None:
    marker = tmp_path / "ran"
    path = write(f"schema_version: {tag}{argument.replace('{marker}', str(marker))}\n")
    full = tag.replace("!!", "tag:yaml.org,2002:")
    assert refused(path) == invalid(
        path, f"1:17: schema_version: unsupported YAML tag {full!r}{kind}"
    )
    assert not marker.exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!custom 1", "unsupported YAML tag '!custom'; only plain values"),
        ("!!binary aGVsbG8=", "unsupported YAML tag 'tag:yaml.org,2002:binary'; only plain values"),
        ("!!set {a, b}", "unsupported YAML tag 'tag:yaml.org,2002:set'"),
        ("!!omap [a: 1]", "unsupported YAML tag 'tag:yaml.org,2002:omap'"),
    ],
)
def test_other_tags_are_rejected(write: Write, value: str, message: str) -> None:
    path = write(f"schema_version: {value}\n")
    assert refused(path) == invalid(path, f"1:17: schema_version: {message}")


def test_merge_keys_are_rejected(write: Write) -> None:
    text = TINY.replace("    kind: country\n", "    kind: country\n    <<: {aliases: [n]}\n")
    path = write(text)
    assert refused(path) == invalid(
        path, f"{where(text, '<<')}: cities[2]: YAML merge keys (<<) are not supported"
    )


# Expansion bombs and deep structures -------------------------------------------------------


def lol_bomb(levels: int = 9, width: int = 9) -> str:
    """The "billion laughs": each level repeats the one before ``width`` times."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


ALIASES = "YAML anchors and aliases (&name / *name) are not supported; write the value out"


def test_billion_laughs_is_refused_at_once_without_expanding(write: Write) -> None:
    text = lol_bomb()  # 9**9 = 387 million "lol"s if expanded
    path = write(text)
    message = bounded(lambda: refused(path), seconds=1, megabytes=20)
    aliases = text.count("*")
    assert message == invalid(
        path, f"{where(text, '[*l0', 1)}: {ALIASES} (and {aliases - 1} more problems)"
    )


def test_a_million_aliases_stop_after_the_problem_limit(write: Write) -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 1_000_000) + "]\n"
    path = write(text)
    message = bounded(lambda: refused(path), seconds=1, megabytes=40)
    assert message == invalid(path, f"2:5: {ALIASES} (and {MAX_PROBLEMS} more problems)")
    result = with_data(path, "validate")
    lines = result.err.splitlines()
    assert len(lines) == MAX_PROBLEMS + 2
    assert lines[-2] == f"error: {path}: reading stopped after {MAX_PROBLEMS} problems"


def test_a_recursive_alias_is_refused(write: Write) -> None:
    path = write("a: &a [1, *a]\n")
    assert refused(path) == invalid(path, f"1:11: {ALIASES}")


NESTED = MAX_DEPTH + 1  # the first level refused
TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"


def too_deep_at(path: Path, message: str) -> tuple[int, int]:
    """The line and column of a refusal for nesting too deep (after the path inside the
    document, where it is known); fails on any other message.

    The YAML reader may have a nesting limit of its own that trips before ours (libyaml's
    scanner reads flow collections ahead), so the place is checked to lie in the part of the
    file nested too deep, not at one column.
    """
    found = re.fullmatch(
        rf"invalid dataset {re.escape(str(path))}:(\d+):(\d+): (?:\S+: )?{TOO_DEEP}", message
    )
    assert found, message
    return int(found[1]), int(found[2])


def within(text: str, first: tuple[int, int], place: tuple[int, int]) -> bool:
    """Whether ``place`` is at or after ``first`` (line, column) and inside the text."""
    lines = text.split("\n")
    line, column = place
    return first <= place and line <= len(lines) and column <= len(lines[line - 1]) + 1


@pytest.mark.parametrize(
    ("name", "text", "first"),
    [
        ("flow sequences", "[" * 100_000 + "]" * 100_000, (1, NESTED + 1)),
        ("flow mappings", "{a: " * 100_000 + "1" + "}" * 100_000, (1, 4 * (NESTED - 1) + 2)),
        ("flow sequences, one a line", "[\n" * 2_000 + "]\n" * 2_000, (NESTED + 1, 1)),
        ("block sequences", "- " * 100_000 + "x\n", (1, 2 * NESTED + 1)),
        (
            "block mappings",
            "".join("  " * i + "a:\n" for i in range(200)),
            (NESTED, 2 * NESTED - 1),
        ),
        ("a little too deep", "[" * (NESTED + 1) + "]" * (NESTED + 1), (1, NESTED + 1)),
    ],
)
def test_deep_nesting_is_refused_quickly(
    write: Write, name: str, text: str, first: tuple[int, int]
) -> None:
    path = write(text)
    message = bounded(lambda: refused(path), seconds=1, megabytes=10)
    place = too_deep_at(path, message)
    assert within(text, first, place), f"{place} is not in the part nested too deep"


def test_nesting_up_to_the_limit_is_read(write: Write) -> None:
    path = write("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    assert refused(path) == invalid(
        path,
        "1:1: the top level must be a mapping with schema_version, sources, cities, "
        "indicators, observations; got a list",
    )


@pytest.mark.slow
def test_deep_nesting_does_not_crash_the_process(write: Write) -> None:
    """The C composer recurses once per level: a million levels would overflow its stack."""
    text = "[" * 1_000_000 + "]" * 1_000_000
    path = write(text)
    done = subprocess.run(
        [sys.executable, "-m", "ipstats", "--data", str(path), "list", "cities"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "IPSTATS_CACHE_DIR": str(path.parent / "cache")},
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert within(text, (1, NESTED + 1), too_deep_at(path, lines[0][len("Error: ") :]))


# Size ----------------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_unread(write: Write) -> None:
    line = b"  - {indicator: widgets_granted, city: alpha, year: 2021, value: 1, qualifier: exact, period: year, source: src-a, locator: x}\n"
    path = write(TINY.encode() + line * ((MAX_FILE_BYTES + 2**20) // len(line)))
    assert path.stat().st_size > MAX_FILE_BYTES
    message = bounded(lambda: refused(path), seconds=1, megabytes=1)
    assert message == (
        f"invalid dataset {path}: is larger than the {MAX_FILE_BYTES // 2**20} MiB limit for "
        f"dataset files; to read it anyway, set {MAX_FILE_BYTES_VAR} to a larger number of bytes"
    )


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_device_is_read_no_further_than_the_limit() -> None:
    limit = MAX_FILE_BYTES / 2**20
    message = bounded(lambda: refused(Path("/dev/zero")), seconds=5, megabytes=limit + 8)
    assert message.startswith("invalid dataset /dev/zero: is larger than the ")


def test_the_size_limit_can_be_changed(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(TINY)
    size = path.stat().st_size
    monkeypatch.setenv(MAX_FILE_BYTES_VAR, str(size))
    assert with_data(path).code == 0
    monkeypatch.setenv(MAX_FILE_BYTES_VAR, str(size - 1))
    assert refused(path) == (
        f"invalid dataset {path}: is larger than the {size - 1} bytes limit for dataset files; "
        f"to read it anyway, set {MAX_FILE_BYTES_VAR} to a larger number of bytes"
    )


@pytest.mark.parametrize("setting", ["lots", "0", "-5", "1e9", "9" * 5000])
def test_a_bad_size_limit_is_a_usage_error(
    write: Write, monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.setenv(MAX_FILE_BYTES_VAR, setting)
    result = with_data(write(TINY))
    assert result.code == 2
    shown = repr(setting if len(setting) <= 60 else setting[:57] + "...")
    assert result.error == (
        f"{MAX_FILE_BYTES_VAR} must be a number of bytes such as {2 * MAX_FILE_BYTES}, got {shown}"
    )


# The shape of the document -----------------------------------------------------------------

TOP_LEVEL = (
    "the top level must be a mapping with schema_version, sources, cities, indicators, observations"
)
EMPTY = "is empty (or only comments); a dataset is a mapping of sections"
SEVERAL = "holds more than one YAML document; a dataset is a single document"


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("- 1\n- 2\n", f"1:1: {TOP_LEVEL}; got a list"),
        ("hello\n", f"1:1: {TOP_LEVEL}; got the text 'hello'"),
        ("42\n", f"1:1: {TOP_LEVEL}; got 42"),
        ("---\n", f"1:1: {TOP_LEVEL}; got nothing (null)"),
        ("", f" {EMPTY}"),
        ("# only a comment\n\n   # and another\n", f" {EMPTY}"),
        ("a: 1\n---\nb: 2\n", f"2:1: {SEVERAL}"),
        ("a: 1\n...\n---\nb: 2\n", f"3:1: {SEVERAL}"),
        ("--- 1\n--- 2\n--- 3\n", f"2:1: {SEVERAL}"),
    ],
    ids=["list", "text", "number", "null", "empty", "comments", "two", "ended", "three"],
)
def test_document_shapes(write: Write, text: str, rest: str) -> None:
    path = write(text)
    assert refused(path) == f"invalid dataset {path}:{rest}"


def test_a_second_document_needs_its_start_marker(write: Write) -> None:
    path = write("a: 1\n...\nb: 2\n")
    assert refused(path).startswith(invalid(path, "3:1: invalid YAML: "))


# Encodings and line endings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "rest"),
    [
        (
            "schema_version: 1\nname: café\n".encode("latin-1"),
            "2:10: is not UTF-8 text (byte 0xe9)",
        ),
        ("城市: x\nname: 甲城".encode() + b"\xff\n", "2:9: is not UTF-8 text (byte 0xff)"),
        ("schema_version: 1\n".encode("utf-16"), "1:1: is not UTF-8 text (byte 0xff)"),
        (b"\xef\xbb\xbf" + "name: 甲城\n".encode()[:-2], "1:8: is not UTF-8 text (byte 0xe5)"),
    ],
    ids=["latin-1", "bad byte after chinese", "utf-16", "cut in a character after a bom"],
)
def test_text_that_is_not_utf8(write: Write, content: bytes, rest: str) -> None:
    path = write(content)
    assert refused(path) == invalid(path, f"{rest}; save it as UTF-8")


@pytest.mark.parametrize(
    "content",
    [
        b"\xef\xbb\xbf" + TINY.encode(),
        TINY.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + TINY.replace("\n", "\r\n").encode(),
        TINY.replace("\n", "\r").encode(),
    ],
    ids=["bom", "crlf", "bom and crlf", "old mac cr"],
)
def test_bom_and_windows_line_endings_are_accepted(write: Write, content: bytes) -> None:
    path = write(content)
    result = with_data(path)
    assert (result.code, result.err) == (0, "")
    assert [line.split(",")[0] for line in result.out.splitlines()] == [
        "id",
        "alpha",
        "beta",
        "nation",
    ]
    validated = with_data(path, "validate")
    assert validated.out == f"{path}: valid: 2 sources, 3 cities, 5 indicators, 13 observations\n"


def test_problems_in_a_windows_file_are_located_as_in_any_other(write: Write) -> None:
    text = TINY.replace("value: 242,", "value: lots,")
    path = write(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert refused(path) == invalid(
        path, f"{where(text, 'lots')}: observations[3].value: must be a number, got the text 'lots'"
    )


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("schema_version: 1\nsources:\n\t- id: x\n", "3:1"),
        (TINY.replace("    name: Beta\n", "\tname: Beta\n"), where(TINY, "    name: Beta")),
    ],
    ids=["top", "in a record"],
)
def test_tabs_used_for_indentation(write: Write, text: str, position: str) -> None:
    path = write(text)
    message = refused(path)
    assert message.startswith(invalid(path, f"{position}: invalid YAML: "))
    assert message.endswith("(a tab: tabs cannot indent YAML; use spaces)")


def test_utf16_without_a_bom_is_caught_by_its_zero_bytes(write: Write) -> None:
    path = write("schema_version: 1\n".encode("utf-16-be"))
    assert refused(path) == invalid(
        path, "1:1: holds the control character U+0000, which YAML does not allow"
    )


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x9b"])
def test_control_characters_in_the_file(write: Write, character: str) -> None:
    text = TINY.replace("locator: Part 3", f"locator: Part{character}3", 1)
    path = write(text)
    assert refused(path) == invalid(
        path,
        f"{where(text, character)}: holds the control character U+{ord(character):04X}, "
        "which YAML does not allow",
    )


def test_control_characters_written_as_escapes_are_caught_in_text(write: Write) -> None:
    text = TINY.replace("locator: Part 3", 'locator: "Part\\x1b[2J3"', 1)
    path = write(text)
    position = where(text, '"Part')
    assert refused(path) == invalid(
        path, f"{position}: observations[3].locator: must not contain control characters"
    )


# Keys and fields ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "again", "path"),
    [
        ("\nsources:\n", "sources: []\n", "sources"),
        ("    publisher: Office A\n", "    publisher: Office Z\n", "sources[0].publisher"),
        ("    kind: country\n", "    kind: cluster\n", "cities[2].kind"),
        ("    measure: rank\n", "    measure: ratio\n", "indicators[3].measure"),
        ("value: 242, ", "value: 243, ", "observations[3].value"),
        ("yoy: {percent: 10}, source: src-a", "percent: 11", "observations[1].yoy.percent"),
    ],
    ids=["top level", "source", "city", "indicator", "observation", "nested"],
)
def test_duplicate_keys_at_every_level(write: Write, first: str, again: str, path: str) -> None:
    if path == "sources":
        text = TINY.replace("observations:\n", again + "observations:\n")
    elif path.endswith("yoy.percent"):
        text = TINY.replace(first, first.replace("10}", f"10, {again}}}"))
    else:
        text = TINY.replace(first, first + again, 1)
    file = write(text)
    key = path.rpartition(".")[2]
    first_line = where(TINY, first, skip=1 if first.startswith("\n") else 0).split(":")[0]
    margin = len(again) - len(again.lstrip())
    assert refused(file) == invalid(
        file,
        f"{where(text, again, margin)}: {path}: duplicate key {key!r} (first given on line {first_line})",
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "schema_version: 1\n",
            "schema_version: 1\nextra: true\n",
            "extra: unknown field 'extra'; allowed: schema_version, sources, cities, indicators, observations",
        ),
        (
            '    published: "2025"\n',
            '    published: "2025"\n    homepage: https://example.org\n',
            "sources[1].homepage: unknown field 'homepage'; allowed: id, title, title_en, publisher, published, languages",
        ),
        (
            "    measure: rank\n",
            "    measure: rank\n    mesure: rank\n",
            "indicators[3].mesure: unknown field 'mesure'; did you mean: measure?",
        ),
        (
            "value: 242,",
            "value: 242, valeu: 243,",
            "observations[3].valeu: unknown field 'valeu'; did you mean: value?",
        ),
        (
            "yoy: {percent: 10}, source: src-a",
            "yoy: {percent: 10, basis: 2021}, source: src-a",
            "observations[1].yoy.basis: unknown field 'basis'; allowed: percent, absolute, qualifier",
        ),
    ],
    ids=["top level", "source", "indicator", "observation", "nested"],
)
def test_unknown_fields_are_reported_never_dropped(
    write: Write, old: str, new: str, message: str
) -> None:
    text = TINY.replace(old, new, 1)
    path = write(text)
    field = message.split(": unknown field ")[0].rpartition(".")[2]
    assert refused(path) == invalid(path, f"{where(text, field + ':')}: {message}")


@pytest.mark.parametrize(
    ("key", "what"),
    [
        ("on", "a boolean"),
        ("no", "a boolean"),
        ("~", "null"),
        ("2024", "a number"),
        ("2024-01-01", "a date"),
    ],
)
def test_keys_that_yaml_does_not_read_as_names(write: Write, key: str, what: str) -> None:
    text = TINY.replace("    kind: country\n", f"    kind: country\n    {key}: 1\n")
    path = write(text)
    assert refused(path) == invalid(
        path,
        f"{where(text, f'    {key}: 1', 4)}: cities[2]: keys must be plain names, but YAML reads "
        f"{key!r} as {what}; quote it if it is a name",
    )


# Values -----------------------------------------------------------------------------------

OBSERVATION = "indicator: widgets_granted, city: beta, year: 2024, value: 242, qualifier: exact, period: year, source: src-b, locator: Part 3"


def observation_problem(write: Write, old: str, new: str) -> str:
    """The error for observations[3] (widgets_granted, beta, 2024) with ``old`` made ``new``."""
    changed = OBSERVATION.replace(old, new, 1)
    text = TINY.replace(OBSERVATION, changed)
    path = write(text)
    field = new.split(":")[0]
    position = where(text, changed, changed.index(new) + len(field) + 2)
    prefix = invalid(path, f"{position}: observations[3].")
    message = refused(path)
    assert message.startswith(prefix), message
    return message[len(prefix) :]


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("value: .nan", "value: must be a finite number, got nan"),
        ("value: .NaN", "value: must be a finite number, got nan"),
        ("value: .inf", "value: must be a finite number, got inf"),
        ("value: -.inf", "value: must be a finite number, got -inf"),
        ("value: 1.0e+400", "value: must be a finite number, got inf"),
        ("value: 1.0e+30", "value: 1e+30 is too large to be a real figure"),
        (
            "value: 100000000000000000000",
            "value: 100000000000000000000 is too large to be a real figure",
        ),
        ("value: " + "9" * 101, "value: a number of 101 characters is too long to be a figure"),
        ("value: " + "9" * 5000, "value: a number of 5000 characters is too long to be a figure"),
        ("value: -242", "value: -242 is negative, but widgets_granted is measured in count"),
        ("value: 1e6", "value: must be a number, got the text '1e6'"),
        (
            "value: 0242",
            "value: '0242' reads as 162 in YAML 1.1 (octal); write the number in plain decimal, or quote it if it is text",
        ),
        (
            "value: 4:02",
            "value: '4:02' reads as 242 in YAML 1.1 (base 60); write the number in plain decimal, or quote it if it is text",
        ),
        (
            "value: yes",
            "value: must be a number, got the boolean true (quote it if you meant text)",
        ),
        (
            "value: off",
            "value: must be a number, got the boolean false (quote it if you meant text)",
        ),
        ("value: ", "value: must be a number, got nothing (null)"),
        ("value: " + "x" * 100_000, "value: must be a number, got the text '" + "x" * 57 + "...'"),
    ],
    ids=lambda v: v[:40],
)
def test_numbers_that_are_not_figures(write: Write, new: str, message: str) -> None:
    assert observation_problem(write, "value: 242", new) == message


def test_negative_money_and_impossible_ranks(write: Write) -> None:
    text = (
        TINY.replace("value: 3353000000,", "value: -3353000000,")
        .replace("year: 2021, value: 8,", "year: 2021, value: 0,")
        .replace("year: 2021, value: 2,", "year: 2021, value: 2.5,")
    )
    path = write(text)
    result = with_data(path, "validate")
    assert result.code == 1
    assert result.err.splitlines() == [
        f"error: {path}:{where(text, 'value: 0,', 7)}: observations[9].value: "
        "a rank must be a whole number from 1, got 0",
        f"error: {path}:{where(text, 'value: 2.5,', 7)}: observations[10].value: "
        "a rank must be a whole number from 1, got 2.5",
        f"error: {path}:{where(text, 'value: -3353', 7)}: observations[11].value: "
        "-3353000000 is negative, but funding_amount is measured in cny",
        f"Error: {path} is not a valid dataset (3 problems)",
    ]


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("year: 99999", "year: 99999 is not a plausible year (1900-2100)"),
        ("year: 1899", "year: 1899 is not a plausible year (1900-2100)"),
        ("year: -2024", "year: -2024 is not a plausible year (1900-2100)"),
        ("year: 2023a", "year: must be a whole year such as 2023, got the text '2023a'"),
        ('year: "2023"', "year: must be a whole year such as 2023, got the text '2023'"),
        ("year: 2023.5", "year: must be a whole year such as 2023, got 2023.5"),
        ("year: 2023-12-31", "year: must be a whole year such as 2023, got the date 2023-12-31"),
        (
            "year: 02024",
            "year: '02024' reads as 1044 in YAML 1.1 (octal); write the number in plain decimal, or quote it if it is text",
        ),
        (
            "year: on",
            "year: must be a whole year such as 2023, got the boolean true (quote it if you meant text)",
        ),
        ("year: ~", "year: must be a whole year such as 2023, got nothing (null)"),
    ],
    ids=lambda v: v[:30],
)
def test_years_that_are_not_years(write: Write, new: str, message: str) -> None:
    assert observation_problem(write, "year: 2024", new) == message


BOOLEAN = "got the boolean {} (quote it if you meant text)"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("city: beta", "city: on", f"city: must be a city id, {BOOLEAN.format('true')}"),
        (
            "qualifier: exact",
            "qualifier: no",
            "qualifier: must be a qualifier (exact, more_than, at_least, about, nearly, less_than, "
            f"at_most), {BOOLEAN.format('false')}",
        ),
        ("locator: Part 3", "locator: yes", f"locator: must be text, {BOOLEAN.format('true')}"),
        ("source: src-b", "source: off", f"source: must be a source id, {BOOLEAN.format('false')}"),
    ],
)
def test_yaml_11_booleans_where_a_name_belongs(
    write: Write, old: str, new: str, message: str
) -> None:
    assert observation_problem(write, old, new) == message


def test_yaml_11_booleans_in_lists_and_records(write: Write) -> None:
    text = TINY.replace("languages: [en]", "languages: [no]").replace(
        "    name: Nation\n", "    name: yes\n"
    )
    path = write(text)
    result = with_data(path, "validate")
    assert result.err.splitlines() == [
        f"error: {path}:{where(text, 'no]')}: sources[1].languages[0]: must be non-empty text, {BOOLEAN.format('false')}",
        f"error: {path}:{where(text, 'yes')}: cities[2].name: must be text, {BOOLEAN.format('true')}",
        f"Error: {path} is not a valid dataset (2 problems)",
    ]


def test_validate_lists_every_problem_then_one_error_line(write: Write) -> None:
    text = TINY.replace("value: 242,", "value: .nan,").replace(
        "year: 2021, value: 100", "year: 2021a, value: 100"
    )
    path = write(text)
    result = with_data(path, "validate")
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines() == [
        f"error: {path}:{where(text, '2021a')}: observations[0].year: must be a whole year such as 2023, got the text '2021a'",
        f"error: {path}:{where(text, '.nan')}: observations[3].value: must be a finite number, got nan",
        f"Error: {path} is not a valid dataset (2 problems)",
    ]


@pytest.mark.parametrize(
    "text",
    [
        lol_bomb(),
        "[" * 100_000,
        "a: 1\n---\nb: 2\n",
        "\x00",
        "schema_version: !!python/name:os.system\n",
    ],
    ids=["bomb", "deep", "documents", "nul", "tag"],
)
def test_every_command_gives_one_error_line(write: Write, text: str) -> None:
    path = write(text)
    for args in (
        ("list", "cities"),
        ("list", "observations", "--city", "alpha"),
        ("show", "alpha"),
        ("compare", "alpha", "beta"),
        ("growth", "alpha"),
        ("export", "-o", str(path.parent / "out.csv")),
    ):
        result: Run = with_data(path, *args)
        assert result.code == 1, args
        assert result.error.startswith(f"invalid dataset {path}"), args
    assert not (path.parent / "out.csv").exists()
