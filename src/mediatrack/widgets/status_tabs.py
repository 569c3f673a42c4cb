"""One line of status tabs with counts: ``All 12  Watching 3  Completed 7 ...``.

A single widget that renders text, rather than one widget per tab: it costs
next to nothing at start-up, and the screen drives it from the keyboard.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import events
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from mediatrack.display.entries import status_label

ALL = "all"


class StatusTabs(Widget):
    """``All`` then each status of a kind; ``active`` is ``all`` or a status."""

    DEFAULT_CSS = """
    StatusTabs {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    """

    active: reactive[str] = reactive(ALL)

    class Changed(Message):
        """The active tab changed; ``status`` is None for All."""

        def __init__(self, status: str | None) -> None:
            super().__init__()
            self.status = status

    def __init__(self, statuses: tuple[str, ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tabs = (ALL, *statuses)
        self.counts: dict[str, int] = {}

    def labels(self) -> list[str]:
        """Each tab's text, as shown: ``Watching 3``."""
        return [self._label(tab) for tab in self.tabs]

    def _label(self, tab: str) -> str:
        name = "All" if tab == ALL else status_label(tab)
        count = self.counts.get(tab)
        return name if count is None else f"{name} {count}"

    def set_counts(self, counts: Mapping[str, int], total: int) -> None:
        self.counts = {ALL: total, **{tab: counts.get(tab, 0) for tab in self.tabs[1:]}}
        self.refresh()

    def move(self, step: int) -> None:
        index = (self.tabs.index(self.active) + step) % len(self.tabs)
        self.active = self.tabs[index]

    def watch_active(self, active: str) -> None:
        self.post_message(self.Changed(None if active == ALL else active))

    def render(self) -> Content:
        parts: list[Content | str] = []
        for tab in self.tabs:
            text = f" {self._label(tab)} "
            parts.append(Content.styled(text, "bold reverse" if tab == self.active else ""))
            parts.append(" ")
        return Content.assemble(*parts)

    def on_click(self, event: events.Click) -> None:
        x = event.x - 1  # left padding
        for tab in self.tabs:
            width = len(self._label(tab)) + 3
            if 0 <= x < width:
                self.active = tab
                return
            x -= width
