"""Browsing one kind of a library: status tabs, the ``/`` filter, sort, summary, table, detail.

Your own library and a friend's are the same widget; ``friend`` names whose
library it is and makes it read-only: the summary says so, the empty library
says whose it is, and there is no detail pane (it speaks of *your* status).
The widget reads nothing itself: its screen loads the entries and, for the
detail pane, the full record when the widget asks (``Rested``), so every read
stays in the screen's workers. Keys stay on the screens (the Footer lists them
in the screen's order); the screens call ``open_filter``, ``cycle_sort`` and
``move_tab``. Only the screen of your own library has keys that write.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from mediatrack.collector import freeze_survivors
from mediatrack.display.entries import counted
from mediatrack.display.text import inert
from mediatrack.kinds import KINDS, Kind
from mediatrack.records import EntryDetail, EntryKey, FirstPage, LibraryEntry
from mediatrack.widgets.after_first_frame import AfterFirstFrame
from mediatrack.widgets.detail_pane import MIN_SCREEN_WIDTH, DetailPane
from mediatrack.widgets.library_table import LibraryTable
from mediatrack.widgets.library_view import LibraryView, Prepared, no_match_text
from mediatrack.widgets.status_tabs import ALL, StatusTabs

if TYPE_CHECKING:
    from mediatrack.services.identity import KeptLibrary

LOADING_DELAY = 1.0  # seconds before a slow first load shows a spinner (the summary says Loading…)
DETAIL_DELAY = 0.1  # seconds the cursor rests before the screen reads the full record
REPEAT_GAP = 0.06  # seconds: cursor moves closer than this come from a key held down
FILTER_PLACEHOLDER = "Filter by title, original title, author or artist"
LOADING_TEXT = "Loading…"


def nothing_yet_text(kind: Kind, friend: str | None = None, kept: KeptLibrary | None = None) -> str:
    """An empty library: whose it is (a friend's), whose is hidden (signed out), or how to add."""
    info = KINDS[kind]
    if friend is not None:
        return f"{friend} has no {info.label.lower()} yet."
    if kept is not None:
        items = counted(kept.items, "item")
        return (
            f"You are signed out: {kept.name}'s library ({kept.email}, {items}) is kept "
            "on this machine; log in (ctrl+p → Log in) to see it."
        )
    return (
        f"No {info.noun}s yet. Press a to search {info.catalog}, "
        f'or run: mediatrack add {kind.value} --title "Title"'
    )


def summary_text(view: LibraryView, kind: Kind, read_only: bool, total: int | None = None) -> str:
    """``2 of 5 shows · sorted by title (A-Z) · o to change`` (``· read-only`` for a friend's).

    ``total``: the library's size while only its first rows are loaded.
    """
    info = KINDS[kind]
    shown = counted(len(view) if total is None else total, info.noun)
    if len(view.visible) != len(view):
        shown = f"{len(view.visible)} of {len(view) if total is None else total} {info.noun}s"
    order = f"sorted by {view.order.label} ({view.order.direction})"
    return f"{shown} · {order} · {'read-only' if read_only else 'o to change'}"


class FilterBox(Input):
    """The ``/`` filter: a keystroke repaints the box, it does not lay the screen out again.

    ``Input`` sets its virtual size on every change of its value, which asks for a
    layout pass even when the size is the one it had; this box's size is fixed (its
    height in the CSS, its width the list's), so the size is set quietly first.
    """

    def __init__(self, on_change: Callable[[str], None], **kwargs: Any) -> None:
        """``on_change``: called with each new value before the frame that shows it, so the
        rows follow the box in the same frame (``Input.Changed`` arrives a frame later)."""
        self._on_change = on_change
        super().__init__(**kwargs)

    def _watch_value(self, value: str) -> None:
        self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)
        self._on_change(value)


