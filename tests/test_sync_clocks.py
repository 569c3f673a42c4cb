"""Devices converge whatever their clocks say, and an edit made after seeing another wins.

Each device's clock is the library's ``utcnow`` moved by an offset, as a device whose
clock runs fast or slow would stamp its edits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.services.library import NewItem
from mediatrack.store import library as library_rows
from mediatrack.store.models import utcnow

if TYPE_CHECKING:
    from sync_world import Device, World

pytest_plugins = ["sync_world"]  # the `world` fixture


class Clock:
    """The time the library stamps edits with: the real time moved by ``offset``."""

    def __init__(self) -> None:
        self.offset = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return utcnow() + self.offset

    def set(self, **offset: float) -> None:
        self.offset = dt.timedelta(**offset)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    made = Clock()
    monkeypatch.setattr(library_rows, "utcnow", made)
    return made


def server_rating(world: World, title: str) -> int | None:
    with world.admin() as admin:
        found = admin.execute(
            "SELECT r.rating FROM ratings r JOIN media_items m ON m.id = r.media_item_id "
            "WHERE m.title = %s",
            (title,),
        ).fetchone()
    return found[0] if found else None


def rating(device: Device, title: str) -> int | None:
    (entry,) = [e for e in device.use().entries(Kind.MOVIE) if e.title == title]
    return entry.rating


def key(device: Device, title: str) -> EntryKey:
    (entry,) = [e for e in device.use().entries(Kind.MOVIE) if e.title == title]
    return entry.key


def test_a_device_whose_clock_went_back_converges_on_its_later_edit(world: World, clock: Clock):
    alice = world.person("alice")
    a1, a2 = alice.device("a1"), alice.device("a2")
    a1.use().add(NewItem(Kind.MOVIE, "Heat", 1995))
    a1.sync()
    a2.sync()
    clock.set(minutes=10)  # a1's clock runs 10 minutes ahead
    a1.use().set_rating(key(a1, "Heat"), 5)
    a1.sync()
    clock.set()  # corrected
    a1.use().set_rating(key(a1, "Heat"), 6)
    a1.sync()
    a2.sync()
    assert (rating(a1, "Heat"), rating(a2, "Heat"), server_rating(world, "Heat")) == (6, 6, 6)


def test_a_fast_device_does_not_beat_a_later_edit_made_after_seeing_its_change(
    world: World, clock: Clock
):
    alice = world.person("alice")
    fast, other = alice.device("fast"), alice.device("other")
    fast.use().add(NewItem(Kind.MOVIE, "Heat", 1995))
    fast.sync()
    other.sync()
    clock.set(hours=1)  # one hour fast
    fast.use().set_rating(key(fast, "Heat"), 7)
    fast.sync()
    clock.set(seconds=2)  # 2 s later, on a device with the right time
    other.sync()
    assert rating(other, "Heat") == 7  # it has seen the fast device's change...
    other.use().set_rating(key(other, "Heat"), 8)  # ...and edits after it
    other.sync()
    fast.sync()
    assert (rating(fast, "Heat"), rating(other, "Heat"), server_rating(world, "Heat")) == (8, 8, 8)


# --- the property: random clocks, random interleavings -------------------------------------

OFFSET = st.integers(min_value=-6 * 3600, max_value=6 * 3600)  # seconds, both directions
STEP = st.one_of(
    st.tuples(st.just("edit"), st.sampled_from("ab"), OFFSET),
    st.tuples(st.just("sync"), st.sampled_from("ab"), st.just(0)),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=1, max_size=9))
def test_two_devices_converge_and_keep_the_causally_last_edit(pair: Pair, clock: Clock, steps):
    """Whatever the clocks and the order of edits and syncs, one sync round leaves both
    devices and the server equal, and never on an edit that a later one replaced.

    One server database serves every example; each example tracks a book of its own.
    """
    devices = pair.devices
    pair.examples += 1
    title = f"Book {pair.examples}"
    a = devices["a"]
    a.use().add(NewItem(Kind.BOOK, title, total=10_000))
    a.sync()
    devices["b"].sync()
    parent: dict[int, int] = {}  # edit (its page) -> the edit it replaced on its device
    page = 0
    for action, name, offset in steps:
        device = devices[name]
        if action == "sync":
            device.sync()
            continue
        page += 1
        clock.set(seconds=offset)
        library = device.use()
        (entry,) = [e for e in library.entries(Kind.BOOK) if e.title == title]
        parent[page] = entry.progress
        library.set_progress(entry.key, page)
        clock.set()
    for name in "aba":
        devices[name].sync()
    final = {name: _progress(devices[name], title) for name in "ab"}
    with pair.world.admin() as admin:
        (on_server,) = admin.execute(
            "SELECT p.progress FROM user_book_progress p JOIN books b ON b.id = p.book_id "
            "WHERE b.title = %s",
            (title,),
        ).fetchone()
    assert final["a"] == final["b"] == on_server, (final, on_server, steps)
    replaced = set()  # every edit some later edit was made on top of, directly or not
    for edit in parent:
        seen = parent[edit]
        while seen:
            replaced.add(seen)
            seen = parent.get(seen, 0)
    assert on_server not in replaced, (on_server, parent, steps)


def _progress(device: Device, title: str) -> int:
    (entry,) = [e for e in device.use().entries(Kind.BOOK) if e.title == title]
    return entry.progress


@dataclass
class Pair:
    world: World
    devices: dict[str, Device]
    examples: int = 0


@pytest.fixture
def pair(world: World) -> Pair:
    """Two devices of Alice's on one server."""
    alice = world.person("alice")
    return Pair(world, {"a": alice.device("a"), "b": alice.device("b")})


def test_two_edits_of_the_same_version_stamped_alike_converge_on_the_servers(
    world: World, clock: Clock
):
    alice = world.person("alice")
    fast, a, b = alice.device("fast"), alice.device("a"), alice.device("b")
    fast.use().add(NewItem(Kind.MOVIE, "Heat", 1995))
    clock.set(hours=1)
    fast.use().set_rating(key(fast, "Heat"), 5)
    fast.sync()
    a.sync()
    b.sync()
    clock.set(hours=-1)  # both behind the version they saw: both stamped 1 ms after it
    a.use().set_rating(key(a, "Heat"), 6)
    b.use().set_rating(key(b, "Heat"), 7)
    clock.set()
    assert a.snapshot()[0][-1] == b.snapshot()[0][-1]  # the same stamp on both
    for device in (a, b, fast, a):
        device.sync()
    assert {rating(d, "Heat") for d in (a, b, fast)} == {server_rating(world, "Heat")} == {6}
