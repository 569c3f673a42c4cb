"""The library use-cases shared by the TUI and the CLI: add, list, change and remove items.

Every method validates first and raises ``InvalidValue`` (one sentence) before
anything is written; every write is one transaction.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mediatrack.kinds import KINDS, Kind, status_label
from mediatrack.records import EntryDetail, EntryKey, LibraryEntry
from mediatrack.store import episodes, queries
from mediatrack.store.db import IntegrityError, StoreError, connection, open_database
from mediatrack.store.identity import current_user
from mediatrack.store.models import (
    LOCAL_USER_ID,
    PROGRESS_TABLES,
    Book,
    Episode,
    EpisodeWatch,
    MediaItem,
    Podcast,
    PodcastEpisode,
    PodcastListen,
    Rating,
    Season,
    database,
    utcnow,
)

KEEP = object()  # "leave this value as it is", where None means "clear it"


class LibraryError(Exception):
    """A request the library refuses; the message is one sentence for the user."""


class InvalidValue(LibraryError):
    pass


class UnknownItem(LibraryError):
    pass


class CannotOpen(LibraryError):
    """The library file is not ours, or is newer than this mediatrack."""


class NeedsConfirmation(LibraryError):
    """The change would remove or contradict what the user recorded; str(error) is the question,
    e.g. "Untick 13 episodes of Kestrel Harbour?". Call again with confirm=True to go ahead."""


@dataclass(frozen=True)
class ItemSnapshot:  # opaque to the UI
    key: EntryKey
    status: str
    progress: int
    rating: int | None
    ticks: tuple[tuple[int, dt.datetime], ...] = ()  # (episode id, watched or listened at)


class AlreadyInLibrary(LibraryError):
    def __init__(self, entry: LibraryEntry) -> None:
        super().__init__(f"{entry.title!r} is already in your library as {entry.key}.")
        self.entry = entry


@dataclass(frozen=True, slots=True)
class NewItem:
    """What a user knows about an item they add by hand."""

    kind: Kind
    title: str
    year: int | None = None
    catalog_id: str | None = None
    creator: str | None = None  # author(s) of a book, artist of a podcast
    total: int | None = None  # episodes or pages, when known


def validate_status(kind: Kind, status: str) -> str:
    info = KINDS[kind]
    if status not in info.statuses:
        allowed = ", ".join(info.statuses)
        raise InvalidValue(f"{status!r} is not a status for a {info.noun}: use one of {allowed}.")
    return status


def validate_rating(rating: int | None) -> int | None:
    if rating is not None and not 1 <= rating <= 10:
        raise InvalidValue(f"A rating is a whole number from 1 to 10, not {rating}.")
    return rating


def open_library(path: Path, user_id: str | None = None) -> Library:
    """Open (creating or migrating) the library file at ``path``.

    The library is ``user_id``'s, else that of whoever is signed in on this
    machine (the local user before any login): the app and the CLI share this rule.
    """
    try:
        open_database(path)
    except StoreError as error:
        raise CannotOpen(str(error)) from None
    if user_id is None:
        user_id = current_user().id
    return Library(user_id)


class Library:
    """One user's library. Safe to call from any thread: each call uses that thread's connection."""

    def __init__(self, user_id: str = LOCAL_USER_ID) -> None:
        self.user_id = user_id

    # --- reads ----------------------------------------------------------

    def entries(
        self, kind: Kind, *, status: str | None = None, text: str | None = None
    ) -> list[LibraryEntry]:
        if status is not None:
            validate_status(kind, status)
        with connection():
            return queries.library_entries(self.user_id, kind, status=status, text=text)

    def all_entries(self, *, status: str | None = None) -> list[LibraryEntry]:
        with connection():
            return [
                entry
                for kind in queries.ALL_KINDS
                if status is None or status in KINDS[kind].statuses
                for entry in queries.library_entries(self.user_id, kind, status=status)
            ]

    def entry(self, key: EntryKey) -> LibraryEntry:
        with connection():
            found = queries.library_entry(self.user_id, key)
        if found is None:
            raise UnknownItem(f"There is no item {key} in your library (see `mediatrack list`).")
        return found

    def detail(self, key: EntryKey) -> EntryDetail:
        with connection():
            found = queries.entry_detail(self.user_id, key)
        if found is None:
            raise UnknownItem(f"There is no item {key} in your library.")
        return found

    def status_counts(self, kind: Kind) -> Counter[str]:
        with connection():
            return queries.status_counts(self.user_id, kind)

    # --- adding ---------------------------------------------------------

    def add(self, item: NewItem, status: str | None = None) -> LibraryEntry:
        """Add an item typed in by hand (no network). Refuses one already in the library."""
        info = KINDS[item.kind]
        status = validate_status(item.kind, status or info.plan_status)
        title = item.title.strip()
        if not title:
            raise InvalidValue("A title cannot be empty.")
        if item.total is not None and item.total < 0:
            raise InvalidValue(f"A total of {info.unit}s cannot be negative.")
        if item.year is not None and not 1800 <= item.year <= 2200:
            raise InvalidValue(f"{item.year} does not look like a year.")
        with connection(), database.atomic():
            item_id = self._find_or_create_item(item, title)
            key = EntryKey(item.kind, item_id)
            existing = queries.library_entry(self.user_id, key)
            if existing is not None:
                raise AlreadyInLibrary(existing)
            if item.catalog_id is None:
                self._refuse_same_title(item.kind, title, item.year)
            self.track(item.kind, item_id, status)
            return queries.library_entry(self.user_id, key)

    def _refuse_same_title(self, kind: Kind, title: str, year: int | None) -> None:
        for entry in queries.library_entries(self.user_id, kind, text=title):
            if entry.title.casefold() == title.casefold() and entry.year == year:
                raise AlreadyInLibrary(entry)

    def _find_or_create_item(self, item: NewItem, title: str) -> int:
        released = str(item.year) if item.year else None
        if item.kind in (Kind.TV, Kind.MOVIE):
            tmdb_id = self._tmdb_id(item)
            found = MediaItem.get_or_none(tmdb_id=tmdb_id, type=item.kind.value)
            if found is None:
                found = MediaItem.create(
                    tmdb_id=tmdb_id,
                    type=item.kind.value,
                    title=title,
                    release_date=released,
                    number_of_episodes=item.total if item.kind is Kind.TV else None,
                )
            return found.id
        if item.kind is Kind.BOOK:
            google_id = item.catalog_id or f"local:{uuid.uuid4()}"
            authors = [name.strip() for name in (item.creator or "").split(",") if name.strip()]
            found = Book.get_or_none(google_id=google_id) or Book.create(
                google_id=google_id,
                title=title,
                authors=authors or None,
                published_date=released,
                page_count=item.total,
            )
            return found.id
        itunes_id = item.catalog_id or f"local:{uuid.uuid4()}"
        found = Podcast.get_or_none(itunes_id=itunes_id) or Podcast.create(
            itunes_id=itunes_id,
            title=title,
            artist=item.creator,
            release_date=released,
            episode_count=item.total,
        )
        return found.id

    @staticmethod
    def _tmdb_id(item: NewItem) -> int:
        if item.catalog_id is None:
            # Hand-made: a negative id that no TMDB item has (see DESIGN.md).
            return -random.randint(1, 2**62)
        try:
            tmdb_id = int(item.catalog_id)
        except ValueError:
            raise InvalidValue(f"A TMDB id is a number, not {item.catalog_id!r}.") from None
        if tmdb_id <= 0:
            raise InvalidValue(f"A TMDB id is a positive number, not {tmdb_id}.")
        return tmdb_id

    def track(self, kind: Kind, item_id: int, status: str) -> None:
        """Put an item that is in the store into the library: create its progress row,
        or revive a removed one (its tombstone cleared, progress and rating reset)."""
        table = PROGRESS_TABLES[kind]
        now = utcnow()
        row = table.model.get_or_none(table.row_of(self.user_id, item_id))
        if row is None:
            table.model.create(
                user=self.user_id,
                **{table.item_field: item_id},
                status=status,
                created_at=now,
                updated_at=now,
            )
            return
        row.status, row.deleted_at, row.updated_at = status, None, now
        setattr(row, table.progress_field, 0)
        if kind in (Kind.BOOK, Kind.PODCAST):
            row.rating = None  # as a removed movie's or show's rating is tombstoned
        row.save()

    # --- changes ----------------------------------------------------------

    def update(
        self,
        key: EntryKey,
        *,
        status: str | None = None,
        progress: int | None = None,
        rating: int | object | None = KEEP,
        total: int | None = None,
        confirm: bool = False,
    ) -> LibraryEntry:
        """Several changes at once: all are applied, or (on any bad value) none.

        A status given here is kept as given: progress does not move it, and it
        does not fill in a progress given alongside it.
        """
        if status is not None:
            validate_status(key.kind, status)
        if rating is not KEEP:
            validate_rating(rating)  # type: ignore[arg-type]
        with connection(), database.atomic():
            entry = self._require(key)
            if progress is not None:
                entry = self.set_progress(key, progress)
            if status is not None:
                entry = self._apply_status(key, status, fill_progress=progress is None)
            if rating is not KEEP:
                entry = self.set_rating(key, rating)  # type: ignore[arg-type]
            return entry

    def set_status(self, key: EntryKey, status: str, *, confirm: bool = False) -> LibraryEntry:
        """Change the status; marking a finite item done also fills its progress."""
        return self._apply_status(key, status, fill_progress=True)

    def _apply_status(self, key: EntryKey, status: str, *, fill_progress: bool) -> LibraryEntry:
        validate_status(key.kind, status)
        info = KINDS[key.kind]
        with connection(), database.atomic():
            entry = self._require(key)
            done = status == info.done_status and info.completes_at_total
            ticked = False
            if fill_progress and done and key.kind is Kind.TV:
                # A show with episodes: completing it ticks every aired episode.
                ticked = episodes.watch_all_aired(self.user_id, key.item_id, dt.date.today())
                entry = self._require(key)
            progress = entry.progress
            if fill_progress and done and entry.total and not ticked:
                progress = entry.total
            self._write_progress(key, status=status, progress=progress)
            return self._require(key)

    def set_progress(self, key: EntryKey, progress: int, *, confirm: bool = False) -> LibraryEntry:
        """Set progress exactly; refuses values below 0 or past the known total."""
        info = KINDS[key.kind]
        if progress < 0:
            raise InvalidValue(f"Progress cannot be negative ({progress}).")
        with connection(), database.atomic():
            entry = self._require(key)
            if entry.total is not None and progress > entry.total:
                raise InvalidValue(
                    f"{entry.title!r} has {entry.total} {info.unit}s; progress cannot be "
                    f"{progress}."
                )
            if key.kind is Kind.TV and episodes.set_show_progress(
                self.user_id, key.item_id, progress
            ):
                return self._require(key)  # ticks decided progress and status
            self._write_progress(key, status=self._status_after(entry, progress), progress=progress)
            return self._require(key)

    def step_progress(self, key: EntryKey, delta: int, *, confirm: bool = False) -> LibraryEntry:
        """Move progress by ``delta``, kept between 0 and the known total."""
        with connection(), database.atomic():
            entry = self._require(key)
            if key.kind is Kind.TV and episodes.step_show(self.user_id, key.item_id, delta):
                return self._require(key)  # ticked the next, or unticked the last, episode
            progress = max(0, entry.progress + delta)
            if entry.total is not None:
                progress = min(progress, entry.total)
            if progress != entry.progress:
                self._write_progress(
                    key, status=self._status_after(entry, progress), progress=progress
                )
            return self._require(key)

    @staticmethod
    def _status_after(entry: LibraryEntry, progress: int) -> str:
        """Progress moves a planned item to in-progress, and a finished one to done."""
        info = KINDS[entry.kind]
        if entry.total and progress >= entry.total and info.completes_at_total:
            return info.done_status if entry.status != "dropped" else entry.status
        if progress > entry.progress and entry.status == info.plan_status:
            return info.active_status
        if progress < entry.progress and entry.status == info.done_status and entry.total:
            return info.active_status
        return entry.status

    def set_rating(self, key: EntryKey, rating: int | None) -> LibraryEntry:
        """Rate 1-10, or clear the rating with ``None``."""
        validate_rating(rating)
        now = utcnow()
        with connection(), database.atomic():
            self._require(key)
            if key.kind in (Kind.BOOK, Kind.PODCAST):
                table = PROGRESS_TABLES[key.kind]
                table.model.update(rating=rating, updated_at=now).where(
                    table.row_of(self.user_id, key.item_id)
                ).execute()
            elif rating is None:
                Rating.update(deleted_at=now, updated_at=now).where(
                    (Rating.user == self.user_id) & (Rating.media_item == key.item_id)
                ).execute()
            else:
                Rating.insert(
                    user=self.user_id,
                    media_item=key.item_id,
                    rating=rating,
                    created_at=now,
                    updated_at=now,
                ).on_conflict(
                    conflict_target=[Rating.user, Rating.media_item],
                    update={Rating.rating: rating, Rating.updated_at: now, Rating.deleted_at: None},
                ).execute()
            return self._require(key)

    def remove(self, key: EntryKey, *, confirm: bool = False) -> LibraryEntry:
        """Take an item out of the library (a tombstone, so the removal can sync)."""
        now = utcnow()
        with connection(), database.atomic():
            entry = self._require(key)
            if not confirm:
                raise NeedsConfirmation(f"Remove {entry.title!r} from your library?")
            table = PROGRESS_TABLES[key.kind]
            table.model.update(deleted_at=now, updated_at=now).where(
                table.row_of(self.user_id, key.item_id)
            ).execute()
            if key.kind in (Kind.TV, Kind.MOVIE):
                Rating.update(deleted_at=now, updated_at=now).where(
                    (Rating.user == self.user_id) & (Rating.media_item == key.item_id)
                ).execute()
            return entry

    def snapshot(self, key: EntryKey) -> ItemSnapshot:
        """Everything the user recorded on one item."""
        with connection():
            entry = self._require(key)
            ticks: list[tuple[int, dt.datetime]] = []
            if key.kind is Kind.TV:
                ticks = [
                    (row.episode_id, row.watched_at)
                    for row in EpisodeWatch.select()
                    .join(Episode)
                    .join(Season)
                    .where(
                        (EpisodeWatch.user == self.user_id)
                        & EpisodeWatch.deleted_at.is_null()
                        & (Season.media_item == key.item_id)
                    )
                ]
            elif key.kind is Kind.PODCAST:
                ticks = [
                    (row.episode_id, row.listened_at)
                    for row in PodcastListen.select()
                    .join(PodcastEpisode)
                    .where(
                        (PodcastListen.user == self.user_id)
                        & PodcastListen.deleted_at.is_null()
                        & (PodcastEpisode.podcast == key.item_id)
                    )
                ]
        return ItemSnapshot(key, entry.status, entry.progress, entry.rating, tuple(ticks))

    def restore(self, snapshot: ItemSnapshot) -> LibraryEntry:
        """Put an item back exactly as ``snapshot`` saw it (one transaction)."""
        key = snapshot.key
        now = utcnow()
        table = PROGRESS_TABLES[key.kind]
        with connection(), database.atomic():
            table.model.update(deleted_at=None, updated_at=now).where(
                table.row_of(self.user_id, key.item_id)
            ).execute()
            if key.kind is Kind.TV:
                ids = [e.id for e in episodes.show_episodes(self.user_id, key.item_id)]
                episodes.set_episodes_watched(self.user_id, key.item_id, ids, False)
                for episode_id, at in snapshot.ticks:
                    EpisodeWatch.update(deleted_at=None, watched_at=at, updated_at=now).where(
                        (EpisodeWatch.user == self.user_id) & (EpisodeWatch.episode == episode_id)
                    ).execute()
                episodes.recompute_show(self.user_id, key.item_id)
            elif key.kind is Kind.PODCAST:
                ids = [e.id for e in episodes.podcast_episodes(self.user_id, key.item_id)]
                episodes.set_podcast_episodes_listened(self.user_id, key.item_id, ids, False)
                for episode_id, at in snapshot.ticks:
                    PodcastListen.update(deleted_at=None, listened_at=at, updated_at=now).where(
                        (PodcastListen.user == self.user_id) & (PodcastListen.episode == episode_id)
                    ).execute()
            self._write_progress(key, status=snapshot.status, progress=snapshot.progress)
            self.set_rating(key, snapshot.rating)
            return self._require(key)

    # --- helpers ----------------------------------------------------------

    def _require(self, key: EntryKey) -> LibraryEntry:
        entry = queries.library_entry(self.user_id, key)
        if entry is None:
            raise UnknownItem(f"There is no item {key} in your library (see `mediatrack list`).")
        return entry

    def _write_progress(self, key: EntryKey, *, status: str, progress: int) -> None:
        table = PROGRESS_TABLES[key.kind]
        try:
            table.model.update(
                {
                    table.model.status: status,
                    table.progress_column: progress,
                    table.model.updated_at: utcnow(),
                }
            ).where(table.row_of(self.user_id, key.item_id)).execute()
        except IntegrityError as error:  # the CHECKs are the last line of defence
            raise InvalidValue(
                f"{status_label(status)} / {progress} is not allowed here ({error})."
            ) from error
