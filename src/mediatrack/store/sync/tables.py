"""The synced tables as both ends see them: columns, natural keys, and the rows on the wire.

SQLite and PostgreSQL hold the same tables with the same column names; only
the serial ids differ between them. On the wire a row carries natural keys
instead of ids: a progress row names its show by ``(media_tmdb_id,
media_type)``, an episode tick its episode by ``episode_tmdb_id``, and so on.
A ``Ref`` says how to turn a foreign key into those columns (``read_joins``,
the same SQL on both ends) and back (``resolve_joins``, from the wire row
``v`` to the parent's id). Everything else is derived from the peewee models,
so a new column syncs without a change here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from peewee import BooleanField, DateTimeField, ForeignKeyField, IntegerField

from mediatrack.store.models import (
    BaseModel,
    Book,
    BookNote,
    Episode,
    EpisodeWatch,
    Friendship,
    MediaItem,
    MediaNote,
    PastEpisodeWatch,
    Podcast,
    PodcastEpisode,
    PodcastListen,
    PodcastNote,
    Rating,
    Season,
    SyncedModel,
    TextListField,
    User,
    UserBookProgress,
    UserPodcastProgress,
    UserProgress,
)

Row = dict[str, Any]
ItemKey = tuple[str, ...]  # ("media", tmdb_id, type) | ("book", google_id) | ("podcast", itunes_id)


@dataclass(frozen=True, slots=True)
class Ref:
    """How a foreign key travels: as the natural key of the row it points to."""

    column: str  # the foreign key column, e.g. "media_item_id"
    wire: tuple[tuple[str, str, str], ...]  # (wire name, PostgreSQL type, expression)
    read_joins: str  # from the table ``t`` to the parent (and, for ``info``, beyond)
    resolve_joins: str  # from the wire row ``v`` to the parent
    resolved: str  # the parent's id once ``resolve_joins`` ran
    parent: str  # the parent's kind, see ``parent_key``
    info: tuple[tuple[str, str], ...] = ()  # read-only extras: (wire name, expression)
    # On the server, the alias of ``resolve_joins`` whose row must be the writer's own copy.
    scoped: str = "m"


@dataclass(frozen=True, slots=True)
class SyncTable:
    """One synced table."""

    name: str
    columns: tuple[tuple[str, str], ...]  # own columns: (name, PostgreSQL type); no id, no ref
    conflict: tuple[str, ...]  # the natural key, as columns of the table
    ref: Ref | None = None
    item: Callable[[Row], ItemKey] | None = None  # the catalog item a wire row belongs to
    owned: bool = False  # a person's row: has user_id and a tombstone
    # A catalog row: on the server each person has their own copy (``written_by``).
    per_writer: bool = False
    pushed: bool = True  # friendships only come down: they change through server functions
    wire_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names = [name for name, _ in self.columns]
        if self.ref is not None:
            names += [name for name, _, _ in self.ref.wire]
        object.__setattr__(self, "wire_names", tuple(names))

    @property
    def targets(self) -> list[str]:
        """The columns an insert writes: own columns, then the foreign key."""
        own = [name for name, _ in self.columns]
        return [*own, self.ref.column] if self.ref else own

    def sources(self) -> list[str]:
        """What each of ``targets`` is filled from, with the wire row as ``v``."""
        own = [f"v.{name}" for name, _ in self.columns]
        return [*own, self.ref.resolved] if self.ref else own

    @property
    def wire_key(self) -> tuple[str, ...]:
        """The natural key as wire columns (a foreign key becomes its parent's natural key)."""
        names: list[str] = []
        for column in self.conflict:
            if self.ref is not None and column == self.ref.column:
                names += [name for name, _, _ in self.ref.wire]
            else:
                names.append(column)
        return tuple(names)

    def timestamp_columns(self) -> list[str]:
        return [name for name, kind in self.columns if kind == "timestamp"]

    def list_columns(self) -> list[str]:
        return [name for name, kind in self.columns if kind == "text[]"]


def _pg_type(field_: Any) -> str:
    if isinstance(field_, TextListField):
        return "text[]"
    if isinstance(field_, DateTimeField):
        return "timestamp"
    if isinstance(field_, BooleanField):
        return "boolean"
    if isinstance(field_, IntegerField) and not isinstance(field_, ForeignKeyField):
        return "bigint"  # SQLite integers are 64-bit (hand-made items: random ids)
    return "text"


def _columns(model: type[BaseModel], ref: Ref | None) -> tuple[tuple[str, str], ...]:
    """Every column of ``model`` but the serial id and the foreign key ``ref`` replaces."""
    skip = {"id", ref.column if ref else None}
    return tuple(
        (f.column_name, _pg_type(f))
        for f in model._meta.sorted_fields
        if f.column_name not in skip or (f.column_name == "id" and model is User)
    )


# --- foreign keys as natural keys --------------------------------------------------

MEDIA = Ref(
    column="media_item_id",
    wire=(("media_tmdb_id", "bigint", "m.tmdb_id"), ("media_type", "text", "m.type")),
    read_joins="JOIN media_items m ON m.id = t.media_item_id",
    resolve_joins="JOIN media_items m ON m.tmdb_id = v.media_tmdb_id AND m.type = v.media_type",
    resolved="m.id",
    parent="media",
)
SEASON = Ref(
    column="season_id",
    wire=(("season_tmdb_id", "bigint", "s.tmdb_id"),),
    read_joins=(
        "JOIN seasons s ON s.id = t.season_id JOIN media_items sm ON sm.id = s.media_item_id"
    ),
    resolve_joins="JOIN seasons s ON s.tmdb_id = v.season_tmdb_id",
    resolved="s.id",
    parent="season",
    scoped="s",
    info=(("show_tmdb_id", "sm.tmdb_id"), ("show_type", "sm.type")),
)
EPISODE = Ref(
    column="episode_id",
    wire=(("episode_tmdb_id", "bigint", "e.tmdb_id"),),
    read_joins=(
        "JOIN episodes e ON e.id = t.episode_id JOIN seasons es ON es.id = e.season_id "
        "JOIN media_items em ON em.id = es.media_item_id"
    ),
    resolve_joins="JOIN episodes e ON e.tmdb_id = v.episode_tmdb_id",
    resolved="e.id",
    parent="episode",
    scoped="e",
    info=(("show_tmdb_id", "em.tmdb_id"), ("show_type", "em.type")),
)
BOOK = Ref(
    column="book_id",
    wire=(("google_id", "text", "b.google_id"),),
    read_joins="JOIN books b ON b.id = t.book_id",
    resolve_joins="JOIN books b ON b.google_id = v.google_id",
    resolved="b.id",
    parent="book",
    scoped="b",
)
PODCAST = Ref(
    column="podcast_id",
    wire=(("itunes_id", "text", "p.itunes_id"),),
    read_joins="JOIN podcasts p ON p.id = t.podcast_id",
    resolve_joins="JOIN podcasts p ON p.itunes_id = v.itunes_id",
    resolved="p.id",
    parent="podcast",
    scoped="p",
)
PODCAST_EPISODE = Ref(
    column="episode_id",
    wire=(("itunes_id", "text", "p.itunes_id"), ("episode_guid", "text", "pe.guid")),
    read_joins=(
        "JOIN podcast_episodes pe ON pe.id = t.episode_id JOIN podcasts p ON p.id = pe.podcast_id"
    ),
    resolve_joins=(
        "JOIN podcasts p ON p.itunes_id = v.itunes_id "
        "JOIN podcast_episodes pe ON pe.podcast_id = p.id AND pe.guid = v.episode_guid"
    ),
    resolved="pe.id",
    parent="podcast_episode",
    scoped="p",
)


def _media(row: Row) -> ItemKey:
    return ("media", row["media_tmdb_id"], row["media_type"])


def _show(row: Row) -> ItemKey:
    return ("media", row["show_tmdb_id"], row["show_type"])


def _book(row: Row) -> ItemKey:
    return ("book", row["google_id"])


def _podcast(row: Row) -> ItemKey:
    return ("podcast", row["itunes_id"])


def _table(
    model: type[BaseModel], conflict: tuple[str, ...], ref: Ref | None = None, **options
) -> SyncTable:
    owned = issubclass(model, SyncedModel) and model is not Friendship
    per_writer = not owned and model not in (User, Friendship)
    return SyncTable(
        name=model._meta.table_name,
        columns=_columns(model, ref),
        conflict=conflict,
        ref=ref,
        owned=owned,
        per_writer=per_writer,
        **options,
    )


USERS = _table(User, ("id",))
MEDIA_ITEMS = _table(
    MediaItem, ("tmdb_id", "type"), item=lambda row: ("media", row["tmdb_id"], row["type"])
)
SEASONS = _table(Season, ("tmdb_id",), MEDIA, item=_media)
EPISODES = _table(Episode, ("tmdb_id",), SEASON, item=_show)
BOOKS = _table(Book, ("google_id",), item=lambda row: ("book", row["google_id"]))
PODCASTS = _table(Podcast, ("itunes_id",), item=lambda row: ("podcast", row["itunes_id"]))
PODCAST_EPISODES = _table(PodcastEpisode, ("podcast_id", "guid"), PODCAST, item=_podcast)
FRIENDSHIPS = _table(Friendship, ("user_id", "friend_id"), pushed=False)
USER_PROGRESS = _table(UserProgress, ("user_id", "media_item_id"), MEDIA, item=_media)
RATINGS = _table(Rating, ("user_id", "media_item_id"), MEDIA, item=_media)
EPISODE_WATCHES = _table(EpisodeWatch, ("user_id", "episode_id"), EPISODE, item=_show)
BOOK_PROGRESS = _table(UserBookProgress, ("user_id", "book_id"), BOOK, item=_book)
PODCAST_PROGRESS = _table(UserPodcastProgress, ("user_id", "podcast_id"), PODCAST, item=_podcast)
PODCAST_LISTENS = _table(PodcastListen, ("user_id", "episode_id"), PODCAST_EPISODE, item=_podcast)
PAST_EPISODE_WATCHES = _table(
    PastEpisodeWatch, ("user_id", "episode_id", "run"), EPISODE, item=_show
)
MEDIA_NOTES = _table(MediaNote, ("user_id", "media_item_id", "note_shared"), MEDIA, item=_media)
BOOK_NOTES = _table(BookNote, ("user_id", "book_id", "note_shared"), BOOK, item=_book)
PODCAST_NOTES = _table(
    PodcastNote, ("user_id", "podcast_id", "note_shared"), PODCAST, item=_podcast
)

METADATA = (MEDIA_ITEMS, SEASONS, EPISODES, BOOKS, PODCASTS, PODCAST_EPISODES)
OWNED = (
    USER_PROGRESS,
    RATINGS,
    EPISODE_WATCHES,
    BOOK_PROGRESS,
    PODCAST_PROGRESS,
    PODCAST_LISTENS,
    PAST_EPISODE_WATCHES,
    MEDIA_NOTES,
    BOOK_NOTES,
    PODCAST_NOTES,
)
# Parents before children: the order rows are written in, on both ends.
ALL_TABLES = (USERS, *METADATA, FRIENDSHIPS, *OWNED)
BY_NAME = {table.name: table for table in ALL_TABLES}
ITEM_TABLES = {"media": MEDIA_ITEMS, "book": BOOKS, "podcast": PODCASTS}
PARENT_TABLES = {  # a Ref's parent kind -> its table
    "media": "media_items",
    "season": "seasons",
    "episode": "episodes",
    "book": "books",
    "podcast": "podcasts",
    "podcast_episode": "podcast_episodes",
}


def parent_key(table: SyncTable, row: Row) -> tuple[str, tuple] | None:
    """(parent kind, natural key) of the row a wire row points to, if it points to one."""
    if table.ref is None:
        return None
    return table.ref.parent, tuple(row[name] for name, _, _ in table.ref.wire)


# Under which (kind, natural key columns) other rows find a metadata row as their parent.
OWN_KEYS = {
    "media_items": ("media", ("tmdb_id", "type")),
    "seasons": ("season", ("tmdb_id",)),
    "episodes": ("episode", ("tmdb_id",)),
    "books": ("book", ("google_id",)),
    "podcasts": ("podcast", ("itunes_id",)),
    "podcast_episodes": ("podcast_episode", ("itunes_id", "guid")),
}


def own_key(table: SyncTable, row: Row) -> tuple[str, tuple] | None:
    """(kind, natural key) under which other rows find this metadata row as their parent."""
    if table.name not in OWN_KEYS:
        return None
    kind, names = OWN_KEYS[table.name]
    return kind, tuple(row[name] for name in names)
