"""MediaTrackApp: one mode per media kind, global keys, the command palette."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from mediatrack.screens.books import BooksScreen
from mediatrack.screens.library import LibraryScreen
from mediatrack.screens.movies import MoviesScreen
from mediatrack.screens.podcasts import PodcastsScreen
from mediatrack.screens.shows import ShowsScreen

if TYPE_CHECKING:
    from mediatrack.catalog.settings import Catalog
    from mediatrack.services.catalog import CatalogService
    from mediatrack.services.episodes import Episodes
    from mediatrack.services.library import Library

MODES_GROUP = Binding.Group("Shows·Movies·Books·Podcasts", compact=True)
MODE_KEYS = {"1": "shows", "2": "movies", "3": "books", "4": "podcasts"}


class MediaTrackApp(App[None]):
    """The terminal app.

    The library file is opened (and migrated) by the first worker that needs
    it, not before the first frame: importing and opening the store would
    otherwise add to start-up.
    """

    TITLE = "mediatrack"
    CSS_PATH = "app.tcss"
    MODES = {
        "shows": ShowsScreen,
        "movies": MoviesScreen,
        "books": BooksScreen,
        "podcasts": PodcastsScreen,
    }
    DEFAULT_MODE = "shows"
    BINDINGS = [
        Binding("1", "switch_mode('shows')", "Shows", group=MODES_GROUP),
        Binding("2", "switch_mode('movies')", "Movies", group=MODES_GROUP),
        Binding("3", "switch_mode('books')", "Books", group=MODES_GROUP),
        Binding("4", "switch_mode('podcasts')", "Podcasts", group=MODES_GROUP),
        Binding("question_mark", "toggle_help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        db_path: Path | None = None,
        library: Library | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        super().__init__()
        self._db_path = db_path
        self._library = library
        self._library_lock = threading.Lock()
        self._catalog = catalog  # None: built from the environment on first use
        self._catalog_service: CatalogService | None = None
        self._episodes: Episodes | None = None

    @property
    def library(self) -> Library:
        """The user's library, opened on first use. Call it from workers, never the event loop."""
        with self._library_lock:
            if self._library is None:
                from mediatrack.config import database_path
                from mediatrack.services.library import open_library

                self._library = open_library(database_path(self._db_path))
            return self._library

    @property
    def catalog(self) -> CatalogService:
        """Search, add and refresh from the catalogs. From workers only (it opens the library)."""
        library = self.library
        with self._library_lock:
            if self._catalog_service is None:
                from mediatrack.services.catalog import CatalogService

                self._catalog_service = CatalogService(self._catalog, library.user_id)
            return self._catalog_service

    @property
    def episodes(self) -> Episodes:
        """Episode ticks for shows and podcasts. From workers only."""
        library = self.library
        with self._library_lock:
            if self._episodes is None:
                from mediatrack.services.episodes import Episodes

                self._episodes = Episodes(library.user_id)
            return self._episodes

    def action_toggle_help(self) -> None:
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key, mode in MODE_KEYS.items():
            yield SystemCommand(
                f"Go to {mode.capitalize()}",
                f"Switch to your {mode} ({key})",
                lambda mode=mode: self.switch_mode(mode),
            )
        if isinstance(screen, LibraryScreen):
            yield from screen.palette_commands()
