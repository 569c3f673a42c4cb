"""Libraries with known figures, written row by row with the dates each test chooses.

Every helper writes what the app would have written (a progress row, a rating,
ticks), then sets the dates the stats read, so a test states its answers exactly.
"""

from __future__ import annotations

import datetime as dt
import itertools

from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.store import notes
from mediatrack.store.models import (
    LOCAL_USER_ID,
    NOTE_TABLES,
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


def note(user: str, key: EntryKey, text: str | None, *, shared: bool = True, on: str) -> None:
    """``user``'s note as their device wrote it (None: cleared), last changed on day ``on``."""
    notes.write(user, key, text, shared)
    model, field = NOTE_TABLES[key.kind]
    model.update(updated_at=at(on)).where(
        (model.user == user) & (getattr(model, field) == key.item_id)
    ).execute()


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


def friends_circle() -> dict[str, int]:
    """Me, my friends Ana and Bob, Carol (who only asked), and what each rated."""
    items: dict[str, int] = {}
    for user_id, name in (("me", "Me"), ("ana", "Ana"), ("bob", "Bob"), ("carol", "Carol")):
        person(user_id, name)
    befriend("me", "ana")
    befriend("bob", "me")  # Bob asked, I accepted: a friend all the same
    befriend("carol", "me", status="pending")
    items["heat"] = movie("Heat", user="me", rating=9, on="2025-01-01")
    movie("Heat", user="ana", rating=7, on="2025-06-10", item=items["heat"])
    movie("Heat", user="bob", rating=9, on="2025-05-01", item=items["heat"])
    movie("Heat", user="carol", rating=1, on="2025-05-02", item=items["heat"])
    items["ronin"] = movie("Ronin", user="me", rating=5)
    movie("Ronin", user="ana", rating=8, item=items["ronin"], on="2025-01-02")
    items["alien"] = movie("Alien", user="me", rating=6)
    movie("Alien", user="ana", rating=6, item=items["alien"], on="2025-01-03")
    items["dune"] = book("Dune", user="me", rating=4)
    book("Dune", user="ana", rating=9, item=items["dune"], on="2025-01-04")
    items["tenet"] = movie("Tenet", user="me", rating=7)  # Ana has not rated it...
    movie("Tenet", user="ana", status="watching", on="2025-07-01", item=items["tenet"])
    items["up"] = movie("Up", user="ana", status="plan_to_watch", on="2025-08-01", rating=6)
    items["gone"] = movie("Gone", user="me", rating=3)  # ...and removed this one
    movie("Gone", user="ana", rating=3, item=items["gone"], removed=True, on="2025-09-01")
    book("Solaris", user="bob", on="2025-09-02 10:00:00", rating=8)
    movie("Stalker", user="carol", on="2025-10-01")  # not a friend: not in the feed
    return items


def known_library() -> None:
    """A library whose figures for 2025, 2026 and the last 12 months are worked out by hand
    (``tests/test_stats.py`` says them)."""
    movie("Heat", runtime=170, on="2025-03-05", rating=9, genres=["Crime", "Drama"])
    movie("Ronin", runtime=None, on="2025-12-31 23:59:59", rating=7, genres=["Action", "Crime"])
    movie("Alien", runtime=117, on="2026-01-01 00:00:00", genres=["Horror"])  # unrated
    movie("Tenet", runtime=150, status="watching", on="2025-05-01")
    movie("Gone", runtime=200, on="2025-07-01", rating=2, removed=True)
    show(
        "Dark",
        runtimes=[60, None, 45],
        watched=["2025-11-02", "2025-12-31 22:00:00", "2026-01-01 01:00:00"],
        rating=8,
    )
    show("Removed", runtimes=[30], watched=["2025-06-01"], removed=True)
    show(
        "Fleabag",
        runtimes=[25, 25],
        watched=["2025-08-01", "2025-08-02"],
        status="completed",
        on="2025-08-02",
        rating=10,
        genres=["Comedy"],
    )
    # Marked done on 2026-02-01 (an import), finished on 2025-09-14: the finish day counts.
    book(
        "Dune",
        pages=600,
        on="2026-02-01",
        finished_on=("2025-09-14",),
        rating=9,
        authors=["Frank Herbert"],
        categories=["Fiction"],
    )
    book(
        "Children of Dune",
        pages=None,
        on="2025-10-10",
        authors=["Frank Herbert"],
        categories=["Fiction"],
    )
    book("Notes", pages=None, progress=120, on="2025-10-11", rating=6, authors=["Ann Lee"])
    book("Reading", pages=500, progress=100, status="reading", on="2025-10-12")
    podcast("Radiolab", listened=["2025-01-05", "2025-12-31 23:00:00", "2026-01-02"])
    podcast(
        "Serial",
        listened=["2025-04-04"],
        status="listened",
        on="2025-04-20",
        rating=8,
        genres=["True Crime"],
    )
