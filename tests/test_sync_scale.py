"""Sync at scale: pulls in chunks, derived data for many shows at once, fresh statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mediatrack.kinds import Kind
from mediatrack.services.friends import FriendsService
from mediatrack.services.library import NewItem
from mediatrack.store.sync import engine

if TYPE_CHECKING:
    from sync_world import Device, World

pytest_plugins = ["sync_world"]  # the `world` fixture


def _fill(device: Device, shows: int = 3) -> None:
    """Shows ticked up to different episodes, a podcast half heard, a rated movie."""
    for n in range(shows):
        key = device.add_show(tmdb_id=1000 + n, seasons=2, per_season=3)
        episodes = device.episodes()
        episodes.watch_through(key, episodes.find(key, f"S{1 + n // 2}E{1 + n % 3}").id)
    podcast = device.add_podcast(episodes=4)
    episodes = device.episodes()
    heard = [e.id for e in episodes.podcast_episodes(podcast)][:2]
    episodes.set_listened(podcast, heard, True)
    library = device.use()
    heat = library.add(NewItem(Kind.MOVIE, "Heat", 1995), "completed")
    library.set_rating(heat.key, 8)


def _friends(one: Device, other: Device) -> None:
    one.use()
    FriendsService(one.person.user_id).add(other.person.email)
    other.sync()
    other.use()
    FriendsService(other.person.user_id).accept(one.person.email)


def test_a_pull_one_row_at_a_time_lands_the_same_library_and_friends(world: World, monkeypatch):
    alice, bob = world.person("alice"), world.person("bob")
    laptop, phone, bobs = alice.device("laptop"), alice.device("phone"), bob.device()
    _fill(laptop)
    bobs.add_show(tmdb_id=4242, seasons=1, per_season=5)
    episodes = bobs.episodes()
    shows = [e for e in bobs.use().all_entries() if e.kind is Kind.TV]
    episodes.watch_through(shows[0].key, episodes.find(shows[0].key, "S1E3").id)
    laptop.sync()
    bobs.sync()
    _friends(laptop, bobs)
    laptop.sync()

    monkeypatch.setattr(engine, "PULL_FEW", 0)  # no table comes whole with the probe
    monkeypatch.setattr(engine, "PULL_CHUNK", 1)
    report = phone.sync()
    assert report.pulled > 0
    assert phone.snapshot() == laptop.snapshot()
    # Bob's show is only his: it came along with his rows, episode codes included.
    assert phone.snapshot(bob.user_id) == bobs.snapshot()
    assert [(e[2], e[7], e[8]) for e in phone.snapshot(bob.user_id) if e[0] == "tv"] == [
        ("Show 4242", "S1E3", "S1E4")
    ]


def _reltuples(world: World, table: str) -> float:
    with world.admin() as admin:
        return admin.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", (table,)
        ).fetchone()[0]


def test_a_large_push_refreshes_the_servers_statistics_and_a_small_one_does_not(
    world: World, monkeypatch
):
    laptop = world.person("alice").device()
    laptop.add_show(tmdb_id=1, seasons=1, per_season=3)
    laptop.sync()
    assert _reltuples(world, "episodes") == -1  # never analyzed: a push below the threshold

    monkeypatch.setattr(engine, "ANALYZE_FROM", 5)
    laptop.add_show(tmdb_id=2, seasons=2, per_season=4)
    report = laptop.sync()
    assert _reltuples(world, "episodes") == 11
    assert report.round_trips > 1
    assert laptop.sync().round_trips == 1  # and the next no-op sync is one probe


def test_a_server_without_the_statistics_step_still_takes_a_large_push(
    pg_url: str, tmp_path, monkeypatch
):
    from sync_world import built_world

    with built_world(pg_url, tmp_path / "devices", monkeypatch, version=4) as world:
        alice = world.person("alice")
        laptop, phone = alice.device(), alice.device("phone")
        monkeypatch.setattr(engine, "ANALYZE_FROM", 1)
        _fill(laptop, shows=2)
        laptop.sync()
        phone.sync()
        assert phone.snapshot() == laptop.snapshot()
        assert _reltuples(world, "episodes") == -1
