"""The library screen every media kind shares: status tabs, filter, sort, table, detail pane.

Each kind's screen (shows.py, movies.py, books.py, podcasts.py) only names
its kind. All reads and writes run in thread workers; the screen keeps the
loaded entries in a ``LibraryView`` and filters them in memory. When the
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
from textual.containers import Horizontal, Vertical
from textual.lazy import Lazy
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Label, Static
from textual.worker import Worker

from mediatrack.display.entries import counted, rating_text, status_label
from mediatrack.display.sync import SyncLine
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryKey, LibraryEntry
from mediatrack.screens.common import WorkerErrors
from mediatrack.widgets.detail_pane import MIN_SCREEN_WIDTH, DetailPane
from mediatrack.widgets.library_table import LibraryTable
from mediatrack.widgets.library_view import LibraryView, no_match_text
from mediatrack.widgets.status_tabs import ALL, StatusTabs

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp
    from mediatrack.services.identity import KeptLibrary

PROGRESS_GROUP = Binding.Group("Progress", compact=True)
LOADING_DELAY = 0.25  # seconds before a slow first load shows a loading indicator
DETAIL_DELAY = 0.1  # seconds the cursor rests before the detail pane reads the database
ITEM_ACTIONS = {
    "change_status",
    "progress",
    "set_progress",
    "rate",
    "clear_rating",
    "remove",
    "open_detail",
}
Change = Callable[[bool], LibraryEntry]  # called with confirm=False, then True if the user agrees


class LibraryScreen(WorkerErrors, Screen[None]):
    """A user's library of one kind."""

    KIND: ClassVar[Kind]
    CSS_PATH = "library.tcss"
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
        Binding("right_square_bracket,right", "status_tab(1)", "Next tab", show=False),
        Binding("left_square_bracket,left", "status_tab(-1)", "Previous tab", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    app: MediaTrackApp

    def __init__(self) -> None:
        super().__init__()
        self.info = KINDS[self.KIND]
        self.view = LibraryView()
        self.loaded = False
        self._detail_timer: Timer | None = None
        self._empty_message = ""
        self._kept: KeptLibrary | None = None  # signed out: whose library is kept, hidden
        self._opened: EntryKey | None = None  # the item whose detail screen is open
        self._stale = False  # the file changed while another screen was shown

    # --- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusTabs(self.info.statuses, id="status-tabs")
        with Horizontal(id="body"):
            with Vertical(id="list"):
                yield Label(
                    id="summary", markup=False
                )  # the filter box is mounted above it on first use
                yield LibraryTable(self.KIND, id="table")
                yield Static(id="empty", markup=False)
            # Mounted just after the first frame (Lazy), so they do not delay it.
            yield Lazy(DetailPane(id="detail"))
        yield Lazy(Footer())

    def on_mount(self) -> None:
        self.title = "mediatrack"
        self.show_sync(self.app.sync_line)
        self.app.sync_changed.subscribe(self, self.show_sync)
        self.table.focus()
        self.app.library_changed.subscribe(self, self._library_changed)
        # After the first frame: reading the library must not delay the first paint.
        self.call_after_refresh(self.load_library)
        # A loading indicator only when loading is slow enough to notice.
        self._loading_timer = self.set_timer(LOADING_DELAY, self._show_loading)

    def show_sync(self, line: SyncLine) -> None:
        """The app's sync state, after the kind in the header."""
        self.sub_title = line.with_label(self.info.label)

    def _show_loading(self) -> None:
        if not self.loaded:
            self.table.loading = True

    def on_resize(self) -> None:
        for pane in self.query(DetailPane):
            pane.display = self.size.width >= MIN_SCREEN_WIDTH

    @property
    def table(self) -> LibraryTable:
        return self.query_one(LibraryTable)

    # --- loading --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_library(self) -> None:
        entries = self.app.services.library.entries(self.KIND)
        kept = None
        if not entries:  # signed out? then the empty library says whose one is hidden
            from mediatrack.services.identity import kept_library

            kept = kept_library()
        self.app.call_from_thread(self._show_loaded, entries, kept)

    def _library_changed(self, _: None = None) -> None:
        """The file changed: read it again now if this screen is shown, else when it is."""
        if self.is_current and self.loaded:
            self.load_library()
        else:
            self._stale = True

    def _show_loaded(self, entries: list[LibraryEntry], kept: KeptLibrary | None = None) -> None:
        self._kept = kept
        self.view.load(entries)
        self.loaded = True
        self.table.loading = False
        self._update_tabs()
        self._show_rows()

    def _show_rows(self, keep: EntryKey | None = None) -> None:
        table = self.table
        current = table.current
        keep = keep or (current.key if current else None)
        table.show(self.view.visible, self.view.order, keep)
        self._update_summary()

    def _update_tabs(self) -> None:
        self.query_one(StatusTabs).set_counts(self.view.counts(), len(self.view))

    def _update_summary(self) -> None:
        view = self.view
        noun = f"{self.info.noun}s"
        shown = f"{len(view.visible)} of {len(view)} {noun}"
        if len(view.visible) == len(view):
            shown = counted(len(view), self.info.noun)
        order = f"sorted by {view.order.label} ({view.order.direction})"
        self.query_one("#summary", Label).update(f"{shown} · {order} · o to change", layout=False)
        if not self.loaded:
            message = ""
        elif not len(view):
            message = self._no_items_text()
        elif not view.visible:
            message = no_match_text(view, noun)
        else:
            message = ""
        if message != self._empty_message:
            self._empty_message = message
            empty = self.query_one("#empty", Static)
            empty.update(message)
            empty.display = bool(message)
            self.table.set_class(bool(message), "-empty")

    def _no_items_text(self) -> str:
        """An empty library: how to add the first item, or whose library is hidden."""
        kept = self._kept
        if kept is not None:
            items = counted(kept.items, "item")
            return (
                f"You are signed out: {kept.name}'s library ({kept.email}, {items}) is kept "
                "on this machine; log in (ctrl+p → Log in) to see it."
            )
        return (
            f"No {self.info.noun}s yet. Press a to search {self.info.catalog}, "
            f'or run: mediatrack add {self.KIND.value} --title "Title"'
        )

    # --- browsing -------------------------------------------------------------

    @on(StatusTabs.Changed)
    def _status_tab_changed(self, event: StatusTabs.Changed) -> None:
        self.view.status = event.status
        self.view.refresh()
        self._show_rows()

    def action_status_tab(self, step: int) -> None:
        self.query_one(StatusTabs).move(step)

    async def action_filter(self) -> None:
        boxes = self.query("#filter").results(Input)
        box = next(boxes, None)
        if box is None:  # created on first use: one widget less before the first frame
            box = Input(
                placeholder="Filter by title, original title, author or artist", id="filter"
            )
            await self.query_one("#list").mount(box, before="#summary")
        box.add_class("shown")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.view.text = event.value
        self.view.refresh()
        self._show_rows()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def action_clear_filter(self) -> None:
        for box in self.query("#filter").results(Input):
            box.value = ""
            box.remove_class("shown")
        self.table.focus()

    def action_cycle_sort(self) -> None:
        self.view.set_order(self.view.order.next())
        self._show_rows()

    @on(LibraryTable.Highlighted)
    def _highlighted(self, event: LibraryTable.Highlighted) -> None:
        """Show the row's summary at once; read the full record once the cursor rests."""
        for pane in self.query(DetailPane):
            pane.show_entry(event.entry)
        self.refresh_bindings()  # the item keys are dimmed in the Footer only with no row
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if event.entry is not None:
            key = event.entry.key
            self._detail_timer = self.set_timer(DETAIL_DELAY, lambda: self.load_detail(key))

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, key: EntryKey) -> None:
        detail = self.app.services.library.detail(key)
        self.app.call_from_thread(self._show_detail, detail)

    def _show_detail(self, detail) -> None:
        current = self.table.current
        if current is not None and current.key == detail.entry.key:
            for pane in self.query(DetailPane):
                pane.show_detail(detail)

    # --- changing the highlighted item -------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
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
        self.view.put(entry)
        if self.view.index_of(entry.key) is None:  # hidden by the filter or the status tab
            self.action_clear_filter()
            self.view.text, self.view.status = "", None
            self.query_one(StatusTabs).active = ALL
        self._changed(entry)
        self.app.request_sync()
        self.table.focus()

    def action_open_detail(self) -> None:
        """Open the highlighted item's own screen; its entry is read again on the way back."""
        entry = self.table.current
        if entry is None:
            return
        if entry.kind is Kind.TV:
            from mediatrack.screens.show_detail import ShowDetailScreen as Detail
        elif entry.kind is Kind.PODCAST:
            from mediatrack.screens.podcast_detail import PodcastDetailScreen as Detail
        else:
            from mediatrack.screens.item_detail import ItemDetailScreen as Detail
        self._opened = entry.key
        self.app.push_screen(Detail(entry))

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
        if entry.key not in self.view:
            return  # removed meanwhile: a change that finished late must not bring it back
        self.view.put(entry)
        self._update_tabs()
        self._show_rows(keep=entry.key)
        current = self.table.current
        if current is not None:
            for pane in self.query(DetailPane):
                pane.show_entry(current)
            self.load_detail(current.key)

    def _removed(self, entry: LibraryEntry) -> None:
        self.view.discard(entry.key)
        self._update_tabs()
        self._show_rows()

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        if worker.group == "load":
            self._loading_timer.stop()  # a failed load shows no spinner, now or later
            self.table.loading = False
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
