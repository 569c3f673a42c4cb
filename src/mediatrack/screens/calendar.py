"""Calendar (key 7): what airs in the next 7, 30 or 90 days, by day; new podcast episodes.

Everything shown is what refresh stored: opening the calendar needs no
network. Once the rows are up, a worker refreshes (through the catalog
service and its limiter) the shows whose stored next air date has passed, at
most once a day each; a refresh never changes what the user recorded, and
the screens read the library again when it brought anything.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.lazy import Lazy
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from mediatrack.agenda import CALENDAR_RANGES as RANGES
from mediatrack.agenda import Calendar
from mediatrack.display.agenda import (
    airing_cells,
    day_heading,
    new_episodes_cells,
    nothing_airing,
    range_text,
)
from mediatrack.display.sync import SyncLine
from mediatrack.records import EntryKey
from mediatrack.screens.common import (
    ReadsAgainWhenChanged,
    ScreenCommands,
    WorkerErrors,
    open_detail,
)
from mediatrack.screens.up_next import agenda_for
from mediatrack.widgets.footer import ModeFooter
from mediatrack.widgets.lists import KeyList

if TYPE_CHECKING:
    from mediatrack.app import MediaTrackApp

log = logging.getLogger(__name__)


def calendar_options(calendar: Calendar) -> list[Option]:
    """Day headings (disabled) and their episodes; then the podcasts with new episodes."""
    options: list[Option] = []
    for day in calendar.days:
        options.append(
            Option(Content.styled(day_heading(day.day, calendar.first), "bold"), disabled=True)
        )
        for n, row in enumerate(day.episodes):
            title, episode, marks = airing_cells(row)
            prompt = Content.assemble(
                "  ",
                Content.styled(title, "bold"),
                "  ",
                episode,
                Content.styled(f"  {marks}", "$text-accent") if marks else "",
            )
            options.append(Option(prompt, id=f"{row.key}:{day.day}:{n}"))
    if calendar.podcasts:
        options.append(Option(Content.styled("New podcast episodes", "bold"), disabled=True))
        for podcast in calendar.podcasts:
            title, new, latest = new_episodes_cells(podcast)
            prompt = Content.assemble(
                "  ", Content.styled(title, "bold"), "  ", new, Content.styled(f"  {latest}", "dim")
            )
            options.append(Option(prompt, id=f"{podcast.key}:new"))
    return options


class CalendarList(KeyList):
    BINDINGS = [Binding("enter", "select", "Details")]


class CalendarScreen(ReadsAgainWhenChanged, WorkerErrors, Screen[None]):
    """Episodes airing soon, by day, from what is stored."""

    CSS_PATH = "calendar.tcss"
    COMMANDS = {ScreenCommands}
    AUTO_FOCUS = "#calendar"
    BINDINGS = [
        Binding("d", "cycle_range", "7/30/90 days"),
        Binding("enter", "open_item", "Details", show=False),
    ]

    app: MediaTrackApp

    def __init__(self) -> None:
        super().__init__()
        self.days = RANGES[0]
        self.calendar: Calendar | None = None
        self.loaded = False
        self._stale = False
        self._refresh_started = False
        self._tried: set[EntryKey] = set()  # shows a background refresh fetched or tried

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(range_text(self.days), id="calendar-range", markup=False)
        yield CalendarList(id="calendar")
        yield Static("", id="calendar-empty", markup=False)
        yield Lazy(ModeFooter())  # after the first frame, as the library screens

    def on_mount(self) -> None:
        self.title = "mediatrack"
        self.show_sync(self.app.sync_line)
        self.app.sync_changed.subscribe(self, self.show_sync)
        self.app.library_changed.subscribe(self, self._library_changed)
        self.query_one("#calendar-empty").display = False
        listing = self.query_one(CalendarList)
        listing.loading = True
        listing.focus()
        self.load()  # at once, in a thread: the screen's first paint is drawn meanwhile

    def show_sync(self, line: SyncLine) -> None:
        self.sub_title = line.with_label("Calendar")

    # --- loading ------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        calendar = agenda_for(self.app).calendar(self.days)
        self.app.call_from_thread(self._show, calendar)

    def _show(self, calendar: Calendar) -> None:
        self.calendar, self.loaded = calendar, True
        listing = self.query_one(CalendarList)
        highlighted = listing.highlighted
        listing.loading = False
        listing.focus()
        listing.set_options(calendar_options(calendar))
        if listing.option_count:
            listing.highlighted = highlighted if highlighted is not None else 0
            if (
                listing.highlighted is None
                or listing.get_option_at_index(listing.highlighted).disabled
            ):
                listing.action_cursor_down()
        self.query_one("#calendar-range", Static).update(range_text(calendar.span))
        empty = self.query_one("#calendar-empty", Static)
        empty.update(nothing_airing(calendar.span))
        empty.display = not calendar.days
        listing.display = bool(calendar.days)  # an empty list would push the sentence off-screen
        self.refresh_bindings()  # the footer's Details follows the list's focus
        if not self._refresh_started:
            self._refresh_started = True
            self.refresh_in_background()

    def worker_failed(self, worker: Worker, sentence: str) -> bool:
        if worker.group == "load":
            self.query_one(CalendarList).loading = False
        return worker.group == "refresh"  # in the background: a log line, no notification

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_in_background(self) -> None:
        """Fetch again the shows whose next air date has passed (not more than once a day)."""
        report = agenda_for(self.app).refresh_due(skip=self._tried)
        for entry, reason in report.failed:
            log.info("calendar refresh of %s failed: %s", entry.key, reason)
        if report.refreshed:
            self.app.call_from_thread(self.app.library_changed.publish, None)

    # --- keys ---------------------------------------------------------------------

    def action_cycle_range(self) -> None:
        self.days = RANGES[(RANGES.index(self.days) + 1) % len(RANGES)]
        self.query_one("#calendar-range", Static).update(range_text(self.days))
        self.query_one(CalendarList).highlighted = None
        self.load()

    @on(OptionList.OptionSelected, "#calendar")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open_item()

    def action_open_item(self) -> None:
        listing = self.query_one(CalendarList)
        if listing.highlighted is None:
            return
        option = listing.get_option_at_index(listing.highlighted)
        if option.id:
            self.open_item(EntryKey.parse(":".join(option.id.split(":")[:2])))

    @work(thread=True, group="open", exit_on_error=False)
    def open_item(self, key: EntryKey) -> None:
        entry = self.app.services.library.entry(key)
        self.app.call_from_thread(open_detail, self.app, entry)

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Calendar range", "Show the next 7, 30 or 90 days (d)", self.action_cycle_range
        )
        yield SystemCommand(
            "Open details", "The highlighted show or podcast (enter)", self.action_open_item
        )
