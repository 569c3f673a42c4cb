"""Finding items in the catalogs and adding or refreshing them: network first, then one transaction.

HTTP never runs inside a database transaction: details are fetched, then
written in one ``atomic()`` block, so a slow provider never holds the write lock.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from mediatrack.catalog import ratelimit
from mediatrack.catalog.errors import CatalogError
from mediatrack.catalog.records import SearchResult
from mediatrack.catalog.settings import Catalog, build_catalog
from mediatrack.errors import MediatrackError
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.services import limits
from mediatrack.services.library import AlreadyInLibrary, InvalidValue, Library, validate_status
from mediatrack.store import episodes, metadata, queries
from mediatrack.store.db import LOCAL_USER_ID, connection, transaction

REFRESH_WORKERS = 8  # look-ups in flight during ``refresh --all``; each catalog's limit still holds


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A search result, and its id in the library when the user already has it."""

    result: SearchResult
    in_library: EntryKey | None


@dataclass(slots=True)
class RefreshReport:
    refreshed: list[LibraryEntry] = field(default_factory=list)
    failed: list[tuple[LibraryEntry, str]] = field(default_factory=list)


class CatalogService:
    """Search, add and refresh, for one user. Safe to call from worker threads."""

    def __init__(self, catalog: Catalog | None = None, user_id: str = LOCAL_USER_ID) -> None:
        self._catalog = catalog
        self.user_id = user_id
        self.library = Library(user_id)

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = build_catalog()
        return self._catalog

    # --- search -------------------------------------------------------------

    def search(self, kind: Kind, query: str) -> list[SearchHit]:
        """Search the kind's catalog; each hit says whether it is already in the library."""
        text = query.strip()
        if not text:
            return []
        if kind is Kind.BOOK:
            results = self.catalog.books.search(text)
        elif kind is Kind.PODCAST:
            results = self.catalog.itunes.search(text)
        else:
            results = self.catalog.tmdb.search(kind, text)
        with connection():
            known = queries.library_keys_by_catalog_id(
                self.user_id, kind, [result.catalog_id for result in results]
            )
        return [SearchHit(result, known.get(result.catalog_id)) for result in results]

    # --- add ------------------------------------------------------------------

    def add(
        self, kind: Kind, catalog_id: str, status: str | None = None, *, confirm: bool = False
    ) -> LibraryEntry:
        """Fetch the item's full details and add it; refuses one already in the library.

        Added as done, its progress is filled in the same transaction (an
        unreleased movie asks first, and nothing is added unless ``confirm``).
        """
        catalog_id = limits.check_catalog_id(kind, catalog_id)
        status = validate_status(kind, status or KINDS[kind].plan_status)
        with connection():
            known = queries.library_keys_by_catalog_id(self.user_id, kind, [catalog_id])
            if catalog_id in known:
                raise AlreadyInLibrary(self.library.entry(known[catalog_id]))
        item_id = self._fetch_and_save(kind, catalog_id, fresh=False)
        key = EntryKey(kind, item_id)
        with transaction():
            self.library.track(kind, item_id, status)
            self._recompute(kind, item_id)
            if status == KINDS[kind].done_status:
                return self.library.set_status(key, status, confirm=confirm)
        return self.library.entry(key)

    def _fetch_and_save(self, kind: Kind, catalog_id: str, *, fresh: bool) -> int:
        """Download the details (outside any transaction), then write them in one."""
        return self._save(self._fetch(kind, catalog_id, fresh=fresh))

    def _fetch(self, kind: Kind, catalog_id: str, *, fresh: bool) -> _Fetched:
        """The item's details from its catalog: network only, safe in any thread."""
        if kind is Kind.TV:
            return _Fetched(kind, self.catalog.tmdb.show_with_seasons(catalog_id, fresh=fresh))
        if kind is Kind.MOVIE:
            return _Fetched(kind, self.catalog.tmdb.movie(catalog_id, fresh=fresh))
        if kind is Kind.BOOK:
            return _Fetched(kind, self.catalog.books.volume(catalog_id, fresh=fresh))
        podcast = self.catalog.itunes.lookup(catalog_id, fresh=fresh)
        feed = []
        if podcast.feed_url:
            try:
                feed = self.catalog.feeds.episodes(podcast.feed_url, fresh=fresh)
            except CatalogError:
                if fresh:
                    raise  # a refresh that cannot read the feed says so
                # Adding still works without the feed; its episodes arrive with a refresh.
        return _Fetched(kind, (podcast, feed))

    def _save(self, fetched: _Fetched) -> int:
        """Write what ``_fetch`` brought, in one transaction; returns the item's id."""
        kind, details = fetched.kind, fetched.details
        if kind is Kind.TV:
            show, seasons = details
            with connection():
                return metadata.save_show(show, seasons)
        if kind is Kind.MOVIE:
            with transaction():
                return metadata.save_movie(details)
        if kind is Kind.BOOK:
            with transaction():
                return metadata.save_book(details)
        podcast, feed = details
        with transaction():
            podcast_id = metadata.save_podcast(podcast)
            if feed:
                metadata.save_podcast_episodes(podcast_id, feed)
            return podcast_id

    def _recompute(self, kind: Kind, item_id: int) -> None:
        """Counts follow the ticks after new metadata; a status is never changed here."""
        if kind is Kind.TV:
            episodes.recompute_show(self.user_id, item_id, derive_status=False)
        elif kind is Kind.PODCAST:
            episodes.recompute_podcast(self.user_id, item_id, derive_status=False, keep_count=True)

    # --- refresh --------------------------------------------------------------

    def refresh(self, key: EntryKey) -> LibraryEntry:
        """Fetch the item's metadata again; new seasons and episodes appear.

        What the user recorded (status, progress, ticks, rating) is never changed.
        """
        entry = self.library.entry(key)
        if entry.hand_made:
            raise InvalidValue(
                f"{entry.title!r} was added by hand: there is nothing to refresh it from."
            )
        self._save_and_recompute(key, self._fetch(key.kind, entry.catalog_id, fresh=True))
        return self.library.entry(key)

    def refresh_all(
        self,
        kinds: tuple[Kind, ...] = tuple(Kind),
        on_progress: Callable[[int, int, LibraryEntry], None] | None = None,
        *,
        workers: int = REFRESH_WORKERS,
    ) -> RefreshReport:
        """Refresh every catalog item in the library; one failure does not stop the rest.

        Look-ups run in a pool of ``workers`` threads, each within its catalog's
        rate limit (waiting for a free slot rather than failing: iTunes allows
        20 a minute); every write happens on this thread, one transaction per
        item, so SQLite sees a single writer. ``on_progress`` is called here too.
        """
        entries = [
            entry for kind in kinds for entry in self.library.entries(kind) if not entry.hand_made
        ]
        refreshed: list[int] = []
        failed: dict[int, tuple[LibraryEntry, str]] = {}
        if entries:
            # One connection for every write (opening one per item costs more than the write).
            with connection(), ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                pending = {
                    pool.submit(self._patient_fetch, entry): index
                    for index, entry in enumerate(entries)
                }
                for done, future in enumerate(as_completed(pending), start=1):
                    index = pending[future]
                    entry = entries[index]
                    try:
                        self._save_and_recompute(entry.key, future.result())
                        refreshed.append(index)
                    except MediatrackError as error:  # a catalog's answer, or one it sent
                        failed[index] = (entry, str(error))
                    if on_progress is not None:
                        on_progress(done, len(entries), entry)
        # The entries as they are now, read once rather than one query per item.
        now = {e.key: e for kind in kinds for e in self.library.entries(kind)} if refreshed else {}
        return RefreshReport(
            refreshed=[now.get(entries[i].key, entries[i]) for i in sorted(refreshed)],
            failed=[failed[i] for i in sorted(failed)],
        )

    def _save_and_recompute(self, key: EntryKey, fetched: _Fetched) -> None:
        """One item's new metadata and the figures that follow from it, in one transaction."""
        with transaction():
            self._save(fetched)
            self._recompute(key.kind, key.item_id)

    def _patient_fetch(self, entry: LibraryEntry) -> _Fetched:
        with ratelimit.patient():
            return self._fetch(entry.kind, entry.catalog_id, fresh=True)


@dataclass(frozen=True, slots=True)
class _Fetched:
    """One item's details as a catalog answered, waiting to be written."""

    kind: Kind
    details: Any
