"""What the detail screens share: loading in a worker, R to refresh, changes in order, back.

Changes (episode ticks) run one at a time, in the order of the key presses,
in a thread worker: a quick second press never races the first for SQLite's
write lock, and leaving the screen waits for the last write, so the library
screen reads the entry after it. A change the library asks about first
(``NeedsConfirmation``) is asked on screen and made again only on yes. When
the library file changes outside the screen it is read again (after the
changes in flight, so they are not drawn twice).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header
from textual.worker import Worker

from mediatrack.kinds import KINDS, Kind
from mediatrack.records import LibraryEntry
from mediatrack.screens.common import ScreenCommands, WorkerErrors
from mediatrack.services.library import NeedsConfirmation

if TYPE_CHECKING:
    from textual._path import CSSPathType  # what Screen.CSS_PATH is declared as

    from mediatrack.app import MediaTrackApp

# Runs in a worker with confirm=False (then True if the user agrees); returns the updated entry.
Change = Callable[[bool], LibraryEntry]
Done = Callable[[LibraryEntry], None]


def added_by_hand(entry: LibraryEntry) -> bool:
    """Items added by hand have a made-up catalog id: negative, or ``local:<uuid>``."""
    return entry.hand_made


class DetailScreen(WorkerErrors, Screen[None]):
    """One library item on a screen of its own; subclasses say what to read and show."""

    CSS_PATH: ClassVar[CSSPathType | None] = "detail.tcss"  # subclasses add their own
    COMMANDS = {ScreenCommands}
    BINDINGS = [
        Binding("escape,backspace", "back", "Back"),
        Binding("R", "refresh_metadata", "Refresh", key_display="R"),
        Binding("p", "set_progress", "Progress"),
        # In the palette and the help panel: the footer keeps its room for ticking.
        Binding("n", "note", "Note", show=False),
        Binding("h", "history", "History", show=False),
        Binding("W", "rewatch", "Again", show=False, key_display="W"),
    ]

    app: MediaTrackApp

    def __init__(self, entry: LibraryEntry) -> None:
        super().__init__()
        self.entry = entry
        self.key = entry.key
        self._changes: deque[tuple[Change, Done, bool, str | None]] = deque()
        self._changes_lock = threading.Lock()
        self._writing = False
        self._leaving = False
        self._refocus: Widget | None = None  # what had focus before a refresh covered it
        self._stale = False  # the file changed while writing, or while another screen was shown

    # --- what subclasses fill in ------------------------------------------------

    def compose_body(self) -> ComposeResult:
        """The widgets between the app header and the footer."""
        raise NotImplementedError

    def read(self) -> Any:
        """Runs in a worker: everything the screen shows, read from the library."""
        raise NotImplementedError

    def show_data(self, data: Any) -> None:
        """Shows what ``read`` returned (on the event loop)."""
        raise NotImplementedError

    def set_busy(self, busy: bool) -> None:
        """Shows or hides the loading indicator."""

    def more_commands(self) -> Iterable[SystemCommand]:
        """The subclass's own palette commands."""
        return ()

    # --- layout and loading -------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        yield Footer()

    def on_mount(self) -> None:
        self.title = "mediatrack"
        self.sub_title = KINDS[self.key.kind].label
        self.set_busy(True)
        self.load()
        self.app.library_changed.subscribe(self, self._library_changed)

    def _library_changed(self, _: None = None) -> None:
        with self._changes_lock:
            busy = self._writing
        if busy or not self.is_current:
            self._stale = True
        else:
            self.load()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        data = self.read()
        self.app.call_from_thread(self._loaded, data)

    def _loaded(self, data: Any) -> None:
        self.set_busy(False)
        self.show_data(data)
        if self._refocus is not None and self._refocus.is_attached:
            self._refocus.focus()
        self._refocus = None

    def action_refresh_metadata(self) -> None:
        if added_by_hand(self.entry):
            self.notify(
                f"{self.entry.title} was added by hand: there is nothing to refresh it from.",
                markup=False,
            )
            return
        self._refocus = self.focused
        self.set_busy(True)
        self.refresh_metadata()

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_metadata(self) -> None:
        entry = self.app.services.catalog.refresh(self.key)
        data = self.read()
        self.app.call_from_thread(self._refreshed, entry, data)

    def _refreshed(self, entry: LibraryEntry, data: Any) -> None:
        from mediatrack.widgets.poster import Poster

        self._loaded(data)
        for poster in self.query(Poster):  # the catalog may name another picture now
            poster.reload()
        self.notify(f"Refreshed {entry.title} from {KINDS[self.key.kind].catalog}.", markup=False)

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        from mediatrack.services.library import UnknownItem

        self.set_busy(False)
        if isinstance(worker.error, UnknownItem) and worker.group == "load":
            # Removed outside the app (the CLI, another app, a sync): back to the library.
            self.notify(f"{self.entry.title!r} is no longer in your library.", markup=False)
            if self.app.screen is self:
                self.dismiss()
            return True
        return False  # the app notifies it

    # --- changes, one at a time -----------------------------------------------------

    def run_change(
        self, change: Change, done: Done, *, confirm: bool = False, undo: str | None = None
    ) -> None:
        """Runs ``change`` after every change asked before it, then ``done(entry)``.

        ``undo`` says what a destructive change did: the app offers to undo it.
        """
        with self._changes_lock:
            self._changes.append((change, done, confirm, undo))
            if self._writing:
                return
            self._writing = True
        self._write_changes()

    @work(thread=True, group="write", exit_on_error=False)
    def _write_changes(self) -> None:
        while True:
            with self._changes_lock:
                if not self._changes:
                    self._writing = False
                    leave = self._leaving
                    break
                change, done, confirm, undo = self._changes.popleft()
            try:
                snapshot = (
                    self.app.services.library.snapshot(self.key) if undo is not None else None
                )
                entry = change(confirm)
            except NeedsConfirmation as question:
                self.app.call_from_thread(self._ask, str(question), change, done, undo)
            except Exception as error:  # shown to the user; the screen reads the truth again
                self.app.call_from_thread(self._change_failed, error)
            else:
                self.app.call_from_thread(done, entry)
                if snapshot is not None and undo is not None:
                    self.app.call_from_thread(self.app.offer_undo, snapshot, undo)
                self.app.call_from_thread(self.app.request_sync)
        if leave:
            self.app.call_from_thread(self.dismiss)
        else:
            self.app.call_from_thread(self._after_changes)

    def _after_changes(self) -> None:
        if self._stale and self.is_current:
            self._stale = False
            self.load()

    def _ask(self, question: str, change: Change, done: Done, undo: str | None) -> None:
        """The library's question about a change; it is made, confirmed, only on yes."""
        from mediatrack.screens.confirm import ConfirmScreen

        self.load()  # until then, the screen shows what is recorded, not the change

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_change(change, self._confirmed(done), confirm=True, undo=undo)

        self.app.push_screen(ConfirmScreen(question, "Yes", "No"), answered)

    def _confirmed(self, done: Done) -> Done:
        def after(entry: LibraryEntry) -> None:
            done(entry)
            self.load()  # the change was undone on screen while asking: draw it again

        return after

    # --- typing the progress -------------------------------------------------------------

    def action_set_progress(self) -> None:
        from mediatrack.screens.progress_dialog import ProgressDialog

        def written(entry: LibraryEntry | None) -> None:
            if entry is not None:
                self.load()
                self.app.request_sync()

        self.app.push_screen(ProgressDialog(self.entry), written)

    def _change_failed(self, error: Exception) -> None:
        self.notify(self.app.error_sentence(error), severity="error", timeout=8, markup=False)
        self.load()

    # --- leaving ------------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to the library, once the last change is written."""
        with self._changes_lock:
            if self._writing:
                self._leaving = True
                return
        self.dismiss()

    def action_note(self) -> None:
        from mediatrack.screens.note_dialog import edit_note

        def saved(_: object) -> None:
            self.load()

        edit_note(self, self.key, self.entry.title, saved)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # a podcast has no rewatch: its episodes are ticked one by one
        return not (action == "rewatch" and self.key.kind is Kind.PODCAST)

    def action_rewatch(self) -> None:
        """Watch (or read) a finished item again: a new run at 0, the old one in its history."""
        from mediatrack.services.history import repeat_verb

        if self.key.kind is Kind.PODCAST:
            return
        key, history = self.key, self.app.services.history
        self.run_change(
            lambda confirm: history.start_again(key, confirm=confirm)[0],
            self._started_again,
            undo=f"{repeat_verb(self.entry)}: {self.entry.title!r} starts again at 0",
        )

    def _started_again(self, entry: LibraryEntry) -> None:
        self.entry = entry  # the screen reads it again: the change was asked about first

    def action_history(self) -> None:
        from mediatrack.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.key, self.entry.title))

    def palette_commands(self) -> Iterable[SystemCommand]:
        catalog = KINDS[self.key.kind].catalog
        yield from self.more_commands()
        yield SystemCommand("Note", "Write your note on this item (n)", self.action_note)
        yield SystemCommand(
            "History", "When you watched, read or heard it (h)", self.action_history
        )
        if self.key.kind is not Kind.PODCAST:
            from mediatrack.services.history import repeat_verb

            yield SystemCommand(
                repeat_verb(self.entry),
                "Start this finished item again, keeping the old run (W)",
                self.action_rewatch,
            )
        yield SystemCommand(
            "Set progress",
            "Type the progress: a page, S2E5 or a count (p)",
            self.action_set_progress,
        )
        yield SystemCommand(
            "Refresh metadata",
            f"Fetch this item from {catalog} again (R)",
            self.action_refresh_metadata,
        )
        yield SystemCommand("Back to the library", "Leave this screen (escape)", self.action_back)
