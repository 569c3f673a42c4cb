"""MediaTrackApp: one mode per media kind, global keys, the command palette."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
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
    from mediatrack.services.identity import CurrentUser
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
        self.account: CurrentUser | None = None  # whose library this is, once it is open

    @property
    def library(self) -> Library:
        """The current user's library, opened on first use. From workers, never the event loop."""
        with self._library_lock:
            if self._library is None:
                from mediatrack.config import database_path
                from mediatrack.services.identity import whoami
                from mediatrack.services.library import open_library

                self._library = open_library(database_path(self._db_path))
                self.account = whoami()
            return self._library

    def switch_account(self, account: CurrentUser) -> None:
        """Use ``account``'s library from now on (after a login or logout). From workers."""
        from mediatrack.services.library import Library

        with self._library_lock:
            self.account = account
            self._library = Library(account.id)
            self._catalog_service = None
            self._episodes = None

    def reload_libraries(self) -> None:
        """Read every library screen again, in every mode opened so far (the account changed)."""
        for mode in self.MODES:
            try:
                stack = self.get_screen_stack(mode)
            except KeyError:
                continue  # never opened: it reads the right library when it is
            for screen in stack:
                if isinstance(screen, LibraryScreen):
                    screen.load_library()

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
        yield from self._account_commands()

    # --- the account --------------------------------------------------------------

    def _account_commands(self) -> Iterable[SystemCommand]:
        account = self.account  # None until the library is open: offer everything
        if account is None or not account.logged_in:
            yield SystemCommand("Log in", "Sign in with your Google account", self.action_log_in)
        if account is None or account.logged_in:
            yield SystemCommand(
                "Log out", "Sign out; your library stays on this machine", self.action_log_out
            )
        yield SystemCommand("Who am I", "Who is signed in, and since when", self.action_who_am_i)

    def action_log_in(self) -> None:
        from mediatrack.screens.login import LoginScreen

        if not isinstance(self.screen, LoginScreen):
            self.push_screen(LoginScreen())

    def action_log_out(self) -> None:
        from mediatrack.screens.confirm import ConfirmScreen

        who = f" {self.account.name}" if self.account and self.account.logged_in else ""
        question = f"Log out{who}? Your library stays on this machine for when you log in again."

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.log_out()

        self.push_screen(ConfirmScreen(question, confirm_label="Log out"), confirmed)

    @work(thread=True, exclusive=True, group="account", exit_on_error=False)
    def log_out(self) -> None:
        from mediatrack.services import identity

        with self._account_errors():
            _ = self.library  # opens the library file
            out = identity.logout()
            if not out.was_logged_in:
                self.call_from_thread(self.notify, "Not logged in.")
                return
            self.switch_account(identity.whoami())
            self.call_from_thread(self.reload_libraries)
            self.call_from_thread(
                self.notify, f"Logged out {out.name}; your library stays on this machine."
            )

    def action_who_am_i(self) -> None:
        self.who_am_i()

    @work(thread=True, exclusive=True, group="account", exit_on_error=False)
    def who_am_i(self) -> None:
        from mediatrack.login_display import local_time
        from mediatrack.services import identity

        with self._account_errors():
            _ = self.library
            user = identity.whoami()
            if not user.logged_in:
                message = "Not logged in. Log in from the command palette (ctrl+p)."
            else:
                since = f" since {local_time(user.since)}" if user.since else ""
                message = f"Logged in as {user.name} ({user.email}){since}."
            self.call_from_thread(self.notify, message)

    @contextlib.contextmanager
    def _account_errors(self) -> Iterator[None]:
        """In an account worker: a failure becomes one sentence in a notification."""
        from mediatrack.services.identity import LOGIN_ERRORS
        from mediatrack.services.library import LibraryError

        try:
            yield
        except (*LOGIN_ERRORS, LibraryError) as error:
            self.call_from_thread(self.notify, str(error), severity="error", timeout=8)
