"""ipstats._collector: the cyclic garbage collector paused, and what lives on set aside."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ipstats._collector import paused


@pytest.fixture(autouse=True)
def collector_as_it_was() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    gc.enable()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with paused(freeze=True):
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_it_is_on_again_after_an_error() -> None:
    gc.enable()
    with pytest.raises(KeyError), paused():
        raise KeyError("x")
    assert gc.isenabled()


class _Lives:
    """An object the collector tracks."""


def test_freeze_sets_aside_what_the_block_made_and_only_with_freeze() -> None:
    gc.enable()
    gc.unfreeze()
    with paused():
        kept = _Lives()
    assert gc.get_freeze_count() == 0
    assert any(o is kept for o in gc.get_objects())
    with paused(freeze=True):
        frozen = _Lives()
    assert gc.get_freeze_count() > 0
    assert not any(o is frozen for o in gc.get_objects())  # no generation walks it now
