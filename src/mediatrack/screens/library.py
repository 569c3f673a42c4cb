"""Your library of one kind: the ``LibraryBrowser`` widget, and the keys that change it.

Each kind's screen (shows.py, movies.py, books.py, podcasts.py) only names
its kind. The browser (status tabs, filter, sort, summary, table, detail pane)
is shared with a friend's library; this screen adds what writes. All reads and
writes run in thread workers. When the
library file changes (the app's "library changed" signal: the CLI, a second
app, a sync) the screen reads it again, keeping the cursor on the same item.

Changes ask the library first without ``confirm``; when it answers with a
question (``NeedsConfirmation``) the question is shown, and the change is made
only on yes. Destructive ones keep a snapshot of the item for the app's undo.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header
from textual.worker import Worker, get_current_worker

from mediatrack.display.entries import rating_text, status_label
from mediatrack.display.sync import SyncLine
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryDetail, EntryKey, LibraryEntry
from mediatrack.screens.common import WorkerErrors, open_detail
from mediatrack.services.startup import FIRST_PAGE
from mediatrack.widgets.after_first_frame import AfterFirstFrame
from mediatrack.widgets.footer import ModeFooter
from mediatrack.widgets.library_browser import LibraryBrowser
from mediatrack.widgets.library_table import LibraryTable
from mediatrack.widgets.library_view import Prepared, prepare

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp
    from mediatrack.services.identity import KeptLibrary

PROGRESS_GROUP = Binding.Group("Progress", compact=True)
ITEM_ACTIONS = {
    "change_status",
    "progress",
    "set_progress",
    "rate",
    "clear_rating",
    "remove",
    "open_detail",
    "note",
    "rewatch",
}
Change = Callable[[bool], LibraryEntry]  # called with confirm=False, then True if the user agrees


class LibraryScreen(WorkerErrors, Screen[None]):
    """A user's library of one kind."""

    KIND: ClassVar[Kind]
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("enter", "open_detail", "Details"),
        Binding("slash", "filter", "Filter"),
        Binding("o", "cycle_sort", "Sort"),
        Binding("s", "change_status", "Status"),
        Binding("plus,equals_sign", "progress(1)", "+1", key_display="+", group=PROGRESS_GROUP),
        Binding("minus", "progress(-1)", "-1", key_display="-", group=PROGRESS_GROUP),
        Binding("p", "set_progress", "Type progress", group=PROGRESS_GROUP),
        Binding("r", "rate", "Rate"),
        Binding("c", "clear_rating", "Clear rating", show=False),
        Binding("x", "remove", "Remove"),
        Binding("n", "note", "Note"),
        Binding("W", "rewatch", "Again", key_display="W"),
        Binding("h", "history", "History"),
        Binding("right_square_bracket,right", "status_tab(1)", "Next tab", show=False),
        Binding("left_square_bracket,left", "status_tab(-1)", "Previous tab", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    app: MediaTrackApp

    def __init__(self) -> None:
        super().__init__()
        self.info = KINDS[self.KIND]
        self._opened: EntryKey | None = None  # the item whose detail screen is open
        self._stale = False  # the file changed while another screen was shown
        self._had_row = False  # whether the Footer was last drawn with a row highlighted

    def _compositor_refresh(self) -> None:
        """Paint no frame while the app holds its frames back (a batch): Textual would
        paint it whole and write none of it, and the first frame written after would be
        only what changed since. At start-up that was the header alone; the rows came
        with the next layout, 20-40 ms later. Held back, what is dirty stays dirty, and
        the first frame written holds the whole screen, painted once."""
        if self.app._batch_count:
            self.refresh()  # a frame once the batch ends, whatever else happens
            return
        super()._compositor_refresh()

    def compose(self) -> ComposeResult:
        yield Header()
        yield LibraryBrowser(self.KIND, id="browser")
        yield AfterFirstFrame(ModeFooter())

    def on_mount(self) -> None:
        self.title = "mediatrack"
        self.show_sync(self.app.sync_line)
        self.app.sync_changed.subscribe(self, self.show_sync)
        self.table.focus()
        self.app.library_changed.subscribe(self, self._library_changed)
        # The page read while the app was imported, if it is there: the first frame has it.
        first = self.app.take_first_page(self.KIND, wait=False)
        if first is not None and first.entries:
            self.browser.show_first(first)
        # At once, in a thread, while the first frame is drawn: the first page (if not
        # shown yet) is a quick indexed read, so its rows can make that frame or the next.
        self.load_library(first_shown=first is not None and bool(first.entries))

    def show_sync(self, line: SyncLine) -> None:
        """The app's sync state, after the kind in the header."""
        self.sub_title = line.with_label(self.info.label)

    @property
    def browser(self) -> LibraryBrowser:
        return self.query_one(LibraryBrowser)

    @property
    def table(self) -> LibraryTable:
        return self.browser.table

    @property
    def loaded(self) -> bool:
        return self.browser.loaded

    # --- loading and browsing -----------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_library(self, first_shown: bool = False) -> None:
        order = self.browser.view.order
        # a screenful first: a large library shows as fast as a small one
        if not self.loaded and not first_shown:
            first = self.app.take_first_page(self.KIND, wait=True)  # read at start-up
            if first is None:  # read as soon as the file is open, before the other services
                watched = self.app.services_open
                first = self.app.library.first_page(self.KIND, FIRST_PAGE)
                # all of it, and read while the file's watch was on: no change can be missed
                if first.entries and len(first.entries) == first.total and watched:
                    entries = prepare(first.entries, order)
                    self.app.call_from_thread(self._show_loaded, entries, None)
                    return
            if first.entries:
                self.app.call_from_thread(self.browser.show_first, first)
        library = self.app.services.library
        # Folded and sorted here, not on the UI thread: keys stay quick while it loads.
        entries = prepare(library.entries(self.KIND), order)
        kept = None
        if not entries:  # signed out? then the empty library says whose one is hidden
            from mediatrack.services.identity import kept_library

            kept = kept_library()
        self.app.call_from_thread(self._show_loaded, entries, kept)

    def _show_loaded(self, entries: Prepared, kept: KeptLibrary | None) -> None:
        self.browser.show(entries, kept)

    def _library_changed(self, _: None = None) -> None:
        """The file changed: read it again now if this screen is shown, else when it is."""
        if self.is_current and self.loaded:
            self.load_library()
        else:
            self._stale = True

    def action_status_tab(self, step: int) -> None:
        self.browser.move_tab(step)

    async def action_filter(self) -> None:
        await self.browser.open_filter()

    def action_clear_filter(self) -> None:
        self.browser.clear_filter()

    def action_cycle_sort(self) -> None:
        self.browser.cycle_sort()

    @on(LibraryBrowser.Rested)
    def _rested(self, event: LibraryBrowser.Rested) -> None:
        self.load_detail(event.entry.key)

    @on(LibraryTable.Highlighted)
    def _highlighted(self, event: LibraryTable.Highlighted) -> None:
        # The item keys are dimmed in the Footer only with no row: the Footer is rebuilt
        # only when that changes, not on every move of the cursor.
        has_row = event.entry is not None
        if has_row != self._had_row:
            self._had_row = has_row
            self.refresh_bindings()

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, key: EntryKey) -> None:
        detail = self.app.services.library.detail(key)
        if not get_current_worker().is_cancelled:  # a newer read was asked for: it shows
            self.app.call_from_thread(self._show_detail, detail)

    def _show_detail(self, detail: EntryDetail) -> None:
        self.browser.show_detail(detail)

    # --- changing the highlighted item -------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rewatch" and self.KIND is Kind.PODCAST:
            return False  # a podcast has no rewatch: its episodes are ticked one by one
        if action in ITEM_ACTIONS and self.is_mounted and self.table.current is None:
            return None  # shown dimmed in the Footer
        return True

    def action_add(self) -> None:
        """Search the kind's catalog; the item added is put in the table under the cursor."""
        from mediatrack.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self.KIND), self._added_from_search)

    def _added_from_search(self, entry: LibraryEntry | None) -> None:
        if entry is None:
            return
        self.browser.add(entry)  # the filter and status tab open up if they hide it
        self._changed(entry)
        self.app.request_sync()
        self.table.focus()

    def action_open_detail(self) -> None:
        """Open the highlighted item's own screen; its entry is read again on the way back."""
        entry = self.table.current
        if entry is None:
            return
        self._opened = entry.key
        open_detail(self.app, entry)

    def on_screen_resume(self) -> None:
        key, self._opened = self._opened, None
        if self._stale and self.loaded:
            self._stale = False
            self.load_library()
        elif key is not None and self.loaded:
            self.reload_entry(key)

    @work(thread=True, group="write", exit_on_error=False)
    def reload_entry(self, key: EntryKey) -> None:
        entry = self.app.services.library.entry(key)
        self.app.call_from_thread(self._changed, entry)

    def action_change_status(self) -> None:
        entry = self.table.current
        if entry is None:
            return

        from mediatrack.screens.status_picker import StatusPicker

        def chosen(status: str | None) -> None:
            if status is not None and status != entry.status:
                key, app = entry.key, self.app
                what = f"{entry.title!r}: {status_label(entry.status)} → {status_label(status)}"
                self.apply_change(
                    key,
                    lambda confirm: app.services.library.set_status(key, status, confirm=confirm),
                    what,
                )

        self.app.push_screen(StatusPicker(self.KIND, entry.status, entry.title), chosen)

    def action_progress(self, step: int) -> None:
        entry = self.table.current
        if entry is not None:
            key, app = entry.key, self.app
            self.apply_change(
                key, lambda confirm: app.services.library.step_progress(key, step, confirm=confirm)
            )

    def action_set_progress(self) -> None:
        """Type the progress: a page, an episode code like S2E5, or a count."""
        entry = self.table.current
        if entry is None:
            return
        from mediatrack.screens.progress_dialog import ProgressDialog

        def written(updated: LibraryEntry | None) -> None:
            if updated is not None:
                self._changed(updated)
                self.app.request_sync()

        self.app.push_screen(ProgressDialog(entry), written)

    def action_rate(self) -> None:
        entry = self.table.current
        if entry is None:
            return

        from mediatrack.screens.rating_picker import CLEAR, RatingPicker

        def chosen(rating: int | None) -> None:
            if rating == CLEAR:
                self.action_clear_rating()
            elif rating is not None:
                key, app = entry.key, self.app
                self.apply_change(key, lambda _: app.services.library.set_rating(key, rating))

        self.app.push_screen(RatingPicker(entry.rating, entry.title), chosen)

    def action_clear_rating(self) -> None:
        entry = self.table.current
        if entry is None:
            return
        if entry.rating is None:
            self.notify(f"{entry.title!r} has no rating to clear.", markup=False)
            return
        key, app = entry.key, self.app
        what = f"Cleared the rating {rating_text(entry.rating)} of {entry.title!r}"
        self.apply_change(key, lambda _: app.services.library.set_rating(key, None), what)

    def action_remove(self) -> None:
        """Remove after the library's own question, which says what goes with the item."""
        entry = self.table.current
        if entry is None:
            return
        key, app = entry.key, self.app
        what = f"Removed {entry.title!r} from your {self.info.label.lower()}"
        self.apply_change(
            key,
            lambda confirm: app.services.library.remove(key, confirm=confirm),
            what,
            done=self._removed,
            confirm_label="Remove",
        )

    @work(thread=True, group="write", exit_on_error=False)
    def apply_change(
        self,
        key: EntryKey,
        change: Change,
        undo: str | None = None,
        *,
        confirm: bool = False,
        done: Callable[[LibraryEntry], None] | None = None,
        confirm_label: str = "Yes",
    ) -> None:
        """Run ``change`` on the row as it is in the file; ``undo`` says what a destructive
        change did, and makes it undoable."""
        from mediatrack.services.library import NeedsConfirmation

        library = self.app.services.library
        snapshot = library.snapshot(key) if undo is not None else None
        try:
            entry = change(confirm)
        except NeedsConfirmation as question:
            self.app.call_from_thread(
                self._ask, str(question), key, change, undo, done, confirm_label
            )
            return
        self.app.call_from_thread(done or self._changed, entry)
        if snapshot is not None and undo is not None:
            self.app.call_from_thread(self.app.offer_undo, snapshot, undo)
        self.app.call_from_thread(self.app.request_sync)

    def _ask(
        self,
        question: str,
        key: EntryKey,
        change: Change,
        undo: str | None,
        done: Callable[[LibraryEntry], None] | None,
        confirm_label: str,
    ) -> None:
        """The library's question; on yes the change is made again, confirmed."""
        from mediatrack.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.apply_change(key, change, undo, confirm=True, done=done)

        cancel = "Keep" if confirm_label == "Remove" else "No"
        self.app.push_screen(ConfirmScreen(question, confirm_label, cancel), answered)

    def _changed(self, entry: LibraryEntry) -> None:
        # Not put back if removed meanwhile: a change that finished late must not revive it.
        self.browser.put(entry)

    def _removed(self, entry: LibraryEntry) -> None:
        self.browser.discard(entry.key)

    # --- notes, rewatches, history ------------------------------------------------

    def action_note(self) -> None:
        """Write or change your note on the highlighted item."""
        entry = self.table.current
        if entry is not None:
            from mediatrack.screens.note_dialog import edit_note

            def saved(_: object) -> None:
                self.load_detail(entry.key)

            edit_note(self, entry.key, entry.title, saved)

    def action_rewatch(self) -> None:
        """Watch (or read) a finished item again: a new run at 0, the old one in its history."""
        entry = self.table.current
        if entry is None:
            return
        key, app = entry.key, self.app
        verb = "Reread" if self.KIND is Kind.BOOK else "Rewatch"
        self.apply_change(
            key,
            lambda confirm: app.services.history.start_again(key, confirm=confirm)[0],
            f"{verb}: {entry.title!r} starts again at 0",
            done=self._started_again,
            confirm_label=verb,
        )

    def _started_again(self, entry: LibraryEntry) -> None:
        self._changed(entry)
        self.load_detail(entry.key)

    def action_history(self) -> None:
        from mediatrack.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        if worker.group == "load":
            self.browser.load_failed()
        return False  # the app notifies it

    # --- command palette --------------------------------------------------------

    def _progress_words(self) -> str:
        return {
            Kind.TV: "an episode like S2E5, or a count",
            Kind.MOVIE: "1 watched, 0 not",
            Kind.BOOK: "the page you are on",
            Kind.PODCAST: "episodes listened",
        }[self.KIND]

    def palette_commands(self) -> Iterable[SystemCommand]:
        noun = self.info.noun
        yield SystemCommand(
            f"Add a {noun}", f"Search {self.info.catalog} and add a {noun} (a)", self.action_add
        )
        yield SystemCommand("Filter", f"Narrow the {noun}s by text (/)", self.action_filter)
        yield SystemCommand(
            "Clear filter", "Show every item again (escape)", self.action_clear_filter
        )
        yield SystemCommand("Sort", "Cycle the sort order (o)", self.action_cycle_sort)
        yield SystemCommand(
            "History", "Recently watched, read and listened to (h)", self.action_history
        )
        yield SystemCommand(
            "Next status tab", "Show the next status (])", lambda: self.action_status_tab(1)
        )
        if self.table.current is None:
            return
        yield SystemCommand(
            "Open details", f"Everything about this {noun} (enter)", self.action_open_detail
        )
        yield SystemCommand(
            "Change status", f"Set this {noun}'s status (s)", self.action_change_status
        )
        yield SystemCommand(
            "Progress +1", f"One more {self.info.unit} (+)", lambda: self.action_progress(1)
        )
        yield SystemCommand(
            "Progress -1", f"One {self.info.unit} back (-)", lambda: self.action_progress(-1)
        )
        yield SystemCommand(
            "Set progress",
            f"Type this {noun}'s progress: {self._progress_words()} (p)",
            self.action_set_progress,
        )
        yield SystemCommand("Rate", f"Rate this {noun} 1-10 or clear (r)", self.action_rate)
        yield SystemCommand(
            "Clear rating", f"Remove this {noun}'s rating (c)", self.action_clear_rating
        )
        yield SystemCommand("Remove from library", f"Remove this {noun} (x)", self.action_remove)
        yield SystemCommand("Note", f"Write your note on this {noun} (n)", self.action_note)
        if self.KIND is not Kind.PODCAST:
            verb = "Reread" if self.KIND is Kind.BOOK else "Rewatch"
            yield SystemCommand(
                verb,
                f"Start this finished {noun} again, keeping the old run (W)",
                self.action_rewatch,
            )
