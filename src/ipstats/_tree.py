"""Plain containers that remember where in a file each value came from."""

from __future__ import annotations

from typing import Any

Position = tuple[int, int]  # 1-based line and column


class YMap(dict[str, Any]):
    """A mapping read from a file: its own position and the position of each value."""

    __slots__ = ("key_positions", "position", "value_positions")

    def __init__(self, position: Position) -> None:
        super().__init__()
        self.position = position
        self.key_positions: dict[str, Position] = {}
        self.value_positions: dict[str, Position] = {}


class YList(list[Any]):
    """A sequence read from a file: its own position and the position of each item."""

    __slots__ = ("item_positions", "position")

    def __init__(self, position: Position) -> None:
        super().__init__()
        self.position = position
        self.item_positions: list[Position] = []


class PositionsNeeded(Exception):
    """Raised when a position is asked of a container read without positions."""


class UnplacedMap(YMap):
    """A mapping from the fast reader, which keeps no positions.

    Validation only asks where a value stands when it has a problem to report; then the
    file is read again with positions so that the message can say file:line:column.
    """

    __slots__ = ()

    def __init__(self) -> None:
        dict.__init__(self)

    @property
    def position(self) -> Position:  # type: ignore[override]
        raise PositionsNeeded

    @property
    def key_positions(self) -> dict[str, Position]:  # type: ignore[override]
        raise PositionsNeeded

    @property
    def value_positions(self) -> dict[str, Position]:  # type: ignore[override]
        raise PositionsNeeded


class UnplacedList(YList):
    """A sequence from the fast reader; see UnplacedMap."""

    __slots__ = ()

    def __init__(self, items: list[Any]) -> None:
        list.__init__(self, items)

    @property
    def position(self) -> Position:  # type: ignore[override]
        raise PositionsNeeded

    @property
    def item_positions(self) -> list[Position]:  # type: ignore[override]
        raise PositionsNeeded
