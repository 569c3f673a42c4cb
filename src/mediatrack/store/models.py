"""The mediatrack schema: the seed data model ("Media Tracking Core") plus its extensions.

Every table and column of the seed exists under its seed name in snake_case
(``mediaItemId`` -> ``media_item_id``), with the seed's NOT NULLs, defaults and
unique indexes, identical in SQLite and PostgreSQL; ``tests/test_seed_schema.py``
holds both schemas against the seed (``tests/fixtures/SEED-DATA-MODEL.md``).
The seed's ``date`` columns are ISO-8601 text (``YYYY-MM-DD``) on both ends, its
``timestamp`` columns DATETIME / timestamptz, its ``serial`` ids integer keys.
Extensions beyond the seed are marked ``# ext`` below:

- ``created_at`` / ``updated_at`` on every user-owned row and ``deleted_at``
  (a tombstone) on rows that sync, so that deletes can propagate;
- ``episode_watches``: one row per watched episode;
- a nullable ``rating`` on book and podcast progress, a ``review`` on ratings;
- catalog columns the seed has not (runtime, genres, overviews, ISBNs...);
- ``schema_version``: the migration bookkeeping (see ``store/migrations``);
- ``sync_state``, ``sync_changes``, ``sync_outbox``: what sync has still to send
  (see ``store/sync``).

The frozen DDL of each migration step lives in ``store/migrations/*.sql``; a
test checks that these models and that DDL describe the same tables.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, ClassVar

from peewee import (
    SQL,
    BooleanField,
    Check,
    DatabaseProxy,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    NodeList,
    TextField,
)

from mediatrack.kinds import BOOK_STATUSES, PODCAST_STATUSES, WATCH_STATUSES, Kind
from mediatrack.store.schema import LOCAL_USER_ID as LOCAL_USER_ID
from mediatrack.store.schema import NON_ASCII

database = DatabaseProxy()

MEDIA_TYPES = ("movie", "tv")
FRIENDSHIP_STATUSES = ("pending", "accepted")


def utcnow() -> dt.datetime:
    """Naive UTC now: the store keeps every timestamp in UTC."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _in(column: str, values: tuple[str, ...]) -> SQL | NodeList:
    listed = ", ".join(f"'{value}'" for value in values)
    return Check(f"{column} IN ({listed})")


class TextListField(Field):
    """A list of strings: JSON text in SQLite, ``text[]`` on the sync server."""

    field_type = "TEXT"

    def db_value(self, value: list[str] | None) -> str | None:
        if value is None:
            return None
        return json.dumps(list(value), ensure_ascii=False)

    def python_value(self, value: Any) -> list[str] | None:
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)


class BaseModel(Model):
    # For type checkers only: peewee adds an ``id`` AutoField at run time to a model that
    # names no primary key of its own (User, Session and Account name a text one).
    id: ClassVar[Field[Any]]

    class Meta:
        database = database
        legacy_table_names = False


class TimestampedModel(BaseModel):
    created_at = DateTimeField(default=utcnow)  # ext
    updated_at = DateTimeField(default=utcnow)  # ext


class SyncedModel(TimestampedModel):
    deleted_at = DateTimeField(null=True)  # ext: tombstone


# --- identity -------------------------------------------------------------


class User(TimestampedModel):
    id = TextField(primary_key=True)
    name = TextField()
    email = TextField(unique=True)
    email_verified = BooleanField(default=False)
    image = TextField(null=True)

    class Meta:
        table_name = "users"


class Session(TimestampedModel):
    id = TextField(primary_key=True)
    expires_at = DateTimeField()
    token = TextField(unique=True)
    ip_address = TextField(null=True)
    user_agent = TextField(null=True)
    user = ForeignKeyField(User, backref="sessions", on_delete="CASCADE", on_update="CASCADE")

    class Meta:
        table_name = "sessions"


class Account(TimestampedModel):
    """A login provider account. The token columns stay NULL locally: tokens live in the keyring."""

    id = TextField(primary_key=True)
    account_id = TextField()
    provider_id = TextField()
    user = ForeignKeyField(User, backref="accounts", on_delete="CASCADE", on_update="CASCADE")
    access_token = TextField(null=True)
    refresh_token = TextField(null=True)
    id_token = TextField(null=True)  # ext: BetterAuth's, not in the seed
    access_token_expires_at = DateTimeField(null=True)  # ext
    refresh_token_expires_at = DateTimeField(null=True)  # ext
    scope = TextField(null=True)  # ext
    password = TextField(null=True)  # ext

    class Meta:
        table_name = "accounts"


