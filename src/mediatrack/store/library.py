"""The library's writes: items made by hand, progress rows, ratings, removal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mediatrack.folding import fold
from mediatrack.kinds import Kind
from mediatrack.records import EntryKey
from mediatrack.store.models import (
    NON_ASCII,
    PROGRESS_TABLES,
    Book,
    MediaItem,
    Podcast,
    Rating,
    UserBookProgress,
    UserPodcastProgress,
    database,
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
    case aside (``fold``). Two indexed lookups (migration 0008), whatever the library's
    size: ASCII titles by ``lower(title)``, which is their fold, and the titles with other
    characters, listed by a partial index, folded one by one."""
    table = PROGRESS_TABLES[kind]
    name = table.item_column.rel_model._meta.table_name
    column = table.title_column.column_name
    screen = kind in (Kind.TV, Kind.MOVIE)
    kind_column = '"type"' if screen else "NULL"
    typed = ' AND "type" = ?' if screen else ""
    folded = fold(title)
    # A UNION, not an OR: SQLite then takes each branch by its own index.
    sql = (
        f'SELECT i."id", i."{column}", i.kind FROM ('
        f'SELECT "id", "{column}", {kind_column} AS kind FROM "{name}" '
        f'WHERE lower("{column}") = ?{typed} UNION ALL '
        f'SELECT "id", "{column}", {kind_column} FROM "{name}" WHERE "{column}" {NON_ASCII}'
        f') i WHERE EXISTS (SELECT 1 FROM "{table.model._meta.table_name}" p '
        f'WHERE p."{table.item_column.column_name}" = i."id" AND p.user_id = ? '
        "AND p.deleted_at IS NULL)"
    )
    params = [folded, *([kind.value] if screen else []), user_id]
    found = {
        item_id
        for item_id, stored, of_kind in database.execute_sql(sql, params)
        if fold(stored) == folded and (not screen or of_kind == kind.value)
    }
    return sorted(found)


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
    _keep_finish_day(user_id, key, status)
    table.model.update(
        {
            table.model.status: status,
            table.progress_column: progress,
            table.model.updated_at: utcnow(),
        }
    ).where(table.row_of(user_id, key.item_id)).execute()


def _keep_finish_day(user_id: str, key: EntryKey, status: str) -> None:
    """A movie or book becoming done keeps the day in ``finish_dates``, for its history."""
    from mediatrack.kinds import KINDS

    done = KINDS[key.kind].done_status
    if key.kind not in (Kind.MOVIE, Kind.BOOK) or status != done:
        return
    table = PROGRESS_TABLES[key.kind]
    row = table.model.get_or_none(table.row_of(user_id, key.item_id))
    if row is not None and row.status == done and row.deleted_at is None:
        return  # done already: a second write is not a second finish
    _record_finish(user_id, key, dt.date.today())


def _pin_finish_day(user_id: str, key: EntryKey) -> None:
    """A book done before finish days were kept counts on the day its row last changed;
    rating it changes that day, so the day it was done is kept first (Stats keeps its month)."""
    from mediatrack.kinds import KINDS
    from mediatrack.store.models import FinishDate

    table = PROGRESS_TABLES[key.kind]
    row = table.model.get_or_none(table.row_of(user_id, key.item_id))
    if row is None or row.deleted_at is not None or row.status != KINDS[key.kind].done_status:
        return
    kept = FinishDate.select().where(
        (FinishDate.user == user_id)
        & (FinishDate.kind == key.kind.value)
        & (FinishDate.item_id == key.item_id)
    )
    if not kept.exists():
        _record_finish(user_id, key, row.updated_at.date())


def _record_finish(user_id: str, key: EntryKey, day: dt.date) -> None:
    from mediatrack.store.models import FinishDate

    FinishDate.insert(
        user=user_id, kind=key.kind.value, item_id=key.item_id, finished_on=day.isoformat()
    ).on_conflict_ignore().execute()


def write_rating(user_id: str, key: EntryKey, rating: int | None) -> None:
    """Rate an item, or clear its rating with None (a tombstone, for a movie or show)."""
    now = utcnow()
    if key.kind in (Kind.BOOK, Kind.PODCAST):
        table = PROGRESS_TABLES[key.kind]
        if key.kind is Kind.BOOK:
            _pin_finish_day(user_id, key)
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
