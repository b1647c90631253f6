"""ipstats._tree: containers that remember where in a file each value came from."""

from __future__ import annotations

import pytest

from ipstats._tree import PositionsNeeded, UnplacedList, UnplacedMap, YList, YMap


def test_a_mapping_holds_its_values_and_their_positions() -> None:
    mapping = YMap((3, 1))
    mapping["id"] = "alpha"
    mapping.key_positions["id"] = (3, 3)
    mapping.value_positions["id"] = (3, 7)
    assert mapping == {"id": "alpha"}
    assert (mapping.position, mapping.key_positions, mapping.value_positions) == (
        (3, 1),
        {"id": (3, 3)},
        {"id": (3, 7)},
    )


def test_a_new_mapping_starts_empty_with_no_positions_of_values() -> None:
    mapping = YMap((1, 1))
    assert (dict(mapping), mapping.key_positions, mapping.value_positions) == ({}, {}, {})
    other = YMap((2, 1))
    mapping.key_positions["a"] = (1, 1)
    assert other.key_positions == {}  # each has its own


def test_a_sequence_holds_its_items_and_their_positions() -> None:
    sequence = YList((5, 3))
    sequence.append("zh")
    sequence.item_positions.append((5, 4))
    assert (sequence, sequence.position, sequence.item_positions) == (["zh"], (5, 3), [(5, 4)])
    assert YList((1, 1)).item_positions == []


def test_the_containers_take_no_other_attributes() -> None:
    with pytest.raises(AttributeError):
        YMap((1, 1)).other = 1  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        YList((1, 1)).other = 1  # type: ignore[attr-defined]


def test_an_unplaced_mapping_holds_values_and_asks_for_positions_when_one_is_needed() -> None:
    mapping = UnplacedMap()
    mapping["id"] = "alpha"
    assert isinstance(mapping, YMap) and mapping == {"id": "alpha"}
    for name in ("position", "key_positions", "value_positions"):
        with pytest.raises(PositionsNeeded):
            getattr(mapping, name)


def test_an_unplaced_sequence_holds_items_and_asks_for_positions_when_one_is_needed() -> None:
    sequence = UnplacedList(["zh", "en"])
    assert isinstance(sequence, YList) and sequence == ["zh", "en"]
    for name in ("position", "item_positions"):
        with pytest.raises(PositionsNeeded):
            getattr(sequence, name)