# --- movies and TV (TMDB) ---------------------------------------------------


class MediaItem(TimestampedModel):
    """A movie or a TV show. Hand-made items carry a negative ``tmdb_id``."""

    tmdb_id = IntegerField()
    type = TextField(index=True, constraints=[_in("type", MEDIA_TYPES)])
    title = TextField()
    original_title = TextField(null=True)
    overview = TextField(null=True)
    poster_path = TextField(null=True)
    backdrop_path = TextField(null=True)
    release_date = TextField(null=True)  # ISO date; first air date for TV
    vote_average = IntegerField(null=True)  # TMDB's 0-10 float times 10
    vote_count = IntegerField(null=True)
    genres = TextListField(null=True)  # ext
    runtime = IntegerField(null=True)  # ext: minutes, movies
    status = TextField(null=True)  # TMDB's: "Ended", "Returning Series", "Released"...
    number_of_seasons = IntegerField(null=True)  # ext
    number_of_episodes = IntegerField(null=True)  # ext: regular episodes, specials excluded
    last_air_date = TextField(null=True)  # ISO date of the last episode aired (TV)

    class Meta:
        table_name = "media_items"
        indexes = ((("tmdb_id", "type"), True),)


class Season(TimestampedModel):
    media_item = ForeignKeyField(MediaItem, backref="seasons", on_delete="CASCADE")
    tmdb_id = IntegerField(unique=True)
    season_number = IntegerField()
    name = TextField()  # TMDB's, or "Season N" / "Specials" when it has none
    overview = TextField(null=True)  # ext
    air_date = TextField(null=True)
    episode_count = IntegerField(null=True)
    poster_path = TextField(null=True)  # ext

    class Meta:
        table_name = "seasons"


class Episode(TimestampedModel):
    season = ForeignKeyField(Season, backref="episodes", on_delete="CASCADE")
    tmdb_id = IntegerField(unique=True)
    episode_number = IntegerField()
    name = TextField()  # TMDB's, or "Episode N" when it has none
    overview = TextField(null=True)  # ext
    air_date = TextField(null=True)
    runtime = IntegerField(null=True)  # ext
    still_path = TextField(null=True)  # ext
    vote_average = IntegerField(null=True)  # TMDB's 0-10 float times 10

    class Meta:
        table_name = "episodes"


class UserProgress(SyncedModel):
    """A user's status and progress on a movie (0/1) or show (episodes watched)."""

    user = ForeignKeyField(
        User, backref="progress", index=False, on_delete="CASCADE", on_update="CASCADE"
    )
    media_item = ForeignKeyField(MediaItem, backref="progress", on_delete="CASCADE")
    status = TextField(constraints=[_in("status", WATCH_STATUSES)])
    progress = IntegerField(default=0, constraints=[SQL("DEFAULT 0"), Check("progress >= 0")])
    runs = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])  # ext: earlier runs finished

    class Meta:
        table_name = "user_progress"
        indexes = ((("user_id", "media_item_id"), True), (("user_id", "status"), False))


class Rating(SyncedModel):
    user = ForeignKeyField(
        User, backref="ratings", index=False, on_delete="CASCADE", on_update="CASCADE"
    )
    media_item = ForeignKeyField(MediaItem, backref="ratings", on_delete="CASCADE")
    rating = IntegerField(constraints=[Check("rating BETWEEN 1 AND 10")])
    review = TextField(null=True)  # ext

    class Meta:
        table_name = "ratings"
        indexes = ((("user_id", "media_item_id"), True),)  # ext: one rating per item


class EpisodeWatch(SyncedModel):  # ext: per-episode tracking
    user = ForeignKeyField(
        User, backref="episode_watches", index=False, on_delete="CASCADE", on_update="CASCADE"
    )
    episode = ForeignKeyField(Episode, backref="watches", on_delete="CASCADE")
    watched_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "episode_watches"
        # ext: (user_id, watched_at) pages the history, newest first
        indexes = ((("user_id", "episode_id"), True), (("user_id", "watched_at"), False))


