"""Friends through the server: requests, answers, each other's libraries, and strangers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mediatrack.kinds import Kind
from mediatrack.services.friends import FriendsError, FriendsService
from mediatrack.services.library import Library, NewItem
from mediatrack.services.sync import URL_ENV
from mediatrack.store.db import connection
from mediatrack.store.models import User

if TYPE_CHECKING:
    from sync_world import Device, World

pytest_plugins = ["sync_world"]  # the `world` fixture


@pytest.fixture
def devices(world: World) -> tuple[Device, Device, Device]:
    """Alice, Bob and Carol, each with a library already synced once."""
    alice, bob, carol = (world.person(name).device() for name in ("alice", "bob", "carol"))
    show = alice.add_show()
    alice.episodes().watch_through(show, alice.episodes().find(show, "S1E2").id)
    library = alice.use()
    dune = library.add(
        NewItem(
            Kind.BOOK, "Dune", 1965, catalog_id="B1hSG45JCX4C", creator="Frank Herbert", total=600
        )
    )
    library.update(dune.key, progress=42, rating=9)
    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995), "completed")
    library.set_rating(heat.key, 8)
    bob.use().add(NewItem(Kind.PODCAST, "Radiolab", total=50), "listening")
    same_dune = bob.use().add(NewItem(Kind.BOOK, "Dune", catalog_id="B1hSG45JCX4C", total=600))
    bob.use().set_rating(same_dune.key, 7)
    carol.use().add(NewItem(Kind.MOVIE, "Ronin", 1998))
    for device in (alice, bob, carol):
        device.sync()
    return alice, bob, carol


def friends_of(device: Device) -> FriendsService:
    device.use()
    return FriendsService(device.person.user_id)


def knows(device: Device, person) -> bool:
    device.use()
    with connection():
        return User.get_or_none(User.id == person.user_id) is not None


def test_a_request_then_an_answer_makes_friends_who_see_each_others_libraries(devices):
    alice, bob, carol = devices
    sent = friends_of(alice).add(bob.person.email.upper())
    assert sent.sent and "bob@example.com" in sent.message
    assert [r.person.email for r in friends_of(alice).overview().outgoing] == ["bob@example.com"]

    bob.sync()
    incoming = friends_of(bob).overview().incoming
    assert [(r.person.name, r.person.email) for r in incoming] == [("Alice", "alice@example.com")]
    assert friends_of(bob).accept("alice@example.com").sent

    # Bob's accept synced him at once, so he has all of Alice's library: her rows were
    # written long before his pull mark, and still arrive.
    assert bob.snapshot(alice.person.user_id) == alice.snapshot()
    view = friends_of(bob).overview()
    assert [f.person.email for f in view.friends] == ["alice@example.com"]
    now = [(e.title, e.status, e.progress, e.last_episode) for e in view.friends[0].now]
    assert now == [("Show 1399", "watching", 2, "S1E2"), ("Dune", "reading", 42, None)]
    assert view.friends[0].latest.title == "Heat"
    compared = friends_of(bob).compare("alice@example.com")
    assert [(c.title, c.mine, c.theirs) for c in compared] == [("Dune", 7, 9)]
    alice.sync()
    assert alice.snapshot(bob.person.user_id) == bob.snapshot()

    # Carol, who is no one's friend, got nothing of theirs, not even their names.
    carol.sync()
    assert not knows(carol, alice.person) and not knows(carol, bob.person)
    assert Library(alice.person.user_id).all_entries() == []
    assert friends_of(carol).overview().friends == ()


def test_changes_of_a_friend_arrive_at_the_next_sync(devices):
    alice, bob, _ = devices
    friends_of(alice).add(bob.person.email)
    bob.sync()
    friends_of(bob).accept(alice.person.email)
    dune = next(e for e in alice.use().all_entries() if e.title == "Dune")
    alice.use().set_progress(dune.key, 300)
    show = next(e for e in alice.use().all_entries() if e.kind is Kind.TV)
    alice.episodes().watch_through(show.key, alice.episodes().find(show.key, "S2E1").id)
    alice.sync()
    assert bob.sync().pulled >= 2
    seen = {e.title: e for e in Library(alice.person.user_id).all_entries()}
    assert (seen["Dune"].progress, seen["Show 1399"].progress) == (300, 5)
    assert (seen["Show 1399"].last_episode, seen["Show 1399"].next_episode) == ("S2E1", "S2E2")


def test_ending_a_friendship_takes_their_library_off_your_device(devices):
    alice, bob, _ = devices
    friends_of(alice).add(bob.person.email)
    bob.sync()
    friends_of(bob).accept(alice.person.email)
    alice.sync()
    assert alice.snapshot(bob.person.user_id) != []
    assert friends_of(alice).remove("bob@example.com").sent
    bob.sync()
    for device, other in ((alice, bob), (bob, alice)):
        device.use()
        assert Library(other.person.user_id).all_entries() == []
        assert friends_of(device).overview().friends == ()
    with pytest.raises(FriendsError, match="not one of your friends"):
        friends_of(alice).library("bob@example.com")


def test_a_declined_request_is_gone_on_both_sides(devices):
    alice, bob, _ = devices
    friends_of(alice).add(bob.person.email)
    bob.sync()
    assert friends_of(bob).decline("alice@example.com").sent
    alice.sync()
    for device in (alice, bob):
        view = friends_of(device).overview()
        assert (view.incoming, view.outgoing, view.friends) == ((), (), ())
    with pytest.raises(FriendsError, match=r"no friend request from alice@example\.com"):
        friends_of(bob).accept("alice@example.com")


def test_requests_to_unknown_people_and_to_oneself_are_refused_in_one_sentence(devices):
    alice, _, _ = devices
    with pytest.raises(FriendsError, match=r"^Nobody with the email zed@example.com syncs"):
        friends_of(alice).add("zed@example.com")
    with pytest.raises(FriendsError, match="your own email"):
        friends_of(alice).add("Alice@example.com")
    with pytest.raises(FriendsError, match="not an email"):
        friends_of(alice).add("bob")
    assert friends_of(alice).overview().queued == ()


def test_offline_requests_wait_in_the_outbox_and_go_at_the_next_sync(devices, world: World):
    alice, bob, _ = devices
    alice.use()
    world.monkeypatch.setenv(URL_ENV, "postgresql://nobody@127.0.0.1:1/nothing")
    queued = FriendsService(alice.person.user_id).add(bob.person.email)
    assert not queued.sent and queued.message.startswith("Queued: Cannot reach the sync server")
    assert [(q.action, q.email) for q in friends_of(alice).overview().queued] == [
        ("add", "bob@example.com")
    ]
    alice.sync()  # back online
    assert friends_of(alice).overview().queued == ()
    bob.sync()
    assert [r.person.email for r in friends_of(bob).overview().incoming] == ["alice@example.com"]
