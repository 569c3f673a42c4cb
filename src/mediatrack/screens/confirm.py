"""A yes/no question."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from mediatrack.display.text import inert


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with ``True`` only when the user confirms."""

    CSS_PATH = "pickers.tcss"
    BINDINGS = [
        Binding("y", "dismiss(True)", "Yes"),
        Binding("n,escape", "dismiss(False)", "No"),
    ]

    def __init__(
        self, question: str, confirm_label: str = "Remove", cancel_label: str = "Keep"
    ) -> None:
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label
        self.cancel_label = cancel_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            question = inert(self.question, single_line=False)
            yield Label(question, classes="picker-title", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"{self.confirm_label} (y)", variant="error", id="yes")
                yield Button(f"{self.cancel_label} (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
