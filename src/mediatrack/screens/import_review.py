"""The import review list: rows an import could not match, settled one by one.

Up/down choose a row; its candidates (what the catalog search found) are
listed below it. enter takes the highlighted candidate, / searches the catalog
again with words the user edits (the results become the candidates), h adds
the row as the file has it, s skips it, r matches every row again (after the
network came back).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option

from mediatrack.display.exchange import candidate_label, review_row_line
from mediatrack.display.text import inert
from mediatrack.errors import MediatrackError
from mediatrack.screens.common import WorkerErrors

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp


SHORT_BELOW = 32  # rows: under this the lists shrink to keep the dialog on screen


class ImportReviewScreen(WorkerErrors, ModalScreen[None]):
    CSS_PATH = "import_review.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (SHORT_BELOW, "-tall")]
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("slash", "search_again", "Search again"),
        Binding("h", "by_hand", "Add by hand"),
        Binding("s", "skip", "Skip"),
        Binding("r", "retry", "Match again"),
    ]

    app: MediaTrackApp

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Rows to review", classes="dialog-title")
            yield OptionList(id="review-rows", markup=False)
            yield Input(placeholder="Search the catalog again…", id="query")
            yield LoadingIndicator(id="searching")
            yield Label("Candidates (enter takes one)")
            yield OptionList(id="candidates", markup=False)
            yield Static(
                "enter pick · / search again · h add by hand · s skip · r match all again · "
                "escape close",
                id="import-summary",
                markup=False,
            )

    def on_mount(self) -> None:
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Search again", "Search the catalog with your own words (/)", self.action_search_again
        )
        yield SystemCommand(
            "Add by hand", "Add the row as the file has it (h)", self.action_by_hand
        )
        yield SystemCommand("Skip", "Skip the row, now and in later imports (s)", self.action_skip)
        yield SystemCommand("Match again", "Match every row again (r)", self.action_retry)

    def _service(self):
        from mediatrack.services.importing import ImportService

        services = self.app.services
        return ImportService(services.catalog_source, services.account.id)

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def load(self, message: str | None = None) -> None:
        rows = self._service().review()
        self.app.call_from_thread(self._show, rows, message)

    def _show(self, rows: list, message: str | None) -> None:
        self.rows = rows
        listing = self.query_one("#review-rows", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(review_row_line(row.title, row.source, row.line, row.reason)) for row in rows
        )
        if rows:
            listing.highlighted = 0
            listing.focus()
        self._candidates(0)
        if message:
            self._say(message)
        elif not rows:
            self._say("Nothing to review.")

    def _say(self, text: str) -> None:
        self.query_one("#import-summary", Static).update(inert(text, single_line=False))

    def _candidates(self, index: int | None) -> None:
        options = self.query_one("#candidates", OptionList)
        options.clear_options()
        if index is None or index >= len(self.rows):
            return
        options.add_options(Option(candidate_label(c)) for c in self.rows[index].candidates)

    @on(OptionList.OptionHighlighted, "#review-rows")
    def _row_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._candidates(event.option_index)

    @on(OptionList.OptionSelected, "#review-rows")
    def _row_selected(self) -> None:
        candidates = self.query_one("#candidates", OptionList)
        if candidates.option_count:
            candidates.highlighted = 0
            candidates.focus()

    @on(OptionList.OptionSelected, "#candidates")
    def _candidate_selected(self, event: OptionList.OptionSelected) -> None:
        row = self._current()
        if row is not None:
            self.settle(row.id, row.candidates[event.option_index]["catalog_id"])

    def _current(self):
        index = self.query_one("#review-rows", OptionList).highlighted
        return self.rows[index] if index is not None and index < len(self.rows) else None

    def action_search_again(self) -> None:
        """Open the query, filled with the row's title, for the user to edit."""
        row = self._current()
        if row is None:
            return
        query = self.query_one("#query", Input)
        query.value = row.title
        query.add_class("shown")
        query.focus()

    @on(Input.Submitted, "#query")
    def _query_submitted(self, event: Input.Submitted) -> None:
        row = self._current()
        if row is None or not event.value.strip():
            return
        self.query_one("#searching").add_class("shown")
        self._say(f"Searching for {event.value.strip()}…")
        self.search(row.id, event.value)

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def search(self, row_id: int, query: str) -> None:
        try:
            found = self._service().search_again(row_id, query)
        except MediatrackError as error:
            self.app.call_from_thread(self._searched, row_id, None, str(error))
            return
        message = (
            f"{len(found)} found: enter takes the highlighted one."
            if found
            else "Nothing found; try other words, or h to add it by hand."
        )
        self.app.call_from_thread(self._searched, row_id, found, message)

    def _searched(self, row_id: int, found: list | None, message: str) -> None:
        self.query_one("#searching").remove_class("shown")
        self._say(message)
        if found is None:
            return
        self.rows = [
            replace(row, candidates=found) if row.id == row_id else row for row in self.rows
        ]
        current = self._current()
        if current is None or current.id != row_id:
            return
        self.query_one("#query", Input).remove_class("shown")
        self._candidates(self.query_one("#review-rows", OptionList).highlighted)
        candidates = self.query_one("#candidates", OptionList)
        if candidates.option_count:
            candidates.highlighted = 0
            candidates.focus()

    def action_by_hand(self) -> None:
        row = self._current()
        if row is not None:
            self.settle(row.id, "hand")

    def action_skip(self) -> None:
        row = self._current()
        if row is not None:
            self.settle(row.id, None)

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def settle(self, row_id: int, choice: str | None) -> None:
        try:
            summary = self._service().resolve(row_id, choice)
        except MediatrackError as error:
            self.app.call_from_thread(self._say, str(error))
            return
        if choice is None:
            message = "Skipped; importing the file again skips it too."
        elif summary.to_review:
            message = f"Still unmatched: {summary.review[0][2]}."
        else:
            message = f"Imported ({summary.added} added, {summary.updated} updated)."
        self.app.call_from_thread(self.load, message)
        self.app.call_from_thread(self.app.library_changed.publish, None)

    @work(thread=True, exclusive=True, group="review", exit_on_error=False)
    def action_retry(self) -> None:
        summary = self._service().retry()
        self.app.call_from_thread(
            self.load, f"Matched again: {summary.added} added, {summary.to_review} still to review."
        )
        self.app.call_from_thread(self.app.library_changed.publish, None)
