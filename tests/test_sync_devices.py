"""Two devices of one person converge through the server, whatever fails on the way."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

import psycopg
import pytest

from mediatrack.kinds import Kind
from mediatrack.services.library import Library, NewItem
from mediatrack.services.sync import NotSignedIn, ServerUnreachable, sync_once
from mediatrack.store.db import connection, open_database
from mediatrack.store.models import Book, SyncChange, utcnow
from mediatrack.store.sync import engine, landing, local
from mediatrack.store.sync.remote import connect

if TYPE_CHECKING:
    from sync_world import Device, World

pytest_plugins = ["sync_world"]  # the `world` fixture


@pytest.fixture
def alice(world: World):
    return world.person("alice")


@pytest.fixture
def laptop(alice) -> Device:
    return alice.device("laptop")


@pytest.fixture
def phone(alice) -> Device:
    return alice.device("phone")


def server_count(world: World, table: str) -> int:
    with world.admin() as admin:
        return admin.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def pending(device: Device) -> int:
    device.use()
    with connection():
        return SyncChange.select().count()


def test_changes_on_both_devices_meet_after_two_syncs_each(laptop: Device, phone: Device):
    library = laptop.use()
    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995))
    library.set_rating(heat.key, 8)
    dune = library.add(NewItem(Kind.BOOK, "Dune", 1965, creator="Frank Herbert", total=600))
    library.set_progress(dune.key, 120)
    show = laptop.add_show()
    laptop.episodes().watch_through(show, laptop.episodes().find(show, "S1E3").id)
    library = phone.use()
    library.add(NewItem(Kind.PODCAST, "Radiolab", creator="WNYC", total=40), "listening")
    podcast = phone.add_podcast()
    phone.episodes().set_listened(
        podcast, [e.id for e in phone.episodes().podcast_episodes(podcast)][:2], True
    )

    for device in (laptop, phone, laptop, phone):
        device.sync()

    assert laptop.snapshot() == phone.snapshot()
    entries = {(kind, title): tuple(rest) for kind, _, title, *rest in phone.snapshot()}
    # (status, progress, total, rating, last episode, next episode)
    assert entries["tv", "Show 1399"][:6] == ("watching", 3, 8, None, "S1E3", "S1E4")
    assert entries["book", "Dune"][:4] == ("reading", 120, 600, None)
    assert entries["movie", "Heat"][:4] == ("plan_to_watch", 0, 1, 8)
    assert entries["podcast", "Podcast 917918570"][:2] == ("listening", 2)
    assert entries["podcast", "Radiolab"][:3] == ("listening", 0, 40)
    # An untick on one device is a tombstone; the other recomputes the show from it.
    show_on_phone = next(e for e in phone.use().all_entries() if e.kind is Kind.TV)
    third = phone.episodes().find(show_on_phone.key, "S1E3").id
    phone.episodes().set_watched(show_on_phone.key, [third], False)
    phone.sync()
    laptop.sync()
    assert [(e.progress, e.last_episode) for e in laptop.use().entries(Kind.TV)] == [(2, "S1E2")]
    assert laptop.snapshot() == phone.snapshot()
    # Nothing left to do: both are quiet now, and nothing went up twice.
    assert (laptop.sync().pushed, phone.sync().pushed) == (0, 0)
    assert server_count(laptop.person.world, "user_progress") == 2
    assert server_count(laptop.person.world, "episodes") == 8


def test_a_conflicting_edit_resolves_to_the_later_one_on_both(laptop: Device, phone: Device):
    dune = laptop.use().add(NewItem(Kind.BOOK, "Dune", total=600))
    laptop.sync()
    phone.sync()
    laptop.use().set_progress(dune.key, 100)  # earlier
    phone_key = phone.use().all_entries()[0].key
    phone.use().set_progress(phone_key, 200)  # later
    assert phone.sync().pushed == 1
    report = laptop.sync()  # pushes the older edit: the server keeps the newer one
    assert (report.pushed, report.conflicts) == (0, 1)
    phone.sync()
    for device in (laptop, phone):
        assert [entry.progress for entry in device.use().all_entries()] == [200]
    assert laptop.snapshot() == phone.snapshot()


def test_a_removal_on_one_device_removes_it_on_the_other(laptop: Device, phone: Device):
    library = laptop.use()
    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995))
    library.set_rating(heat.key, 9)
    library.add(NewItem(Kind.MOVIE, "Ronin", 1998))
    laptop.sync()
    phone.sync()
    assert len(phone.use().all_entries()) == 2
    laptop.use().remove(heat.key, confirm=True)
    laptop.sync()
    phone.sync()
    assert [entry.title for entry in phone.use().all_entries()] == ["Ronin"]
    assert laptop.snapshot() == phone.snapshot()
    with laptop.person.world.admin() as admin:
        assert admin.execute(
            "SELECT count(*) FROM ratings WHERE deleted_at IS NOT NULL"
        ).fetchone() == (1,)


def test_a_sync_with_nothing_to_do_is_one_round_trip(laptop: Device, tmp_path):
    laptop.use().add(NewItem(Kind.MOVIE, "Heat", 1995))
    laptop.sync()
    laptop.sync()
    trace = tmp_path / "libpq.trace"

    def traced(url: str, password: str | None) -> psycopg.Connection:
        session = connect(url, password)
        handle = os.open(trace, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        session.pgconn.trace(handle)  # every protocol message libpq sends and receives
        return session

    report = laptop.sync(connect=traced)
    assert (report.pushed, report.pulled, report.round_trips) == (0, 0, 1)
    sent = [line.split("\t") for line in trace.read_text().splitlines()]
    # One query went out and one answer came back: the pull mark's check, with no rows.
    syncs = [
        line for line in sent if len(line) > 2 and line[1] == "F" and line[3] in ("Sync", "Query")
    ]
    assert len(syncs) == 1


def test_a_connection_killed_between_batches_loses_nothing_and_duplicates_nothing(
    world: World, laptop: Device, phone: Device, monkeypatch
):
    monkeypatch.setattr(engine, "BATCH_SIZE", 100)
    library = laptop.use()
    with connection():
        for n in range(300):
            library.add(NewItem(Kind.BOOK, f"Book {n}", total=100), "reading")
    alice = laptop.person

    def kill_after_second_batch(phase: str, done: int, total: int) -> None:
        if phase == "push" and done == 2:
            with world.admin() as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                    (alice.role,),
                )

    laptop.use()
    with pytest.raises(ServerUnreachable, match="lost"):
        sync_once(alice.url, alice.password, on_progress=kill_after_second_batch)
    with connection():
        assert SyncChange.select().count() == 600 + 1 - 2 * 100  # and the users row
    # The two committed batches are there, nothing of the broken one.
    committed = server_count(world, "user_book_progress")
    tables = ("users", "books", "user_book_progress")
    assert sum(server_count(world, table) for table in tables) == 200

    report = laptop.sync()
    assert (report.pushed, report.conflicts, pending(laptop)) == (300 - committed, 0, 0)
    assert server_count(world, "books") == server_count(world, "user_book_progress") == 300
    phone.sync()
    assert len(phone.use().all_entries()) == 300
    assert laptop.snapshot() == phone.snapshot()


def test_a_crash_after_the_server_committed_sends_the_batch_again_harmlessly(
    world: World, laptop: Device, phone: Device, monkeypatch
):
    library = laptop.use()
    library.add(NewItem(Kind.MOVIE, "Heat", 1995))
    real = local.mark_pushed

    def crash(upto: int) -> None:
        raise ServerUnreachable("The connection to the sync server was lost (simulated).")

    monkeypatch.setattr(local, "mark_pushed", crash)
    with pytest.raises(ServerUnreachable):
        laptop.sync()
    assert server_count(world, "user_progress") == 1  # committed, yet still pending here
    assert pending(laptop) > 0
    monkeypatch.setattr(local, "mark_pushed", real)
    report = laptop.sync()
    assert (report.pushed, report.conflicts, pending(laptop)) == (0, 0, 0)
    assert server_count(world, "user_progress") == server_count(world, "media_items") == 1
    phone.sync()
    assert laptop.snapshot() == phone.snapshot()


def test_a_drop_before_the_pull_lands_leaves_the_device_as_it_was(
    world: World, laptop: Device, phone: Device, monkeypatch
):
    laptop.use().add(NewItem(Kind.MOVIE, "Heat", 1995))
    laptop.sync()
    phone.sync()
    laptop.use().add(NewItem(Kind.MOVIE, "Ronin", 1998))
    laptop.sync()
    before = phone.snapshot()
    mark = local.state().pulled_revision

    def lost(*args, **kwargs):
        raise ServerUnreachable("The connection to the sync server was lost (simulated).")

    monkeypatch.setattr(landing, "apply", lost)
    with pytest.raises(ServerUnreachable):
        phone.sync()
    monkeypatch.undo()
    phone.use()
    assert (phone.snapshot(), local.state().pulled_revision) == (before, mark)
    assert phone.sync().pulled == 1
    assert laptop.snapshot() == phone.snapshot()


def test_someone_not_signed_in_cannot_sync_and_is_told_why(alice, tmp_path):
    open_database(tmp_path / "anonymous.db")
    Library().add(NewItem(Kind.MOVIE, "Heat", 1995))
    with pytest.raises(NotSignedIn) as refused:
        sync_once(alice.url, alice.password)
    message = str(refused.value)
    assert "mediatrack login" in message and len(re.findall(r"[.!?](\s|$)", message)) == 1


def test_another_persons_role_is_refused(world: World, laptop: Device):
    bob = world.person("bob")
    laptop.use()
    with pytest.raises(Exception, match="belongs to another mediatrack user"):
        sync_once(bob.url, bob.password)


def test_edits_made_during_a_multi_batch_push_still_reach_the_server(
    world: World, laptop: Device, phone: Device, monkeypatch
):
    """Later batches leave out parents already committed in this push; a parent edited
    after its batch went up is a change of its own and must still arrive."""
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    library = laptop.use()
    keys = [library.add(NewItem(Kind.BOOK, f"Book {n}", total=100)).key for n in range(4)]
    alice = laptop.person
    edited = False

    def rename_first_book_after_the_first_batch(phase: str, done: int, total: int) -> None:
        nonlocal edited
        if phase == "push" and done == 1 and not edited:
            edited = True
            library.set_progress(keys[0], 10)  # a child change of book 0 ...
            with connection():
                Book.update(title="Book 0, renamed", updated_at=utcnow()).where(
                    Book.id == keys[0].item_id
                ).execute()  # ... and its parent, changed after it was pushed

    laptop.use()
    sync_once(alice.url, alice.password, on_progress=rename_first_book_after_the_first_batch)
    assert edited
    laptop.sync()
    with world.admin() as admin:
        titles = sorted(row[0] for row in admin.execute("SELECT title FROM books"))
    assert titles == ["Book 0, renamed", "Book 1", "Book 2", "Book 3"]
    phone.sync()
    assert laptop.snapshot() == phone.snapshot()
    assert {entry.title for entry in phone.use().entries(Kind.BOOK)} >= {"Book 0, renamed"}
