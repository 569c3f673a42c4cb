"""Full garbage collections wait until the app is idle, and are never skipped for good."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from mediatrack.collector import DUE_AFTER, NEVER, OVERDUE_AFTER, QUIET_FOR, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def full_sweeps() -> Iterator[list[int]]:
    """The generations Python collects from now on (2: a full collection)."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)


def young_collections(count: int) -> None:
    """``count`` collections of the young generations, as allocation would start them."""
    for _ in range(count):
        gc.collect(1)


@pytest.fixture
def collector() -> Iterator[tuple[IdleCollector, Clock]]:
    clock = Clock()
    kept = gc.get_threshold()
    collector = IdleCollector(clock)
    collector.start()
    gc.collect()  # a known start: no young collection pending
    try:
        yield collector, clock
    finally:
        collector.stop()
        assert gc.get_threshold() == kept


def test_start_leaves_full_collections_to_it_and_stop_gives_them_back() -> None:
    kept = gc.get_threshold()
    collector = IdleCollector()
    collector.start()
    try:
        assert gc.get_threshold() == (kept[0], kept[1], NEVER)
    finally:
        collector.stop()
    assert gc.get_threshold() == kept


def test_a_due_collection_waits_for_quiet(
    collector: tuple[IdleCollector, Clock], full_sweeps: list[int]
) -> None:
    idle, clock = collector
    young_collections(DUE_AFTER)
    idle.input_seen()
    clock.now += QUIET_FOR / 2
    assert not idle.check()  # a key came just now
    assert 2 not in full_sweeps
    clock.now += QUIET_FOR
    assert idle.check()
    assert 2 in full_sweeps
    assert gc.get_count()[2] == 0


def test_nothing_runs_when_nothing_is_due(
    collector: tuple[IdleCollector, Clock], full_sweeps: list[int]
) -> None:
    idle, clock = collector
    young_collections(DUE_AFTER - 1)
    clock.now += 60
    assert not idle.check()
    assert 2 not in full_sweeps


def test_an_overdue_collection_runs_even_while_keys_keep_coming(
    collector: tuple[IdleCollector, Clock], full_sweeps: list[int]
) -> None:
    idle, _clock = collector
    young_collections(OVERDUE_AFTER)
    idle.input_seen()
    assert idle.check()
    assert 2 in full_sweeps


def test_a_stopped_collector_runs_nothing() -> None:
    idle = IdleCollector(Clock())
    young_collections(OVERDUE_AFTER)
    assert not idle.check()  # Python runs its own full collections
