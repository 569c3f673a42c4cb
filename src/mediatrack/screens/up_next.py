"""Up Next (key 6): the next episode of every show and podcast under way, the book being read.

Rows come from the agenda service, read in a worker after the first frame;
``space`` ticks the episode shown through the episode service (the very tick
of the Shows screen), and the list is read again: the row moves on to the
following episode, or leaves when caught up. ``enter`` opens the item's own
detail screen; ``/`` filters as you type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import Header, Input, Static
from textual.worker import Worker

from mediatrack.agenda import UpNextItem
from mediatrack.display.agenda import NOTHING_NEXT, UP_NEXT_HEADER, kind_mark, up_next_cells
from mediatrack.display.sync import SyncLine
from mediatrack.records import EntryKey
from mediatrack.screens.common import (
    ReadsAgainWhenChanged,
    ScreenCommands,
    WorkerErrors,
    open_detail,
)
from mediatrack.widgets.footer import ModeFooter
from mediatrack.widgets.lists import KeyTable

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp
    from mediatrack.services.agenda import Agenda

NOTHING_MATCHES = "Nothing up next matches the filter (escape clears it)."
ITEM_ACTIONS = {"open_item", "tick"}
FIRST_ROWS = 60  # rows added before the first frame; the rest right after it


def agenda_for(app: MediaTrackApp) -> Agenda:
    """The agenda service of the app's current account (from a worker: it waits for the file)."""
    from mediatrack.services.agenda import Agenda

    services = app.services
    return Agenda(services.catalog, services.account.id)


class UpNextTable(KeyTable):
    """The rows; enter opens the highlighted item (and says so in the Footer)."""

    BINDINGS = [Binding("enter", "select_cursor", "Details")]


