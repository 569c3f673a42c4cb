"""Writing a show's metadata and recomputing the figures that follow from the user's ticks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3

import pytest

from catalog_server import FakeCatalogs
from mediatrack.catalog.records import EpisodeDetails, SeasonDetails, SeasonSummary, ShowDetails
from mediatrack.kinds import Kind
from mediatrack.services.catalog import CatalogService
from mediatrack.services.episodes import Episodes
from mediatrack.store import metadata
from mediatrack.store.db import LOCAL_USER_ID, transaction
from mediatrack.store.episodes import recompute_show, regular_episodes
from mediatrack.store.models import (
    Episode,
    EpisodeWatch,
    MediaItem,
    Rating,
    Season,
    UserProgress,
    WatchPosition,
    database,
)

SHOW = 777


def season(number: int, episodes: int = 2) -> SeasonDetails:
    return SeasonDetails(
        tmdb_id=SHOW * 1000 + number,
        season_number=number,
        name=None,
        air_date=None,
        overview=None,
        poster_path=None,
        episodes=tuple(
            EpisodeDetails(
                tmdb_id=SHOW * 100_000 + number * 100 + e,
                season_number=number,
                episode_number=e,
                name=None,
                air_date=dt.date(2001, 1, e),
                runtime=30,
                overview=None,
                still_path=None,
            )
            for e in range(1, episodes + 1)
        ),
    )


def show(seasons: list[SeasonDetails], status: str = "Ended") -> ShowDetails:
    return ShowDetails(
        tmdb_id=SHOW, title="The Show", original_title=None, overview=None,
        first_air_date=None, last_air_date=None, vote_average=None, vote_count=None,
        genres=(), poster_path=None, backdrop_path=None, status=status, in_production=None,
        number_of_seasons=len(seasons), number_of_episodes=None,
        seasons=tuple(
            SeasonSummary(s.season_number, s.tmdb_id, None, None, len(s.episodes), None, None)
            for s in seasons
        ),
        next_episode_to_air=None, last_episode_to_air=None,
    )  # fmt: skip


def test_every_episode_lands_in_its_season_past_one_statement_of_seasons(db):
    first = [season(n) for n in range(0, 61)]  # more seasons than one statement holds
    show_id = metadata.save_show(show(first), first)
    ids = {s.season_number: s.id for s in Season.select()}
    again = [*first, season(61)]  # a refresh: 61 seasons updated, one new, in one call
    assert metadata.save_show(show(again), again) == show_id
    assert {s.season_number: s.id for s in Season.select()} == {**ids, 61: ids[60] + 1}
    rows = Episode.select(Episode.tmdb_id, Season.season_number).join(Season).tuples()
    assert len(rows) == 62 * 2
    assert all(tmdb_id // 100 % 1000 == number for tmdb_id, number in rows)
    assert MediaItem.get_by_id(show_id).number_of_episodes == 61 * 2  # specials excluded


def test_a_show_saved_inside_a_transaction_that_fails_leaves_nothing(db):
    seasons = [season(1)]
    with pytest.raises(RuntimeError), transaction():
        metadata.save_show(show(seasons), seasons)
        raise RuntimeError("the recompute after it failed")
    assert (MediaItem.select().count(), Season.select().count(), Episode.select().count()) == (
        0,
        0,
        0,
    )


def test_a_show_whose_episodes_cannot_be_written_leaves_nothing(db):
    broken = season(2)
    broken = SeasonDetails(
        **{name: getattr(broken, name) for name in SeasonDetails.__slots__ if name != "episodes"},
        episodes=(dataclasses.replace(broken.episodes[0], tmdb_id=None),),  # NOT NULL
    )
    seasons = [season(1), broken]
    with pytest.raises(sqlite3.IntegrityError):
        metadata.save_show(show(seasons), seasons)  # outside any transaction: its own
    assert (MediaItem.select().count(), Season.select().count(), Episode.select().count()) == (
        0,
        0,
        0,
    )


def _tracked(status: str, progress: int, show_status: str = "Ended") -> int:
    seasons = [season(0), season(1, 3), season(2, 3)]
    show_id = metadata.save_show(show(seasons, show_status), seasons)
    MediaItem.update(number_of_episodes=99).where(MediaItem.id == show_id).execute()
    UserProgress.create(user=LOCAL_USER_ID, media_item=show_id, status=status, progress=progress)
    return show_id


def _tick(show_id: int, *codes: tuple[int, int]) -> None:
    for number, episode in codes:
        found = Episode.get(
            (Episode.tmdb_id == SHOW * 100_000 + number * 100 + episode)
            & Episode.season.in_(Season.select(Season.id).where(Season.media_item == show_id))
        )
        EpisodeWatch.create(user=LOCAL_USER_ID, episode=found)


def _position(show_id: int) -> tuple[str | None, str | None]:
    row = WatchPosition.get(media_item=show_id)
    return tuple(
        None if e is None else Episode.get_by_id(e).tmdb_id % 1000
        for e in (row.last_episode_id, row.next_episode_id)
    )


def test_recompute_follows_the_ticks_and_keeps_the_status(db):
    show_id = _tracked("completed", 5)
    _tick(show_id, (0, 1), (1, 1), (1, 3))  # a special never counts; S01E02 left as a gap
    recompute_show(LOCAL_USER_ID, show_id, derive_status=False)
    row = UserProgress.get(media_item=show_id)
    assert (row.progress, row.status) == (2, "completed")
    assert MediaItem.get_by_id(show_id).number_of_episodes == 6
    assert _position(show_id) == (103, 201)  # furthest ticked S01E03, next S02E01
    assert [e.watched for e in regular_episodes(LOCAL_USER_ID, show_id)] == [
        True, False, True, False, False, False,
    ]  # fmt: skip


def test_recompute_derives_the_status_only_when_asked(db):
    show_id = _tracked("plan_to_watch", 0)
    _tick(show_id, (1, 1))
    recompute_show(LOCAL_USER_ID, show_id, derive_status=False)
    assert UserProgress.get(media_item=show_id).status == "plan_to_watch"
    recompute_show(LOCAL_USER_ID, show_id)
    assert UserProgress.get(media_item=show_id).status == "watching"
    _tick(show_id, (1, 2), (1, 3), (2, 1), (2, 2), (2, 3))
    recompute_show(LOCAL_USER_ID, show_id)
    row = UserProgress.get(media_item=show_id)
    assert (row.progress, row.status) == (6, "completed")
    assert _position(show_id) == (203, None)


def test_recompute_with_nothing_changed_writes_nothing(db):
    show_id = _tracked("watching", 0)
    _tick(show_id, (1, 1))
    recompute_show(LOCAL_USER_ID, show_id, derive_status=False)
    before = database.execute_sql("SELECT total_changes()").fetchone()[0]
    recompute_show(LOCAL_USER_ID, show_id, derive_status=False)
    assert database.execute_sql("SELECT total_changes()").fetchone()[0] == before


def test_recompute_without_a_progress_row_stores_only_the_position(db):
    seasons = [season(1)]
    show_id = metadata.save_show(show(seasons), seasons)
    _tick(show_id, (1, 1))
    recompute_show(LOCAL_USER_ID, show_id)
    assert UserProgress.select().count() == 0
    assert _position(show_id) == (101, 102)


def _users_record() -> dict[str, list[tuple]]:
    """Every row the user owns, every column (timestamps included)."""
    return {
        model.__name__: sorted(model.select().tuples())
        for model in (UserProgress, EpisodeWatch, Rating)
    }


def test_refresh_all_never_touches_the_users_record(httpserver, library):
    fake = FakeCatalogs(httpserver)
    service = CatalogService(fake.catalog())
    key = service.add(Kind.TV, "1399").key
    Episodes().set_season_watched(key, 1, True)
    library.set_rating(key, 8)
    before = _users_record()
    report = service.refresh_all(kinds=(Kind.TV,))
    assert [e.key for e in report.refreshed] == [key] and not report.failed
    assert _users_record() == before
