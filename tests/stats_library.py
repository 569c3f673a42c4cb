"""Libraries with known figures, written row by row with the dates each test chooses.

Every helper writes what the app would have written (a progress row, a rating,
ticks), then sets the dates the stats read, so a test states its answers exactly.
"""

from __future__ import annotations

import datetime as dt
import itertools

from mediatrack.kinds import Kind
from mediatrack.store.models import (
    LOCAL_USER_ID,
    Book,
    Episode,
    EpisodeWatch,
    FinishDate,
    Friendship,
    MediaItem,
    Podcast,
    PodcastEpisode,
    PodcastListen,
    Rating,
    Season,
    User,
    UserBookProgress,
    UserPodcastProgress,
    UserProgress,
)

_ids = itertools.count(1)


def at(day: str, time: str = "12:00:00") -> dt.datetime:
    """Noon of ``day``, unless ``day`` carries its own time (``2025-12-31 23:59:59``)."""
    return dt.datetime.fromisoformat(day if " " in day else f"{day} {time}")


def person(user_id: str, name: str) -> str:
    User.get_or_create(id=user_id, defaults={"name": name, "email": f"{user_id}@example.com"})
    return user_id


def befriend(user_id: str, friend_id: str, status: str = "accepted") -> None:
    Friendship.create(user=user_id, friend=friend_id, status=status)


def movie(
    title: str,
    *,
    runtime: int | None = 100,
    status: str = "completed",
    on: str = "2025-06-10",
    rating: int | None = None,
    genres: list[str] | None = None,
    user: str = LOCAL_USER_ID,
    removed: bool = False,
    item: int | None = None,
) -> int:
    """A movie in ``user``'s library whose progress row last changed on day ``on``."""
    if item is None:
        item = MediaItem.create(
            tmdb_id=next(_ids), type="movie", title=title, runtime=runtime, genres=genres
        ).id
    _progress(UserProgress, "media_item", item, status, on, user, removed)
    if rating is not None:
        Rating.create(
            user=user,
            media_item=item,
            rating=rating,
            updated_at=at(on),
            deleted_at=_gone(removed, on),
        )
    return item


def show(
    title: str,
    *,
    runtimes: list[int | None],
    watched: list[str],
    status: str = "watching",
    on: str = "2025-06-10",
    rating: int | None = None,
    genres: list[str] | None = None,
    user: str = LOCAL_USER_ID,
    removed: bool = False,
) -> int:
    """A one-season show; episode N has runtime ``runtimes[N-1]``, ticked on ``watched[N-1]``."""
    item = MediaItem.create(tmdb_id=next(_ids), type="tv", title=title, genres=genres).id
    season = Season.create(media_item=item, tmdb_id=next(_ids), season_number=1, name="Season 1")
    for number, (runtime, day) in enumerate(zip(runtimes, watched, strict=False), start=1):
        episode = Episode.create(
            season=season,
            tmdb_id=next(_ids),
            episode_number=number,
            name=f"E{number}",
            runtime=runtime,
        )
        EpisodeWatch.create(user=user, episode=episode, watched_at=at(day))
    _progress(UserProgress, "media_item", item, status, on, user, removed)
    if rating is not None:
        Rating.create(user=user, media_item=item, rating=rating, updated_at=at(on))
    return item


def book(
    title: str,
    *,
    pages: int | None = 300,
    progress: int = 0,
    status: str = "completed",
    on: str = "2025-06-10",
    rating: int | None = None,
    authors: list[str] | None = None,
    categories: list[str] | None = None,
    finished_on: tuple[str, ...] = (),
    user: str = LOCAL_USER_ID,
    removed: bool = False,
    item: int | None = None,
) -> int:
    if item is None:
        item = Book.create(
            google_id=f"g{next(_ids)}",
            title=title,
            page_count=pages,
            authors=authors,
            categories=categories,
        ).id
    _progress(
        UserBookProgress, "book", item, status, on, user, removed, rating=rating, progress=progress
    )
    for day in finished_on:
        FinishDate.create(user=user, kind=Kind.BOOK.value, item_id=item, finished_on=day)
    return item


def podcast(
    title: str,
    *,
    listened: list[str],
    status: str = "listening",
    on: str = "2025-06-10",
    rating: int | None = None,
    genres: list[str] | None = None,
    user: str = LOCAL_USER_ID,
    removed: bool = False,
) -> int:
    item = Podcast.create(itunes_id=f"i{next(_ids)}", collection_name=title, genres=genres).id
    for day in listened:
        episode = PodcastEpisode.create(podcast=item, guid=f"e{next(_ids)}")
        PodcastListen.create(user=user, episode=episode, listened_at=at(day))
    _progress(UserPodcastProgress, "podcast", item, status, on, user, removed, rating=rating)
    return item


def _gone(removed: bool, on: str) -> dt.datetime | None:
    return at(on) if removed else None


def _progress(model, field, item, status, on, user, removed, **extra) -> None:
    model.create(
        user=user,
        **{field: item},
        status=status,
        created_at=at(on, "08:00:00"),
        updated_at=at(on),
        deleted_at=_gone(removed, on),
        **extra,
    )