class UpNextScreen(ReadsAgainWhenChanged, WorkerErrors, Screen[None]):
    """What to watch, listen to and read next, most recently active first."""

    CSS_PATH = "up_next.tcss"
    COMMANDS = {ScreenCommands}
    AUTO_FOCUS = "#up-next"
    BINDINGS = [
        Binding("enter", "open_item", "Details", show=False),
        Binding("space", "tick", "Tick"),
        Binding("slash", "filter", "Filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    app: MediaTrackApp

    def __init__(self) -> None:
        super().__init__()
        self.items: list[UpNextItem] = []
        self.shown: list[UpNextItem] = []
        self.loaded = False
        self._stale = False
        self._filter = ""
        self._generation = 0  # bumped each time the rows are shown anew
        self._columns_for: tuple[int, int, int, int] = (0, 0, 0, 0)  # the widths drawn

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filter: title, episode or author", id="up-next-filter")
        yield UpNextTable(id="up-next", cursor_type="row", zebra_stripes=True)
        yield Static(NOTHING_NEXT, id="up-next-empty", markup=False)
        yield Lazy(ModeFooter())  # after the first frame, as the library screens

    def on_mount(self) -> None:
        self.title = "mediatrack"
        self.show_sync(self.app.sync_line)
        self.app.sync_changed.subscribe(self, self.show_sync)
        self.app.library_changed.subscribe(self, self._library_changed)
        table = self.table
        self._add_columns()
        table.loading = True
        table.focus()
        self.load()  # at once, in a thread: the screen's first paint is drawn meanwhile

    def _add_columns(self) -> None:
        """Fixed widths: the table measures no cell (a long list fills at once)."""
        self._columns_for = self._widths()
        for label, width in zip(UP_NEXT_HEADER, self._columns_for, strict=True):
            self.table.add_column(label, width=width)

    def on_resize(self) -> None:
        """A wider or narrower terminal: the title and what is next take the room there is."""
        if self._widths() == self._columns_for:
            return
        current = self.current
        row = self.table.cursor_row
        self.table.clear(columns=True)
        self._add_columns()
        if self.loaded:
            self._show_rows(current.key if current else None, row)

    def _widths(self) -> tuple[int, int, int, int]:
        """Left ("page 1060/1100") and When take 32 columns, cell padding and the scrollbar 11:
        the title and what is next share the rest."""
        room = max(self.app.size.width - 43, 30)
        title = room * 11 // 20
        return title, room - title, 15, 17

    def show_sync(self, line: SyncLine) -> None:
        self.sub_title = line.with_label("Up Next")

    @property
    def table(self) -> KeyTable:
        return self.query_one("#up-next", KeyTable)

    @property
    def current(self) -> UpNextItem | None:
        row = self.table.cursor_row
        return self.shown[row] if self.shown and 0 <= row < len(self.shown) else None

    # --- loading ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self, keep: EntryKey | None = None) -> None:
        items = agenda_for(self.app).up_next()
        self.app.call_from_thread(self._show, items, keep)

    def _show(self, items: list[UpNextItem], keep: EntryKey | None = None) -> None:
        current = self.current
        keep = keep or (current.key if current else None)
        row = self.table.cursor_row
        self.items, self.loaded = items, True
        self.table.loading = False
        self._show_rows(keep, row)
        if not self.query_one("#up-next-filter").has_class("shown"):
            self.table.focus()

    def _show_rows(self, keep: EntryKey | None = None, row: int = 0) -> None:
        """Fill the table: a screenful at once, the rest after that frame is drawn (a long
        list costs its first frame nothing)."""
        from mediatrack.services.agenda import filter_up_next

        self.shown = filter_up_next(self.items, self._filter)
        self._generation += 1
        table = self.table
        table.clear()
        index = next((i for i, item in enumerate(self.shown) if item.key == keep), None)
        target = index if index is not None else min(row, max(len(self.shown) - 1, 0))
        first = max(target + 1, FIRST_ROWS)
        self._add_rows(self.shown[:first])
        if self.shown:
            table.move_cursor(row=target)
        if len(self.shown) > first:
            generation = self._generation
            self.call_after_refresh(self._add_rest, generation, first)
        empty = self.query_one("#up-next-empty", Static)
        empty.update(NOTHING_MATCHES if self.items and self._filter.strip() else NOTHING_NEXT)
        empty.display = not self.shown
        table.display = bool(self.shown)  # an empty table would push the sentence off-screen
        self.refresh_bindings()

    def _add_rows(self, items: list[UpNextItem]) -> None:
        table = self.table
        today = dt.date.today()  # air dates are local dates
        title_width, next_width, _, _ = self._widths()
        for item in items:
            cells = up_next_cells(item, today, title_width - 9, next_width)
            title = Text(cells[0])
            title.append(f"  {kind_mark(item)}", style="dim")
            table.add_row(title, *(Text(cell) for cell in cells[1:]), key=str(item.key))

    def _add_rest(self, generation: int, start: int) -> None:
        if generation == self._generation:  # not shown again meanwhile
            self._add_rows(self.shown[start:])

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        if worker.group == "load":
            self.table.loading = False
        return False

    # --- filter -------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#up-next-filter", Input)
        box.add_class("shown")
        box.focus()

    @on(Input.Changed, "#up-next-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter = event.value
        if self.loaded:
            self._show_rows(self.current.key if self.current else None)

    @on(Input.Submitted, "#up-next-filter")
    def _filter_submitted(self, _: Input.Submitted) -> None:
        self.table.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#up-next-filter", Input)
        box.value = ""
        box.remove_class("shown")
        self.table.focus()

    # --- the highlighted item -------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ITEM_ACTIONS and self.is_mounted and self.current is None:
            return None
        return True

    @on(KeyTable.RowSelected, "#up-next")
    def _row_selected(self, event: KeyTable.RowSelected) -> None:
        event.stop()
        self.action_open_item()

    def action_open_item(self) -> None:
        item = self.current
        if item is not None:
            self.open_item(item.key)

    @work(thread=True, group="open", exit_on_error=False)
    def open_item(self, key: EntryKey) -> None:
        entry = self.app.services.library.entry(key)
        self.app.call_from_thread(open_detail, self.app, entry)

    def action_tick(self) -> None:
        item = self.current
        if item is not None:
            self.tick(item)

    @work(thread=True, group="write", exit_on_error=False)
    def tick(self, item: UpNextItem, confirm: bool = False) -> None:
        from mediatrack.services.library import NeedsConfirmation

        try:
            agenda_for(self.app).tick(item, confirm=confirm)
        except NeedsConfirmation as question:
            self.app.call_from_thread(self._ask, str(question), item)
            return
        items = agenda_for(self.app).up_next()
        self.app.call_from_thread(self._show, items, item.key)
        self.app.call_from_thread(self.app.request_sync)

    def _ask(self, question: str, item: UpNextItem) -> None:
        from mediatrack.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.tick(item, confirm=True)

        self.app.push_screen(ConfirmScreen(question, "Yes", "No"), answered)

    # --- command palette --------------------------------------------------------------

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Filter", "Narrow Up Next by text (/)", self.action_filter)
        yield SystemCommand(
            "Clear filter", "Show all of Up Next (escape)", self.action_clear_filter
        )
        if self.current is None:
            return
        yield SystemCommand(
            "Open details", "Everything about this item (enter)", self.action_open_item
        )
        yield SystemCommand(
            "Tick", "Tick the episode shown; a book moves on one page (space)", self.action_tick
        )
