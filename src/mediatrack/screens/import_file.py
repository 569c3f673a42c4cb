"""Import another tracker's export: pick the source, type the path, watch it go, read the summary.

The work runs in a thread worker (``ImportService``); the bar follows its
progress and the summary says what was matched, added, left to review.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker

from mediatrack.display.entries import counted
from mediatrack.display.exchange import import_summary_lines, waiting_line
from mediatrack.display.text import inert
from mediatrack.errors import MediatrackError
from mediatrack.screens.common import WorkerErrors

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp

SOURCES = [
    ("Goodreads (library export CSV)", "goodreads"),
    ("The StoryGraph (CSV)", "storygraph"),
    ("Letterboxd (ZIP or folder)", "letterboxd"),
    ("Trakt (JSON, folder or ZIP)", "trakt"),
    ("IMDb (ratings or watchlist CSV)", "imdb"),
    ("Podcasts (OPML)", "opml"),
    ("mediatrack backup (JSON)", "mediatrack"),
]


def complete_path(text: str) -> str | None:
    """The first file or folder name that continues ``text`` (``~`` understood)."""
    if not text:
        return None
    expanded = os.path.expanduser(text)
    folder, start = os.path.split(expanded)
    try:
        names = sorted(os.listdir(folder or "."))
    except OSError:
        return None
    for name in names:
        if name.startswith(start) and name != start and not name.startswith("."):
            full = os.path.join(folder, name)
            suffix = "/" if os.path.isdir(full) else ""
            return text[: len(text) - len(start)] + name + suffix
    return None


class PathSuggester(Suggester):
    """Completes file and folder names (right arrow accepts), reading the disk off the loop."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete_path, value)


class ImportScreen(WorkerErrors, ModalScreen[None]):
    CSS_PATH = "import_file.tcss"
    BINDINGS = [Binding("escape", "close", "Close")]

    app: MediaTrackApp
    _waited = False  # the status line says a look-up waits for a rate limit

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Import from another tracker", classes="dialog-title")
            yield Select(SOURCES, value="goodreads", allow_blank=False, id="source")
            yield Input(
                placeholder="path to the export file or folder",
                suggester=PathSuggester(),
                id="path",
            )
            with Horizontal(id="buttons"):
                yield Button("Import", variant="primary", id="start")
                yield Button("Review rows", id="review")
            yield ProgressBar(total=None, show_eta=True, id="bar")
            yield Static(
                "Re-importing is safe: new items, ticks and dates are added; your later "
                "changes are kept. enter import · escape close",
                id="import-summary",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#start")
    def _start(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self._say("Type the path of the file (or folder) to import.")
            return
        source = str(self.query_one("#source", Select).value)
        self.query_one("#start", Button).disabled = True
        self._say(f"Importing {source}…")
        self.run_import(source, Path(os.path.expanduser(text)))

    @on(Button.Pressed, "#review")
    def _review(self) -> None:
        from mediatrack.screens.import_review import ImportReviewScreen

        self.app.switch_screen(ImportReviewScreen())

    def _say(self, text: str) -> None:
        self.query_one("#import-summary", Static).update(inert(text, single_line=False))

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.query_one("#bar", ProgressBar).update(total=total, progress=done)
        if self._waited:
            self._waited = False
            self._say("Importing…")

    def _waiting(self, catalog: str, seconds: float) -> None:
        self._waited = True
        self._say(f"{waiting_line(catalog, seconds)}…")

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def run_import(self, source: str, path: Path) -> None:
        from mediatrack.services.importing import ImportService

        app = self.app
        try:
            services = app.services
            service = ImportService(
                services.catalog_source,
                services.account.id,
                on_wait=lambda catalog, seconds: app.call_from_thread(
                    self._waiting, catalog, seconds
                ),
            )
            summary = service.run(
                source,
                path,
                on_progress=lambda stage, done, total: app.call_from_thread(
                    self._progress, stage, done, total
                ),
            )
        except (MediatrackError, OSError) as error:
            app.call_from_thread(self._finished, str(error))
            return
        lines = import_summary_lines(summary, most=5)
        app.call_from_thread(self._finished, "\n".join(lines), summary.to_review)

    def _finished(self, text: str, to_review: int = 0) -> None:
        self._say(text)
        self.query_one("#start", Button).disabled = False
        review = self.query_one("#review", Button)
        review.display = to_review > 0
        if to_review:
            review.label = f"Review {counted(to_review, 'row')}"
            review.focus()  # enter opens them
        bar = self.query_one("#bar", ProgressBar)
        if bar.total is None:
            bar.update(total=1, progress=1)
        self.app.library_changed.publish(None)

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        self._finished(sentence)
        return True  # said in the dialog
