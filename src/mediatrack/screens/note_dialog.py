"""Your note on an item: a multi-line editor, and whether your friends may read it.

``edit_note`` is what the library and detail screens call on ``n``: it reads
the note in a worker, opens the dialog, and saves in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Label, TextArea

from mediatrack.display.text import inert
from mediatrack.records import EntryKey, ItemNote

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp


@dataclass(frozen=True, slots=True)
class NoteChange:
    text: str
    shared: bool


class NoteDialog(ModalScreen[NoteChange | None]):
    """Dismisses with the note to save (an empty text clears it), or None."""

    CSS_PATH = "note_dialog.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, title: str, note: ItemNote | None) -> None:
        super().__init__()
        self.item_title = title
        self.note = note
        # Control characters never reach the terminal, even from a restored backup:
        # they show as symbols, and the note is saved as it was unless its text changed.
        self.shown = inert(note.text, single_line=False) if note else ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="note-box"):
            yield Label(
                f"Your note on {inert(self.item_title)}", classes="note-title", markup=False
            )
            yield TextArea(self.shown, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Checkbox(
                "Friends may read it", self.note.shared if self.note else False, id="note-shared"
            )
            yield Label("ctrl+s saves · escape leaves it as it was", classes="note-hint")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        """Dismisses with the change; with None when nothing changed (nothing to write)."""
        text = self.query_one("#note-text", TextArea).text
        shared = self.query_one("#note-shared", Checkbox).value
        if self.note is not None and text == self.shown:
            if shared == self.note.shared:
                self.dismiss(None)
                return
            text = self.note.text  # only its sharing changed: the text stays exactly as it was
        elif self.note is None and not text.strip():
            self.dismiss(None)  # no note before, none now
            return
        from mediatrack.services.history import check_note
        from mediatrack.services.library import InvalidValue

        try:
            check_note(text)
        except InvalidValue as error:  # said here: the text stays in the editor
            self.notify(str(error), severity="error")
            return
        self.dismiss(NoteChange(text, shared))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)


def edit_note(
    screen: Screen, key: EntryKey, title: str, saved: Callable[[ItemNote | None], None]
) -> None:
    """Read ``key``'s note, let the user edit it, save it; then ``saved`` on the event loop."""
    app: MediaTrackApp = screen.app  # type: ignore[assignment]

    def save(change: NoteChange | None, confirm: bool = False) -> None:
        if change is None:
            return

        def write() -> None:
            from mediatrack.services.library import NeedsConfirmation

            try:
                note = app.services.history.set_note(
                    key, change.text, shared=change.shared, confirm=confirm
                )
            except NeedsConfirmation as question:  # clearing it: the text would be gone
                app.call_from_thread(ask, str(question), change)
                return
            app.call_from_thread(saved, note)
            app.call_from_thread(app.notify, "Note saved." if note else "Note cleared.")
            app.call_from_thread(app.request_sync)

        screen.run_worker(write, thread=True, group="write", exit_on_error=False)

    def ask(question: str, change: NoteChange) -> None:
        from mediatrack.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                save(change, confirm=True)

        app.push_screen(ConfirmScreen(question, "Delete", "Keep"), answered)

    def read() -> None:
        note = app.services.history.note(key)
        app.call_from_thread(app.push_screen, NoteDialog(title, note), save)

    screen.run_worker(read, thread=True, group="note", exit_on_error=False)
