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
