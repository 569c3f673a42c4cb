"""Pick a status from the statuses of one kind."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from mediatrack.display.entries import status_label
from mediatrack.display.text import inert
from mediatrack.kinds import KINDS, Kind
from mediatrack.widgets.lists import KeyList


class StatusPicker(ModalScreen[str | None]):
    """Dismisses with the chosen status, or ``None`` on escape."""

    CSS_PATH = "pickers.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, kind: Kind, current: str, title: str) -> None:
        super().__init__()
        self.kind = kind
        self.current = current
        self.item_title = title

    def compose(self) -> ComposeResult:
        statuses = KINDS[self.kind].statuses
        with Vertical(classes="picker"):
            yield Label(inert(f"Status of {self.item_title}"), classes="picker-title", markup=False)
            yield KeyList(
                *(
                    Option(f"{number}  {status_label(status)}", id=status)
                    for number, status in enumerate(statuses, start=1)
                )
            )
            yield Label("enter choose · 1-4 quick pick · escape cancel", classes="picker-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = KINDS[self.kind].statuses.index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_id)

    def on_key(self, event) -> None:
        statuses = KINDS[self.kind].statuses
        if event.character and event.character.isdigit():
            number = int(event.character)
            if 1 <= number <= len(statuses):
                event.stop()
                self.dismiss(statuses[number - 1])
