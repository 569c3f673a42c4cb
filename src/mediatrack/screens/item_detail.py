"""A movie or a book on a screen of its own: the full record, and R to refresh it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from mediatrack.records import EntryDetail
from mediatrack.screens.detail import DetailScreen
from mediatrack.widgets.detail_pane import detail_content
from mediatrack.widgets.poster import Poster


class ItemDetailScreen(DetailScreen):
    """Overview, dates, runtime or pages, authors, categories: what the library knows."""

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="item-body"):
            yield Poster(id="poster")
            yield Static(id="item-detail")

    def set_busy(self, busy: bool) -> None:
        self.query_one("#item-body").loading = busy

    def read(self) -> EntryDetail:
        return self.app.services.library.detail(self.key)

    def show_data(self, data: EntryDetail) -> None:
        self.entry = data.entry
        self.query_one("#item-detail", Static).update(detail_content(data))
        self.query_one(Poster).show(self.key)
        self.query_one("#item-body").focus()