class LibraryBrowser(Widget):
    """The entries of one kind, browsed; ``friend`` set: someone else's, read-only."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")

    class Rested(Message):
        """The cursor rested on ``entry``: the screen may read its full record."""

        def __init__(self, browser: LibraryBrowser, entry: LibraryEntry) -> None:
            super().__init__()
            self.browser = browser
            self.entry = entry

        @property
        def control(self) -> LibraryBrowser:
            return self.browser

    def __init__(self, kind: Kind, *, friend: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = kind
        self.friend = friend  # whose library, shown inert; None: yours
        self.view = LibraryView()
        self.loaded = False
        self._kept: KeptLibrary | None = None  # signed out: whose library is kept, hidden
        self._empty_message = ""
        self._first_total: int | None = None  # only the first rows are loaded: of how many
        self._detail_timer: Timer | None = None
        self._moved_at = 0.0  # when the cursor last moved (monotonic seconds)
        self._pane_behind = False  # a held key moved the cursor past what the pane shows
        self._loading_timer: Timer | None = None

    @property
    def read_only(self) -> bool:
        return self.friend is not None

    # --- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusTabs(KINDS[self.kind].statuses, id="status-tabs")
        with Horizontal(id="body"):
            with Vertical(id="list"):
                # the filter box is mounted above the summary on first use
                yield Label(LOADING_TEXT, id="summary", markup=False)
                yield LibraryTable(self.kind, id="table", on_highlight=self._show_in_pane)
                yield Static(id="empty", markup=False)
            if not self.read_only:  # mounted just after the first frame: it must not delay it
                yield AfterFirstFrame(DetailPane(id="detail"))

    def on_mount(self) -> None:
        # A loading indicator only when loading is slow enough to notice.
        self._loading_timer = self.set_timer(LOADING_DELAY, self._show_loading)

    def on_unmount(self) -> None:
        gc.unfreeze()  # what this browser showed may go; the next load freezes what stays

    def _show_loading(self) -> None:
        if not self.loaded and self._first_total is None:
            self.table.loading = True

    def load_failed(self) -> None:
        """Reading the entries failed: no spinner, now or later (the app says why)."""
        if self._loading_timer is not None:
            self._loading_timer.stop()
        self.table.loading = False

    def on_resize(self) -> None:
        for pane in self.query(DetailPane):
            pane.display = self.app.size.width >= MIN_SCREEN_WIDTH

    @property
    def table(self) -> LibraryTable:
        return self.query_one(LibraryTable)

    @property
    def current(self) -> LibraryEntry | None:
        """The highlighted entry (None before the table is mounted or when it is empty)."""
        tables = self.query(LibraryTable)
        return tables.first().current if tables else None

    @property
    def filter_box(self) -> Input | None:
        return next(self.query("#filter").results(Input), None)

    # --- entries ------------------------------------------------------------------

    def show_first(self, page: FirstPage) -> None:
        """Draw the first rows while the rest is read; the tabs and summary count them all."""
        if self.loaded:
            return
        self._first_total = page.total
        self.view.load(page.entries)
        self.table.loading = False
        self.view.refresh()
        self.query_one(StatusTabs).set_counts(page.counts, page.total)
        self._show_rows()

    def show(
        self, entries: Iterable[LibraryEntry] | Prepared, kept: KeptLibrary | None = None
    ) -> None:
        """Show these entries (all of the kind, or prepared from them off the UI thread);
        ``kept``: signed out, whose library is hidden."""
        self._kept = None if self.read_only else kept
        self.view.load(entries)
        # The entries live as long as the screen: out of the collector's sweeps, or each
        # full sweep walks all of them (~50 ms at 10k items).
        freeze_survivors()
        self.loaded = True
        self._first_total = None
        self.table.loading = False
        self.refresh_rows()

    def put(self, entry: LibraryEntry) -> bool:
        """Show a changed entry; False if it is not (or no longer) in the library."""
        if entry.key not in self.view:
            return False
        self.view.put(entry)
        self.refresh_rows(keep=entry.key)
        current = self.current
        if current is not None:
            for pane in self.query(DetailPane):
                pane.show_entry(current)
            self.post_message(self.Rested(self, current))
        return True

    def add(self, entry: LibraryEntry) -> None:
        """A new entry, under the cursor: the filter and status tab open up if they hide it."""
        self.view.put(entry)
        if self.view.index_of(entry.key) is None:
            self.clear_filter()
            self.view.text, self.view.status = "", None
            self.query_one(StatusTabs).active = ALL

    def discard(self, key: EntryKey) -> None:
        self.view.discard(key)
        self.refresh_rows()

    def show_detail(self, detail: EntryDetail) -> None:
        """The full record read for ``Rested``, if the cursor is still on it."""
        current = self.current
        if current is not None and current.key == detail.entry.key:
            for pane in self.query(DetailPane):
                pane.show_detail(detail)

    def refresh_rows(self, keep: EntryKey | None = None) -> None:
        """Redraw the tabs' counts, the rows (the cursor stays on ``keep`` or its row), the rest."""
        self.view.refresh()
        self.query_one(StatusTabs).set_counts(self.view.counts(), len(self.view))
        self._show_rows(keep)

    def _show_rows(self, keep: EntryKey | None = None) -> None:
        table = self.table
        current = table.current
        keep = keep or (current.key if current else None)
        table.show(self.view.visible, self.view.order, keep, self.view.index_of(keep))
        self._update_summary()

    def _update_summary(self) -> None:
        view = self.view
        summary = summary_text(view, self.kind, self.read_only, self._first_total)
        self.query_one("#summary", Label).update(summary, layout=False)
        message = ""
        if self.loaded and not len(view):
            message = nothing_yet_text(self.kind, self.friend, self._kept)
        elif self.loaded and not view.visible:
            message = no_match_text(view, f"{KINDS[self.kind].noun}s")
        if message != self._empty_message:
            self._empty_message = message
            empty = self.query_one("#empty", Static)
            empty.update(inert(message))
            empty.display = bool(message)
            self.table.set_class(bool(message), "-empty")

    async def set_kind(self, kind: Kind) -> None:
        """Browse another kind (its columns and statuses differ); filter and order stay."""
        if kind is self.kind:
            return
        self.kind = kind
        # Until the caller shows the new kind's rows, nothing is drawn: a status tab
        # change arriving mid-swap must not draw the old kind's rows in the new columns.
        self.loaded = False
        self._first_total = None
        self.view.load([])
        self.view.status = None
        self._empty_message = ""
        await self.query_one(StatusTabs).remove()
        await self.table.remove()
        await self.mount(StatusTabs(KINDS[kind].statuses, id="status-tabs"), before="#body")
        table = LibraryTable(kind, id="table", on_highlight=self._show_in_pane)
        await self.query_one("#list").mount(table, after="#summary")

    # --- browsing -----------------------------------------------------------------

    @on(StatusTabs.Changed)
    def _status_tab_changed(self, event: StatusTabs.Changed) -> None:
        event.stop()
        self.view.status = event.status
        self.view.refresh()
        if self.loaded or self._first_total is not None:
            self._show_rows()

    def move_tab(self, step: int) -> None:
        self.query_one(StatusTabs).move(step)

    async def open_filter(self) -> None:
        box = self.filter_box
        if box is None:  # created on first use: one widget less before the first frame
            box = FilterBox(self._filter, placeholder=FILTER_PLACEHOLDER, id="filter")
            await self.query_one("#list").mount(box, before="#summary")
        box.add_class("shown")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter(event.value)  # nothing left to do: the box called it already

    def _filter(self, text: str) -> None:
        if text == self.view.text:
            return
        self.view.text = text
        self.view.refresh()
        self._show_rows()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    def clear_filter(self) -> bool:
        """Empty and hide the filter box, back to the table; False if none was shown."""
        box = self.filter_box
        shown = box is not None and box.has_class("shown")
        if box is not None:
            box.value = ""
            box.remove_class("shown")
        self.table.focus()
        return shown

    def cycle_sort(self) -> None:
        self.view.set_order(self.view.order.next())
        self._show_rows()

    def _show_in_pane(self, entry: LibraryEntry | None) -> None:
        """The row's summary, in the frame that moves the cursor; while a key is held down
        (moves closer than ``REPEAT_GAP``) the pane waits for the cursor to rest, so each
        repeat repaints the rows alone (the pane was a third of such a frame)."""
        now = time.monotonic()
        held = now - self._moved_at < REPEAT_GAP
        self._moved_at = now
        if held and entry is not None:
            self._pane_behind = True  # caught up in ``_rest``
            return
        self._pane_behind = False
        for pane in self.query(DetailPane):
            pane.show_entry(entry)

    @on(LibraryTable.Highlighted)
    def _highlighted(self, event: LibraryTable.Highlighted) -> None:
        """Ask for the full record once the cursor rests."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        entry = event.entry
        if entry is not None and not self.read_only:
            self._detail_timer = self.set_timer(DETAIL_DELAY, lambda: self._rest(entry))

    def _rest(self, entry: LibraryEntry) -> None:
        """The cursor rests on ``entry``: the pane catches up if a held key left it behind,
        and the screen may read the full record."""
        if self._pane_behind:
            self._pane_behind = False
            for pane in self.query(DetailPane):
                pane.show_entry(entry)
        self.post_message(self.Rested(self, entry))
