"""Finding items in the catalogs and adding or refreshing them: network first, then one transaction.

HTTP never runs inside a database transaction: details are fetched, then
written in one ``atomic()`` block, so a slow provider never holds the write lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mediatrack.catalog.errors import CatalogError
from mediatrack.catalog.records import SearchResult
from mediatrack.catalog.settings import Catalog, build_catalog
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.services import limits
from mediatrack.services.library import AlreadyInLibrary, InvalidValue, Library, validate_status
from mediatrack.store import episodes, metadata, queries
from mediatrack.store.db import LOCAL_USER_ID, connection, transaction


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
        if kind is Kind.TV:
            show, seasons = self.catalog.tmdb.show_with_seasons(catalog_id, fresh=fresh)
            with connection():
                return metadata.save_show(show, seasons)
        if kind is Kind.MOVIE:
            movie = self.catalog.tmdb.movie(catalog_id, fresh=fresh)
            with transaction():
                return metadata.save_movie(movie)
        if kind is Kind.BOOK:
            book = self.catalog.books.volume(catalog_id, fresh=fresh)
            with transaction():
                return metadata.save_book(book)
        podcast = self.catalog.itunes.lookup(catalog_id, fresh=fresh)
        feed = []
        if podcast.feed_url:
            try:
                feed = self.catalog.feeds.episodes(podcast.feed_url, fresh=fresh)
            except CatalogError:
                if fresh:
                    raise  # a refresh that cannot read the feed says so
                # Adding still works without the feed; its episodes arrive with a refresh.
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
        self._fetch_and_save(key.kind, entry.catalog_id, fresh=True)
        with transaction():
            self._recompute(key.kind, key.item_id)
        return self.library.entry(key)

    def refresh_all(
        self,
        kinds: tuple[Kind, ...] = tuple(Kind),
        on_progress: Callable[[int, int, LibraryEntry], None] | None = None,
    ) -> RefreshReport:
        """Refresh every catalog item in the library; one failure does not stop the rest."""
        entries = [
            entry for kind in kinds for entry in self.library.entries(kind) if not entry.hand_made
        ]
        report = RefreshReport()
        for done, entry in enumerate(entries, start=1):
            try:
                report.refreshed.append(self.refresh(entry.key))
            except CatalogError as error:
                report.failed.append((entry, str(error)))
            if on_progress is not None:
                on_progress(done, len(entries), entry)
        return report