class PastEpisodeWatch(SyncedModel):  # ext: the ticks of an earlier run of a show
    """A tick of a run that ended when the user started watching the show again.

    ``run`` numbers the show's runs from 1; the current run's ticks stay in
    ``episode_watches`` (so progress is the current run's ticks, and nothing else).
    """

    user = ForeignKeyField(User, index=False, on_delete="CASCADE", on_update="CASCADE")
    episode = ForeignKeyField(Episode, backref="past_watches", on_delete="CASCADE")
    run = IntegerField()
    watched_at = DateTimeField()

    class Meta:
        table_name = "past_episode_watches"
        indexes = ((("user_id", "episode_id", "run"), True), (("user_id", "watched_at"), False))


class WatchPosition(BaseModel):  # ext: derived from episode_watches, never synced
    """Where a user is in a show: the furthest episode watched and the next one to watch.

    Kept up to date by ``store.episodes`` whenever ticks or episodes change, so
    the library listing reads two episodes by primary key instead of scanning them.
    """

    user = ForeignKeyField(User, index=False, on_delete="CASCADE", on_update="CASCADE")
    media_item = ForeignKeyField(MediaItem, on_delete="CASCADE")
    last_episode = ForeignKeyField(Episode, null=True, on_delete="SET NULL")
    next_episode = ForeignKeyField(Episode, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "watch_positions"
        indexes = ((("user_id", "media_item_id"), True),)


# --- books (Google Books) ---------------------------------------------------


class Book(TimestampedModel):
    """A book. Hand-made books carry a ``google_id`` of ``local:<uuid>``."""

    google_id = TextField(unique=True)
    title = TextField()
    subtitle = TextField(null=True)  # ext
    authors = TextListField(null=True)
    publisher = TextField(null=True)  # ext
    published_date = TextField(null=True)  # ext: as Google sends it ("2016-11", "1990"...)
    description = TextField(null=True)
    isbn_13 = TextField(null=True)  # ext
    isbn_10 = TextField(null=True)  # ext
    page_count = IntegerField(null=True)
    categories = TextListField(null=True)
    thumbnail = TextField(null=True)
    language = TextField(null=True)  # ext
    is_ebook = BooleanField(default=False, constraints=[SQL("DEFAULT 0")])  # Google's saleInfo

    class Meta:
        table_name = "books"


class UserBookProgress(SyncedModel):
    user = ForeignKeyField(
        User, backref="book_progress", index=False, on_delete="CASCADE", on_update="CASCADE"
    )
    book = ForeignKeyField(Book, backref="progress", on_delete="CASCADE")
    status = TextField(constraints=[_in("status", BOOK_STATUSES)])
    progress = IntegerField(default=0, constraints=[SQL("DEFAULT 0"), Check("progress >= 0")])
    rating = IntegerField(null=True, constraints=[Check("rating BETWEEN 1 AND 10")])  # ext
    runs = IntegerField(default=0, constraints=[SQL("DEFAULT 0")])  # ext: earlier reads finished

    class Meta:
        table_name = "user_book_progress"
        indexes = ((("user_id", "book_id"), True), (("user_id", "status"), False))


# --- podcasts (iTunes) ------------------------------------------------------


class Podcast(TimestampedModel):
    """A podcast. Hand-made podcasts carry an ``itunes_id`` of ``local:<uuid>``."""

    itunes_id = TextField(unique=True)
    collection_name = TextField()  # the podcast's title
    artist_name = TextField(null=True)
    description = TextField(null=True)  # ext
    feed_url = TextField(null=True)
    artwork_url = TextField(null=True)
    genres = TextListField(null=True)
    release_date = TextField(null=True)  # ext: latest episode, ISO
    episode_count = IntegerField(null=True)  # ext

    class Meta:
        table_name = "podcasts"


class UserPodcastProgress(SyncedModel):
    user = ForeignKeyField(
        User, backref="podcast_progress", index=False, on_delete="CASCADE", on_update="CASCADE"
    )
    podcast = ForeignKeyField(Podcast, backref="progress", on_delete="CASCADE")
    status = TextField(constraints=[_in("status", PODCAST_STATUSES)])
    progress = IntegerField(default=0, constraints=[SQL("DEFAULT 0"), Check("progress >= 0")])
    rating = IntegerField(null=True, constraints=[Check("rating BETWEEN 1 AND 10")])  # ext

    class Meta:
        table_name = "user_podcast_progress"
        indexes = ((("user_id", "podcast_id"), True), (("user_id", "status"), False))


class PodcastEpisode(TimestampedModel):  # ext: episodes from the podcast's RSS feed
    """Identified by its RSS guid (or enclosure URL), never by its position in the feed."""

    podcast = ForeignKeyField(Podcast, backref="episodes", index=False, on_delete="CASCADE")
    guid = TextField()
    title = TextField(null=True)
    published_at = DateTimeField(null=True)
    duration_seconds = IntegerField(null=True)
    enclosure_url = TextField(null=True)

    class Meta:
        table_name = "podcast_episodes"
        indexes = ((("podcast_id", "guid"), True),)


class PodcastListen(SyncedModel):  # ext: per-episode podcast tracking
    user = ForeignKeyField(User, index=False, on_delete="CASCADE", on_update="CASCADE")
    episode = ForeignKeyField(PodcastEpisode, backref="listens", on_delete="CASCADE")
    listened_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "podcast_listens"
        indexes = ((("user_id", "episode_id"), True), (("user_id", "listened_at"), False))


# --- friends ----------------------------------------------------------------


class Friendship(SyncedModel):
    """``user`` asked ``friend``; ``friend`` accepts."""

    user = ForeignKeyField(
        User, backref="friendships", index=False, on_delete="CASCADE", on_update="CASCADE"
    )
    friend = ForeignKeyField(User, backref="friend_of", on_delete="CASCADE", on_update="CASCADE")
    status = TextField(default="pending", constraints=[_in("status", FRIENDSHIP_STATUSES)])
    # For type checkers only: the raw ids peewee adds beside ``user`` and ``friend``
    user_id: str
    friend_id: str

    class Meta:
        table_name = "friendships"
        indexes = ((("user_id", "friend_id"), True),)
        constraints = [SQL("CHECK (user_id <> friend_id)")]


# --- notes (ext) ---------------------------------------------------------------


class NoteModel(SyncedModel):
    """A user's note on one item; friends read it only when ``note_shared``.

    A private and a shared note are two rows (``note_shared`` is part of the key),
    of which one at most is live: taking a note back from friends tombstones the
    shared row, a tombstone friends can read, so their copies go too.
    """

    user = ForeignKeyField(User, index=False, on_delete="CASCADE", on_update="CASCADE")
    note = TextField()
    note_shared = BooleanField(default=False, constraints=[SQL("DEFAULT 0")])


class MediaNote(NoteModel):
    media_item = ForeignKeyField(MediaItem, on_delete="CASCADE")

    class Meta:
        table_name = "media_notes"
        indexes = ((("user_id", "media_item_id", "note_shared"), True),)


class BookNote(NoteModel):
    book = ForeignKeyField(Book, on_delete="CASCADE")

    class Meta:
        table_name = "book_notes"
        indexes = ((("user_id", "book_id", "note_shared"), True),)


class PodcastNote(NoteModel):
    podcast = ForeignKeyField(Podcast, on_delete="CASCADE")

    class Meta:
        table_name = "podcast_notes"
        indexes = ((("user_id", "podcast_id", "note_shared"), True),)


NOTE_TABLES: dict[Kind, tuple[type[NoteModel], str]] = {
    Kind.TV: (MediaNote, "media_item"),
    Kind.MOVIE: (MediaNote, "media_item"),
    Kind.BOOK: (BookNote, "book"),
    Kind.PODCAST: (PodcastNote, "podcast"),
}


ProgressModel = UserProgress | UserBookProgress | UserPodcastProgress  # one row per tracked item


@dataclass(frozen=True, slots=True)
class ProgressTable:
    """Where one kind's progress lives: the model and its item foreign key.

    Every progress table names its figure ``progress``, as the seed does.
    """

    model: type[ProgressModel]
    item_field: str
    title_field: str = "title"  # the item's title column

    @property
    def item_column(self) -> Field:
        return getattr(self.model, self.item_field)

    @property
    def progress_column(self) -> Field:
        return self.model.progress

    @property
    def title_column(self) -> Field:
        return getattr(self.item_column.rel_model, self.title_field)

    def row_of(self, user_id: str, item_id: int):
        """The condition selecting one user's progress row for one item."""
        return (self.model.user == user_id) & (self.item_column == item_id)


PROGRESS_TABLES: dict[Kind, ProgressTable] = {
    Kind.TV: ProgressTable(UserProgress, "media_item"),
    Kind.MOVIE: ProgressTable(UserProgress, "media_item"),
    Kind.BOOK: ProgressTable(UserBookProgress, "book"),
    Kind.PODCAST: ProgressTable(UserPodcastProgress, "podcast", "collection_name"),
}


class SchemaVersion(BaseModel):  # ext: migration bookkeeping
    version = IntegerField(primary_key=True)
    applied_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "schema_version"


# --- sync bookkeeping (ext) ----------------------------------------------------

FRIEND_ACTIONS = ("add", "accept", "decline", "remove")


class SyncState(BaseModel):  # ext: one row; where sync stands with its server
    """The marks of the last sync, for one server and one signed-in user.

    ``change_seq`` numbers local changes (the triggers of migration 4 bump it);
    ``pushed_seq`` is the push mark: every change numbered up to it is on the
    server. ``pulled_revision`` is the pull mark: the server's revision up to which
    everything readable is here. ``applying`` is 1 only inside the transaction that
    writes pulled rows, so the triggers do not log them as local changes.
    """

    id = IntegerField(primary_key=True, constraints=[Check("id = 1")])
    server = TextField(null=True)  # "role@host:port/db" the marks belong to
    user_id = TextField(null=True)  # the user the role was claimed for
    change_seq = IntegerField(default=0)
    pushed_seq = IntegerField(default=0)
    pulled_revision = IntegerField(default=0)
    applying = BooleanField(default=False)
    last_sync_at = DateTimeField(null=True)
    last_error = TextField(null=True)

    class Meta:
        table_name = "sync_state"


class SyncChange(BaseModel):  # ext: one row per locally changed row not yet pushed
    table_name = TextField()
    row_key = TextField()  # the row's primary key, as text
    seq = IntegerField(index=True)

    class Meta:
        table_name = "sync_changes"
        indexes = ((("table_name", "row_key"), True),)


class SyncOutboxAction(BaseModel):  # ext: friend requests and answers waiting for the server
    action = TextField(constraints=[_in("action", FRIEND_ACTIONS)])
    email = TextField()
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "sync_outbox"


# --- import and export (ext) ----------------------------------------------------


class ImportReview(TimestampedModel):  # ext: rows an import could not match, kept for the user
    """A row of an imported file that matched no catalog item, or several with no clear
    winner, or waited for the network. ``row_key`` names the row across imports so that
    importing the same file again keeps one review row; ``record`` is the parsed row (JSON)."""

    user = ForeignKeyField(User, index=False, on_delete="CASCADE", on_update="CASCADE")
    source = TextField()
    row_key = TextField()
    kind = TextField()
    line = IntegerField()
    title = TextField()
    reason = TextField()
    record = TextField()
    candidates = TextField(null=True)  # JSON list of catalog results, when ambiguous
    chosen = TextField(null=True)  # the user's answer: a catalog id, or "skip"; kept for re-imports

    class Meta:
        table_name = "import_review"
        indexes = ((("user_id", "row_key"), True),)


class FinishDate(BaseModel):  # ext: each day an item was finished (rewatches, rereads)
    user = ForeignKeyField(User, index=False, on_delete="CASCADE", on_update="CASCADE")
    kind = TextField()
    item_id = IntegerField()
    finished_on = TextField()  # ISO date
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "finish_dates"
        indexes = ((("user_id", "kind", "item_id", "finished_on"), True),)


ALL_MODELS: tuple[type[BaseModel], ...] = (
    User,
    Session,
    Account,
    MediaItem,
    Season,
    Episode,
    UserProgress,
    Rating,
    EpisodeWatch,
    WatchPosition,
    Book,
    UserBookProgress,
    Podcast,
    UserPodcastProgress,
    PodcastEpisode,
    PodcastListen,
    Friendship,
    SchemaVersion,
    SyncState,
    SyncChange,
    SyncOutboxAction,
    ImportReview,
    FinishDate,
    PastEpisodeWatch,
    MediaNote,
    BookNote,
    PodcastNote,
)


# A title typed by hand is checked against the library by its folded form (folding.fold):
# SQLite's lower() is fold for ASCII titles, and these indexes find them; the partial
# index lists the few titles with other characters, folded one by one. Built-in functions
# only, so any SQLite client can still write these tables (migration 0008).
for _model, _title, _lead in (
    (MediaItem, "title", '"type", '),
    (Book, "title", ""),
    (Podcast, "collection_name", ""),
):
    _table = _model._meta.table_name
    _model.add_index(
        SQL(f'CREATE INDEX "{_table}_lower_{_title}" ON "{_table}" ({_lead}lower("{_title}"))')
    )
    _model.add_index(
        SQL(
            f'CREATE INDEX "{_table}_non_ascii_{_title}" ON "{_table}" ("id") '
            f'WHERE "{_title}" {NON_ASCII}'
        )
    )
