"""ipstats._prechecks: how deep a YAML file nests and where its aliases stand, found before
it is composed."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ipstats._prechecks import (
    ALIASES,
    MAX_DEPTH,
    NESTED_TOO_DEEP,
    event_problems,
    nesting_bound,
    nesting_problem,
    shallow,
)
from ipstats.errors import Problem

LOADERS = [yaml.SafeLoader, *([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])]


# The loader composes without first reading events when a cheap bound on nesting is small:
# the bound must hold, syntax errors included (the composer recurses until it meets one).
FLOWISH = st.lists(
    st.sampled_from(
        [
            *("[", "]", "{", "}", ", ", ",", ": ", ":", "a", "b c", '"', "'", "''", "\\", "#"),
            *(" #", "\n", "\n  ", "- ", "? ", "x'y", 'a"b', "&a ", "*a", "!!str ", "|\n", "\t"),
            "\r",
        ]
    ),
    max_size=80,
).map("".join)


def deepest(data: bytes) -> int:
    """How deep the YAML reader nests before the end or the first syntax error."""
    loader = yaml.CSafeLoader(data) if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader(data)
    depth = deepest = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                deepest = max(deepest, depth)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return deepest


@settings(max_examples=2000, deadline=None)
@given(text=FLOWISH, repeat=st.integers(min_value=1, max_value=30))
def test_the_nesting_bound_holds(text: str, repeat: int) -> None:
    data = (text * repeat).encode()
    assert deepest(data) <= nesting_bound(data)


@pytest.mark.parametrize(
    "text",
    [
        "[a\"b, \"' x ']" + "[" * 100,  # a quote inside a plain word, then a quoted string
        '{a:"b"}' + "{" * 100,
        "['it''s']" + "[" * 100,
        "# {a: b}\n" + "[" * 100,
        'x: "[a]\n  ' + "[" * 100 + '"',
    ],
)
def test_the_nesting_bound_is_not_fooled(text: str) -> None:
    data = text.encode()
    assert deepest(data) <= nesting_bound(data)


def test_the_message_names_the_limit() -> None:
    assert str(MAX_DEPTH) in NESTED_TOO_DEEP


def test_one_line_collections_by_the_thousand_keep_a_file_shallow() -> None:
    record = b"  - value: %d\n    yoy: {percent: 10.6}\n    languages: ['zh', \"en\"]\n"
    data = b"observations:\n" + b"".join(record % i for i in range(5000))
    assert shallow(data)
    assert nesting_bound(data) < 100


def test_brackets_by_the_thousand_do_not() -> None:
    assert not shallow(b"[" * 3000)
    assert not shallow(b"x: " + b" " * 3000 + b"y\n")  # indentation nests too


@pytest.mark.parametrize("loader", LOADERS)
def test_nesting_to_the_limit_is_no_problem(loader: type) -> None:
    data = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert event_problems(data, loader, most=10) == ()


@pytest.mark.parametrize("loader", LOADERS)
def test_nesting_too_deep_is_found_in_the_part_nested_too_deep(loader: type) -> None:
    data = b"[" * 100_000 + b"]" * 100_000
    # The reader may stop at a limit of its own first, later in the part nested too deep.
    ((message, path, line, column, warning),) = event_problems(data, loader, most=10)
    assert (message, path, line, warning) == (NESTED_TOO_DEEP, "", 1, False)
    assert column is not None and column >= MAX_DEPTH + 2


@pytest.mark.parametrize("loader", LOADERS)
def test_aliases_are_found_where_they_stand_up_to_the_limit_asked(loader: type) -> None:
    data = b"a: &x 1\nb: *x\nc: [*x]\n"
    assert event_problems(data, loader, most=10) == (
        Problem(ALIASES, line=2, column=4),
        Problem(ALIASES, line=3, column=5),
    )
    assert event_problems(data, loader, most=1) == (Problem(ALIASES, line=2, column=4),)


@pytest.mark.parametrize("loader", LOADERS)
def test_other_syntax_errors_are_left_to_composing(loader: type) -> None:
    assert event_problems(b"a: [1, 2\nb: *x\n", loader, most=10) == ()


def _marked(context: str, problem: str) -> yaml.MarkedYAMLError:
    mark = yaml.Mark("d.yaml", 0, 0, 1000, None, None)
    return yaml.MarkedYAMLError(context, mark, problem, mark)


@pytest.mark.parametrize(
    ("context", "problem"),
    [
        ("while increasing flow level", "exceeded maximum nesting depth"),
        ("while parsing", "the document is nested too deep"),
    ],
)
def test_the_readers_own_nesting_limit_becomes_our_located_problem(
    context: str, problem: str
) -> None:
    assert nesting_problem(_marked(context, problem)) == Problem(
        NESTED_TOO_DEEP, line=1, column=1001
    )


def test_other_reader_errors_are_not_nesting_problems() -> None:
    error = _marked("while scanning a simple key", "could not find expected ':'")
    assert nesting_problem(error) is None
