"""The seed's new columns travel between devices like every other column."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from catalog_server import fixture
from mediatrack.catalog._parse import Fields
from mediatrack.catalog.google_books import parse_volume
from mediatrack.catalog.tmdb import parse_season, parse_show
from mediatrack.kinds import Kind
from mediatrack.store import metadata
from mediatrack.store.db import connection
from mediatrack.store.models import Book, Episode, MediaItem, Podcast, Season

if TYPE_CHECKING:
    from sync_world import Device, World

pytest_plugins = ["sync_world"]  # the `world` fixture


def seed_columns() -> dict[str, object]:
    with connection():
        return {
            "show": list(MediaItem.select(MediaItem.status, MediaItem.last_air_date).tuples()),
            "seasons": sorted(Season.select(Season.season_number, Season.name).tuples()),
            "votes": sorted(Episode.select(Episode.tmdb_id, Episode.vote_average).tuples()),
            "ebooks": sorted(Book.select(Book.google_id, Book.is_ebook).tuples()),
            "podcasts": list(Podcast.select(Podcast.collection_name, Podcast.artist_name).tuples()),
        }


def test_new_seed_columns_reach_the_other_device(world: World) -> None:
    alice = world.person("alice")
    laptop: Device = alice.device("laptop")
    phone: Device = alice.device("phone")
    library = laptop.use()
    show = parse_show(Fields(fixture("tmdb/tv_details_ended.json"), "show"))
    season = parse_season(Fields(fixture("tmdb/tv_season_details.json"), "season"))
    specials = dataclasses.replace(season, tmdb_id=1, season_number=0, name=None, episodes=())
    ebook = parse_volume(Fields(fixture("google_books/volumes_search.json")["items"][3], "book"))
    with connection():
        library.track(Kind.TV, metadata.save_show(show, [season, specials]), "watching")
        library.track(Kind.BOOK, metadata.save_book(ebook), "reading")
    laptop.add_podcast()
    sent = seed_columns()

    laptop.sync()
    phone.sync()

    phone.use()
    assert seed_columns() == sent
    assert sent["show"] == [("Ended", "2019-05-19")]
    assert (0, "Specials") in sent["seasons"]
    assert sent["ebooks"] == [(ebook.google_id, True)]
    assert sent["podcasts"] == [("Podcast 917918570", "Someone")]
    assert all(vote is not None for _, vote in sent["votes"])
