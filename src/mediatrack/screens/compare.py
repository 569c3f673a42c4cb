"""Items you and a friend both rated, both ratings side by side, and how far apart you are."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from mediatrack.display.entries import rating_text
from mediatrack.display.stats import comparison_lines
from mediatrack.display.sync import SyncLine
from mediatrack.display.text import NAME_LIMIT, inert
from mediatrack.kinds import KINDS
from mediatrack.screens.common import ScreenCommands, WorkerErrors
from mediatrack.widgets.lists import KeyTable

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp
    from mediatrack.figures import Comparison
    from mediatrack.services.friends import Person


class CompareScreen(WorkerErrors, Screen[None]):
    """Both ratings of everything you and one friend rated, closest agreement first."""

    CSS_PATH = "compare.tcss"
    COMMANDS = {ScreenCommands}
    BINDINGS = [Binding("escape,backspace", "back", "Back")]

    app: MediaTrackApp

    def __init__(self, friend: Person) -> None:
        super().__init__()
        self.friend = friend
        self.friend_name = inert(friend.name, limit=NAME_LIMIT)  # as they wrote it: shown inert

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Reading ratings…", id="compare-summary", markup=False)
        yield KeyTable(id="compare", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.show_sync(self.app.sync_line)
        self.app.sync_changed.subscribe(self, self.show_sync)
        table = self.query_one(DataTable)
        table.add_columns("Kind", "Title", "You", Text(self.friend_name), "Difference")
        table.focus()
        self.load_ratings()

    def show_sync(self, line: SyncLine) -> None:
        self.sub_title = line.with_label(f"You and {self.friend_name}")

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_ratings(self) -> None:
        comparison = self.app.services.friends.comparison(self.friend.email)
        self.app.call_from_thread(self._show, comparison)

    def _show(self, comparison: Comparison) -> None:
        """The summary (count, average gap, most apart) over the table, closest first."""
        lines = comparison_lines(comparison, self.friend_name)
        self.query_one("#compare-summary", Label).update("\n".join(lines))
        rows = comparison.items
        table = self.query_one(DataTable)
        table.clear()
        table.add_rows(
            (
                KINDS[row.kind].noun,
                Text(inert(row.title)),  # a Text: DataTable reads a plain string as markup
                rating_text(row.mine),
                rating_text(row.theirs),
                "same" if row.mine == row.theirs else f"{row.mine - row.theirs:+d}",
            )
            for row in rows
        )

    def action_back(self) -> None:
        self.dismiss()

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand("Back to friends", "Leave the comparison (escape)", self.action_back)
