"""Notes and rewatches sync to your other devices; a friend reads a note only once it is shared,
even with raw SQL as their own role on the real PostgreSQL server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mediatrack.kinds import Kind
from mediatrack.services.episodes import Episodes
from mediatrack.services.history import History
from mediatrack.services.library import NewItem

if TYPE_CHECKING:
    from sync_world import Person, World

pytest_plugins = ["sync_world"]  # the `world` fixture


def befriend(requester: Person, recipient: Person) -> None:
    with requester.sql() as sql:
        sql.execute("SELECT mediatrack_request_friendship(%s)", (recipient.email,))
    with recipient.sql() as sql:
        sql.execute("UPDATE friendships SET status = 'accepted', updated_at = now()")


def test_notes_and_runs_reach_the_other_device(world: World):
    alice = world.person("alice")
    laptop, phone = alice.device("laptop"), alice.device("phone")
    show = laptop.add_show(tmdb_id=91500, seasons=1, per_season=3)
    library = laptop.use()
    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995)).key
    History(alice.user_id).set_note(heat, "The bank scene\n\x1b[2Jagain")
    ids = [e.id for e in Episodes(alice.user_id).show_episodes(show)]
    Episodes(alice.user_id).set_watched(show, ids, True, confirm=True)
    library.set_status(show, "completed")
    History(alice.user_id).start_again(show, confirm=True)
    laptop.sync()

    phone.sync()
    phones = phone.use()
    [movie] = phones.entries(Kind.MOVIE)
    assert phones.detail(movie.key).note.text == "The bank scene\n\x1b[2Jagain"
    [on_phone] = phones.entries(Kind.TV)
    assert (on_phone.status, on_phone.progress) == ("watching", 0)
    assert phones.detail(on_phone.key).runs == 1
    watched = [e for e in History(alice.user_id).events(on_phone.key) if e.event == "watched"]
    assert sorted(e.episode for e in watched) == [1, 2, 3] and {e.run for e in watched} == {1}

    History(alice.user_id).set_note(movie.key, "", confirm=True)  # cleared on the phone...
    phone.sync()
    laptop.sync()
    assert laptop.use().detail(heat).note is None  # ...and so on the laptop


def test_a_friend_reads_a_note_only_once_it_is_shared(world: World):
    alice, bob, mallory = world.person("alice"), world.person("bob"), world.person("mallory")
    laptop = alice.device()
    library = laptop.use()
    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995)).key
    dune = library.add(NewItem(Kind.BOOK, "Dune", 1965, total=412)).key
    History(alice.user_id).set_note(heat, "my secret")
    History(alice.user_id).set_note(dune, "read it twice", shared=True)
    laptop.sync()
    befriend(alice, bob)

    with bob.sql() as sql:  # raw SQL as the friend's own role
        assert sql.execute("SELECT note FROM media_notes").fetchall() == []
        assert sql.execute("SELECT note FROM book_notes").fetchall() == [("read it twice",)]
        assert sql.execute("SELECT count(*) FROM media_notes WHERE NOT note_shared").fetchone() == (
            0,
        )
        assert sql.execute("UPDATE book_notes SET note = 'PWNED'").rowcount == 0
        assert sql.execute("UPDATE media_notes SET note_shared = true").rowcount == 0
    with mallory.sql() as sql:  # a stranger reads none
        for table in ("media_notes", "book_notes", "podcast_notes", "past_episode_watches"):
            assert sql.execute(f"SELECT * FROM {table}").fetchall() == [], table

    bobs = bob.device()
    bobs.sync()
    assert bobs.db.execute_sql("SELECT note FROM media_notes").fetchall() == []
    assert live_notes(bobs, "book_notes") == ["read it twice"]

    laptop.use()
    History(alice.user_id).set_note(heat, "my secret", shared=True)
    laptop.sync()
    with bob.sql() as sql:
        assert sql.execute("SELECT note FROM media_notes").fetchall() == [("my secret",)]
    bobs.sync()
    assert live_notes(bobs, "media_notes") == ["my secret"]

    laptop.use()
    History(alice.user_id).set_note(heat, "my secret, again", shared=False)
    laptop.sync()
    with bob.sql() as sql:  # taken back: what a friend reads is a tombstone with no text
        assert sql.execute("SELECT note, deleted_at IS NOT NULL FROM media_notes").fetchall() == [
            ("", True)
        ]
    bobs.sync()
    assert live_notes(bobs, "media_notes") == []  # and the friend's device dropped its copy
    laptop.use()
    assert History(alice.user_id).note(heat).text == "my secret, again"


def live_notes(device, table: str) -> list[str]:
    rows = device.db.execute_sql(f"SELECT note FROM {table} WHERE deleted_at IS NULL")
    return [note for (note,) in rows.fetchall()]
