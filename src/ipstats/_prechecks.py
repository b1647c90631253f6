"""Checks of a YAML file before it is composed: how deep it nests, and where its aliases stand.

Hostile files cost little: a file that might nest deep enough to crash the C composer is
first checked from parser events, which stop at the first level too deep. Whichever limit
trips first, ours (MAX_DEPTH) or one of the YAML reader's own, the file is refused with the
same located message.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ipstats.errors import Problem

MAX_DEPTH = 64
NESTED_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"
ALIASES = "YAML anchors and aliases (&name / *name) are not supported; write the value out"
# The C composer recurses once per level, and libyaml slows down with depth: nesting in the
# tens of thousands takes minutes, then overflows the C stack (a crash, not an exception).
# Files that might nest deeper than this are checked from parser events before composing.
_SAFE_NESTING = 5_000
# Newer libyaml builds stop nesting at a depth of their own ("while increasing flow level;
# exceeded maximum nesting depth"), and their scanner reads ahead, so for flow collections
# that limit can trip before ours. The reader reports it only as words, so they are matched.
_READER_NESTING = re.compile(r"nest(?:ing|ed)? (?:depth|level)|too deep", re.IGNORECASE)

# A flow collection on one line holding no other: plain or simply quoted items, with "," or
# ": " between them (every separator and quote where the YAML reader would see one).
_PLAIN_CHAR = rb"[^\[\]{},:\"'# \x00-\x1f\x7f-\xff]"
_ITEM = b"|".join(
    (
        rb"\"[^\"\\\[\]{}\x00-\x1f\x7f-\xff]*\"",  # double-quoted, without escapes
        rb"'[^'\[\]{}\x00-\x1f\x7f-\xff]*'",  # single-quoted
        _PLAIN_CHAR + rb"(?: *" + _PLAIN_CHAR + rb")*",  # plain words
    )
)
# At most 32 items: the pattern engine keeps state for each item it has matched so far.
_ITEMS = rb"(?:(?:%s)(?: *(?:,|: ) *(?:%s)){0,31})?" % (_ITEM, _ITEM)
_FLAT = re.compile(rb"\[ *%s *\]|\{ *%s *\}" % (_ITEMS, _ITEMS))


def shallow(data: bytes) -> bool:
    """Whether a file surely nests less than _SAFE_NESTING deep."""
    return nesting_bound(data) <= _SAFE_NESTING


def nesting_bound(data: bytes) -> int:
    """A cheap and generous bound on how deep a file nests.

    Block collections nest through indentation, "- " and ": ", at most two levels for each
    column of the longest line. Flow collections open with [ or {, each with at most one
    mapping inside it that has no bracket of its own ([a: b], [? a]). A file of thousands of
    observations holds thousands of one-line ones ({percent: 10.6}, ["zh", "en"]): those
    _FLAT matches are not counted, bar one (the one the reader may be inside). That is safe
    even where a match lies in a comment or a string: it holds no other bracket, and where
    its opening bracket is real its items read exactly as the pattern reads them, so its
    closing bracket is real too.
    """
    longest = len(max(data.split(b"\n"), key=len))
    flat = sum(1 for _ in _FLAT.finditer(data))
    flow = data.count(b"[") + data.count(b"{") - flat + 1
    return 2 * flow + 2 * longest + 2


def nesting_problem(exc: yaml.YAMLError) -> Problem | None:
    """The error as our own nesting problem, at its place, if the YAML reader nested too deep."""
    if isinstance(exc, yaml.MarkedYAMLError):
        words = f"{exc.context or ''} {exc.problem or ''}"
        mark = exc.problem_mark or exc.context_mark
    else:  # pragma: no cover - the readers mark their errors
        words, mark = str(exc), None
    if not _READER_NESTING.search(words):
        return None
    if mark is None:  # pragma: no cover - as above
        return Problem(NESTED_TOO_DEEP)
    return Problem(NESTED_TOO_DEEP, line=mark.line + 1, column=mark.column + 1)


def event_problems(data: bytes, loader_class: Any, most: int) -> tuple[Problem, ...]:
    """Aliases, and nesting deeper than MAX_DEPTH, found from parser events (``most`` of them).

    Events come one at a time, so a file nested a million levels deep costs no more than one
    nested just too deep: reading stops there, at the node the converter would refuse.
    Composing shares an aliased node, losing where the alias stands; events keep it. Syntax
    errors other than nesting are left to composing, which reports them with their position.
    """
    loader = loader_class(data)
    problems: list[Problem] = []
    depth = 0  # collections open around the next node
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.NodeEvent):  # a scalar, an alias or a collection
                if depth > MAX_DEPTH:
                    problems.append(_event_problem(event, NESTED_TOO_DEEP))
                    break
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                elif isinstance(event, yaml.AliasEvent):
                    problems.append(_event_problem(event, ALIASES))
                    if len(problems) >= most:
                        break
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError as exc:
        nesting = nesting_problem(exc)
        if nesting is None:
            return ()
        problems.append(nesting)
    finally:
        loader.dispose()
    return tuple(problems)


def _event_problem(event: yaml.Event, message: str) -> Problem:
    mark = event.start_mark
    if mark is None:  # pragma: no cover - the parser marks every event
        return Problem(message)
    return Problem(message, line=mark.line + 1, column=mark.column + 1)
