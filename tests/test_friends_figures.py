"""You and your friends, from what sync left in the local file: compare, activity, add to mine,
their average rating of your items, the notes they shared."""

from __future__ import annotations

import json

import pytest

from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.services.friends import FriendsService
from mediatrack.services.library import AlreadyInLibrary, Library
from mediatrack.store import friends as friend_rows
from mediatrack.store.db import connection
from mediatrack.store.identity import Profile, sign_in
from mediatrack.store.models import BookNote
from stats_library import friends_circle, movie, note, person


@pytest.fixture
def circle(db) -> dict[str, int]:
    with connection():
        return friends_circle()


def test_compare_counts_what_both_rated_the_average_gap_and_the_widest(circle):
    comparison = FriendsService("me").comparison("ana@example.com")
    assert [(i.title, i.mine, i.theirs) for i in comparison.items] == [
        ("Alien", 6, 6),
        ("Heat", 9, 7),
        ("Ronin", 5, 8),
        ("Dune", 4, 9),
    ]
    assert comparison.average_gap == pytest.approx((0 + 2 + 3 + 5) / 4)
    assert comparison.average_difference == pytest.approx((0 + 2 - 3 - 5) / 4)
    assert [i.title for i in comparison.disagreements] == ["Dune", "Ronin", "Heat"]


def test_compare_with_no_rating_in_common(circle):
    comparison = FriendsService("me").comparison("bob@example.com")
    assert [i.title for i in comparison.items] == ["Heat"]
    assert comparison.average_gap == 0 and comparison.disagreements == []


def test_the_activity_feed_is_newest_first_and_only_of_friends(circle):
    feed = FriendsService("me").activity()
    lines = [(a.friend_name, a.verb, a.title, a.rating) for a in feed]
    assert lines[:5] == [
        ("Bob", "finished", "Solaris", 8),
        ("Ana", "rated", "Up", 6),
        ("Ana", "started", "Tenet", None),
        ("Ana", "finished", "Heat", 7),
        ("Bob", "finished", "Heat", 9),
    ]
    assert all(a.friend_name in ("Ana", "Bob") for a in feed)  # Carol only asked
    assert ("Ana", "finished", "Gone", 3) not in lines  # she removed it
    assert [a.at for a in feed] == sorted((a.at for a in feed), reverse=True)


def test_no_friends_no_activity(db):
    with connection():
        person("me", "Me")
    assert FriendsService("me").activity() == []


def test_add_to_my_library_once(circle):
    service = FriendsService("me")
    added = service.add_to_my_library(EntryKey(Kind.MOVIE, circle["up"]))
    assert (added.title, added.status, added.rating) == ("Up", "plan_to_watch", None)
    assert Library("me").entry(added.key).status == "plan_to_watch"
    with pytest.raises(AlreadyInLibrary, match="'Up' is already in your library as movie:"):
        service.add_to_my_library(added.key)
    with pytest.raises(AlreadyInLibrary, match="Heat"):
        service.add_to_my_library(EntryKey(Kind.MOVIE, circle["heat"]))
    assert Library("me").entry(EntryKey(Kind.MOVIE, circle["heat"])).rating == 9  # untouched


def test_the_detail_pane_shows_friends_average_rating(circle):
    detail = Library("me").detail(EntryKey(Kind.MOVIE, circle["heat"]))
    assert ("Friends", "8.0/10 from 2 friends") in detail.facts  # Ana 7, Bob 9; not Carol's 1
    alone = Library("me").detail(EntryKey(Kind.MOVIE, circle["tenet"]))
    assert not any(label == "Friends" for label, _ in alone.facts)
    book_detail = Library("me").detail(EntryKey(Kind.BOOK, circle["dune"]))
    assert ("Friends", "9.0/10 from 1 friend") in book_detail.facts
    assert FriendsService("me").friends_rating(EntryKey(Kind.MOVIE, circle["gone"])) is None


def test_friends_shared_notes_show_and_nothing_else_does(circle):
    heat, dune = EntryKey(Kind.MOVIE, circle["heat"]), EntryKey(Kind.BOOK, circle["dune"])
    gone = EntryKey(Kind.MOVIE, circle["gone"])
    with connection():
        note("ana", heat, "the bank scene", on="2025-06-11")
        note("bob", heat, "shared, then taken back", on="2025-06-12")
        note("bob", heat, None, on="2025-06-13")  # cleared: a blank tombstone
        note("bob", heat, "my secret", shared=False, on="2025-06-14")  # private: never
        note("carol", heat, "Carol only asked", on="2025-06-15")
        movie("Heat", user=person("dan", "Dan"), item=circle["heat"])
        note("dan", heat, "a stranger", on="2025-06-16")
        note("ana", gone, "she removed it", on="2025-06-17")
        note("ana", dune, "tombstoned with its text", on="2025-06-18")
        BookNote.update(deleted_at=BookNote.updated_at).execute()
        note("bob", EntryKey(Kind.MOVIE, circle["ronin"]), "not in his library", on="2025-06-19")
        assert [(n.friend_name, n.text) for n in friend_rows.friends_notes("me", key=heat)] == [
            ("Ana", "the bank scene")
        ]
        assert friend_rows.friends_notes("me", key=gone) == []
        assert friend_rows.friends_notes("me", key=dune) == []
        assert friend_rows.friends_notes("me", key=EntryKey(Kind.MOVIE, circle["ronin"])) == []
        note("bob", heat, "now shared", on="2025-06-20")  # the private one moves to a shared row
    assert [(n.friend_name, n.text) for n in Library("me").detail(heat).friend_notes] == [
        ("Bob", "now shared"),  # newest first
        ("Ana", "the bank scene"),
    ]
    assert Library("me").detail(EntryKey(Kind.MOVIE, circle["alien"])).friend_notes == ()
    theirs = FriendsService("me").shared_notes("ana@example.com")
    assert {key: n.text for key, n in theirs.items()} == {heat: "the bank scene"}
    assert FriendsService("me").shared_notes("bob@example.com")[heat].text == "now shared"
    assert Library("carol").detail(heat).friend_notes == ()  # her friendship is only asked


def test_list_user_json_carries_each_items_shared_note(circle, cli):
    sign_in(Profile("me", "Me", "me@example.com", True))
    with connection():
        note("ana", EntryKey(Kind.MOVIE, circle["heat"]), "bank \x1b[2J\u202e", on="2025-06-11")
        note("ana", EntryKey(Kind.MOVIE, circle["ronin"]), "mine", shared=False, on="2025-06-11")
    listed = cli("list", "--user", "ana@example.com", "--json")
    assert listed.code == 0, listed.err
    assert "\x1b" not in listed.out and "\\u202e" in listed.out  # JSON, escaped
    notes = {entry["title"]: entry["note"] for entry in json.loads(listed.out)}
    assert notes == {
        "Heat": "bank \x1b[2J\u202e",
        "Ronin": None,
        "Alien": None,
        "Tenet": None,
        "Up": None,
        "Dune": None,
    }
    assert "note" not in json.loads(cli("list", "--json").out)[0]  # your own: unchanged
