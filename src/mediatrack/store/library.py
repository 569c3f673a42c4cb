"""The library's writes: items made by hand, progress rows, ratings, removal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from peewee import fn

from mediatrack.folding import fold
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.store.models import (
    PROGRESS_TABLES,
    Book,
    MediaItem,
    Podcast,
    Rating,
    UserBookProgress,
    UserPodcastProgress,
    utcnow,
)


def set_item_total(key: EntryKey, total: int) -> None:
    """Record the number of episodes or pages of an item no catalog counts for us."""
    now = utcnow()
    if key.kind is Kind.TV:
        query = MediaItem.update(number_of_episodes=total, updated_at=now).where(
            MediaItem.id == key.item_id
        )
    elif key.kind is Kind.BOOK:
        query = Book.update(page_count=total, updated_at=now).where(Book.id == key.item_id)
    elif key.kind is Kind.PODCAST:
        query = Podcast.update(episode_count=total, updated_at=now).where(Podcast.id == key.item_id)
    else:
        raise ValueError(f"{key.kind} has no total to set")
    query.execute()


def find_or_create_screen_item(
    kind: Kind, tmdb_id: int, title: str, released: str | None, total: int | None
) -> int:
    """A movie or show by its TMDB id (negative for one made by hand), created if new."""
    found = MediaItem.get_or_none(tmdb_id=tmdb_id, type=kind.value)
    if found is None:
        found = MediaItem.create(
            tmdb_id=tmdb_id,
            type=kind.value,
            title=title,
            release_date=released,
            number_of_episodes=total if kind is Kind.TV else None,
        )
    return found.id


def find_or_create_book(
    google_id: str, title: str, authors: list[str], released: str | None, total: int | None
) -> int:
    found = Book.get_or_none(google_id=google_id) or Book.create(
        google_id=google_id,
        title=title,
        authors=authors or None,
        published_date=released,
        page_count=total,
    )
    return found.id


def find_or_create_podcast(
    itunes_id: str, title: str, artist: str | None, released: str | None, total: int | None
) -> int:
    found = Podcast.get_or_none(itunes_id=itunes_id) or Podcast.create(
        itunes_id=itunes_id,
        collection_name=title,
        artist_name=artist,
        release_date=released,
        episode_count=total,
    )
    return found.id


def same_title(user_id: str, kind: Kind, title: str) -> list[int]:
    """Ids of the items of ``kind`` in the library whose title equals ``title``, accents and
    case aside (``fold``, see db.py). An exact comparison, not a text search."""
    table = PROGRESS_TABLES[kind]
    item = table.item_column.rel_model
    query = (
        table.model.select(table.item_column)
        .join(item, on=(table.item_column == item.id))
        .where(
            (table.model.user == user_id)
            & table.model.deleted_at.is_null()
            & (fn.fold(table.title_column) == fold(title))
        )
    )
    if kind in (Kind.TV, Kind.MOVIE):
        query = query.where(item.type == kind.value)
    return [item_id for (item_id,) in query.tuples().iterator()]


def track(
    user_id: str,
    kind: Kind,
    item_id: int,
    status: str,
    *,
    progress: int = 0,
    rating: int | None = None,
    updated_at: dt.datetime | None = None,
) -> None:
    """Put an item that is in the store into the library: create its progress row,
    or revive a removed one (its tombstone cleared, progress and rating set anew: a
    removed movie's or show's rating is tombstoned the same way). The one place the
    app's adds and imports do it; ``rating`` is for books and podcasts, whose row
    carries it, and ``updated_at`` lets a restore keep the backup's time."""
    table = PROGRESS_TABLES[kind]
    now = utcnow()
    values: dict[str, Any] = {
        "status": status,
        "progress": progress,
        "updated_at": updated_at or now,
        "deleted_at": None,
    }
    if issubclass(table.model, UserBookProgress | UserPodcastProgress):
        values["rating"] = rating
    row = table.model.get_or_none(table.row_of(user_id, item_id))
    if row is None:
        table.model.insert(
            user=user_id, **{table.item_field: item_id}, created_at=now, **values
        ).execute()
    else:
        table.model.update(values).where(table.model.id == row.id).execute()


def write_progress(user_id: str, key: EntryKey, status: str, progress: int) -> None:
    """Raises ``IntegrityError`` when a CHECK refuses the values."""
    table = PROGRESS_TABLES[key.kind]
    table.model.update(
        {
            table.model.status: status,
            table.progress_column: progress,
            table.model.updated_at: utcnow(),
        }
    ).where(table.row_of(user_id, key.item_id)).execute()


def write_rating(user_id: str, key: EntryKey, rating: int | None) -> None:
    """Rate an item, or clear its rating with None (a tombstone, for a movie or show)."""
    now = utcnow()
    if key.kind in (Kind.BOOK, Kind.PODCAST):
        table = PROGRESS_TABLES[key.kind]
        table.model.update(rating=rating, updated_at=now).where(
            table.row_of(user_id, key.item_id)
        ).execute()
    elif rating is None:
        Rating.update(deleted_at=now, updated_at=now).where(
            (Rating.user == user_id) & (Rating.media_item == key.item_id)
        ).execute()
    else:
        Rating.insert(
            user=user_id,
            media_item=key.item_id,
            rating=rating,
            created_at=now,
            updated_at=now,
        ).on_conflict(
            conflict_target=[Rating.user, Rating.media_item],
            update={Rating.rating: rating, Rating.updated_at: now, Rating.deleted_at: None},
        ).execute()


def untrack(user_id: str, key: EntryKey) -> None:
    """Take an item out of the library: its progress row and rating become tombstones."""
    now = utcnow()
    table = PROGRESS_TABLES[key.kind]
    table.model.update(deleted_at=now, updated_at=now).where(
        table.row_of(user_id, key.item_id)
    ).execute()
    if key.kind in (Kind.TV, Kind.MOVIE):
        Rating.update(deleted_at=now, updated_at=now).where(
            (Rating.user == user_id) & (Rating.media_item == key.item_id)
        ).execute()
