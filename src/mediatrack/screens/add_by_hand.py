"""Add an item by hand, when the catalog cannot help: title, year, author or artist, total.

The search dialog opens it when the catalog fails (offline, not configured,
an error) or finds nothing. It calls the same ``Library.add`` as
``mediatrack add KIND --title``, in a worker; whatever the service refuses
(an item already in the library, a year that is not one) is its sentence here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.worker import Worker

from mediatrack.display.text import inert
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import LibraryEntry
from mediatrack.screens.common import WorkerErrors

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp
    from mediatrack.services.library import NewItem

CREATOR_LABELS = {Kind.BOOK: "Author(s), comma-separated", Kind.PODCAST: "Artist"}
TOTAL_LABELS = {Kind.TV: "Episodes", Kind.BOOK: "Pages", Kind.PODCAST: "Episodes"}


def fields_text(kind: Kind) -> str:
    """What the form asks for a kind: ``title, year, author, pages``."""
    fields = ["title", "year"]
    if kind in CREATOR_LABELS:
        fields.append("author" if kind is Kind.BOOK else "artist")
    if kind in TOTAL_LABELS:
        fields.append(TOTAL_LABELS[kind].lower())
    return ", ".join(fields)


def printable(text: str) -> str:
    """What was typed or pasted, without control characters, trimmed."""
    return "".join(char for char in text if char.isprintable()).strip()


def whole_number(text: str, what: str) -> int | None:
    """An optional whole number; a sentence (ValueError) when it is not one."""
    text = printable(text)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{what} is a whole number, not {text!r}.") from None


class AddByHandScreen(WorkerErrors, ModalScreen[LibraryEntry | None]):
    """Dismisses with the entry added, or ``None`` when the user goes back."""

    CSS_PATH = "add_by_hand.tcss"
    BINDINGS = [Binding("escape", "back", "Back")]

    app: MediaTrackApp

    def __init__(self, kind: Kind, title: str = "") -> None:
        super().__init__()
        self.kind = kind
        self.info = KINDS[kind]
        self.initial_title = title
        self._adding = False

    def compose(self) -> ComposeResult:
        with Vertical(id="hand-dialog"):
            yield Label(f"Add a {self.info.noun} by hand", id="hand-title")
            yield Label("Title", classes="field-label")
            yield Input(self.initial_title, placeholder="Title", id="title")
            yield Label("Year", classes="field-label")
            yield Input(placeholder="e.g. 2017", id="year", max_length=4)
            if self.kind in CREATOR_LABELS:
                yield Label(CREATOR_LABELS[self.kind], classes="field-label")
                yield Input(id="creator")
            if self.kind in TOTAL_LABELS:
                yield Label(f"{TOTAL_LABELS[self.kind]}, if you know", classes="field-label")
                yield Input(id="total")
            yield Static(id="hand-message", markup=False)
            yield Label("enter add · tab next field · escape back", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def _say(self, message: str, error: bool = False) -> None:
        line = self.query_one("#hand-message", Static)
        line.set_class(error, "error")
        line.update(inert(message, single_line=False))

    def _value(self, name: str) -> str:
        found = self.query(f"#{name}").results(Input)
        box = next(found, None)
        return box.value if box is not None else ""

    def new_item(self) -> NewItem:
        """The item as typed; ValueError (a sentence) for a year or total that is no number."""
        from mediatrack.services.library import NewItem

        return NewItem(
            kind=self.kind,
            title=printable(self._value("title")),
            year=whole_number(self._value("year"), "A year"),
            creator=printable(self._value("creator")) or None,
            total=whole_number(self._value("total"), f"The number of {self.info.unit}s"),
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if self._adding:
            return
        try:
            item = self.new_item()
        except ValueError as error:
            self._say(str(error), error=True)
            return
        self._adding = True
        self._say(f"Adding {item.title}…")
        self.add(item)

    @work(thread=True, exclusive=True, group="add", exit_on_error=False)
    def add(self, item: NewItem) -> None:
        entry = self.app.services.library.add(item)
        self.app.call_from_thread(self.dismiss, entry)

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        self._adding = False
        self._say(sentence, error=True)
        return True  # said in the dialog

    def action_back(self) -> None:
        if not self._adding:  # an add under way finishes, and the library gets it
            self.dismiss(None)
