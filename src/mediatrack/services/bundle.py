"""The services the app's screens call, for one account, in one object.

The app builds a ``Services`` in the worker that opens the library file, and
builds another when someone logs in or out; screens reach every use-case as
``app.services.library``, ``.episodes``, ``.catalog``, ``.friends``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from mediatrack.catalog.settings import Catalog
from mediatrack.services.catalog import CatalogService
from mediatrack.services.episodes import Episodes
from mediatrack.services.friends import FriendsService
from mediatrack.services.history import History
from mediatrack.services.identity import CurrentUser, whoami
from mediatrack.services.library import Library, open_library
from mediatrack.services.watch import LibraryWatch


@dataclass(frozen=True, slots=True)
class Services:
    """One account's services over the open library file. Safe to use from worker threads."""

    account: CurrentUser
    library: Library
    episodes: Episodes
    catalog: CatalogService
    friends: FriendsService
    watch: LibraryWatch  # "did anyone commit to the file?", for the live screens
    history: History  # history, rewatches and notes
    catalog_source: Catalog | None = None  # handed in (tests), else built from the settings

    def for_account(self, account: CurrentUser) -> Services:
        """The same file and catalogs, for ``account`` (after a login or logout)."""
        return _build(account, self.catalog_source, self.watch)

    def with_new_settings(self) -> Services:
        """Catalogs built from the settings are built again on next use (a setting was saved)."""
        if self.catalog_source is not None:
            return self
        return replace(self, catalog=CatalogService(None, self.account.id))


def open_services(path: Path, catalog: Catalog | None = None, *, opened: bool = False) -> Services:
    """Open (creating or migrating) the library file at ``path``, for whoever is signed in;
    ``opened``: ``open_library`` already did.

    The watch opens with the file, before any full read: a change made before it
    may be missed only by a first screenful, which the full read then replaces.
    Raises ``CannotOpen`` for a file that is not a library.
    """
    if not opened:
        open_library(path)
    return _build(whoami(), catalog, LibraryWatch())


def _build(account: CurrentUser, catalog: Catalog | None, watch: LibraryWatch) -> Services:
    user_id = account.id
    return Services(
        account=account,
        library=Library(user_id),
        episodes=Episodes(user_id),
        catalog=CatalogService(catalog, user_id),
        friends=FriendsService(user_id),
        watch=watch,
        history=History(user_id),
        catalog_source=catalog,
    )
