"""Reading fields out of a parsed dataset file, collecting every problem instead of stopping."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, TypeVar

from ipstats._tree import Position, YList, YMap
from ipstats.errors import Problem
from ipstats.model import YEAR_RANGE, Number
from ipstats.names import did_you_mean

E = TypeVar("E", bound=StrEnum)
MISSING = object()  # a field that is absent or was refused: its problem is already reported


def quote(text: str) -> str:
    """Text from the file, for a message: quoted, escaped, and cut short so one line stays one."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def field_path(path: str, key: str) -> str:
    """The path to a field; a key that is not a plain name is shown quoted."""
    shown = key if key.isprintable() and 0 < len(key) <= 60 else quote(key)
    return f"{path}.{shown}" if path else shown


def kind_of(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'} (quote it if you meant text)"
    if isinstance(value, YMap | dict):
        return "a mapping"
    if isinstance(value, YList | list):
        return "a list"
    if isinstance(value, str):
        return f"the text {quote(value)}"
    if isinstance(value, dt.datetime):  # before date: every datetime is a date too
        return f"the date and time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    return repr(value)


class Checker:
    """Reads fields out of positioned mappings, collecting problems instead of stopping."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # ids of records already reported as invalid; references to them are not errors again
        self.broken: set[str] = set()
        # the record of each accepted observation: positions are only looked up for a message
        self.accepted: list[YMap] = []

    def error(self, message: str, path: str, position: Position | None) -> None:
        line, column = position if position else (None, None)
        self.problems.append(Problem(message, path=path, line=line, column=column))

    def warn(self, message: str, path: str, position: Position | None) -> None:
        line, column = position if position else (None, None)
        self.problems.append(Problem(message, path=path, line=line, column=column, warning=True))

    def records(self, top: YMap, section: str) -> list[tuple[str, YMap]]:
        value = top.get(section, MISSING)
        if value is MISSING:
            return []
        if not isinstance(value, YList):
            self.error(
                f"must be a list, got {kind_of(value)}", section, top.value_positions[section]
            )
            return []
        items = []
        for index, item in enumerate(value):
            path = f"{section}[{index}]"
            if isinstance(item, YMap):
                items.append((path, item))
            else:
                self.error(
                    f"must be a mapping, got {kind_of(item)}", path, value.item_positions[index]
                )
        return items

    def fields(
        self, record: YMap, path: str, required: Iterable[str], optional: Iterable[str]
    ) -> None:
        required, optional = tuple(required), tuple(optional)
        allowed = (*required, *optional)
        for key in record:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f"; allowed: {', '.join(allowed)}"
                self.error(
                    f"unknown field {quote(key)}{hint}",
                    field_path(path, key),
                    record.key_positions[key],
                )
        for key in required:
            if key not in record:
                self.error(f"missing required field {key!r}", path, record.position)

    def value(self, record: YMap, key: str, path: str, check: Callable[[Any], str | None]) -> Any:
        """The field's value when ``check`` finds nothing wrong with it, else MISSING."""
        if key not in record:
            return MISSING
        value = record[key]
        problem = check(value)
        if problem:
            self.error(problem, f"{path}.{key}", record.value_positions[key])
            return MISSING
        return value

    def text(
        self,
        record: YMap,
        key: str,
        path: str,
        pattern: re.Pattern[str] | None = None,
        what: str = "",
    ) -> Any:
        def check(value: Any) -> str | None:
            if not isinstance(value, str):
                return f"must be text, got {kind_of(value)}"
            if not value.strip():
                return "must not be empty"
            if any(unicode_category_is_control(ch) for ch in value.replace("\n", "")):
                return "must not contain control characters"
            if pattern and not pattern.match(value):
                return f"{quote(value)} is not {what}"
            return None

        return self.value(record, key, path, check)

    def texts(
        self,
        record: YMap,
        key: str,
        path: str,
        pattern: re.Pattern[str] | None = None,
        what: str = "",
    ) -> tuple[str, ...] | Any:
        if key not in record:
            return MISSING
        value = record[key]
        if not isinstance(value, YList):
            self.error(
                f"must be a list of text, got {kind_of(value)}",
                f"{path}.{key}",
                record.value_positions[key],
            )
            return MISSING
        good = []
        for index, item in enumerate(value):
            item_path = f"{path}.{key}[{index}]"
            if not isinstance(item, str) or not item.strip():
                self.error(
                    f"must be non-empty text, got {kind_of(item)}",
                    item_path,
                    value.item_positions[index],
                )
            elif pattern and not pattern.match(item):
                self.error(f"{quote(item)} is not {what}", item_path, value.item_positions[index])
            else:
                good.append(item)
        return tuple(good)

    def choice(self, record: YMap, key: str, path: str, enum: type[E], label: str) -> E | Any:
        valid = [member.value for member in enum]

        def check(value: Any) -> str | None:
            if isinstance(value, str) and value in valid:
                return None
            if not isinstance(value, str):
                return f"must be a {label} ({', '.join(valid)}), got {kind_of(value)}"
            hint = did_you_mean(value, valid)
            return f"unknown {label} {quote(value)}{hint} (valid: {', '.join(valid)})"

        value = self.value(record, key, path, check)
        return MISSING if value is MISSING else enum(value)

    def number(self, record: YMap, key: str, path: str) -> Number | Any:
        def check(value: Any) -> str | None:
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"must be a number, got {kind_of(value)}"
            if isinstance(value, float) and not math.isfinite(value):
                return f"must be a finite number, got {value}"
            if abs(value) >= 1e18:
                return f"{value} is too large to be a real figure"
            return None

        return self.value(record, key, path, check)

    def year(self, record: YMap, key: str, path: str) -> int | Any:
        def check(value: Any) -> str | None:
            if isinstance(value, bool) or not isinstance(value, int):
                return f"must be a whole year such as 2023, got {kind_of(value)}"
            if value not in YEAR_RANGE:
                return f"{value} is not a plausible year ({YEAR_RANGE.start}-{YEAR_RANGE.stop - 1})"
            return None

        return self.value(record, key, path, check)

    def date(self, record: YMap, key: str, path: str) -> dt.date | Any:
        def check(value: Any) -> str | None:
            if isinstance(value, str):
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    return f"{quote(value)} is not a date (YYYY-MM-DD)"
                return None
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                return f"must be a date (YYYY-MM-DD), got {kind_of(value)}"
            return None

        value = self.value(record, key, path, check)
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
        return value


def unicode_category_is_control(ch: str) -> bool:
    return ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0


def missing(*values: Any) -> bool:
    return any(v is MISSING for v in values)
