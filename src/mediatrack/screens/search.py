"""Search a kind's catalog as you type, and add a result to the library.

Results come a short pause after the last keystroke: one request per pause,
in an exclusive worker, so a newer query supersedes an older one still in
flight (its answer is dropped). When the catalog fails (offline, not
configured, an error) or finds nothing, the list offers to add the item by
hand instead (``add_by_hand.py``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from mediatrack.display.entries import counted
from mediatrack.display.text import TITLE_LIMIT, inert
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import LibraryEntry
from mediatrack.screens.add_by_hand import fields_text
from mediatrack.screens.common import WorkerErrors
from mediatrack.screens.settings import settings_offer
from mediatrack.widgets.lists import KeyList

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp
    from mediatrack.services.catalog import SearchHit
    from mediatrack.services.library import AlreadyInLibrary

DEBOUNCE = 0.35  # seconds of quiet typing before a search is sent
BY_HAND = "by-hand"  # the option id of "add by hand"
PLACEHOLDERS = {
    Kind.TV: "Show title",
    Kind.MOVIE: "Movie title",
    Kind.BOOK: "Title, author, or isbn:978…",
    Kind.PODCAST: "Podcast name or host",
}


def hit_prompt(hit: SearchHit, width: int = 72) -> Content:
    """Title, year and the in-library mark; then one line of authors, artist or overview."""
    result = hit.result
    first = Content.assemble(
        Content.styled(inert(result.title, limit=TITLE_LIMIT), "bold"),
        Content.styled(f"  {result.year}" if result.year else "", "dim"),
        Content.styled("  ✓ in library" if hit.in_library else "", "$text-success"),
    )
    second = " ".join(inert(result.subtitle_line or result.overview).split())
    if len(second) > width:
        second = second[: max(width - 1, 1)] + "…"
    return Content.assemble(first, "\n", Content.styled(second or " ", "dim"))


def by_hand_option(kind: Kind, query: str) -> Option:
    """The last resort when the catalog cannot help: type the item in yourself."""
    what = f"Add {query!r} by hand…" if query else "Add by hand…"
    prompt = Content.assemble(
        Content.styled(what, "bold"),
        "\n",
        Content.styled(f"{fields_text(kind)}; no catalog needed", "dim"),
    )
    return Option(prompt, id=BY_HAND)


class ResultList(KeyList):
    """The results; up on the first one goes back to the query."""

    def action_cursor_up(self) -> None:
        if not self.highlighted:
            self.screen.query_one("#query", Input).focus()
        else:
            super().action_cursor_up()


class SearchScreen(WorkerErrors, ModalScreen[LibraryEntry | None]):
    """Dismisses with the entry added, or ``None`` when closed."""

    CSS_PATH = "search.tcss"
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("down", "focus_results", "Results", show=False),
        Binding("ctrl+o", "open_settings", "Settings", show=False),
    ]

    app: MediaTrackApp

    def __init__(self, kind: Kind) -> None:
        super().__init__()
        self.kind = kind
        self.info = KINDS[kind]
        self.hits: list[SearchHit] = []
        self._timer: Timer | None = None
        self._query = ""  # the query of the search in flight or shown
        self._search_worker: Worker[None] | None = None
        self._adding: str | None = None  # the title being added, while it is
        self._missing_setting: str | None = None  # what the catalog said it needs

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Add a {self.info.noun} from {self.info.catalog}", id="dialog-title")
            yield Input(placeholder=PLACEHOLDERS[self.kind], id="query")
            yield Static(id="message", markup=False)
            yield ResultList(id="results")
            yield Label(
                "type to search · ↓ results · enter add · escape close", classes="dialog-hint"
            )

    @property
    def results(self) -> ResultList:
        return self.query_one(ResultList)

    def _say(self, message: str, error: bool = False) -> None:
        line = self.query_one("#message", Static)
        line.set_class(error, "error")
        line.update(inert(message))  # titles and catalog errors

    # --- searching --------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._search_now)

    @on(Input.Submitted, "#query")
    def _query_submitted(self) -> None:
        """Enter searches at once; when the results are for this query already, go to them."""
        if self._timer is not None:
            self._timer.stop()
        if self.query_one("#query", Input).value.strip() == self._query and self.hits:
            self.action_focus_results()
        else:
            self._search_now()

    def _search_now(self) -> None:
        query = self.query_one("#query", Input).value.strip()
        if query == self._query:
            return  # typed and erased back to the same words: the answer is on screen
        self._query = query
        if not query:
            self.workers.cancel_group(self, "search")
            self.results.loading = False
            self._show_hits("", [])
            return
        self.results.loading = True
        self._search_worker = self.search(query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search(self, query: str) -> None:
        hits = self.app.services.catalog.search(self.kind, query)
        self.app.call_from_thread(self._show_hits, query, hits)

    def _show_hits(self, query: str, hits: list[SearchHit]) -> None:
        if query != self._query:
            return  # an older query's answer, arriving late
        self.results.loading = False
        self.hits = hits
        self.results.set_options(hit_prompt(hit, self._line_width()) for hit in hits)
        if hits:
            self.results.highlighted = 0
        if hits:
            self._say(f"{counted(len(hits), self.info.noun)} found.")
        elif query:
            self._offer_by_hand(query)
            self._say(f"Nothing found for {query!r}. ↓ then enter adds it by hand.")
        else:
            self._say("")

    def _offer_by_hand(self, query: str) -> None:
        """The catalog failed or found nothing: the list offers to add the item by hand."""
        self.hits = []
        self.results.set_options([by_hand_option(self.kind, query)])
        self.results.highlighted = 0

    def _line_width(self) -> int:
        """How much of a line a result's prompt gets, so the overview stays on one line.

        Measured on the query box, as wide as the results: the results have no size
        while their loading indicator shows.
        """
        return max(self.query_one("#query", Input).size.width - 1, 20)

    def action_focus_results(self) -> None:
        if self.results.option_count:
            self.results.focus()

    # --- adding -----------------------------------------------------------------

    @on(OptionList.OptionSelected, "#results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if self._adding:
            return  # one at a time: the dialog closes once this one is in
        if event.option.id == BY_HAND:
            self.action_add_by_hand()
            return
        hit = self.hits[event.option_index]
        if hit.in_library:
            self.add(hit, None)  # the service refuses it, in one sentence
            return

        from mediatrack.screens.status_picker import StatusPicker

        def status_chosen(status: str | None) -> None:
            if status is not None:
                self.add(hit, status)

        picker = StatusPicker(self.kind, self.info.plan_status, hit.result.title)
        self.app.push_screen(picker, status_chosen)

    def add(self, hit: SearchHit, status: str | None) -> None:
        self._adding = hit.result.title
        self.results.loading = True
        self._say(f"Adding {hit.result.title}…")
        self.add_worker(hit, status)

    @work(thread=True, exclusive=True, group="add", exit_on_error=False)
    def add_worker(self, hit: SearchHit, status: str | None) -> None:
        entry = self.app.services.catalog.add(self.kind, hit.result.catalog_id, status)
        self.app.call_from_thread(self._added, entry)

    def action_add_by_hand(self) -> None:
        """The form, with the query as the title; the dialog closes with what it added."""
        from mediatrack.screens.add_by_hand import AddByHandScreen

        def added(entry: LibraryEntry | None) -> None:
            if entry is not None:
                self._added(entry)

        title = self.query_one("#query", Input).value.strip()
        self.app.push_screen(AddByHandScreen(self.kind, title), added)

    def action_close(self) -> None:
        """Close, unless an item is being added: the library must get it."""
        if self._adding:
            self._say(f"Still adding {self._adding}…")
        else:
            self.dismiss(None)

    def _added(self, entry: LibraryEntry) -> None:
        self.notify(f"Added {entry.title}.", markup=False)
        self.dismiss(entry)

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        if worker.group == "search" and worker is not self._search_worker:
            return True  # an older search failed after a newer one started: nothing to say
        if worker.group == "add":
            self._adding = None
        from mediatrack.services.library import AlreadyInLibrary

        error = worker.error
        self.results.loading = False
        offer = settings_offer(error)
        if offer is not None:  # a key is missing: Settings is one key away
            sentence, self._missing_setting = offer
        if isinstance(error, AlreadyInLibrary):
            self._mark_in_library(error)
            self.notify(sentence, severity="warning", markup=False)
        else:
            self.notify(sentence, severity="error", timeout=8, markup=False)
            if worker.group == "search":
                self._query = ""  # the same words may be tried again
                self._offer_by_hand(self.query_one("#query", Input).value.strip())
                sentence += " ↓ then enter adds it by hand."
        self._say(sentence, error=True)
        return True  # said on the screen

    def action_open_settings(self) -> None:
        from mediatrack.screens.settings import SettingsScreen

        def closed(saved: bool | None) -> None:
            if saved:
                self._query = ""  # search again, with the new setting
                self._search_now()

        self.app.push_screen(SettingsScreen(self._missing_setting), closed)

    def _mark_in_library(self, error: AlreadyInLibrary) -> None:
        """The service found the item in the library: the result says so from now on."""
        for index, hit in enumerate(self.hits):
            if hit.result.catalog_id == error.entry.catalog_id:
                self.hits[index] = replace(hit, in_library=error.entry.key)
                prompt = hit_prompt(self.hits[index], self._line_width())
                self.results.replace_option_prompt_at_index(index, prompt)
