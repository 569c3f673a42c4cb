"""Library reads for the screens and the CLI.

Each query reads the user's progress rows of one kind (through the
``(user_id, status)`` and ``(user_id, item)`` indexes) joined to the item by
primary key; none touches seasons or episodes: a show's episode total is the
``number_of_episodes`` stored on the show.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator

from peewee import JOIN, DateTimeField, Expression, Field, Value, fn

from mediatrack.folding import fold
from mediatrack.kinds import Kind
from mediatrack.records import EntryDetail, EntryKey, LibraryEntry, episode_code
from mediatrack.store.models import (
    NON_ASCII,
    PROGRESS_TABLES,
    Book,
    Episode,
    MediaItem,
    Podcast,
    Rating,
    Season,
    UserBookProgress,
    UserPodcastProgress,
    UserProgress,
    WatchPosition,
    database,
)

ALL_KINDS = (Kind.TV, Kind.MOVIE, Kind.BOOK, Kind.PODCAST)
NO_EPISODES = [Value(None)] * 5  # the show-only columns: last and next episode


def _later(first: dt.datetime, second: dt.datetime | None) -> dt.datetime:
    return second if second is not None and second > first else first


def _join_list(names: list[str] | None) -> str | None:
    return ", ".join(names) if names else None


def _contains(column, folded: str) -> Expression:
    """``column`` contains ``folded``, accents and case aside (``fold`` is ours: see db.py).

    ``instr`` rather than LIKE: no wildcard to escape, and LIKE folds ASCII case only.
    """
    return fn.instr(fn.fold(column), folded) > 0


def _watch_query(kind: Kind, user_id: str):
    rating = Rating.alias()
    last, next_ = Episode.alias(), Episode.alias()
    last_season, next_season = Season.alias(), Season.alias()
    query = (
        UserProgress.select(
            MediaItem.id,
            MediaItem.title,
            MediaItem.original_title,
            MediaItem.release_date,
            UserProgress.status,
            UserProgress.progress,
            MediaItem.number_of_episodes if kind is Kind.TV else Value(1),
            rating.rating,
            UserProgress.updated_at,
            rating.updated_at,
            MediaItem.tmdb_id,
            last_season.season_number,
            last.episode_number,
            next_season.season_number,
            next_.episode_number,
            next_.air_date,
        )
        .join(MediaItem, on=(UserProgress.media_item == MediaItem.id))
        .join_from(
            UserProgress,
            rating,
            JOIN.LEFT_OUTER,
            on=(
                (rating.user == UserProgress.user)
                & (rating.media_item == UserProgress.media_item)
                & rating.deleted_at.is_null()
            ),
        )
        .join_from(
            UserProgress,
            WatchPosition,
            JOIN.LEFT_OUTER,
            on=(
                (WatchPosition.user == UserProgress.user)
                & (WatchPosition.media_item == UserProgress.media_item)
            ),
        )
        .join_from(WatchPosition, last, JOIN.LEFT_OUTER, on=(WatchPosition.last_episode == last.id))
        .join_from(last, last_season, JOIN.LEFT_OUTER, on=(last.season == last_season.id))
        .join_from(
            WatchPosition, next_, JOIN.LEFT_OUTER, on=(WatchPosition.next_episode == next_.id)
        )
        .join_from(next_, next_season, JOIN.LEFT_OUTER, on=(next_.season == next_season.id))
        .where(
            (UserProgress.user == user_id)
            & UserProgress.deleted_at.is_null()
            & (MediaItem.type == kind.value)
        )
    )
    return query, (MediaItem.title, MediaItem.original_title)


def _book_query(user_id: str):
    return (
        (
            UserBookProgress.select(
                Book.id,
                Book.title,
                Book.subtitle,
                Book.published_date,
                UserBookProgress.status,
                UserBookProgress.progress,
                Book.page_count,
                UserBookProgress.rating,
                UserBookProgress.updated_at,
                Book.authors,
                Book.google_id,
                *NO_EPISODES,
            )
            .join(Book, on=(UserBookProgress.book == Book.id))
            .where((UserBookProgress.user == user_id) & UserBookProgress.deleted_at.is_null())
        ),
        (Book.title, Book.authors),
    )


def _podcast_query(user_id: str):
    return (
        (
            UserPodcastProgress.select(
                Podcast.id,
                Podcast.collection_name,
                Value(None),
                Podcast.release_date,
                UserPodcastProgress.status,
                UserPodcastProgress.progress,
                Podcast.episode_count,
                UserPodcastProgress.rating,
                UserPodcastProgress.updated_at,
                Podcast.artist_name,
                Podcast.itunes_id,
                *NO_EPISODES,
            )
            .join(Podcast, on=(UserPodcastProgress.podcast == Podcast.id))
            .where((UserPodcastProgress.user == user_id) & UserPodcastProgress.deleted_at.is_null())
        ),
        (Podcast.collection_name, Podcast.artist_name),
    )


def _base_query(kind: Kind, user_id: str):
    """(query, the two columns the text filter searches) for one kind."""
    if kind in (Kind.TV, Kind.MOVIE):
        return _watch_query(kind, user_id)
    if kind is Kind.BOOK:
        return _book_query(user_id)
    return _podcast_query(user_id)


def _to_entry(kind: Kind, row: tuple) -> LibraryEntry:
    (item_id, title, original, released, status, progress, total, rating, updated, extra, cid) = (
        row[:11]
    )
    last_season, last_number, next_season, next_number, next_air_date = row[11:]
    if kind in (Kind.TV, Kind.MOVIE):
        creator, updated_at = None, _later(updated, extra)
    elif kind is Kind.BOOK:
        creator, updated_at = _join_list(extra), updated
    else:
        creator, updated_at = extra, updated
    return LibraryEntry(
        key=EntryKey(kind, item_id),
        title=title,
        original_title=original,
        creator=creator,
        release_date=released,
        status=status,
        progress=progress,
        total=total,
        rating=rating,
        updated_at=updated_at,
        catalog_id=str(cid),
        last_episode=episode_code(last_season, last_number),
        next_episode=episode_code(next_season, next_number),
        next_air_date=next_air_date,
    )


_DATETIME = DateTimeField()


def _moment(value: object) -> dt.datetime:
    """A stored timestamp as a naive UTC datetime, parsed in C when it is ISO text."""
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return _DATETIME.python_value(value)
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        return moment
    return value  # type: ignore[return-value]


def _raw_rows(query) -> Iterator[tuple]:
    """The query's rows as the driver returns them, without peewee's conversion per row."""
    sql, params = query.sql()
    return iter(query.model._meta.database.execute_sql(sql, params))


def _decoded(kind: Kind, rows: Iterable[tuple]) -> Iterator[tuple]:
    """Raw rows with their timestamps (and a book's authors) as Python values."""
    for row in rows:
        extra = row[9]
        if kind in (Kind.TV, Kind.MOVIE):
            extra = None if extra is None else _moment(extra)
        elif kind is Kind.BOOK and isinstance(extra, str):
            extra = json.loads(extra)
        yield (*row[:8], _moment(row[8]), extra, *row[10:])


def library_entries(
    user_id: str,
    kind: Kind,
    *,
    status: str | None = None,
    text: str | None = None,
    item_ids: Iterable[int] | None = None,
) -> list[LibraryEntry]:
    """The user's library of one kind, optionally narrowed by status, text or item ids."""
    query, text_columns = _base_query(kind, user_id)
    table = PROGRESS_TABLES[kind]
    if status is not None:
        query = query.where(table.model.status == status)
    needle = fold(text.strip()) if text else ""
    if needle:
        matches = [_contains(column, needle) for column in text_columns]
        query = query.where(matches[0] | matches[1])
    if item_ids is not None:
        query = query.where(table.item_column.in_(list(item_ids)))
    return [_to_entry(kind, row) for row in _decoded(kind, _raw_rows(query))]


def _kind_rows(user_id: str, kind: Kind):
    """The progress rows of one kind joined to their items: nothing else (no ratings,
    no episodes), for what needs only titles and statuses."""
    table = PROGRESS_TABLES[kind]
    progress = table.model
    item: type[MediaItem | Book | Podcast]
    title: Field
    if kind in (Kind.TV, Kind.MOVIE):
        item, title = MediaItem, MediaItem.title
        wanted = MediaItem.type == kind.value
    elif kind is Kind.BOOK:
        item, title, wanted = Book, Book.title, Value(1) == 1
    else:
        item, title, wanted = Podcast, Podcast.collection_name, Value(1) == 1
    query = (
        progress.select()
        .join(item, on=(table.item_column == item.id))
        .where((progress.user == user_id) & progress.deleted_at.is_null() & wanted)
    )
    return query, progress, item, title


# Where the first page's titles are: (items table, title column, the type it must have,
# the progress table, its item column), named as migration 0008 indexed them.
_TITLE_INDEXES = {
    Kind.TV: ("media_items", "title", "tv", "user_progress", "media_item_id"),
    Kind.MOVIE: ("media_items", "title", "movie", "user_progress", "media_item_id"),
    Kind.BOOK: ("books", "title", None, "user_book_progress", "book_id"),
    Kind.PODCAST: ("podcasts", "collection_name", None, "user_podcast_progress", "podcast_id"),
}


def first_entries(user_id: str, kind: Kind, limit: int) -> list[LibraryEntry]:
    """The first ``limit`` entries in title order (folded title, then item id), as the
    library table sorts them: a screenful read without reading the rest.

    ASCII titles come in order from the ``lower(title)`` index (SQLite's lower() folds
    ASCII as ``fold`` does), so the read stops after ``limit`` rows at any size; the few
    other titles, listed by their partial index, are folded here and merged in.
    """
    items, title, wanted, progress, item_id = _TITLE_INDEXES[kind]
    type_match = f" AND i.\"type\" = '{wanted}'" if wanted else ""
    lower_index = f"{items}_lower_{title}"
    joined = (
        # CROSS JOIN: SQLite keeps this order, walking the item index, not every progress row
        f'CROSS JOIN "{progress}" p ON p."{item_id}" = i."id" AND p."user_id" = ?'
        ' AND p."deleted_at" IS NULL'
    )
    plain = database.execute_sql(
        f'SELECT lower(i."{title}"), i."id" FROM "{items}" i INDEXED BY "{lower_index}" '
        f'{joined} WHERE i."{title}" NOT {NON_ASCII}{type_match} '
        f'ORDER BY lower(i."{title}"), i."id" LIMIT ?',
        (user_id, limit),
    )
    others = database.execute_sql(
        f'SELECT i."{title}", i."id" FROM "{items}" i INDEXED BY "{items}_non_ascii_{title}" '
        f'{joined} WHERE i."{title}" {NON_ASCII}{type_match}',
        (user_id,),
    )
    first = sorted([*plain, *((fold(text), number) for text, number in others)])[:limit]
    ids = [number for _, number in first]
    if not ids:
        return []
    entries = library_entries(user_id, kind, item_ids=ids)
    place = {item_id: index for index, item_id in enumerate(ids)}
    return sorted(entries, key=lambda entry: place[entry.key.item_id])


def library_entry(user_id: str, key: EntryKey) -> LibraryEntry | None:
    entries = library_entries(user_id, key.kind, item_ids=[key.item_id])
    return entries[0] if entries else None


def library_keys_by_catalog_id(
    user_id: str, kind: Kind, catalog_ids: Iterable[str]
) -> dict[str, EntryKey]:
    """Which of these catalog ids the user has in the library (not removed), and as what."""
    ids = list(catalog_ids)
    if not ids:
        return {}
    table = PROGRESS_TABLES[kind]
    item: type[MediaItem | Book | Podcast]
    column: Field
    if kind in (Kind.TV, Kind.MOVIE):
        numbers = [int(value) for value in ids if value.lstrip("-").isdigit()]
        item, column = MediaItem, MediaItem.tmdb_id
        wanted = column.in_(numbers) & (MediaItem.type == kind.value)
    else:
        item = Book if kind is Kind.BOOK else Podcast
        column = Book.google_id if kind is Kind.BOOK else Podcast.itunes_id
        wanted = column.in_(ids)
    rows = (
        item.select(item.id, column)
        .join(table.model, on=(table.item_column == item.id))
        .where(wanted & (table.model.user == user_id) & table.model.deleted_at.is_null())
        .tuples()
        .iterator()
    )
    return {str(catalog_id): EntryKey(kind, item_id) for item_id, catalog_id in rows}


def status_counts(user_id: str, kind: Kind) -> Counter[str]:
    """How many of the user's items of ``kind`` are in each status (from the progress
    table's index, joined to the items only for their kind)."""
    query, progress, _, _ = _kind_rows(user_id, kind)
    counted = query.select(progress.status, fn.COUNT(progress.id)).group_by(progress.status)
    return Counter(dict(_raw_rows(counted)))


def entry_detail(user_id: str, key: EntryKey) -> EntryDetail | None:
    """The highlighted item's full record for the detail pane."""
    entry = library_entry(user_id, key)
    if entry is None:
        return None
    if key.kind in (Kind.TV, Kind.MOVIE):
        item = MediaItem.get_by_id(key.item_id)
        added = UserProgress.get(user=user_id, media_item=key.item_id).created_at
        return EntryDetail(entry, item.overview, _media_facts(item), added)
    if key.kind is Kind.BOOK:
        book = Book.get_by_id(key.item_id)
        added = UserBookProgress.get(user=user_id, book=key.item_id).created_at
        return EntryDetail(entry, book.description, _book_facts(book), added)
    podcast = Podcast.get_by_id(key.item_id)
    added = UserPodcastProgress.get(user=user_id, podcast=key.item_id).created_at
    return EntryDetail(entry, podcast.description, _podcast_facts(podcast), added)


def _facts(*pairs: tuple[str, object]) -> list[tuple[str, str]]:
    return [(label, str(value)) for label, value in pairs if value not in (None, "", [])]


def _media_facts(item: MediaItem) -> list[tuple[str, str]]:
    is_tv = item.type == Kind.TV.value
    vote = f"{item.vote_average / 10:.1f}/10" if item.vote_average is not None else None
    if vote and item.vote_count:
        vote += f" ({item.vote_count:,} votes)"
    return _facts(
        ("First aired" if is_tv else "Released", item.release_date),
        ("Status", item.status),
        ("Seasons", item.number_of_seasons),
        ("Episodes", item.number_of_episodes),
        ("Runtime", f"{item.runtime} min" if item.runtime else None),
        ("Genres", ", ".join(item.genres or [])),
        ("TMDB vote", vote),
        ("TMDB id", item.tmdb_id if item.tmdb_id > 0 else "added by hand"),
    )


def _book_facts(book: Book) -> list[tuple[str, str]]:
    return _facts(
        ("Authors", ", ".join(book.authors or [])),
        ("Published", book.published_date),
        ("Publisher", book.publisher),
        ("Pages", book.page_count),
        ("Categories", ", ".join(book.categories or [])),
        ("ISBN", book.isbn_13 or book.isbn_10),
        ("Google id", "added by hand" if book.google_id.startswith("local:") else book.google_id),
    )


def _podcast_facts(podcast: Podcast) -> list[tuple[str, str]]:
    local = podcast.itunes_id.startswith("local:")
    return _facts(
        ("Artist", podcast.artist_name),
        ("Episodes", podcast.episode_count),
        ("Latest episode", podcast.release_date),
        ("Genres", ", ".join(podcast.genres or [])),
        ("Feed", podcast.feed_url),
        ("iTunes id", "added by hand" if local else podcast.itunes_id),
    )


def image_ref(key: EntryKey) -> str | None:
    """The stored picture of the item: a TMDB poster path, or a cover or artwork URL."""
    if key.kind in (Kind.TV, Kind.MOVIE):
        return MediaItem.select(MediaItem.poster_path).where(MediaItem.id == key.item_id).scalar()
    if key.kind is Kind.BOOK:
        return Book.select(Book.thumbnail).where(Book.id == key.item_id).scalar()
    return Podcast.select(Podcast.artwork_url).where(Podcast.id == key.item_id).scalar()
