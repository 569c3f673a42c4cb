"""What you watched, read and listened to, newest first: all of it, or one item's.

Pages of ``PAGE`` entries are read in a worker; moving onto the last row reads
the next page, so a history of 100,000 ticks opens as fast as one of ten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from mediatrack.display.history import history_cells
from mediatrack.display.text import inert
from mediatrack.records import EntryKey, HistoryEvent
from mediatrack.screens.common import WorkerErrors
from mediatrack.widgets.lists import KeyTable

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp

PAGE = 100


class HistoryScreen(WorkerErrors, Screen[None]):
    """The history, newest first; with ``key``, one item's, with the run of each tick."""

    CSS_PATH = "history.tcss"
    BINDINGS = [
        Binding("escape,backspace", "back", "Back"),
        Binding("R", "reload", "Reload", key_display="R"),
    ]

    app: MediaTrackApp

    def __init__(self, key: EntryKey | None = None, title: str | None = None) -> None:
        super().__init__()
        self.key = key
        self.item_title = title
        self._read = 0
        self._more = True
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Header()
        heading = (
            Content.assemble(("History of ", "bold"), (inert(self.item_title or ""), "bold"))
            if self.key is not None
            else Content.styled("Recently watched, read and listened to", "bold")
        )
        yield Static(heading, id="history-heading")
        table = KeyTable(id="history-table", cursor_type="row", zebra_stripes=True)
        table.add_column("When", key="when")
        table.add_column("Item", key="item")
        table.add_column("What", key="what")
        if self.key is not None:
            table.add_column("Run", key="run")
        yield table
        yield Static("", id="history-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "mediatrack"
        self.sub_title = "History"
        self.query_one(KeyTable).focus()
        self.action_reload()

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.query_one(KeyTable).clear()
        # a page still being read belongs to the list just cleared: _show_page drops it
        self._read, self._more, self._loading = 0, True, False
        self.read_page()

    def read_page(self) -> None:
        if self._loading or not self._more:
            return
        self._loading = True
        self.query_one(KeyTable).loading = self._read == 0
        self._read_page(self._read)

    @work(thread=True, group="history", exit_on_error=False)
    def _read_page(self, offset: int) -> None:
        events = self.app.services.history.events(self.key, limit=PAGE, offset=offset)
        self.app.call_from_thread(self._show_page, events, offset)

    def _show_page(self, events: list[HistoryEvent], offset: int) -> None:
        if offset != self._read or not self._loading:
            return  # read for a list since cleared (R) or already shown
        table = self.query_one(KeyTable)
        table.loading = False
        self._loading = False
        self._read += len(events)
        self._more = len(events) == PAGE
        for event in events:
            cells = history_cells(event, with_run=self.key is not None)
            table.add_row(*[Text(cell) for cell in cells])  # never read as markup
        empty = self.query_one("#history-empty", Static)
        empty.update("" if self._read else "Nothing here yet: tick an episode or finish an item.")
        empty.display = not self._read

    @on(DataTable.RowHighlighted)
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - 1:
            self.read_page()

    def worker_failed(self, worker, sentence: str) -> bool:
        self._loading = False
        self.query_one(KeyTable).loading = False
        return False
