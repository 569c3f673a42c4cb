"""Library reads for the screens and the CLI.

Each query reads the user's progress rows of one kind (through the
``(user_id, status)`` and ``(user_id, item)`` indexes) joined to the item by
primary key; none touches seasons or episodes: a show's episode total is the
``number_of_episodes`` stored on the show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from peewee import JOIN, Expression, Field, Value, fn

from mediatrack.folding import fold
from mediatrack.kinds import Kind
from mediatrack.records import EntryDetail, EntryKey, FirstPage, LibraryEntry
from mediatrack.store import entry_rows, first_rows
from mediatrack.store.models import (
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


def _raw_rows(query) -> Iterator[tuple]:
    """The query's rows as the driver returns them, without peewee's conversion per row."""
    sql, params = query.sql()
    return iter(query.model._meta.database.execute_sql(sql, params))


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
    return entry_rows.entries(kind, _raw_rows(query))


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


def first_entries(user_id: str, kind: Kind, limit: int) -> list[LibraryEntry]:
    """The first ``limit`` entries in title order (folded title, then item id), as the
    library table sorts them: a screenful read without reading the rest (``first_rows``)."""
    ids = first_rows.first_ids(database.execute_sql, user_id, kind, limit)
    return first_rows.entries_in_order(database.execute_sql, user_id, kind, ids)


def first_page(user_id: str, kind: Kind, limit: int) -> FirstPage:
    """The first ``limit`` entries and the counts per status (``first_rows.first_page``)."""
    return first_rows.first_page(database.execute_sql, user_id, kind, limit)


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
