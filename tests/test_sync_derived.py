"""After a pull, many shows and podcasts are recomputed together: the same figures as one by one."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediatrack.store import identity
from mediatrack.store.db import connection, open_database
from mediatrack.store.episodes import recompute_show, save_watch_position
from mediatrack.store.models import (
    Episode,
    EpisodeWatch,
    MediaItem,
    Season,
    User,
    UserProgress,
    WatchPosition,
    database,
)
from mediatrack.store.sync import derived

ME, FRIEND = "google-me", "google-friend"
TODAY = dt.date(2024, 3, 15)

air_dates = st.sampled_from([None, "2020-01-01", "2024-03-15", "2030-01-01"])
episodes = st.lists(st.tuples(air_dates, st.booleans(), st.booleans()), max_size=6)
seasons = st.lists(episodes, min_size=1, max_size=3)  # season 0 (specials) first
shows = st.lists(st.tuples(seasons, st.booleans()), min_size=1, max_size=4)


def _library(folder: Path, library: list) -> list[int]:
    """Shows whose episodes carry (air date, my tick, the friend's tick)."""
    open_database(folder / "derived.db")
    identity.sign_in(identity.Profile(ME, "Me", "me@example.com", True))
    User.create(id=FRIEND, name="Friend", email="friend@example.com")
    ids, tmdb = [], 0
    for number, (show_seasons, specials) in enumerate(library, start=1):
        show = MediaItem.create(tmdb_id=number, type="tv", title=f"Show {number}", status="Ended")
        ids.append(show.id)
        for season_number, season_episodes in enumerate(show_seasons, start=0 if specials else 1):
            tmdb += 1
            season = Season.create(
                media_item=show, tmdb_id=tmdb, season_number=season_number, name="S"
            )
            for episode_number, (aired, mine, theirs) in enumerate(season_episodes, start=1):
                tmdb += 1
                episode = Episode.create(
                    season=season, tmdb_id=tmdb, episode_number=episode_number, name="E",
                    air_date=aired,
                )  # fmt: skip
                for person, ticked in ((ME, mine), (FRIEND, theirs)):
                    if ticked:
                        EpisodeWatch.create(user=person, episode=episode)
        for person in (ME, FRIEND):
            UserProgress.create(user=person, media_item=show, status="watching", progress=99)
    return ids


def _figures() -> list[tuple]:
    positions = sorted(
        WatchPosition.select(
            WatchPosition.user, WatchPosition.media_item, WatchPosition.last_episode,
            WatchPosition.next_episode,
        ).tuples()
    )  # fmt: skip
    progress = sorted(
        UserProgress.select(
            UserProgress.user, UserProgress.media_item, UserProgress.progress
        ).tuples()
    )
    totals = sorted(MediaItem.select(MediaItem.id, MediaItem.number_of_episodes).tuples())
    return [positions, progress, totals]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shows)
def test_shows_recomputed_together_match_the_one_by_one_figures(library):
    with tempfile.TemporaryDirectory() as folder:
        ids = _library(Path(folder), library)
        with connection(), database.atomic():
            derived.stage_shows([(None, number, "tv") for number in range(1, len(ids) + 1)])
            derived.recompute_staged_shows(ME, TODAY)
            together = _figures()
            WatchPosition.delete().execute()  # type: ignore[misc]
            UserProgress.update(progress=99).execute()
            MediaItem.update(number_of_episodes=None).execute()
            for show in ids:
                recompute_show(ME, show, derive_status=False)
                save_watch_position(ME, show, TODAY)  # recompute_show's is as of today
                save_watch_position(FRIEND, show, TODAY)
            one_by_one = _figures()
        assert together == one_by_one
