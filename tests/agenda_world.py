"""Libraries for the Up Next and calendar tests: shows whose episodes air on chosen days.

``show(title, seasons)`` takes, per season, the air date of each episode (None: not
announced); the show is saved as a catalog fetch would save it and put in the library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mediatrack.catalog.records import (
    EpisodeDetails,
    FeedEpisode,
    PodcastDetails,
    SeasonDetails,
    SeasonSummary,
    ShowDetails,
)
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.services.library import Library
from mediatrack.store import metadata
from mediatrack.store.db import connection, transaction

Days = Sequence[dt.date | None]


def show_details(
    tmdb_id: int, title: str, seasons: Sequence[Days], status: str = "Returning Series"
) -> tuple[ShowDetails, list[SeasonDetails]]:
    summaries = tuple(
        SeasonSummary(
            n, tmdb_id * 100 + n, f"Season {n}", days[0] if days else None, len(days), None, None
        )
        for n, days in enumerate(seasons, start=1)
    )
    details = ShowDetails(
        tmdb_id,
        title,
        None,
        None,
        dt.date(2020, 1, 1),
        None,
        8.0,
        10,
        ("Drama",),
        None,
        None,
        status,
        True,
        len(seasons),
        sum(len(days) for days in seasons),
        summaries,
        None,
        None,
    )
    season_details = [
        SeasonDetails(
            summary.tmdb_id or 0,
            summary.season_number,
            summary.name,
            summary.air_date,
            None,
            None,
            tuple(
                EpisodeDetails(
                    (summary.tmdb_id or 0) * 100 + e,
                    summary.season_number,
                    e,
                    f"{title} {e}",
                    day,
                    50,
                    None,
                    None,
                )
                for e, day in enumerate(days, start=1)
            ),
        )
        for summary, days in zip(summaries, seasons, strict=True)
    ]
    return details, season_details


def add_show(
    tmdb_id: int, title: str, seasons: Sequence[Days], status: str = "watching"
) -> EntryKey:
    """A show as ``CatalogService.add`` leaves it: saved, tracked, its counts from the ticks."""
    from mediatrack.store import episodes

    details, season_details = show_details(tmdb_id, title, seasons)
    with connection():
        show_id = metadata.save_show(details, season_details)
    with transaction():
        Library().track(Kind.TV, show_id, status)
        episodes.recompute_show(Library().user_id, show_id, derive_status=False)
    return EntryKey(Kind.TV, show_id)


def resave_show(tmdb_id: int, title: str, seasons: Sequence[Days]) -> None:
    """What a refresh writes: the show's metadata again, then the counts follow the ticks."""
    from mediatrack.store import episodes

    details, season_details = show_details(tmdb_id, title, seasons)
    with connection():
        show_id = metadata.save_show(details, season_details)
    with transaction():
        episodes.recompute_show(Library().user_id, show_id, derive_status=False)


def add_podcast(
    itunes_id: str, title: str, published: Sequence[dt.datetime], status: str = "listening"
) -> EntryKey:
    details = PodcastDetails(itunes_id, title, "Someone", None, None, (), None, len(published))
    feed = [
        FeedEpisode(f"{itunes_id}-{n}", f"{title} #{n}", when, 1800, None)
        for n, when in enumerate(published, start=1)
    ]
    with transaction():
        podcast_id = metadata.save_podcast(details)
        metadata.save_podcast_episodes(podcast_id, feed)
        Library().track(Kind.PODCAST, podcast_id, status)
    return EntryKey(Kind.PODCAST, podcast_id)


def days_from(today: dt.date, *offsets: int | None) -> list[dt.date | None]:
    return [None if n is None else today + dt.timedelta(days=n) for n in offsets]
