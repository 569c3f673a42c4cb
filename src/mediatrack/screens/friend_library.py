"""A friend's library, read-only: the same table as yours, their status, progress and rating.

The whole library is read once in a worker; keys 1-4 (or the kind row)
switch kinds, status tabs and the filter work in memory as on your own
screens. There are no keys that write: the server would refuse them anyway.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Static
from textual.worker import Worker

from mediatrack.display.entries import counted
from mediatrack.display.sync import SyncLine
from mediatrack.display.text import NAME_LIMIT, inert
from mediatrack.kinds import KINDS, Kind
from mediatrack.screens.common import ScreenCommands, WorkerErrors
from mediatrack.widgets.library_table import LibraryTable
from mediatrack.widgets.library_view import LibraryView, no_match_text
from mediatrack.widgets.status_tabs import StatusTabs

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp
    from mediatrack.records import LibraryEntry
    from mediatrack.services.friends import Person

KINDS_GROUP = Binding.Group("Their shows·movies·books·podcasts", compact=True)
KIND_KEYS = {"1": Kind.TV, "2": Kind.MOVIE, "3": Kind.BOOK, "4": Kind.PODCAST}


class KindTabs(Static):
    """``1 Shows 3  2 Movies 1  3 Books 0  4 Podcasts 2``, the active kind highlighted."""

    def show(self, active: Kind, counts: dict[Kind, int]) -> None:
        parts: list[Content | str] = []
        for key, kind in KIND_KEYS.items():
            text = f" {key} {KINDS[kind].label} {counts.get(kind, 0)} "
            parts += [Content.styled(text, "bold reverse" if kind is active else ""), " "]
        self.update(Content.assemble(*parts))

    def on_click(self, event: events.Click) -> None:
        x = event.x - 1  # left padding
        counts = self.screen.counts if isinstance(self.screen, FriendLibraryScreen) else {}
        for key, kind in KIND_KEYS.items():
            width = len(f" {key} {KINDS[kind].label} {counts.get(kind, 0)} ") + 1
            if 0 <= x < width:
                self.screen.run_action(f"show_kind('{key}')")
                return
            x -= width


class FriendLibraryScreen(WorkerErrors, Screen[None]):
    """What one friend watches, reads and listens to; nothing here changes it."""

    CSS_PATH = "friend_library.tcss"
    COMMANDS = {ScreenCommands}
    AUTO_FOCUS = "LibraryTable"
    BINDINGS = [
        Binding("escape,backspace", "back", "Back"),
        *(
            Binding(key, f"show_kind('{key}')", KINDS[kind].label, group=KINDS_GROUP)
            for key, kind in KIND_KEYS.items()
        ),
        Binding("slash", "filter", "Filter"),
        Binding("o", "cycle_sort", "Sort"),
        Binding("right_square_bracket,right", "status_tab(1)", "Next tab", show=False),
        Binding("left_square_bracket,left", "status_tab(-1)", "Previous tab", show=False),
    ]

    app: MediaTrackApp

    def __init__(self, friend: Person) -> None:
        super().__init__()
        self.friend = friend
        self.friend_name = inert(friend.name, limit=NAME_LIMIT)  # as they wrote it: shown inert
        self.kind = Kind.TV
        self.by_kind: dict[Kind, list[LibraryEntry]] = {}
        self.counts: dict[Kind, int] = {}
        self.view = LibraryView()
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield KindTabs(id="kind-tabs")
        yield StatusTabs(KINDS[self.kind].statuses, id="status-tabs")
        with Vertical(id="list"):
            yield Input(placeholder="Filter by title, author or artist", id="filter")
            yield Label(id="summary", markup=False)
            yield LibraryTable(self.kind, id="table")
            yield Static(id="empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.show_sync(self.app.sync_line)
        self.app.sync_changed.subscribe(self, self.show_sync)
        self.query_one(KindTabs).show(self.kind, self.counts)
        self.table.focus()
        self.table.loading = True
        self.load_library()

    def show_sync(self, line: SyncLine) -> None:
        self.sub_title = line.with_label(f"{self.friend_name}'s library (read-only)")

    @property
    def table(self) -> LibraryTable:
        return self.query_one(LibraryTable)

    # --- loading --------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_library(self) -> None:
        entries = self.app.services.friends.library(self.friend.email).all_entries()
        self.app.call_from_thread(self._show_loaded, entries)

    async def _show_loaded(self, entries: list[LibraryEntry]) -> None:
        self.by_kind = {kind: [] for kind in Kind}
        for entry in entries:
            self.by_kind[entry.kind].append(entry)
        self.counts = {kind: len(items) for kind, items in self.by_kind.items()}
        self.loaded = True
        self.table.loading = False
        if not self.by_kind[self.kind]:  # open on a kind they have, shows first
            self.kind = next((kind for kind in Kind if self.by_kind[kind]), self.kind)
        await self._show_kind(self.kind)

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        self.table.loading = False
        return False  # the app notifies it

    # --- browsing --------------------------------------------------------------------

    async def action_show_kind(self, key: str) -> None:
        if self.loaded:
            await self._show_kind(KIND_KEYS[key])

    async def _show_kind(self, kind: Kind) -> None:
        """Swap the table and status tabs for another kind's (their columns differ)."""
        if kind is not self.table.kind:
            self.view.status = None
            await self.query_one(StatusTabs).remove()
            await self.table.remove()
            await self.mount(
                StatusTabs(KINDS[kind].statuses, id="status-tabs"), after=self.query_one(KindTabs)
            )
            await self.query_one("#list").mount(LibraryTable(kind, id="table"), after="#summary")
        self.kind = kind
        self.query_one(KindTabs).show(kind, self.counts)
        self.view.load(self.by_kind.get(kind, []))
        self._show_rows(focus=True)

    def _show_rows(self, focus: bool = False) -> None:
        self.view.refresh()
        self.query_one(StatusTabs).set_counts(self.view.counts(), len(self.view))
        table = self.table
        current = table.current
        table.show(self.view.visible, self.view.order, current.key if current else None)
        if focus and not self.query_one("#filter", Input).has_focus:
            table.focus()
        info = KINDS[self.kind]
        shown = counted(len(self.view), info.noun)
        if len(self.view.visible) != len(self.view):
            shown = f"{len(self.view.visible)} of {shown}"
        order = f"sorted by {self.view.order.label} ({self.view.order.direction})"
        self.query_one("#summary", Label).update(f"{shown} · {order} · read-only")
        empty = self.query_one("#empty", Static)
        message = ""
        if self.loaded and not len(self.view):
            message = f"{self.friend_name} has no {info.label.lower()} yet."
        elif self.loaded and not self.view.visible:
            message = no_match_text(self.view, f"{info.noun}s")
        empty.update(message)
        empty.display = bool(message)
        table.set_class(bool(message), "-empty")

    @on(StatusTabs.Changed)
    def _status_tab_changed(self, event: StatusTabs.Changed) -> None:
        self.view.status = event.status
        if self.loaded:
            self._show_rows()

    def action_status_tab(self, step: int) -> None:
        self.query_one(StatusTabs).move(step)

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("shown")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.view.text = event.value
        self._show_rows()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    def action_cycle_sort(self) -> None:
        self.view.set_order(self.view.order.next())
        self._show_rows()

    def action_back(self) -> None:
        """Clear the filter first, if one is open; else back to the friends."""
        box = self.query_one("#filter", Input)
        if box.has_class("shown"):
            box.value = ""
            box.remove_class("shown")
            self.table.focus()
            return
        self.dismiss()

    def palette_commands(self) -> Iterable[SystemCommand]:
        for key, kind in KIND_KEYS.items():
            label = KINDS[kind].label
            yield SystemCommand(
                f"Their {label.lower()}",
                f"{self.friend_name}'s {label.lower()} ({key})",
                lambda key=key: self.action_show_kind(key),
            )
        yield SystemCommand("Filter", "Narrow the list by text (/)", self.action_filter)
        yield SystemCommand("Sort", "Cycle the sort order (o)", self.action_cycle_sort)
        yield SystemCommand(
            "Next status tab", "Show the next status (])", lambda: self.action_status_tab(1)
        )
        yield SystemCommand("Back to friends", "Leave this library (escape)", self.action_back)
