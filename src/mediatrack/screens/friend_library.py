"""A friend's library, read-only: the same browser as yours, their status, progress and rating.

The whole library, and the notes they shared on it, is read once in a worker;
keys 1-4 (or the kind row) switch kinds; status tabs, filter, sort and the
empty sentences are the ``LibraryBrowser`` of your own screens, in its
read-only mode; under the table, their note on the highlighted item. Nothing here
changes their library (the server would refuse it anyway); ``a`` puts the
highlighted item into yours.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker

from mediatrack.display.history import friend_note_line
from mediatrack.display.stats import added_text
from mediatrack.display.sync import SyncLine
from mediatrack.display.text import NAME_LIMIT, inert
from mediatrack.kinds import KINDS, Kind
from mediatrack.screens.common import ScreenCommands, WorkerErrors
from mediatrack.widgets.library_browser import LibraryBrowser
from mediatrack.widgets.library_table import LibraryTable

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp
    from mediatrack.records import EntryKey, FriendNote, LibraryEntry
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

    async def on_click(self, event: events.Click) -> None:
        x = event.x - 1  # left padding
        counts = self.screen.counts if isinstance(self.screen, FriendLibraryScreen) else {}
        for key, kind in KIND_KEYS.items():
            width = len(f" {key} {KINDS[kind].label} {counts.get(kind, 0)} ") + 1
            if 0 <= x < width:
                await self.screen.run_action(f"show_kind('{key}')")
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
        Binding("a", "add_to_mine", "Add to mine"),
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
        self.notes: dict[EntryKey, FriendNote] = {}  # what they shared, by item

    def compose(self) -> ComposeResult:
        yield Header()
        yield KindTabs(id="kind-tabs")
        yield LibraryBrowser(self.kind, friend=self.friend_name, id="browser")
        yield Static(id="friend-note", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.show_sync(self.app.sync_line)
        self.app.sync_changed.subscribe(self, self.show_sync)
        self.query_one(KindTabs).show(self.kind, self.counts)
        self.table.focus()
        self.load_library()

    def show_sync(self, line: SyncLine) -> None:
        self.sub_title = line.with_label(f"{self.friend_name}'s library (read-only)")

    @property
    def browser(self) -> LibraryBrowser:
        return self.query_one(LibraryBrowser)

    @property
    def table(self) -> LibraryTable:
        return self.browser.table

    @property
    def loaded(self) -> bool:
        return self.browser.loaded

    # --- loading --------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_library(self) -> None:
        friends = self.app.services.friends
        entries = friends.library(self.friend.email).all_entries()
        notes = friends.shared_notes(self.friend.email)
        # mypy cannot solve call_from_thread's ``T | Awaitable[T]`` for a coroutine function
        self.app.call_from_thread(self._show_loaded, entries, notes)  # type: ignore[arg-type]

    async def _show_loaded(
        self, entries: list[LibraryEntry], notes: dict[EntryKey, FriendNote]
    ) -> None:
        self.notes = notes
        # the line is there only for a friend who shared notes: the table keeps its height
        self.query_one("#friend-note").display = bool(notes)
        self.by_kind = {kind: [] for kind in Kind}
        for entry in entries:
            self.by_kind[entry.kind].append(entry)
        self.counts = {kind: len(items) for kind, items in self.by_kind.items()}
        if not self.by_kind[self.kind]:  # open on a kind they have, shows first
            self.kind = next((kind for kind in Kind if self.by_kind[kind]), self.kind)
        await self._show_kind(self.kind)

    @on(LibraryTable.Highlighted)
    def _show_note(self, event: LibraryTable.Highlighted) -> None:
        """Their note on the highlighted item, if they shared one (read with the library)."""
        note = self.notes.get(event.entry.key) if event.entry is not None else None
        self.query_one("#friend-note", Static).update(friend_note_line(note) if note else "")

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        self.browser.load_failed()
        return False  # the app notifies it

    # --- browsing --------------------------------------------------------------------

    async def action_show_kind(self, key: str) -> None:
        if self.loaded:
            await self._show_kind(KIND_KEYS[key])

    async def _show_kind(self, kind: Kind) -> None:
        """Browse another kind of theirs; the filter and the sort order stay."""
        browser = self.browser
        await browser.set_kind(kind)
        self.kind = kind
        self.query_one(KindTabs).show(kind, self.counts)
        browser.show(self.by_kind.get(kind, []))
        box = browser.filter_box
        if box is None or not box.has_focus:
            browser.table.focus()

    def action_add_to_mine(self) -> None:
        """Put the highlighted item into your own library (as planned), unless it is there."""
        entry = self.browser.current
        if entry is not None:
            self.add_to_mine(entry)

    @work(thread=True, group="write", exit_on_error=False)
    def add_to_mine(self, entry: LibraryEntry) -> None:
        from mediatrack.services.library import AlreadyInLibrary

        try:
            added = self.app.services.friends.add_to_my_library(entry.key)
        except AlreadyInLibrary as error:
            self.app.call_from_thread(self.notify, str(error))
            return
        self.app.call_from_thread(self.app.library_changed.publish, None)
        self.app.call_from_thread(self.notify, added_text(added.title, added.kind, added.status))
        self.app.call_from_thread(self.app.request_sync)

    def action_status_tab(self, step: int) -> None:
        self.browser.move_tab(step)

    async def action_filter(self) -> None:
        await self.browser.open_filter()

    def action_cycle_sort(self) -> None:
        self.browser.cycle_sort()

    def action_back(self) -> None:
        """Clear the filter first, if one is open; else back to the friends."""
        if not self.browser.clear_filter():
            self.dismiss()

    def palette_commands(self) -> Iterable[SystemCommand]:
        for key, kind in KIND_KEYS.items():
            label = KINDS[kind].label
            yield SystemCommand(
                f"Their {label.lower()}",
                f"{self.friend_name}'s {label.lower()} ({key})",
                lambda key=key: self.action_show_kind(key),
            )
        yield SystemCommand(
            "Add to my library", "Put the highlighted item into yours (a)", self.action_add_to_mine
        )
        yield SystemCommand("Filter", "Narrow the list by text (/)", self.action_filter)
        yield SystemCommand("Sort", "Cycle the sort order (o)", self.action_cycle_sort)
        yield SystemCommand(
            "Next status tab", "Show the next status (])", lambda: self.action_status_tab(1)
        )
        yield SystemCommand("Back to friends", "Leave this library (escape)", self.action_back)
