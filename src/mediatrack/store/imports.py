"""The bulk write path of imports: many rows in one transaction, matched by natural keys.

Items are found or created by their catalog ids (``media_items(tmdb_id, type)``,
``books.google_id``, ``podcasts.itunes_id``), progress rows by (user, item),
ticks by (user, episode), finish dates by (user, item, day): writing the same
batch twice creates nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from peewee import BooleanField, DateTimeField

from mediatrack.kinds import KINDS, Kind
from mediatrack.store import episodes as episode_rows
from mediatrack.store import library, metadata
from mediatrack.store.models import (
    PROGRESS_TABLES,
    Book,
    Episode,
    EpisodeWatch,
    FinishDate,
    ImportReview,
    MediaItem,
    Podcast,
    PodcastEpisode,
    PodcastListen,
    Rating,
    Season,
    TextListField,
    UserBookProgress,
    UserPodcastProgress,
    database,
    utcnow,
)

ITEM_MODELS: dict[Kind, type[MediaItem | Book | Podcast]] = {
    Kind.TV: MediaItem,
    Kind.MOVIE: MediaItem,
    Kind.BOOK: Book,
    Kind.PODCAST: Podcast,
}
RATED = (UserBookProgress, UserPodcastProgress)  # progress rows that carry the rating
BATCH = 200
# item columns a backup carries; ids and bookkeeping are the store's own
SKIPPED_COLUMNS = {"id", "created_at", "updated_at"}


def catalog_column(kind: Kind):
    if kind in (Kind.TV, Kind.MOVIE):
        return MediaItem.tmdb_id
    return Book.google_id if kind is Kind.BOOK else Podcast.itunes_id


def _key_value(kind: Kind, catalog_id: str) -> Any:
    return int(catalog_id) if kind in (Kind.TV, Kind.MOVIE) else catalog_id


@dataclass(frozen=True, slots=True)
class Held:
    """What the user already has for one item."""

    item_id: int
    status: str | None  # None: the item is in the store but not in the library
    progress: int
    rating: int | None
    updated_at: dt.datetime | None
    ticks: frozenset[tuple[int, int]]
    dates: frozenset[str]
    unticked: frozenset[tuple[int, int]] = frozenset()  # ticks the user took back
    removed_at: dt.datetime | None = None  # the user took the item out of the library then
    listens: frozenset[str] = frozenset()  # a podcast's listened episodes, by guid
    unlistened: frozenset[str] = frozenset()  # listens the user took back


@dataclass(slots=True)
class Write:
    """One item's import: the item (created when missing) and what to record on it.

    ``status``/``progress``/``rating`` None leave the value as it is. ``metadata`` are
    item columns (the backup's); ``parts`` the backup's parts of the item (a show's
    seasons, a podcast's episodes), each restored by its ``RESTORERS`` entry.
    """

    kind: Kind
    catalog_id: str
    title: str
    release_date: str | None = None
    creator: str | None = None
    total: int | None = None
    feed_url: str | None = None
    isbn_13: str | None = None
    isbn_10: str | None = None
    status: str | None = None
    progress: int | None = None
    rating: int | None = None
    clear_rating: bool = False
    ticks: list[tuple[int, int, dt.datetime | None]] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    updated_at: dt.datetime | None = None
    metadata: dict[str, Any] | None = None
    parts: dict[str, list[dict[str, Any]]] | None = None
    listens: list[tuple[str, dt.datetime | None]] = field(default_factory=list)  # (guid, when)
    derive_status: bool = False
    revive_ticks: bool = False  # overwrite: a tick the user took back comes back
    show: Any = None  # (ShowDetails, [SeasonDetails]) fetched so ticks find their episodes
    podcast: Any = None  # PodcastDetails from iTunes
    feed: Any = None  # [FeedEpisode] from the podcast's RSS


def held(user_id: str, kind: Kind, catalog_ids: Iterable[str]) -> dict[str, Held]:
    """What the user has of these items, by catalog id (items absent from the store left out)."""
    ids = [value for value in catalog_ids]
    if not ids:
        return {}
    found: dict[str, Held] = {}
    by_key = item_ids(kind, ids)
    keys = list(by_key)
    for start in range(0, len(keys), 500):
        items = {by_key[key]: key for key in keys[start : start + 500]}
        progress = _progress_rows(user_id, kind, list(items))
        ratings: dict[int, int] = {}
        if kind in (Kind.TV, Kind.MOVIE):
            ratings = dict(
                Rating.select(Rating.media_item, Rating.rating)
                .where(
                    (Rating.user == user_id)
                    & Rating.media_item.in_(list(items))
                    & Rating.deleted_at.is_null()
                )
                .tuples()
                .iterator()
            )
        ticks: dict[int, set[tuple[int, int]]] = {}
        unticked: dict[int, set[tuple[int, int]]] = {}
        if kind is Kind.TV:
            for show, season, number, deleted in (
                EpisodeWatch.select(
                    Season.media_item,
                    Season.season_number,
                    Episode.episode_number,
                    EpisodeWatch.deleted_at,
                )
                .join(Episode)
                .join(Season)
                .where((EpisodeWatch.user == user_id) & Season.media_item.in_(list(items)))
                .tuples()
                .iterator()
            ):
                into = ticks if deleted is None else unticked
                into.setdefault(show, set()).add((season, number))
        listens: dict[int, set[str]] = {}
        unlistened: dict[int, set[str]] = {}
        if kind is Kind.PODCAST:
            for podcast, guid, deleted in (
                PodcastListen.select(
                    PodcastEpisode.podcast, PodcastEpisode.guid, PodcastListen.deleted_at
                )
                .join(PodcastEpisode)
                .where((PodcastListen.user == user_id) & PodcastEpisode.podcast.in_(list(items)))
                .tuples()
                .iterator()
            ):
                (listens if deleted is None else unlistened).setdefault(podcast, set()).add(guid)
        dates: dict[int, set[str]] = {}
        for item_id, day in (
            FinishDate.select(FinishDate.item_id, FinishDate.finished_on)
            .where(
                (FinishDate.user == user_id)
                & (FinishDate.kind == kind.value)
                & FinishDate.item_id.in_(list(items))
            )
            .tuples()
            .iterator()
        ):
            dates.setdefault(item_id, set()).add(day)
        for item_id, key in items.items():
            row = progress.get(item_id)
            removed_at = row.deleted_at if row is not None else None
            if removed_at is not None:
                row = None
            rating = ratings.get(item_id) if kind in (Kind.TV, Kind.MOVIE) else None
            if row is not None and kind in (Kind.BOOK, Kind.PODCAST):
                rating = row.rating
            found[key] = Held(
                item_id=item_id,
                status=row.status if row is not None else None,
                progress=row.progress if row is not None else 0,
                rating=rating if row is not None else None,
                updated_at=row.updated_at if row is not None else None,
                ticks=frozenset(ticks.get(item_id, ())),
                dates=frozenset(dates.get(item_id, ())),
                unticked=frozenset(unticked.get(item_id, ())),
                removed_at=removed_at,
                listens=frozenset(listens.get(item_id, ())),
                unlistened=frozenset(unlistened.get(item_id, ())),
            )
    return found


def _in(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def item_ids(kind: Kind, catalog_ids: Iterable[str]) -> dict[str, int]:
    """The store's item id of each catalog id it has. Plain cursor reads, 500 at a time:
    building a peewee query per chunk cost more than the lookup itself."""
    model = ITEM_MODELS[kind]
    column = catalog_column(kind).column_name
    keys = [_key_value(kind, value) for value in catalog_ids]
    found: dict[str, int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        sql = (
            f'SELECT "id", "{column}" FROM "{model._meta.table_name}" '
            f'WHERE "{column}" IN ({_in(chunk)})'
        )
        params: list[Any] = list(chunk)
        if model is MediaItem:
            sql += ' AND "type" = ?'
            params.append(kind.value)
        found.update((str(key), item_id) for item_id, key in database.execute_sql(sql, params))
    return found


@dataclass(frozen=True, slots=True)
class _Row:
    item: int
    status: str
    progress: int
    updated_at: dt.datetime | None
    deleted_at: dt.datetime | None
    rating: int | None


def _progress_rows(user_id: str, kind: Kind, items: list[int]) -> dict[int, _Row]:
    """The user's rows (removed ones too) for these items, by item id."""
    if not items:
        return {}
    table = PROGRESS_TABLES[kind]
    model = table.model
    rating = "rating" if issubclass(model, RATED) else "NULL"
    column = table.item_column.column_name
    time = model.updated_at.python_value
    rows = database.execute_sql(
        f'SELECT "{column}", status, progress, updated_at, deleted_at, {rating} '
        f'FROM "{model._meta.table_name}" WHERE user_id = ? AND "{column}" IN ({_in(items)})',
        [user_id, *items],
    )
    return {
        item: _Row(item, status, progress, time(updated), time(deleted), stars)
        for item, status, progress, updated, deleted, stars in rows
    }


def podcast_ids_by_feed(feed_urls: Iterable[str]) -> dict[str, str]:
    """The itunes_id of podcasts already stored with these feed URLs."""
    urls = list(dict.fromkeys(feed_urls))
    found: dict[str, str] = {}
    for start in range(0, len(urls), BATCH):  # a few hundred a query: SQLite's limit on ?s
        found.update(
            (feed, itunes_id)
            for itunes_id, feed in Podcast.select(Podcast.itunes_id, Podcast.feed_url)
            .where(Podcast.feed_url.in_(urls[start : start + BATCH]))
            .tuples()
            .iterator()
        )
    return found


def apply(user_id: str, writes: list[Write]) -> None:
    """Write every item of the batch in one transaction.

    Plain new items (no episodes to tick, no details to save) go in a few
    multi-row statements per kind; the others one by one.
    """
    with database.atomic():
        rest = []
        by_kind: dict[Kind, list[Write]] = {}
        for write in writes:
            if _plain(write):
                by_kind.setdefault(write.kind, []).append(write)
            else:
                rest.append(write)
        for kind, plain in by_kind.items():
            rest.extend(_apply_plain(user_id, kind, plain))
        for write in rest:
            _apply_one(user_id, write)


def _plain(write: Write) -> bool:
    return (
        write.status is not None
        and not write.ticks
        and not write.listens
        and write.show is None
        and write.podcast is None
        and not write.feed
        and not write.parts
    )


@functools.lru_cache(maxsize=64)
def _time_text(value: dt.datetime | None) -> str | None:
    """A time as peewee stores it; a batch writes the same few times thousands of times."""
    return None if value is None else str(value)


def _insert_rows(model, rows: list[dict[str, Any]], conflict: str = "DO NOTHING") -> None:
    """``executemany`` of one INSERT: peewee's per-row SQL building is the slow part of a
    10,000-row import. Values go through each field's ``db_value`` as peewee would."""
    if not rows:
        return
    fields = [model._meta.fields[name] for name in rows[0]]
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    marks = ", ".join("?" for _ in fields)
    table = model._meta.table_name
    sql = f'INSERT INTO "{table}" ({columns}) VALUES ({marks}) ON CONFLICT {conflict}'

    def stored(field):  # plain text and numbers go as they are
        if isinstance(field, TextListField | BooleanField):
            return field.db_value
        if isinstance(field, DateTimeField):
            return _time_text
        return None

    converters = [(field.name, stored(field)) for field in fields]
    database.cursor().executemany(
        sql,
        [
            [row[name] if convert is None else convert(row[name]) for name, convert in converters]
            for row in rows
        ],
    )


def _apply_plain(user_id: str, kind: Kind, writes: list[Write]) -> list[Write]:
    """Insert new items and their progress rows in bulk; returns the writes it left
    (an item the user has, or had and removed, goes the careful way, and so does a
    backup's item the store already has: its stored columns are restored)."""
    model = ITEM_MODELS[kind]
    table = PROGRESS_TABLES[kind]
    now = utcnow()
    unique: dict[str, Write] = {}
    for write in writes:
        unique.setdefault(write.catalog_id, write)
    if len(unique) != len(writes):
        return writes  # the same item twice in one batch: one by one
    restoring = [w.catalog_id for w in writes if w.metadata is not None]
    stored_before = item_ids(kind, restoring) if restoring else {}
    careful = [w for w in writes if w.metadata is not None and w.catalog_id in stored_before]
    if careful:
        writes = [
            w for w in writes if not (w.metadata is not None and w.catalog_id in stored_before)
        ]
    rows = [{**_item_values(w), "created_at": now, "updated_at": now} for w in writes]
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        by_columns.setdefault(tuple(row), []).append(row)
    for same in by_columns.values():
        _insert_rows(model, same)
    ids = item_ids(kind, [w.catalog_id for w in writes])
    stored = list(ids.values())
    taken: set[int] = set()
    for start in range(0, len(stored), 500):
        taken.update(_progress_rows(user_id, kind, stored[start : start + 500]))
    left: list[Write] = careful
    fresh: list[Write] = []
    for write in writes:
        (left if ids[write.catalog_id] in taken else fresh).append(write)
    progress_rows: list[dict[str, Any]] = []
    ratings: list[dict[str, Any]] = []
    dates: list[dict[str, Any]] = []
    for write in fresh:
        item_id = ids[write.catalog_id]
        stamp = write.updated_at or now
        row = {
            "user": user_id,
            table.item_field: item_id,
            "status": write.status,
            "progress": write.progress or 0,
            "created_at": now,
            "updated_at": stamp,
        }
        if kind in (Kind.BOOK, Kind.PODCAST):
            row["rating"] = write.rating
        elif write.rating is not None:
            ratings.append(
                {
                    "user": user_id,
                    "media_item": item_id,
                    "rating": write.rating,
                    "created_at": stamp,
                    "updated_at": stamp,
                }
            )
        progress_rows.append(row)
        dates.extend(
            {
                "user": user_id,
                "kind": kind.value,
                "item_id": item_id,
                "finished_on": day,
                "created_at": now,
            }
            for day in write.dates
        )
    _insert_rows(table.model, progress_rows)
    _insert_rows(FinishDate, dates)
    _insert_rows(
        Rating,
        ratings,
        '("user_id", "media_item_id") DO UPDATE SET "rating" = excluded."rating", '
        '"updated_at" = excluded."updated_at", "deleted_at" = NULL',
    )
    return left


def _columns(model, values: dict[str, Any], *skipped: str) -> dict[str, Any]:
    """The values of a backup's row that are columns of ``model`` (a later version's extra
    keys are ignored), less ids and bookkeeping."""
    fields = model._meta.fields
    return {
        k: v for k, v in values.items() if k in fields and k not in SKIPPED_COLUMNS | set(skipped)
    }


def _item_values(write: Write) -> dict[str, Any]:
    if write.metadata is not None:
        values = _columns(ITEM_MODELS[write.kind], write.metadata)
    elif write.kind in (Kind.TV, Kind.MOVIE):
        values = {"title": write.title, "release_date": write.release_date}
        if write.kind is Kind.TV and write.total:
            values["number_of_episodes"] = write.total
    elif write.kind is Kind.BOOK:
        authors = [name.strip() for name in (write.creator or "").split(",") if name.strip()]
        values = {
            "title": write.title,
            "authors": authors or None,
            "published_date": write.release_date,
            "page_count": write.total,
            "isbn_13": write.isbn_13,
            "isbn_10": write.isbn_10,
        }
    else:
        values = {
            "collection_name": write.title,
            "artist_name": write.creator,
            "feed_url": write.feed_url,
            "release_date": write.release_date,
        }
    if write.kind in (Kind.TV, Kind.MOVIE):
        values["type"] = write.kind.value
    values[catalog_column(write.kind).name] = _key_value(write.kind, write.catalog_id)
    return values


def ensure_item(write: Write) -> int:
    """The item's id, created from what the import knows when the store lacks it.

    An item the store has keeps its catalog metadata, unless the write restores a backup.
    """
    model = ITEM_MODELS[write.kind]
    column = catalog_column(write.kind)
    query = model.select(model.id).where(column == _key_value(write.kind, write.catalog_id))
    if model is MediaItem:
        query = query.where(MediaItem.type == write.kind.value)
    found = query.scalar()
    values = _item_values(write)
    if found is None:
        now = utcnow()
        found = model.insert({**values, "created_at": now, "updated_at": now}).execute()
    elif write.metadata is not None:
        model.update(values).where(model.id == found).execute()
    for name, value in (write.parts or {}).items():
        RESTORERS[name](found, value)
    return found


def _restore_seasons(show_id: int, seasons: list[dict[str, Any]]) -> None:
    now = utcnow()
    for season in seasons:
        values = _columns(Season, season, "episodes", "media_item")
        values["media_item"] = show_id
        Season.insert({**values, "created_at": now, "updated_at": now}).on_conflict(
            conflict_target=[Season.tmdb_id], update=values
        ).execute()
        season_id = Season.get(Season.tmdb_id == season["tmdb_id"]).id
        rows = []
        for episode in season.get("episodes") or []:
            row = _columns(Episode, episode, "watched_at", "season")
            rows.append({**row, "season": season_id, "created_at": now, "updated_at": now})
        for start in range(0, len(rows), BATCH):
            Episode.insert_many(rows[start : start + BATCH]).on_conflict_ignore().execute()


def _restore_podcast_episodes(podcast_id: int, episodes: list[dict[str, Any]]) -> None:
    """A backup's podcast episodes; those the store has (same guid) stay as they are."""
    now = utcnow()
    rows = []
    for episode in episodes:
        row = _columns(PodcastEpisode, episode, "listened_at", "podcast")
        if row.get("published_at"):
            row["published_at"] = dt.datetime.fromisoformat(row["published_at"])
        rows.append({**row, "podcast": podcast_id, "created_at": now, "updated_at": now})
    for start in range(0, len(rows), BATCH):
        PodcastEpisode.insert_many(rows[start : start + BATCH]).on_conflict_ignore().execute()


# How each part of a backup's item is put back (see store.exports.PARTS): one per table.
RESTORERS = {"seasons": _restore_seasons, "episodes": _restore_podcast_episodes}


def _listen(
    user_id: str, podcast_id: int, listens: list[tuple[str, dt.datetime | None]], *, revive: bool
) -> None:
    by_guid = dict(
        PodcastEpisode.select(PodcastEpisode.guid, PodcastEpisode.id)
        .where(PodcastEpisode.podcast == podcast_id)
        .tuples()
        .iterator()
    )
    marks = [(by_guid[guid], moment) for guid, moment in listens if guid in by_guid]
    episode_rows.write_marks(PodcastListen, user_id, marks, revive=revive)


def _apply_one(user_id: str, write: Write) -> None:
    now = utcnow()
    stamp = write.updated_at or now
    if write.show is not None:
        metadata.save_show(*write.show)
    if write.podcast is not None:
        metadata.save_podcast(write.podcast)
    item_id = ensure_item(write)
    if write.feed:
        metadata.save_podcast_episodes(item_id, write.feed)
    table = PROGRESS_TABLES[write.kind]
    row = table.model.get_or_none(table.row_of(user_id, item_id))
    if row is None or row.deleted_at is not None:
        library.track(
            user_id,
            write.kind,
            item_id,
            write.status or KINDS[write.kind].plan_status,
            progress=write.progress or 0,
            rating=write.rating,
            updated_at=stamp,
        )
    else:
        values: dict[str, Any] = {}
        if write.status is not None and write.status != row.status:
            values["status"] = write.status
        if write.progress is not None and write.progress != row.progress:
            values["progress"] = write.progress
        if (
            isinstance(row, RATED)  # books and podcasts
            and (write.rating is not None or write.clear_rating)
            and write.rating != row.rating
        ):
            values["rating"] = write.rating
        if values:
            table.model.update({**values, "updated_at": stamp}).where(
                table.model.id == row.id
            ).execute()
    if write.kind in (Kind.TV, Kind.MOVIE) and (write.rating is not None or write.clear_rating):
        _write_rating(user_id, item_id, write.rating, stamp)
    if write.ticks:
        _tick(user_id, item_id, write.ticks, revive=write.revive_ticks)
    if write.dates:
        FinishDate.insert_many(
            [
                {
                    "user": user_id,
                    "kind": write.kind.value,
                    "item_id": item_id,
                    "finished_on": day,
                    "created_at": now,
                }
                for day in write.dates
            ]
        ).on_conflict_ignore().execute()
    # One truth: a show's and a podcast's progress are their ticks. A figure from the file
    # becomes ticks (oldest first) for a podcast; a show without episodes keeps its count.
    if write.listens:
        _listen(user_id, item_id, write.listens, revive=write.revive_ticks)
    if write.kind is Kind.TV and (write.ticks or write.parts or write.progress is not None):
        episode_rows.recompute_show(user_id, item_id, derive_status=write.derive_status)
    if write.kind is Kind.PODCAST:
        episode_rows.recompute_podcast(user_id, item_id, derive_status=False, keep_count=True)


def _write_rating(user_id: str, item_id: int, rating: int | None, stamp: dt.datetime) -> None:
    current = Rating.get_or_none((Rating.user == user_id) & (Rating.media_item == item_id))
    if rating is None:
        if current is not None and current.deleted_at is None:
            Rating.update(deleted_at=stamp, updated_at=stamp).where(
                Rating.id == current.id
            ).execute()
        return
    if current is not None and current.rating == rating and current.deleted_at is None:
        return
    Rating.insert(
        user=user_id, media_item=item_id, rating=rating, created_at=stamp, updated_at=stamp
    ).on_conflict(
        conflict_target=[Rating.user, Rating.media_item],
        update={Rating.rating: rating, Rating.updated_at: stamp, Rating.deleted_at: None},
    ).execute()


def _tick(
    user_id: str, show_id: int, ticks: list[tuple[int, int, dt.datetime | None]], *, revive: bool
) -> None:
    numbers = {
        (season, number): episode_id
        for episode_id, season, number in Episode.select(
            Episode.id, Season.season_number, Episode.episode_number
        )
        .join(Season)
        .where(Season.media_item == show_id)
        .tuples()
        .iterator()
    }
    marks = [
        (numbers[(season, number)], moment)
        for season, number, moment in ticks
        if (season, number) in numbers
    ]
    episode_rows.write_marks(EpisodeWatch, user_id, marks, revive=revive)


# --- the review list ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewRow:
    id: int
    source: str
    row_key: str
    kind: str
    line: int
    title: str
    reason: str
    record: str
    candidates: str | None
    chosen: str | None = None


def save_review(user_id: str, rows: list[dict[str, Any]]) -> None:
    """Keep rows for the user to review; the same row_key replaces its earlier row."""
    now = utcnow()
    with database.atomic():
        for row in rows:
            values = {**row, "user": user_id, "updated_at": now, "chosen": None}
            ImportReview.insert({**values, "created_at": now}).on_conflict(
                conflict_target=[ImportReview.user, ImportReview.row_key],
                update={key: value for key, value in values.items() if key != "user"},
            ).execute()


def review_rows(user_id: str, *, settled: bool = False) -> list[ReviewRow]:
    """The rows waiting for the user (``settled``: those the user answered)."""
    waiting = ImportReview.chosen.is_null(not settled)
    query = (
        ImportReview.select()
        .where((ImportReview.user == user_id) & waiting)
        .order_by(ImportReview.source, ImportReview.line, ImportReview.id)
    )
    return [
        ReviewRow(
            row.id,
            row.source,
            row.row_key,
            row.kind,
            row.line,
            row.title,
            row.reason,
            row.record,
            row.candidates,
        )
        for row in query
    ]


def answers(user_id: str) -> dict[str, str]:
    """row_key -> what the user chose for it (a catalog id, or "skip")."""
    return dict(
        ImportReview.select(ImportReview.row_key, ImportReview.chosen)
        .where((ImportReview.user == user_id) & ImportReview.chosen.is_null(False))
        .tuples()
        .iterator()
    )


def set_candidates(user_id: str, row_key: str, candidates: str | None) -> None:
    """The candidates a new search found for a waiting row (JSON), kept for the next look."""
    ImportReview.update(candidates=candidates, updated_at=utcnow()).where(
        (ImportReview.user == user_id) & (ImportReview.row_key == row_key)
    ).execute()


def settle_review(user_id: str, row_key: str, chosen: str) -> None:
    ImportReview.update(chosen=chosen, updated_at=utcnow()).where(
        (ImportReview.user == user_id) & (ImportReview.row_key == row_key)
    ).execute()


def drop_review(user_id: str, row_keys: Iterable[str]) -> int:
    """Forget waiting rows that are now matched (settled ones keep the user's answer)."""
    waiting = ImportReview.select().where(
        (ImportReview.user == user_id) & ImportReview.chosen.is_null()
    )
    if not waiting.exists():
        return 0  # the common case: the keys (a generator) are never even made
    keys = list(row_keys)
    if not keys:
        return 0
    return (
        # peewee's stubs declare Model.delete as a generic attribute: [misc] on a class
        ImportReview.delete()  # type: ignore[misc]
        .where(
            (ImportReview.user == user_id)
            & ImportReview.row_key.in_(keys)
            & ImportReview.chosen.is_null()
        )
        .execute()
    )
