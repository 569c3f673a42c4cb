"""Type an item's progress: a page, an episode code like S2E5, or a count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label
from textual.worker import Worker

from mediatrack.display.text import inert
from mediatrack.records import LibraryEntry
from mediatrack.screens.common import WorkerErrors

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp


class ProgressDialog(WorkerErrors, ModalScreen[LibraryEntry | None]):
    """Writes the progress typed (in a worker) and dismisses with the updated entry.

    Bad input, or a value the library refuses, is one sentence in the dialog and
    changes nothing; a value that would remove what was recorded asks first.
    """

    CSS_PATH = ["pickers.tcss", "progress_dialog.tcss"]
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    app: MediaTrackApp

    def __init__(self, entry: LibraryEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        from mediatrack.services.progress_input import progress_as_text, progress_hint

        with Vertical(classes="picker"):
            yield Label(
                f"Progress of {inert(self.entry.title)}", classes="picker-title", markup=False
            )
            yield Label(progress_hint(self.entry), id="progress-hint", markup=False)
            yield Input(progress_as_text(self.entry), id="progress-value", select_on_focus=True)
            yield Label(id="progress-error", markup=False)
            yield Label("enter set · escape cancel", classes="picker-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self._say("")
        self.write(event.value)

    @on(Input.Changed)
    def _typing(self) -> None:
        self._say("")

    def _say(self, sentence: str) -> None:
        error = self.query_one("#progress-error", Label)
        error.update(inert(sentence, single_line=False))
        error.display = bool(sentence)

    @work(thread=True, exclusive=True, group="progress", exit_on_error=False)
    def write(self, text: str, confirm: bool = False) -> None:
        from mediatrack.services.library import NeedsConfirmation
        from mediatrack.services.progress_input import apply_progress_text

        try:
            entry = apply_progress_text(
                self.app.services.library.user_id, self.entry.key, text, confirm=confirm
            )
        except NeedsConfirmation as question:
            self.app.call_from_thread(self._ask, str(question), text)
            return
        self.app.call_from_thread(self.dismiss, entry)

    def _ask(self, question: str, text: str) -> None:
        from mediatrack.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.write(text, confirm=True)

        self.app.push_screen(ConfirmScreen(question, "Yes", "No"), answered)

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        self._say(sentence)
        return True  # said in the dialog
