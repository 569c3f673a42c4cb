"""The library use-cases shared by the TUI and the CLI: add, list, change and remove items.

Every method validates first and raises ``InvalidValue`` (one sentence) before
anything is written; every write is one transaction.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from mediatrack.display.entries import counted, rating_text, status_label
from mediatrack.display.stats import friends_rating_text
from mediatrack.errors import MediatrackError
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import (
    EntryDetail,
    EntryKey,
    FirstPage,
    LibraryEntry,
    PodcastEpisodeRow,
    ShowEpisode,
)
from mediatrack.services import limits
from mediatrack.store import episodes, notes, queries, runs, snapshots
from mediatrack.store import friends as friend_rows
from mediatrack.store import library as library_rows
from mediatrack.store.db import (
    LOCAL_USER_ID,
    IntegrityError,
    StoreError,
    connection,
    open_database,
    transaction,
)
from mediatrack.store.identity import current_user

KEEP = object()  # "leave this value as it is", where None means "clear it"


class LibraryError(MediatrackError):
    """A request the library refuses; the message is one sentence for the user."""


class InvalidValue(LibraryError):
    pass


class UnknownItem(LibraryError):
    pass


class NeedsConfirmation(LibraryError):
    """The change would remove or contradict what the user recorded; ``str(error)`` is the
    question ("Untick 13 episodes of Kestrel Harbour?"). Call again with ``confirm=True``."""


ItemSnapshot = snapshots.ItemSnapshot


class CannotOpen(LibraryError):
    """The library file is not ours, or is newer than this mediatrack."""


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
    if rating == 0:
        raise InvalidValue("0 is not a rating: ratings go from 1 to 10 (use 'none' to clear one).")
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
        """The full record, with your friends' average rating of it when any rated it
        and the notes they shared on it."""
        with connection():
            found = queries.entry_detail(self.user_id, key)
            friends = friend_rows.friends_rating(self.user_id, key) if found else None
            if found is not None:  # the notes and the runs finished, beside the record
                found = replace(
                    found,
                    note=notes.read(self.user_id, key),
                    runs=runs.runs_done(self.user_id, key),
                    friend_notes=tuple(friend_rows.friends_notes(self.user_id, key=key)),
                )
        if found is None:
            raise UnknownItem(f"There is no item {key} in your library.")
        if friends is not None:
            found = replace(found, facts=[*found.facts, ("Friends", friends_rating_text(friends))])
        return found

    def status_counts(self, kind: Kind) -> Counter[str]:
        with connection():
            return queries.status_counts(self.user_id, kind)

    def first_page(self, kind: Kind, limit: int) -> FirstPage:
        """A screenful in title order and the counts per status, read in about the same
        time at 100 items as at 100,000: what a library screen draws before the rest."""
        with connection():
            return queries.first_page(self.user_id, kind, limit)

    # --- adding ---------------------------------------------------------

    def add(
        self, item: NewItem, status: str | None = None, *, confirm: bool = False
    ) -> LibraryEntry:
        """Add an item typed in by hand (no network). Refuses one already in the library.

        Added as done, its progress is filled (a movie 1/1, a book with a page count
        at its last page).
        """
        info = KINDS[item.kind]
        limits.check_new_item(item)
        status = validate_status(item.kind, status or info.plan_status)
        title = item.title.strip()
        if not title:
            raise InvalidValue("A title cannot be empty.")
        if item.total is not None and item.total < 0:
            raise InvalidValue(f"A total of {info.unit}s cannot be negative.")
        if item.year is not None and not 1800 <= item.year <= 2200:
            raise InvalidValue(f"{item.year} does not look like a year.")
        with transaction():
            item_id = self._find_or_create_item(item, title)
            key = EntryKey(item.kind, item_id)
            existing = queries.library_entry(self.user_id, key)
            if existing is not None:
                raise AlreadyInLibrary(existing)
            if item.catalog_id is None:
                self._refuse_same_title(item.kind, title, item.year)
            self.track(item.kind, item_id, status)
            if status == info.done_status:
                return self.set_status(key, status, confirm=confirm)
            return self._require(key)

    def _refuse_same_title(self, kind: Kind, title: str, year: int | None) -> None:
        for item_id in library_rows.same_title(self.user_id, kind, title):
            entry = self._require(EntryKey(kind, item_id))
            if entry.year == year:
                raise AlreadyInLibrary(entry)

    def _find_or_create_item(self, item: NewItem, title: str) -> int:
        released = str(item.year) if item.year else None
        if item.kind in (Kind.TV, Kind.MOVIE):
            return library_rows.find_or_create_screen_item(
                item.kind, self._tmdb_id(item), title, released, item.total
            )
        if item.kind is Kind.BOOK:
            authors = [name.strip() for name in (item.creator or "").split(",") if name.strip()]
            return library_rows.find_or_create_book(
                item.catalog_id or f"local:{uuid.uuid4()}", title, authors, released, item.total
            )
        return library_rows.find_or_create_podcast(
            item.catalog_id or f"local:{uuid.uuid4()}", title, item.creator, released, item.total
        )

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
        """Put an item that is in the store into the library (or back into it)."""
        library_rows.track(self.user_id, kind, item_id, status)

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
        with transaction():
            entry = self._require(key)
            if total is not None:
                entry = self.set_total(key, total)
            if progress is not None:
                entry = self.set_progress(key, progress, confirm=confirm)
            if status is not None:
                entry = self._apply_status(
                    key, status, fill_progress=progress is None, confirm=confirm
                )
            if rating is not KEEP:
                entry = self.set_rating(key, rating)  # type: ignore[arg-type]
            return entry

    def set_total(self, key: EntryKey, total: int) -> LibraryEntry:
        """Give an item without a catalog total its number of episodes or pages."""
        info = KINDS[key.kind]
        if key.kind is Kind.MOVIE:
            raise InvalidValue("A movie's total is always 1: there is nothing to set.")
        if total < 1:
            raise InvalidValue(f"A total of {info.unit}s is a whole number from 1, not {total}.")
        limits.check_count(total, "A total")
        with transaction():
            entry = self._require(key)
            if entry.total is not None and not entry.hand_made:
                raise InvalidValue(
                    f"{entry.title!r} has {entry.total} {info.unit}s from {info.catalog}; "
                    "refresh it to update the total."
                )
            if total < entry.progress:
                raise InvalidValue(
                    f"{entry.title!r} is at {entry.progress} {info.unit}s; "
                    f"a total of {total} would be below it."
                )
            if key.kind is Kind.TV and episodes.regular_episodes(self.user_id, key.item_id):
                raise InvalidValue(f"{entry.title!r} counts its episodes itself.")
            library_rows.set_item_total(key, total)
            return self._require(key)

    def set_status(self, key: EntryKey, status: str, *, confirm: bool = False) -> LibraryEntry:
        """Change the status; marking an item done also fills its progress."""
        return self._apply_status(key, status, fill_progress=True, confirm=confirm)

    def _apply_status(
        self, key: EntryKey, status: str, *, fill_progress: bool, confirm: bool = False
    ) -> LibraryEntry:
        validate_status(key.kind, status)
        info = KINDS[key.kind]
        with transaction():
            entry = self._require(key)
            done = status == info.done_status
            progress = entry.progress
            if fill_progress and done:
                progress = self._fill(entry, confirm=confirm)
            self._write_progress(key, status=status, progress=progress)
            return self._require(key)

    def _fill(self, entry: LibraryEntry, *, confirm: bool) -> int:
        """Progress for an item marked done: every aired episode or known episode ticked,
        a movie watched, a book at its last page. Returns the new progress."""
        key, today = entry.key, dt.date.today()
        if key.kind is Kind.MOVIE:
            if not confirm and not released(entry.release_date, today):
                raise NeedsConfirmation(
                    f"{entry.title!r} is not out yet (release {entry.release_date}). "
                    "Mark it completed anyway?"
                )
            return 1
        if key.kind is Kind.TV:
            missing = episodes.aired_unticked(self.user_id, key.item_id, today)
            if missing:
                episodes.set_episodes_watched(
                    self.user_id, key.item_id, [e.id for e in missing], True, derive_status=False
                )
            if episodes.regular_episodes(self.user_id, key.item_id):
                return self._require(key).progress
        if key.kind is Kind.PODCAST:
            plan = episodes.plan_podcast_progress(self.user_id, key.item_id, 10**9)
            if plan is not None:
                to_tick, _ = plan
                episodes.set_podcast_episodes_listened(
                    self.user_id, key.item_id, [e.id for e in to_tick], True, derive_status=False
                )
                return self._require(key).progress
        return entry.total if entry.total is not None else entry.progress

    def set_progress(self, key: EntryKey, progress: int, *, confirm: bool = False) -> LibraryEntry:
        """Set progress exactly; refuses values below 0 or past the known total.

        A show's or podcast's progress is its ticks: the earliest unticked episodes
        are ticked to raise it, the latest ticked are unticked to lower it (which
        asks first, as does ticking an episode that has not aired).
        """
        info = KINDS[key.kind]
        if progress < 0:
            raise InvalidValue(f"Progress cannot be negative ({progress}).")
        limits.check_count(progress, "Progress")
        with transaction():
            entry = self._require(key)
            if entry.total is not None and progress > entry.total:
                raise InvalidValue(
                    f"{entry.title!r} has {entry.total} {info.unit}s; progress cannot be "
                    f"{progress}."
                )
            if key.kind is Kind.TV:
                plan = episodes.plan_show_progress(self.user_id, key.item_id, progress)
                if plan is not None:
                    return self._tick_show(entry, *plan, confirm=confirm)
            if key.kind is Kind.PODCAST:
                podcast_plan = episodes.plan_podcast_progress(self.user_id, key.item_id, progress)
                if podcast_plan is not None:
                    return self._tick_podcast(entry, *podcast_plan, confirm=confirm)
            if key.kind is Kind.MOVIE and progress > entry.progress and not confirm:
                self._fill(entry, confirm=False)  # asks first for an unreleased movie
            self._write_progress(key, status=self._status_after(entry, progress), progress=progress)
            return self._require(key)

    def watch_exactly_through(
        self, key: EntryKey, episode_id: int, *, confirm: bool = False
    ) -> LibraryEntry:
        """ "I am at this episode": every regular episode up to it ticked, none after it
        (unticking any asks first, as does ticking one not aired)."""
        with transaction():
            entry = self._require(key)
            shown = episodes.regular_episodes(self.user_id, key.item_id)
            index = next((i for i, e in enumerate(shown) if e.id == episode_id), None)
            if index is None:
                raise InvalidValue(f"{entry.title!r} has no such regular episode.")
            to_tick = [e for e in shown[: index + 1] if not e.watched]
            to_untick = [e for e in shown[index + 1 :] if e.watched]
            return self._tick_show(entry, to_tick, list(reversed(to_untick)), confirm=confirm)

    def step_progress(self, key: EntryKey, delta: int, *, confirm: bool = False) -> LibraryEntry:
        """Move progress by ``delta``, kept between 0 and the known total.

        A show ticks its Next episode (or unticks its last ticked one); a podcast
        ticks its oldest unlistened episode (or unticks its newest listened one).
        """
        with transaction():
            entry = self._require(key)
            if key.kind is Kind.TV:
                shown = episodes.regular_episodes(self.user_id, key.item_id)
                if shown:
                    if delta > 0:
                        target = episodes.next_to_watch(shown, dt.date.today())
                        to_tick = [target] if target is not None else []
                        return self._tick_show(entry, to_tick, [], confirm=confirm)
                    ticked = [e for e in shown if e.watched]
                    return self._tick_show(entry, [], ticked[-1:], confirm=True)
            progress = max(0, entry.progress + delta)
            if entry.total is not None:
                progress = min(progress, entry.total)
            if progress == entry.progress:
                return entry
            return self.set_progress(key, progress, confirm=confirm or delta < 0)

    def _tick_show(
        self,
        entry: LibraryEntry,
        to_tick: list[ShowEpisode],
        to_untick: list[ShowEpisode],
        *,
        confirm: bool,
    ) -> LibraryEntry:
        if not confirm:
            not_aired = [e for e in to_tick if not e.aired(dt.date.today())]
            if not_aired and not to_untick:
                raise NeedsConfirmation(unaired_question(not_aired, entry.title))
        return self._tick(episodes.set_episodes_watched, entry, to_tick, to_untick, confirm)

    def _tick_podcast(
        self,
        entry: LibraryEntry,
        to_tick: list[PodcastEpisodeRow],
        to_untick: list[PodcastEpisodeRow],
        *,
        confirm: bool,
    ) -> LibraryEntry:
        return self._tick(
            episodes.set_podcast_episodes_listened, entry, to_tick, to_untick, confirm
        )

    def _tick(self, write, entry: LibraryEntry, to_tick, to_untick, confirm: bool) -> LibraryEntry:
        """Tick and untick episodes with ``write``; unticking any asks first."""
        if to_untick and not confirm:
            raise NeedsConfirmation(untick_question(len(to_untick), entry.title))
        for chosen, ticked in ((to_tick, True), (to_untick, False)):
            if chosen:
                write(self.user_id, entry.key.item_id, [e.id for e in chosen], ticked)
        return self._require(entry.key)

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
        with transaction():
            self._require(key)
            library_rows.write_rating(self.user_id, key, rating)
            return self._require(key)

    def remove(self, key: EntryKey, *, confirm: bool = False) -> LibraryEntry:
        """Take an item out of the library (a tombstone, so the removal can sync).

        Without ``confirm`` it only asks, naming what would go.
        """
        with transaction():
            entry = self._require(key)
            if not confirm:
                ticks = len(snapshots.take(self.user_id, key).ticks)
                raise NeedsConfirmation(removal_question(entry, ticks))
            episodes.untick_everything(self.user_id, key)
            library_rows.untrack(self.user_id, key)
            return entry

    # --- undo -------------------------------------------------------------

    def snapshot(self, key: EntryKey) -> ItemSnapshot:
        """Everything the user recorded on one item, to put back with ``restore``."""
        with connection():
            return snapshots.take(self.user_id, key)

    def restore(self, snapshot: ItemSnapshot) -> LibraryEntry:
        """Put an item back exactly as ``snapshot`` saw it (status, progress, ticks, rating)."""
        with transaction():
            snapshots.put_back(snapshot)
            found = queries.library_entry(self.user_id, snapshot.key)
        if found is None:  # it was not in the library when the snapshot was taken
            raise UnknownItem(f"{snapshot.key} is no longer in your library.")
        return found

    # --- helpers ----------------------------------------------------------

    def _require(self, key: EntryKey) -> LibraryEntry:
        entry = queries.library_entry(self.user_id, key)
        if entry is None:
            raise UnknownItem(f"There is no item {key} in your library (see `mediatrack list`).")
        return entry

    def _write_progress(self, key: EntryKey, *, status: str, progress: int) -> None:
        try:
            library_rows.write_progress(self.user_id, key, status, progress)
        except IntegrityError as error:  # the CHECKs are the last line of defence
            raise InvalidValue(
                f"{status_label(status)} / {progress} is not allowed here ({error})."
            ) from error


def released(release_date: str | None, today: dt.date) -> bool:
    """Out by ``today``; an unknown date counts as out (a film added by hand often has none)."""
    return release_date is None or release_date[:10] <= today.isoformat()


def untick_question(count: int, title: str) -> str:
    return f"Untick {counted(count, 'episode')} of {title}?"


def unaired_question(not_aired: list, title: str) -> str:
    first = not_aired[0]
    when = f"airs {first.air_date}" if first.air_date else "no air date yet"
    if len(not_aired) == 1:
        return f"{first.code} of {title} has not aired ({when}). Tick it anyway?"
    return (
        f"{len(not_aired)} episodes of {title} have not aired (from {first.code}, {when}). "
        "Tick them anyway?"
    )


def removal_question(entry: LibraryEntry, ticks: int) -> str:
    info = KINDS[entry.kind]
    parts = [f"your {status_label(entry.status).lower()} status"]
    if ticks:
        verb = "listened" if entry.kind is Kind.PODCAST else "ticked"
        parts.append(f"{counted(ticks, 'episode')} {verb}")
    elif entry.progress and entry.kind is not Kind.MOVIE:
        parts.append(f"{counted(entry.progress, info.unit)} of progress")
    if entry.rating:
        parts.append(f"your rating {rating_text(entry.rating)}")
    what = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"Remove {entry.title} from your {info.label.lower()}, with {what}?"
