"""MediaTrackApp: one mode per media kind, global keys, the command palette."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from mediatrack.collector import CHECK_EVERY, IdleCollector, freeze_survivors
from mediatrack.display.sync import SyncLine
from mediatrack.display.text import inert
from mediatrack.errors import MediatrackError, unexpected_sentence
from mediatrack.screens.books import BooksScreen
from mediatrack.screens.common import WorkerErrors
from mediatrack.screens.library import LibraryScreen
from mediatrack.screens.movies import MoviesScreen
from mediatrack.screens.podcasts import PodcastsScreen
from mediatrack.screens.shows import ShowsScreen

if TYPE_CHECKING:
    from mediatrack.catalog.settings import Catalog
    from mediatrack.kinds import Kind
    from mediatrack.records import FirstPage
    from mediatrack.services.bundle import Services
    from mediatrack.services.identity import CurrentUser
    from mediatrack.services.library import ItemSnapshot, Library
    from mediatrack.services.startup import FirstRead

# 1 Shows, 2 Movies, 3 Books, 4 Podcasts, 5 Friends, 6 Up Next, 7 Calendar, 8 Stats: the
# footer says "12345678 Views" (each name is in ? help and the palette), leaving room for actions.
MODES_GROUP = Binding.Group("Views", compact=True)
MODE_KEYS = {
    "1": "shows",
    "2": "movies",
    "3": "books",
    "4": "podcasts",
    "5": "friends",
    "6": "up_next",
    "7": "calendar",
    "8": "stats",
}
SYNC_DELAY = 5.0  # seconds of quiet after a change before the background sync runs
STARTUP_SYNC_DELAY = 1.0  # seconds after start-up before the first sync
SYNC_TICK = 30.0  # how often "synced 2m ago" is brought up to date
WATCH_INTERVAL = 1.0  # seconds between two looks at the library file (a look: ~40 µs)
UNDO_SECONDS = 8.0  # how long a destructive change can be undone with u
ERROR_SECONDS = 8.0  # how long an error's notification stays

log = logging.getLogger(__name__)


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


def styled_as_mounted(screen: Screen) -> Screen:
    """A mode's new ``screen``, its stylesheet read the cheap way.

    Textual restyles the whole app before it first shows a mode's screen: for a
    screen whose CSS count lags the app's (a new screen's always does) and again
    for a screen with a CSS_PATH of its own, it parses every stylesheet again from
    scratch and restyles every node of every screen (~0.5 s, with a 10k library's
    Shows screen open). A new screen needs none of it: its own rules are added here
    (parsed alone; the others come from the parse cache) and each of its widgets
    takes the rules as it mounts.
    """
    stylesheet = screen.app.stylesheet
    for path in screen.css_path:
        if not stylesheet.has_source(str(path)):
            stylesheet.read(path)
    screen._css_update_count = screen.app._css_update_count
    return screen


def friends_screen() -> Screen:
    """The Friends mode's screen, imported when first opened: start-up does not pay for it."""
    from mediatrack.screens.friends import FriendsScreen

    return styled_as_mounted(FriendsScreen())


def up_next_screen() -> Screen:
    """The Up Next mode's screen, imported when first opened."""
    from mediatrack.screens.up_next import UpNextScreen

    return styled_as_mounted(UpNextScreen())


def calendar_screen() -> Screen:
    """The Calendar mode's screen, imported when first opened."""
    from mediatrack.screens.calendar import CalendarScreen

    return styled_as_mounted(CalendarScreen())


def stats_screen() -> Screen:
    """The Stats mode's screen (and textual-plotext), imported when first opened."""
    from mediatrack.screens.stats import StatsScreen

    return styled_as_mounted(StatsScreen())


