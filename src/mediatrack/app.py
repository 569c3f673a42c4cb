"""MediaTrackApp: one mode per media kind, global keys, the command palette."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from mediatrack.display.sync import SyncLine
from mediatrack.display.text import inert
from mediatrack.screens.books import BooksScreen
from mediatrack.screens.library import LibraryScreen
from mediatrack.screens.movies import MoviesScreen
from mediatrack.screens.podcasts import PodcastsScreen
from mediatrack.screens.shows import ShowsScreen

if TYPE_CHECKING:
    from mediatrack.catalog.settings import Catalog
    from mediatrack.services.catalog import CatalogService
    from mediatrack.services.episodes import Episodes
    from mediatrack.services.friends import FriendsService
    from mediatrack.services.identity import CurrentUser
    from mediatrack.services.library import ItemSnapshot, Library
    from mediatrack.services.watch import LibraryWatch

MODES_GROUP = Binding.Group("Shows·Movies·Books·Podcasts·Friends", compact=True)
MODE_KEYS = {"1": "shows", "2": "movies", "3": "books", "4": "podcasts", "5": "friends"}
SYNC_DELAY = 5.0  # seconds of quiet after a change before the background sync runs
STARTUP_SYNC_DELAY = 1.0  # seconds after start-up before the first sync
SYNC_TICK = 30.0  # how often "synced 2m ago" is brought up to date
WATCH_INTERVAL = 1.0  # seconds between two looks at the library file (a look: ~40 µs)
UNDO_SECONDS = 8.0  # how long a destructive change can be undone with u


class LibraryFileChanged(Message):
    """Someone committed to the library file (posted from the watch thread)."""


class Undo:
    """The last destructive change: what the item was before it, for ``UNDO_SECONDS``."""

    def __init__(self, snapshot: ItemSnapshot, what: str) -> None:
        self.snapshot = snapshot
        self.what = what  # "Removed 'Heat'", said again when undone
        self.until = time.monotonic() + UNDO_SECONDS

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.until


def friends_screen() -> Screen:
    """The Friends mode's screen, imported when first opened: start-up does not pay for it."""
    from mediatrack.screens.friends import FriendsScreen

    return FriendsScreen()


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
        "friends": friends_screen,
    }
    DEFAULT_MODE = "shows"
    BINDINGS = [
        Binding("ctrl+comma", "open_settings", "Settings", show=False),
        Binding("1", "switch_mode('shows')", "Shows", group=MODES_GROUP),
        Binding("2", "switch_mode('movies')", "Movies", group=MODES_GROUP),
        Binding("3", "switch_mode('books')", "Books", group=MODES_GROUP),
        Binding("4", "switch_mode('podcasts')", "Podcasts", group=MODES_GROUP),
        Binding("5", "switch_mode('friends')", "Friends", group=MODES_GROUP),
        Binding("ctrl+s", "sync_now", "Sync now", show=False),
        Binding("u", "undo", "Undo", show=False),  # the toast of each undoable change says so
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
        self._friends: FriendsService | None = None
        self.account: CurrentUser | None = None  # whose library this is, once it is open
        self.sync_line = SyncLine()  # what the header says about sync
        self._sync_timer: Timer | None = None
        # Published on the event loop whenever the library file changed, whoever changed it:
        # screens subscribe and read again what they show.
        self.library_changed: Signal[None] = Signal(self, "library-changed")
        self._watch: LibraryWatch | None = None
        self._watch_stop = threading.Event()
        self._undo: Undo | None = None

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
                self._open_watch()  # before any screen reads: no change can fall in between
            return self._library

    def switch_account(self, account: CurrentUser) -> None:
        """Use ``account``'s library from now on (after a login or logout). From workers."""
        from mediatrack.services.library import Library

        with self._library_lock:
            self.account = account
            self._library = Library(account.id)
            self._catalog_service = None
            self._episodes = None
            self._friends = None
        self.call_from_thread(self.sync_in_background)  # a new account: sync as at start

    def reload_libraries(self) -> None:
        """Read every library and friends screen again (the account changed, or a sync pulled)."""
        for screen in self._open_screens():
            if isinstance(screen, LibraryScreen):
                screen.load_library()
            elif hasattr(screen, "load_overview"):  # the friends screen
                screen.load_overview()

    def _reload_friends(self) -> None:
        for screen in self._open_screens():
            if hasattr(screen, "load_overview"):
                screen.load_overview()

    def _open_screens(self) -> list[Screen]:
        """Every screen of every mode opened so far (a mode never opened reads when it is)."""
        screens: list[Screen] = []
        for mode in self.MODES:
            with contextlib.suppress(KeyError):
                screens.extend(self.get_screen_stack(mode))
        return screens

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

    @property
    def friends(self) -> FriendsService:
        """The signed-in user's friends. From workers only."""
        library = self.library
        with self._library_lock:
            if self._friends is None:
                from mediatrack.services.friends import FriendsService

                self._friends = FriendsService(library.user_id)
            return self._friends

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications carry titles, names and server errors: never read them as markup."""
        message, title = inert(message, single_line=False), inert(title)  # nor as escapes
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

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
        yield SystemCommand(
            "Sync now", "Push your changes and pull your friends' (ctrl+s)", self.action_sync_now
        )
        yield from self._account_commands()
        yield SystemCommand(
            "Settings",
            "TMDB token, Google client, sync server: see and change them",
            self.action_open_settings,
        )
        yield SystemCommand(
            "Import…",
            "Goodreads, StoryGraph, Letterboxd, Trakt, IMDb, OPML or a mediatrack backup",
            self.action_import_file,
        )
        yield SystemCommand(
            "Review imports…",
            "Rows an import could not match: pick a match, add by hand or skip",
            self.action_review_imports,
        )

    def action_review_imports(self) -> None:
        from mediatrack.screens.import_review import ImportReviewScreen

        if not isinstance(self.screen, ImportReviewScreen):
            self.push_screen(ImportReviewScreen())

    def action_import_file(self) -> None:
        from mediatrack.screens.import_file import ImportScreen

        if not isinstance(self.screen, ImportScreen):
            self.push_screen(ImportScreen())

    # --- settings -----------------------------------------------------------------

    def action_open_settings(self) -> None:
        from mediatrack.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def settings_changed(self) -> None:
        """A setting was saved: catalogs built from the config are built again on next use."""
        if self._catalog is None:
            self._catalog_service = None

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

        self.push_screen(
            ConfirmScreen(question, confirm_label="Log out", cancel_label="Stay"), confirmed
        )

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
        from mediatrack.display.dates import local_time
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

    # --- background sync ------------------------------------------------------------

    def on_mount(self) -> None:
        # Once the first screen has its rows: neither the sync imports nor psycopg may
        # slow the first frame or the library's first load.
        self.set_timer(STARTUP_SYNC_DELAY, self.sync_in_background)
        self.set_interval(SYNC_TICK, self._show_sync_line)
        self.call_after_refresh(self._start_watch)  # after the first frame

    # --- live screens: noticing changes made outside the app ------------------------

    def _start_watch(self) -> None:
        """Look at the library file every ``WATCH_INTERVAL`` from a thread of its own.

        A plain daemon thread, not a Textual worker: it lives as long as the app,
        and the event loop only hears from it when the file changed.
        """
        thread = threading.Thread(target=self._watch_file, name="library-watch", daemon=True)
        thread.start()

    def _open_watch(self) -> None:
        from mediatrack.services.watch import LibraryWatch

        if self._watch is None:
            self._watch = LibraryWatch()

    def _watch_file(self) -> None:
        try:
            _ = self.library  # opens the library file, and the watch with it
            with self._library_lock:
                self._open_watch()  # a library handed in (tests) opened no watch
            watch = self._watch
            assert watch is not None
        except Exception:  # a file that is not a library: the load worker says so and exits
            return
        try:
            while not self._watch_stop.wait(WATCH_INTERVAL):
                if watch.changed():
                    self.post_message(LibraryFileChanged())  # thread-safe, never blocks
        finally:
            watch.close()

    def on_library_file_changed(self, _: LibraryFileChanged) -> None:
        self.library_changed.publish(None)

    def on_unmount(self) -> None:
        self._watch_stop.set()

    # --- undo -------------------------------------------------------------------------

    def offer_undo(self, snapshot: ItemSnapshot, what: str) -> None:
        """Say what a destructive change did; for ``UNDO_SECONDS`` u puts the item back."""
        self._undo = Undo(snapshot, what)  # replaces any older one: u undoes the last change
        self.notify(f"{what}. Press u to undo.", timeout=UNDO_SECONDS)

    def action_undo(self) -> None:
        undo, self._undo = self._undo, None
        if undo is None or undo.expired:
            self.notify("Nothing to undo.")
            return
        self.undo_change(undo)

    @work(thread=True, group="undo", exit_on_error=False)
    def undo_change(self, undo: Undo) -> None:
        entry = self.library.restore(undo.snapshot)
        self.call_from_thread(self.library_changed.publish, None)
        self.call_from_thread(self.notify, f"Undone: {entry.title!r} is back as it was.")
        self.call_from_thread(self.request_sync)

    def request_sync(self) -> None:
        """After a change: sync once nothing else has changed for ``SYNC_DELAY`` seconds."""
        if self._sync_timer is not None:
            self._sync_timer.stop()
        self._sync_timer = self.set_timer(SYNC_DELAY, self.sync_in_background)

    def action_sync_now(self) -> None:
        if self._sync_timer is not None:
            self._sync_timer.stop()
        self.sync_in_background(announce=True)

    @work(thread=True, exclusive=True, group="sync", exit_on_error=False)
    def sync_in_background(self, announce: bool = False) -> None:
        """Push and pull once, when someone is signed in and a server is set up."""
        from mediatrack.services import sync
        from mediatrack.services.identity import whoami

        _ = self.library  # opens the library file
        status = sync.sync_status()
        line = SyncLine("synced" if status.last_sync_at else "off", status.last_sync_at)
        try:
            if status.configured and whoami().logged_in:
                self.call_from_thread(self.set_sync_line, SyncLine("syncing", line.last_sync_at))
            report = sync.sync_once()
        except (sync.NotSignedIn, sync.NotConfigured) as error:
            self.call_from_thread(self.set_sync_line, SyncLine())
            if announce:
                self.call_from_thread(self.notify, str(error), severity="warning", timeout=8)
            return
        except sync.SyncError as error:
            state = "offline" if isinstance(error, sync.ServerUnreachable) else "error"
            self.call_from_thread(
                self.set_sync_line, SyncLine(state, line.last_sync_at, str(error))
            )
            if announce:
                self.call_from_thread(self.notify, str(error), severity="error", timeout=8)
            return
        done = sync.sync_status().last_sync_at
        self.call_from_thread(self.set_sync_line, SyncLine("synced", done))
        for failed in report.failed_actions:  # friend requests queued while offline
            self.call_from_thread(self.notify, failed.reason, severity="warning", timeout=8)
        # Queued friend requests may have gone even when nothing came back: friends read again.
        self.call_from_thread(self.reload_libraries if report.pulled else self._reload_friends)
        if announce:
            self.call_from_thread(self.notify, f"Synced: {report.summary()}.")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An app worker that failed unexpectedly: sync shows it in the header, others notify."""
        worker = event.worker
        if worker.node is not self or event.state is not WorkerState.ERROR:
            return
        from mediatrack.screens.common import error_sentence

        if worker.group == "sync":
            last = self.sync_line.last_sync_at
            self.set_sync_line(SyncLine("error", last, error_sentence(worker.error)))
        else:  # log in / out, who am I: anything unexpected still reaches the user
            self.notify(error_sentence(worker.error), severity="error", timeout=8)

    def set_sync_line(self, line: SyncLine) -> None:
        """Show ``line`` as the state of sync (friend actions sync too)."""
        self.sync_line = line
        self._show_sync_line()

    def _show_sync_line(self) -> None:
        """Bring every screen's header (and the friends screen's note) up to date."""
        for screen in {*self._open_screens(), *self.screen_stack}:
            show = getattr(screen, "show_sync", None)
            if show is not None:
                show(self.sync_line)
