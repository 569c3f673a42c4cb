"""Rate an item from 1 to 10, or clear its rating."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from mediatrack.display.text import inert
from mediatrack.widgets.lists import KeyList

CLEAR = 0  # dismissed with CLEAR: remove the rating; with None: cancelled

WORDS = {
    10: "masterpiece",
    9: "great",
    8: "very good",
    7: "good",
    6: "fine",
    5: "average",
    4: "bad",
    3: "very bad",
    2: "horrible",
    1: "appalling",
}


class RatingPicker(ModalScreen[int | None]):
    """Dismisses with 1-10, ``CLEAR``, or ``None`` when cancelled."""

    CSS_PATH = "pickers.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, current: int | None, title: str) -> None:
        super().__init__()
        self.current = current
        self.item_title = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker"):
            yield Label(inert(f"Rate {self.item_title}"), classes="picker-title", markup=False)
            yield KeyList(
                *(
                    Option(f"{score:>2}  {WORDS[score]}", id=str(score))
                    for score in range(10, 0, -1)
                ),
                Option(" c  clear rating", id=str(CLEAR)),
            )
            yield Label(
                "keys: 1-9 rate · 0 rates 10 · c clears · enter choose · escape cancel",
                classes="picker-hint",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 10 - self.current if self.current else 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option_id or CLEAR))

    def on_key(self, event: events.Key) -> None:
        if event.character == "c":
            event.stop()
            self.dismiss(CLEAR)
        elif event.character and event.character.isdigit():
            event.stop()
            self.dismiss(int(event.character) or 10)