class MediaTrackApp(App[None]):
    """The terminal app.

    The library file is opened (and migrated) by the first worker that needs
    it, not before the first frame: importing and opening the store would
    otherwise add to start-up.
    """

    TITLE = "mediatrack"
    CSS_PATH = "app.tcss"  # a mode's screen brings its own: see styled_as_mounted
    MODES = {
        "shows": lambda: styled_as_mounted(ShowsScreen()),
        "movies": lambda: styled_as_mounted(MoviesScreen()),
        "books": lambda: styled_as_mounted(BooksScreen()),
        "podcasts": lambda: styled_as_mounted(PodcastsScreen()),
        "friends": friends_screen,
        "up_next": up_next_screen,
        "calendar": calendar_screen,
        "stats": stats_screen,
    }
    DEFAULT_MODE = "shows"
    BINDINGS = [
        Binding("ctrl+comma", "open_settings", "Settings", show=False),
        Binding("1", "switch_mode('shows')", "Shows", group=MODES_GROUP),
        Binding("2", "switch_mode('movies')", "Movies", group=MODES_GROUP),
        Binding("3", "switch_mode('books')", "Books", group=MODES_GROUP),
        Binding("4", "switch_mode('podcasts')", "Podcasts", group=MODES_GROUP),
        Binding("5", "switch_mode('friends')", "Friends", group=MODES_GROUP),
        Binding("6", "switch_mode('up_next')", "Up Next", group=MODES_GROUP),
        Binding("7", "switch_mode('calendar')", "Calendar", group=MODES_GROUP),
        Binding("8", "switch_mode('stats')", "Stats", group=MODES_GROUP),
        Binding("ctrl+s", "sync_now", "Sync now", show=False),
        Binding("u", "undo", "Undo", show=False),  # the toast of each undoable change says so
        Binding("question_mark", "toggle_help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        db_path: Path | None = None,
        catalog: Catalog | None = None,
        first_read: FirstRead | None = None,
    ) -> None:
        """``first_read``: the first screen's first rows, being read from ``db_path`` since
        before Textual was imported (the command starts it)."""
        super().__init__()
        self._db_path = db_path
        self._catalog = catalog  # None: built from the settings on first use
        self._first_read = first_read
        self._first_page_shown = False  # the first frame has rows read at start-up
        self._services: Services | None = None  # set once by the opening worker, then per account
        self._opened = threading.Event()  # the opening worker is done, well or not
        # the file is open and the library service built, before the other services
        self._library_opened = threading.Event()
        self._first_library: Library | None = None
        self._open_failure = ""  # why the library file could not be opened: one sentence
        self.sync_line = SyncLine()  # what the header says about sync
        self._sync_timer: Timer | None = None
        # Published on the event loop whenever the library file changed, whoever changed it
        # (the account changed, a sync pulled, the CLI wrote): screens read again what they show.
        self.library_changed: Signal[None] = Signal(self, "library-changed")
        # Published on the event loop with the new state of sync, and as time passes.
        self.sync_changed: Signal[SyncLine] = Signal(self, "sync-changed")
        self._watch_stop = threading.Event()
        self._undo: Undo | None = None
        self._collector = IdleCollector()

    # --- the services ----------------------------------------------------------------

    @property
    def services(self) -> Services:
        """The open library's services, for workers: waits until the opening worker is done.

        Raises ``CannotOpen`` when the file could not be opened (the app then exits).
        """
        self.wait_until_open()
        services = self._services
        if services is None:
            from mediatrack.services.library import CannotOpen

            raise CannotOpen(self._open_failure)
        return services

    @property
    def library(self) -> Library:
        """The library service, for workers, as soon as the file is open: a library screen's
        first rows need nothing else, so they do not wait for the other services (catalogs,
        friends, sync) to be imported and built. Raises ``CannotOpen`` as ``services`` does."""
        services = self._services
        if services is not None:
            return services.library
        if not self._library_opened.is_set() and threading.get_ident() == self._thread_id:
            raise RuntimeError("only workers may wait for the library file: never the event loop")
        self._library_opened.wait()
        return self._first_library or self.services.library

    def take_first_page(self, kind: Kind, *, wait: bool) -> FirstPage | None:
        """The first page of ``kind`` read at start-up, taken once (a later load reads
        the file again). None: no such read, or nothing in it to show (the file is new,
        needs migrating, is not ours...), or, without ``wait``, not read yet. Only
        workers wait."""
        read = self._first_read
        if read is None or read.kind is not kind:
            return None
        if wait:
            if threading.get_ident() == self._thread_id:
                raise RuntimeError("only workers may wait for the first page: never the event loop")
            page = read.wait()
        elif not read.done:
            return None  # left for the screen's worker
        else:
            page = read.ready()
        self._first_read = None
        if page is not None and page.entries and not wait:
            self._first_page_shown = True  # the screen draws it in the first frame
        return page

    @property
    def services_open(self) -> bool:
        """Whether the services (and the file's watch) are built."""
        return self._services is not None

    def wait_until_open(self) -> None:
        """In a worker: wait for the opening worker, before a service function that reads the
        file itself (identity, sync). ``services`` waits the same way."""
        if not self._opened.is_set() and threading.get_ident() == self._thread_id:
            raise RuntimeError("only workers may wait for the library file: never the event loop")
        self._opened.wait()

    @property
    def account(self) -> CurrentUser | None:
        """Whose library this is; None until the opening worker has opened it."""
        services = self._services
        return services.account if services is not None else None

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_services(self) -> None:
        """Open (and migrate) the library file and build the services, off the event loop."""
        try:
            from mediatrack.config import database_path
            from mediatrack.services.library import open_library

            path = database_path(self._db_path)
            self._first_library = open_library(path)
            self._library_opened.set()
            from mediatrack.services.bundle import open_services

            self._services = open_services(path, self._catalog, opened=True)
        except Exception as error:
            self._open_failure = self.error_sentence(error)
            raise
        finally:
            self._library_opened.set()
            self._opened.set()
        thread = threading.Thread(target=self._watch_file, name="library-watch", daemon=True)
        thread.start()

    def switch_account(self, account: CurrentUser) -> None:
        """Use ``account``'s library from now on (after a login or logout). From workers."""
        self._services = self.services.for_account(account)
        self.call_from_thread(self.library_changed.publish, None)
        self.call_from_thread(self.sync_in_background)  # a new account: sync as at start

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
            name = mode.replace("_", " ").capitalize()
            yield SystemCommand(
                f"Go to {name}",
                f"Switch to your {name.lower()} ({key})",
                lambda mode=mode: self.switch_mode(mode),
            )
        if isinstance(screen, LibraryScreen):
            yield from screen.palette_commands()
        yield SystemCommand(
            "History", "Recently watched, read and listened to", self.action_open_history
        )
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

    def action_open_history(self) -> None:
        from mediatrack.screens.history import HistoryScreen

        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen())

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
        if self._services is not None:
            self._services = self._services.with_new_settings()

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

        self.wait_until_open()
        out = identity.logout()
        if not out.was_logged_in:
            self.call_from_thread(self.notify, "Not logged in.")
            return
        self.switch_account(identity.whoami())
        self.call_from_thread(
            self.notify, f"Logged out {out.name}; your library stays on this machine."
        )

    def action_who_am_i(self) -> None:
        self.who_am_i()

    @work(thread=True, exclusive=True, group="account", exit_on_error=False)
    def who_am_i(self) -> None:
        from mediatrack.display.dates import local_time
        from mediatrack.services import identity

        self.wait_until_open()
        user = identity.whoami()
        if not user.logged_in:
            message = "Not logged in. Log in from the command palette (ctrl+p)."
        else:
            since = f" since {local_time(user.since)}" if user.since else ""
            message = f"Logged in as {user.name} ({user.email}){since}."
        self.call_from_thread(self.notify, message)

    # --- background sync ------------------------------------------------------------

    def on_mount(self) -> None:
        # Once the first screen has its rows: neither the sync imports nor psycopg may
        # slow the first frame or the library's first load.
        self.set_timer(STARTUP_SYNC_DELAY, self.sync_in_background)
        self.set_interval(SYNC_TICK, self._show_sync_line)
        self.call_after_refresh(self._first_frame_written)
        # Opening the file imports the store and the ORM (~60 ms that hold the GIL):
        # once the first frame is drawn if it has its rows already, else now (as early
        # as it helps: run beside Textual's start-up, it held the first frame back).
        if self._first_page_shown:
            self.call_after_refresh(self.open_services)
        else:
            self.open_services()

    def _first_frame_written(self) -> None:
        """The collector, off since the command started (``cli._run_app``), runs again,
        its full sweeps when the app is idle (``IdleCollector``).

        What start-up made (Textual, the screens, the styles) lives as long as the app:
        it is left out of later full sweeps.
        """
        freeze_survivors()
        gc.enable()
        self._collector.start()
        self.set_interval(CHECK_EVERY, self._collector.check)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self._collector.input_seen()  # no full sweep of the collector while keys come
        await super().on_event(event)

    # --- live screens: noticing changes made outside the app ------------------------

    def _watch_file(self) -> None:
        """Look at the library file every ``WATCH_INTERVAL``, from a thread of its own.

        A plain daemon thread, not a Textual worker: it lives as long as the app,
        and the event loop only hears from it when the file changed.
        """
        watch = self.services.watch
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
        self._collector.stop()

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
        entry = self.services.library.restore(undo.snapshot)
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

        account = self.services.account
        status = sync.sync_status()
        line = SyncLine("synced" if status.last_sync_at else "off", status.last_sync_at)
        try:
            if status.configured and account.logged_in:
                self.call_from_thread(self.set_sync_line, SyncLine("syncing", line.last_sync_at))
            report = sync.sync_once()
        except (sync.NotSignedIn, sync.SyncNotConfigured) as error:
            self.call_from_thread(self.set_sync_line, SyncLine())
            if announce:
                self.call_from_thread(self.notify, str(error), severity="warning", timeout=8)
            return
        except sync.SyncError as error:
            state: Literal["offline", "error"] = (
                "offline" if isinstance(error, sync.ServerUnreachable) else "error"
            )
            self.call_from_thread(
                self.set_sync_line, SyncLine(state, line.last_sync_at, str(error))
            )
            if announce:
                self.call_from_thread(
                    self.notify, str(error), severity="error", timeout=ERROR_SECONDS
                )
            return
        done = sync.sync_status().last_sync_at
        self.call_from_thread(self.set_sync_line, SyncLine("synced", done))
        for failed in report.failed_actions:  # friend requests queued while offline
            self.call_from_thread(self.notify, failed.reason, severity="warning", timeout=8)
        if report.pulled:
            self.call_from_thread(self.library_changed.publish, None)
        if announce:
            self.call_from_thread(self.notify, f"Synced: {report.summary()}.")

    # --- worker errors: one place for every screen ---------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers (a screen's come through ``WorkerErrors``)."""
        if event.state is WorkerState.ERROR:
            self.worker_error(event.worker)

    def worker_error(self, worker: Worker) -> None:
        """Any worker that failed, the app's or a screen's: one sentence, and the app goes on.

        The screen whose worker failed puts right what it left (a spinner, a flag)
        and may show the sentence itself; else it is a notification.
        """
        error = worker.error
        from mediatrack.services.library import CannotOpen

        if (worker.node is self and worker.group == "open") or isinstance(error, CannotOpen):
            # No library, nothing to show: say why, once (every waiting worker fails too), exit.
            if self.return_code is None:
                sentence = self._open_failure or str(error)
                self.exit(return_code=1, message=f"mediatrack: {sentence}")
            return
        sentence = self.error_sentence(error)
        if worker.node is self and worker.group == "sync":
            self.set_sync_line(SyncLine("error", self.sync_line.last_sync_at, sentence))
            return
        node = worker.node
        if isinstance(node, WorkerErrors) and node.worker_failed(worker, sentence):
            return
        self.notify(sentence, severity="error", timeout=ERROR_SECONDS)

    def error_sentence(self, error: BaseException | None) -> str:
        """Our errors are sentences already; anything else is a bug: a sentence and a log line."""
        if isinstance(error, MediatrackError):
            return str(error)
        if error is not None:
            log.error("unexpected error in a worker", exc_info=error)
        self.log.error("unexpected error in a worker:", repr(error))
        return unexpected_sentence(error)

    # --- the state of sync ---------------------------------------------------------------

    def set_sync_line(self, line: SyncLine) -> None:
        """Show ``line`` as the state of sync (friend actions sync too)."""
        self.sync_line = line
        self._show_sync_line()

    def _show_sync_line(self) -> None:
        """Every screen's header (and the friends screen's note): subscribed to the signal."""
        self.sync_changed.publish(self.sync_line)
