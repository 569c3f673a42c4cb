"""Catalog answers land in the seed's columns: last air date, episode votes, ebooks, names."""

from __future__ import annotations

import dataclasses

from catalog_server import fixture
from mediatrack.catalog._parse import Fields
from mediatrack.catalog.google_books import parse_volume
from mediatrack.catalog.tmdb import parse_season, parse_show
from mediatrack.store import metadata
from mediatrack.store.models import Book, Episode, MediaItem, Season


def fields(name: str) -> Fields:
    return Fields(fixture(name), name)


def test_a_show_keeps_its_status_last_air_date_and_episode_votes(db) -> None:
    show = parse_show(fields("tmdb/tv_details_ended.json"))
    season = parse_season(fields("tmdb/tv_season_details.json"))

    item = MediaItem.get_by_id(metadata.save_show(show, [season]))

    assert (item.status, item.last_air_date) == ("Ended", "2019-05-19")
    votes = [e.vote_average for e in Episode.select().order_by(Episode.episode_number)]
    assert votes[:3] == [78, 77, 80]  # 7.838, 7.7 and 8 as the seed's integers


def test_nameless_seasons_and_episodes_are_named_after_their_number(db) -> None:
    show = parse_show(fields("tmdb/tv_details_ended.json"))
    season = parse_season(fields("tmdb/tv_season_details.json"))
    first, second, *rest = season.episodes
    nameless = dataclasses.replace(
        season,
        name=None,
        episodes=(
            dataclasses.replace(first, name=None),
            dataclasses.replace(second, name=" "),
            *rest,
        ),
    )
    specials = dataclasses.replace(season, tmdb_id=1, season_number=0, name="", episodes=())

    metadata.save_show(show, [nameless, specials])

    names = {s.season_number: s.name for s in Season.select()}
    assert names == {1: "Season 1", 0: "Specials"}
    episodes = Episode.select().order_by(Episode.episode_number).limit(3)
    assert [e.name for e in episodes] == ["Episode 1", "Episode 2", "Lord Snow"]


def test_a_book_says_whether_it_is_an_ebook(db) -> None:
    ebook = parse_volume(Fields(fixture("google_books/volumes_search.json")["items"][3], "item"))
    paper = parse_volume(fields("google_books/volume_get.json"))

    saved = {Book.get_by_id(metadata.save_book(book)).is_ebook for book in (ebook, paper)}

    assert saved == {True, False}
    assert Book.get(Book.google_id == ebook.google_id).is_ebook is True
